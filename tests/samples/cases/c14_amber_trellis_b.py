# tiny autoencoder: squeeze 8 correlated measurements through 3 units and back
import numpy as np

rng = np.random.default_rng(5)
latent = rng.normal(size=(500, 3))
mix = rng.normal(size=(3, 8))
data = latent @ mix + 0.05 * rng.normal(size=(500, 8))
data = (data - data.mean(axis=0)) / data.std()


class AutoEncoder:
    def __init__(self, n_in, n_code, lr=0.02):
        self.enc = rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_code))
        self.enc_b = np.zeros(n_code)
        self.dec = rng.normal(scale=1 / np.sqrt(n_code), size=(n_code, n_in))
        self.dec_b = np.zeros(n_in)
        self.lr = lr

    def reconstruct(self, x):
        self.code = np.tanh(x @ self.enc + self.enc_b)
        return self.code @ self.dec + self.dec_b

    def loss(self, x):
        return np.mean(np.sum((self.reconstruct(x) - x) ** 2, axis=1))

    def gradients(self, x):
        diff = 2 * (self.reconstruct(x) - x) / len(x)
        d_code = (diff @ self.dec.T) * (1 - self.code ** 2)
        return {
            "dec": self.code.T @ diff,
            "dec_b": diff.sum(axis=0),
            "enc": x.T @ d_code,
            "enc_b": d_code.sum(axis=0),
        }

    def step(self, x):
        for name, g in self.gradients(x).items():
            p = getattr(self, name)
            p = p - self.lr * g


ae = AutoEncoder(8, 3)
print("first_loss=%.4f" % ae.loss(data))
for epoch in range(40):
    order = rng.permutation(len(data))
    for start in range(0, len(data), 25):
        ae.step(data[order[start:start + 25]])
    if epoch % 8 == 0:
        print("epoch %2d  recon %.4f" % (epoch, ae.loss(data)))
final = ae.loss(data)
print("final_loss=%.4f" % final)
print("r2=%.4f" % (1 - final / np.sum(data.var(axis=0))))
