import numpy as np


class MomentumSGD:
    def __init__(self, params, lr=0.01, momentum=0.9):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for p, v, g in zip(self.params, self.velocity, grads):
            v *= self.momentum
            v -= self.lr * g
            p += v


rng = np.random.default_rng(9)
n, d, h = 4096, 8, 32
X = rng.normal(size=(n, d))
y = np.tanh(X[:, :1] * 2) + 0.5 * X[:, 1:2] * X[:, 2:3] + 0.05 * rng.normal(size=(n, 1))

W1 = rng.normal(0, np.sqrt(1 / d), (d, h))
b1 = np.zeros(h)
W2 = rng.normal(0, np.sqrt(1 / h), (h, 1))
b2 = np.zeros(1)
opt = MomentumSGD([W1, b1, W2, b2], lr=0.01, momentum=0.9)


def full_loss():
    return float(np.mean((np.tanh(X @ W1 + b1) @ W2 + b2 - y) ** 2))


first_loss = full_loss()
batch_size = 256
for epoch in range(15):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        xb, yb = X[idx], y[idx]
        hid = np.tanh(xb @ W1 + b1)
        out = hid @ W2 + b2
        dout = 2 * (out - yb) / len(xb)
        dW2 = hid.T @ dout
        db2 = dout.sum(axis=0)
        dhid = dout @ W2.T * (1 - hid ** 2)
        dW1 = xb.T @ dhid
        db1 = dhid.sum(axis=0)
        opt.step([dW1, db1, dW2, db2])
    print("epoch", epoch, "loss", full_loss())

print(f"first_loss={first_loss}")
print(f"final_loss={full_loss()}")
