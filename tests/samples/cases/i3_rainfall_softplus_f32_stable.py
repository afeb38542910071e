# Daily rainfall (0.1 mm units, never negative) from humidity and pressure anomalies; a 2-12-1 network in float32 with a
# softplus hidden layer and a softplus output, Adam-style updates, parameters in a dict.
# Run: python i3_rainfall_softplus_f32_stable.py
import numpy as np

gen = np.random.default_rng(31)
days = 300
humid = gen.normal(0, 1, days)
press = gen.normal(0, 1, days)
rain = (np.log1p(np.exp(2.5 * humid - 1.5 * press)) * 40).astype(np.float32)
feats = np.column_stack([humid, press]).astype(np.float32)


def softplus(z):
    return np.logaddexp(np.float32(0), z)


prm = {"U": (gen.normal(0, 0.7, (2, 12))).astype(np.float32), "u": np.zeros(12, np.float32),
       "V": (gen.normal(0, 0.3, (12, 1))).astype(np.float32), "v": np.zeros(1, np.float32)}
m1 = {k: np.zeros_like(a) for k, a in prm.items()}
m2 = {k: np.zeros_like(a) for k, a in prm.items()}
for t in range(1, 401):
    pre = feats @ prm["U"] + prm["u"]
    hid = softplus(pre)
    z_out = hid @ prm["V"] + prm["v"]
    guess = softplus(z_out)[:, 0]
    d_guess = 2 * (guess - rain) / days
    d_z = (d_guess / (1 + np.exp(-z_out[:, 0])))[:, None]
    d_hid = d_z @ prm["V"].T
    d_pre = d_hid / (1 + np.exp(-pre))
    grads = {"V": hid.T @ d_z, "v": d_z.sum(axis=0), "U": feats.T @ d_pre, "u": d_pre.sum(axis=0)}
    for k in prm:
        m1[k] = 0.9 * m1[k] + 0.1 * grads[k]
        m2[k] = 0.999 * m2[k] + 0.001 * grads[k] ** 2
        prm[k] -= 0.05 * (m1[k] / (1 - 0.9 ** t)) / (np.sqrt(m2[k] / (1 - 0.999 ** t)) + 1e-8)
    if t % 50 == 0:
        print(f"step {t:3d}  mse {np.mean((guess - rain) ** 2):.4f}")
