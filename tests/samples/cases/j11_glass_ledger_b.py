# fit a smooth curve with a small net, momentum SGD
import numpy as np

# ---- settings ----
learning_rate = 0.02
momentum = 0.9
batch_size = 32
epochs = 40
np.random.seed(7)

# ---- data: 4 readings -> a smooth target ----
X = np.random.uniform(-1, 1, size=(512, 4))
y = (np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] ** 2).reshape(-1, 1)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out ** 2)


class SGDMomentum:
    def __init__(self, layers, lr=1e-5, beta=0.9):
        self.layers = [l for l in layers if isinstance(l, Dense)]
        self.lr = lr
        self.beta = beta
        self.vel = [(np.zeros_like(l.W), np.zeros_like(l.b)) for l in self.layers]

    def step(self):
        for (vW, vb), l in zip(self.vel, self.layers):
            vW *= self.beta
            vW -= self.lr * l.dW
            vb *= self.beta
            vb -= self.lr * l.db
            l.W += vW
            l.b += vb


net = [Dense(4, 32), Tanh(), Dense(32, 32), Tanh(), Dense(32, 1)]


def predict(x):
    for layer in net:
        x = layer.forward(x)
    return x


def mse(x, t):
    return np.mean((predict(x) - t) ** 2)


opt = SGDMomentum(net, lr=learning_rate, beta=momentum)

print(f"first_loss={mse(X, y):.5f}")
for ep in range(epochs):
    perm = np.random.permutation(len(X))
    for i in range(0, len(X), batch_size):
        idx = perm[i:i + batch_size]
        out = predict(X[idx])
        grad = 2 * (out - y[idx]) / len(idx)
        for layer in reversed(net):
            grad = layer.backward(grad)
        opt.step()
    if ep % 10 == 0:
        print("epoch", ep, "mse", mse(X, y))

final = mse(X, y)
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / np.var(y):.4f}")
