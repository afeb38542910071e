# Squeeze 10 correlated measurements through a 3-unit sigmoid code and rebuild them (an autoencoder).
# float32 everywhere, minibatches of 25, a small class to hold the weights.
import numpy as np

rng = np.random.default_rng(30)
basis = rng.normal(0, 1, (3, 10)).astype(np.float32)
hidden_src = rng.uniform(-1, 1, (500, 3)).astype(np.float32)
records = np.tanh(hidden_src @ basis).astype(np.float32)


class Squeezer:
    def __init__(self, width, code, spread):
        self.enc = (rng.normal(0, spread, (width, code))).astype(np.float32)
        self.enc_b = np.zeros(code, np.float32)
        self.dec = (rng.normal(0, spread, (code, width))).astype(np.float32)
        self.dec_b = np.zeros(width, np.float32)

    def code_of(self, batch):
        return 1.0 / (1.0 + np.exp(-(batch @ self.enc + self.enc_b)))

    def rebuild(self, batch):
        return self.code_of(batch) @ self.dec + self.dec_b

    def train_step(self, batch, rate):
        code = self.code_of(batch)
        out = code @ self.dec + self.dec_b
        g_out = 2.0 * (out - batch) / np.float32(batch.size)
        g_code = (g_out @ self.dec.T) * code * (1 - code)
        self.dec -= rate * code.T @ g_out
        self.dec_b -= rate * g_out.sum(axis=0)
        self.enc -= rate * batch.T @ g_code
        self.enc_b -= rate * g_code.sum(axis=0)


model = Squeezer(10, 3, 0.3)
rate = np.float32(2.0)
print(f"first_loss={float(np.mean((model.rebuild(records) - records) ** 2)):.5f}")
for epoch in range(40):
    for lo in range(0, 500, 25):
        model.train_step(records[lo:lo + 25], rate)
    if epoch % 10 == 9:
        print(f"epoch={epoch} mse={float(np.mean((model.rebuild(records) - records) ** 2)):.5f}")
err = float(np.mean((model.rebuild(records) - records) ** 2))
print(f"final_loss={err:.5f}")
print(f"explained={1 - err / float(np.var(records)):.3f}")
