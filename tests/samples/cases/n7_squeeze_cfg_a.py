# Squeeze 6 correlated signals through 2 tanh units and back (a small autoencoder).
import numpy as np

cfg = {"rate": 0.1, "epochs": 400, "code": 2, "seed": 6}

gen = np.random.default_rng(cfg["seed"])
latent = gen.normal(size=(200, 2))
mix = gen.normal(size=(2, 6))
signals = np.tanh(latent @ mix * 0.5) + 0.02 * gen.normal(size=(200, 6))


def init(n_in, n_code):
    return [gen.normal(0, 1 / np.sqrt(n_in), (n_in, n_code)), np.zeros(n_code),
            gen.normal(0, 1 / np.sqrt(n_code), (n_code, n_in)), np.zeros(n_in)]


def run(params, data):
    enc, enc_b, dec, dec_b = params
    code = np.tanh(data @ enc + enc_b)
    return code, code @ dec + dec_b


def train(params, data, settings):
    step = settings.get("learning_rate", 1e-4)
    curve = []
    for ep in range(settings["epochs"]):
        code, recon = run(params, data)
        err = recon - data
        curve.append(np.mean(err ** 2))
        g_out = 2 * err / err.size
        g_dec = code.T @ g_out
        g_decb = g_out.sum(0)
        g_code = (g_out @ params[2].T) * (1 - code ** 2)
        g_enc = data.T @ g_code
        g_encb = g_code.sum(0)
        for p, g in zip(params, [g_enc, g_encb, g_dec, g_decb]):
            p -= step * g * data.shape[1]
    return curve


params = init(6, cfg["code"])
curve = train(params, signals, cfg)
for ep in range(0, cfg["epochs"], 80):
    print("epoch", ep, "recon", curve[ep])
print(f"first_loss={curve[0]:.5f}")
print(f"final_loss={curve[-1]:.5f}")
