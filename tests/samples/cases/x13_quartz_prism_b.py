# deep autoencoder 10 -> 8 -> 6 -> 3 -> 6 -> 8 -> 10 on sensor vectors that
# really only have 3 underlying factors; layer objects + momentum SGD
import numpy as np

rng = np.random.default_rng(5)
n, d, k = 800, 10, 3
factors = rng.normal(size=(n, k))
mixing = rng.normal(size=(k, d)) / np.sqrt(k)
data = factors @ mixing + 0.05 * rng.normal(size=(n, d))
data = (data - data.mean(axis=0)) / data.std(axis=0)


def squash(z):
    return 1.0 / (1.0 + np.exp(-z))


def squash_grad(a):
    return a * (1.0 - a)


class Dense:
    def __init__(self, n_in, n_out, act=True):
        limit = np.sqrt(6.0 / (n_in + n_out))
        self.W = rng.uniform(-limit, limit, size=(n_in, n_out))
        self.b = np.zeros(n_out)
        self.act = act
        self.vW = np.zeros_like(self.W)
        self.vb = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b
        self.a = squash(z) if self.act else z
        return self.a

    def backward(self, grad):
        if self.act:
            grad = grad * squash_grad(self.a)
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def step(self, lr, mom):
        self.vW = mom * self.vW - lr * self.dW
        self.vb = mom * self.vb - lr * self.db
        self.W += self.vW
        self.b += self.vb


sizes = [10, 8, 6, 3, 6, 8, 10]
layers = [Dense(sizes[i], sizes[i + 1], act=(i < len(sizes) - 2)) for i in range(len(sizes) - 1)]


def reconstruct(x):
    for layer in layers:
        x = layer.forward(x)
    return x


def mse(x):
    return np.mean((reconstruct(x) - x) ** 2)


print(f"first_loss={mse(data):.4f}")
lr, mom, batch = 0.01, 0.9, 32
for epoch in range(60):
    perm = rng.permutation(n)
    for s in range(0, n, batch):
        xb = data[perm[s:s + batch]]
        out = reconstruct(xb)
        g = 2.0 * (out - xb) / xb.size
        for layer in reversed(layers):
            g = layer.backward(g)
        for layer in layers:
            layer.step(lr, mom)
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} recon mse {mse(data):.4f}")

final = mse(data)
r2 = 1.0 - final / np.mean(data ** 2)
print(f"final_loss={final:.4f}")
print(f"r2={r2:.3f}")
