# rent prediction with a small 2-hidden-layer tanh network
# inputs: floor area (sq ft), bedrooms, building age (years), distance to centre (km)
import numpy as np


class RentNet:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.W = []
        self.b = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            self.W.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))
            self.b.append(np.zeros(fan_out))

    def forward(self, X):
        self.acts = [X]
        a = X
        for i in range(len(self.W)):
            z = a @ self.W[i] + self.b[i]
            a = z if i == len(self.W) - 1 else np.tanh(z)
            self.acts.append(a)
        return a

    def backward(self, y_true):
        n = y_true.shape[0]
        delta = 2.0 * (self.acts[-1] - y_true) / n
        grads_W, grads_b = [], []
        for i in reversed(range(len(self.W))):
            grads_W.insert(0, self.acts[i].T @ delta)
            grads_b.insert(0, delta.sum(axis=0))
            if i > 0:
                delta = (delta @ self.W[i].T) * (1.0 - self.acts[i] ** 2)
        return grads_W, grads_b

    def step(self, grads_W, grads_b, lr):
        for i in range(len(self.W)):
            self.W[i] -= lr * grads_W[i]
            self.b[i] -= lr * grads_b[i]

    def mse(self, X, y):
        return float(np.mean((self.forward(X) - y) ** 2))


rng = np.random.default_rng(42)
n = 800
area = rng.uniform(400, 2600, n)
beds = rng.integers(1, 5, n).astype(float)
age = rng.uniform(0, 90, n)
dist = rng.uniform(0.5, 25, n)
# rent in $1000 / month
rent = 0.9 + 0.0009 * area + 0.15 * beds - 0.6 * np.log1p(dist) + 0.4 * np.exp(-age / 20) + rng.normal(0, 0.08, n)

X = np.column_stack([area, beds, age, dist])
y = rent.reshape(-1, 1)

net = RentNet([4, 24, 16, 1], seed=7)
lr = 0.03
batch = 32

print(f"first_loss={net.mse(X, y):.5f}")
for epoch in range(120):
    order = rng.permutation(n)
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        net.forward(X[idx])
        gW, gb = net.backward(y[idx])
        net.step(gW, gb, lr)
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}  mse {net.mse(X, y):.5f}")

final = net.mse(X, y)
r2 = 1.0 - final / np.var(y)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
