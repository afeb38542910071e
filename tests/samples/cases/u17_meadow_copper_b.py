# Small tanh network fitting a noisy 1-D curve, layer objects with forward/backward, minibatch SGD
import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, np.sqrt(1.0 / n_in), (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1.0 - self.out)

    def step(self, lr):
        pass


def run(layers, x):
    for layer in layers:
        x = layer.forward(x)
    return x


def mse(pred, target):
    return np.mean((pred - target) ** 2)


rng = np.random.default_rng(3)
x_all = rng.uniform(-3, 3, size=(600, 1))
y_all = np.sin(1.5 * x_all) + 0.3 * x_all + rng.normal(0, 0.08, size=x_all.shape)
x_tr, y_tr = x_all[:480], y_all[:480]
x_va, y_va = x_all[480:], y_all[480:]

net = [Dense(1, 32, rng), Tanh(), Dense(32, 32, rng), Tanh(), Dense(32, 1, rng)]

lr = 0.1
batch = 32
first_loss = mse(run(net, x_tr), y_tr)
for epoch in range(150):
    idx = rng.permutation(len(x_tr))
    for start in range(0, len(x_tr), batch):
        sel = idx[start:start + batch]
        xb, yb = x_tr[sel], y_tr[sel]
        pred = run(net, xb)
        g = 2.0 * (pred - yb) / len(xb)
        for layer in reversed(net):
            g = layer.backward(g)
        for layer in net:
            layer.step(lr)
    if epoch % 30 == 0:
        print(f"epoch {epoch} train mse {mse(run(net, x_tr), y_tr):.4f}")

final_loss = mse(run(net, x_tr), y_tr)
pred_va = run(net, x_va)
r2 = 1.0 - np.sum((pred_va - y_va) ** 2) / np.sum((y_va - y_va.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
