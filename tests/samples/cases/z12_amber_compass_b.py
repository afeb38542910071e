# Denoising autoencoder 10 -> 3 -> 10 on readings that really live on 3 
"""Denoising autoencoder 10 -> 3 -> 10 on readings that really live on 3 hidden factors.
rows = samples, Adam, mini-batches taken in order."""
import numpy as np

rng = np.random.default_rng(2024)

n_rows, n_in, n_code = 400, 10, 3
factors = rng.normal(size=(n_rows, n_code))
mixing = rng.normal(size=(n_code, n_in)) / np.sqrt(n_code)
readings = np.tanh(factors @ mixing) + 0.02 * rng.normal(size=(n_rows, n_in))


def corrupt(batch, level=0.3):
    batch += rng.normal(scale=level, size=batch.shape)
    return batch


class DenoisingAE:
    def __init__(self, n_in, n_code, lr=0.01):
        self.params = {
            "W1": rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_code)),
            "b1": np.zeros(n_code),
            "W2": rng.normal(scale=1 / np.sqrt(n_code), size=(n_code, n_in)),
            "b2": np.zeros(n_in),
        }
        self.lr = lr
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def forward(self, x):
        p = self.params
        self.x = x
        self.h = np.tanh(x @ p["W1"] + p["b1"])
        return self.h @ p["W2"] + p["b2"]

    def loss(self, clean):
        return np.mean((self.forward(clean) - clean) ** 2)

    def backward(self, out, target):
        p = self.params
        d_out = 2 * (out - target) / out.size
        d_h = d_out @ p["W2"].T * (1 - self.h ** 2)
        return {
            "W2": self.h.T @ d_out, "b2": d_out.sum(axis=0),
            "W1": self.x.T @ d_h, "b1": d_h.sum(axis=0),
        }

    def adam_step(self, grads, b1=0.9, b2=0.999, eps=1e-8):
        self.t += 1
        for k in self.params:
            self.m[k] = b1 * self.m[k] + (1 - b1) * grads[k]
            self.v[k] = b2 * self.v[k] + (1 - b2) * grads[k] ** 2
            m_hat = self.m[k] / (1 - b1 ** self.t)
            v_hat = self.v[k] / (1 - b2 ** self.t)
            self.params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + eps)


ae = DenoisingAE(n_in, n_code, lr=0.005)
print(f"first_loss={ae.loss(readings):.5f}")

batch = 40
for epoch in range(80):
    for start in range(0, n_rows, batch):
        clean = readings[start:start + batch]
        noisy = corrupt(clean)
        out = ae.forward(noisy)
        ae.adam_step(ae.backward(out, clean))
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d}  reconstruction mse {ae.loss(readings):.5f}")

final = ae.loss(readings)
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / np.mean((readings - readings.mean(axis=0)) ** 2):.4f}")
