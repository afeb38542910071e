# Tanh autoencoder that compresses eight-channel vibration spectra into a three-unit code.
# Minibatch gradient descent; a sweep over the data is repeated until the relative
# improvement of the full-data reconstruction error falls below a tolerance.
import numpy as np


class Autoencoder:
    def __init__(self, n_in, n_code, rng):
        self.W1 = rng.normal(0.0, 0.3, size=(n_in, n_code))
        self.b1 = np.zeros(n_code)
        self.W2 = rng.normal(0.0, 0.3, size=(n_code, n_in))
        self.b2 = np.zeros(n_in)

    def forward(self, X):
        H = np.tanh(X @ self.W1 + self.b1)
        return H, H @ self.W2 + self.b2

    def reconstruction_error(self, X):
        _, R = self.forward(X)
        return 0.5 * np.mean(np.sum((R - X) ** 2, axis=1))

    def gradients(self, X):
        H, R = self.forward(X)
        dR = (R - X) / X.shape[0]
        dH = (dR @ self.W2.T) * (1.0 - H ** 2)
        return X.T @ dH, dH.sum(axis=0), H.T @ dR, dR.sum(axis=0)

    def sgd_step(self, X, lr):
        gW1, gb1, gW2, gb2 = self.gradients(X)
        self.W1 -= lr * gW1
        self.b1 -= lr * gb1
        self.W2 -= lr * gW2
        self.b2 -= lr * gb2


def spectra(n, rng):
    modes = rng.normal(size=(3, 8))
    amplitudes = rng.normal(size=(n, 3)) * np.array([1.0, 0.7, 0.5])
    X = amplitudes @ modes + 0.05 * rng.normal(size=(n, 8))
    return X - X.mean(axis=0)


rng = np.random.default_rng(11)
X = spectra(600, rng)
net = Autoencoder(8, 3, rng)

lr, batch, rtol, max_sweeps = 0.01, 32, 1e-3, 80
errs = [net.reconstruction_error(X)]
print(f"sweep   0  loss {errs[0]:.6f}")
sweep, rel = 0, 1.0
while rel > rtol and sweep < max_sweeps:
    order = rng.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch):
        net.sgd_step(X[order[start:start + batch]], lr)
    sweep += 1
    errs.append(net.reconstruction_error(X))
    rel = (errs[-2] - errs[-1]) / errs[-2]
    if sweep % 8 == 0 or rel <= rtol:
        print(f"sweep {sweep:3d}  loss {errs[-1]:.6f}  rel.impr {rel:.2e}")

print(f"stopped after {sweep} sweeps")
print(f"first_loss={errs[0]:.6f} final_loss={errs[-1]:.6f}")
