# Moons data through a Trainer class with fit(epochs) and a history dict.
import numpy as np

# two moons style data: is the reading from sensor group A (1) or B (0)?
rng = np.random.RandomState(11)
m = 300
angle = rng.uniform(0, np.pi, m)
upper = np.c_[np.cos(angle), np.sin(angle)]
lower = np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)]
X = np.vstack([upper, lower]) + rng.normal(0, 0.12, (2 * m, 2))
X = (X - X.mean(0)) / X.std(0)
y = np.r_[np.ones(m), np.zeros(m)].reshape(-1, 1)


class Trainer:
    def __init__(self, n_in, n_hidden, lr=0.5, seed=0):
        r = np.random.RandomState(seed)
        self.W1 = r.randn(n_in, n_hidden) * np.sqrt(1.0 / n_in)
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = r.randn(n_hidden, 1) * np.sqrt(1.0 / n_hidden)
        self.b2 = np.zeros((1, 1))
        self.lr = lr
        self.history = {"loss": [], "acc": []}

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.out = np.tanh(self.h @ self.W2 + self.b2)
        return self.out

    def loss(self, out, y):
        return -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))

    def backward(self, X, y):
        n = X.shape[0]
        d_out = (self.out - y) / n
        dW2 = self.h.T @ d_out
        db2 = d_out.sum(0, keepdims=True)
        dh = (d_out @ self.W2.T) * (1 - self.h ** 2)
        dW1 = X.T @ dh
        db1 = dh.sum(0, keepdims=True)
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * db2
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * db1

    def fit(self, X, y, epochs):
        for ep in range(epochs):
            out = self.forward(X)
            L = self.loss(out, y)
            self.history["loss"].append(L)
            self.history["acc"].append(np.mean((out > 0.5) == y))
            if ep == 0:
                print(f"first_loss={L:.4f}")
            self.backward(X, y)
            if ep % 200 == 0:
                print(f"epoch {ep}: loss {L:.4f} acc {self.history['acc'][-1]:.3f}")
        return self.history


model = Trainer(2, 16, lr=0.5, seed=4)
hist = model.fit(X, y, 1000)
out = model.forward(X)
print(f"final_loss={model.loss(out, y):.4f}")
print(f"accuracy={np.mean((out > 0.5) == y):.3f}")
