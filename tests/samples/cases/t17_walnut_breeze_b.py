# Small tanh/sigmoid network predicting daily temperature from two weather signals
import numpy as np


class TinyRegressor:
    def __init__(self, n_in, n_hidden=12, lr=0.3, epochs=150, seed=0):
        r = np.random.default_rng(seed)
        self.W1 = r.normal(0, 0.5, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = r.normal(0, 0.5, (n_hidden, 1))
        self.b2 = np.zeros(1)
        self.lr = lr
        self.epochs = epochs
        self.rng = r
        self.losses = []

    def _forward(self, X):
        h = np.tanh(X @ self.W1 + self.b1)
        out = 1.0 / (1.0 + np.exp(-(h @ self.W2 + self.b2)))
        return h, out

    def predict(self, X):
        return self._forward(X)[1].ravel()

    def fit(self, X, y):
        y = y.reshape(-1, 1)
        for epoch in range(self.epochs):
            order = self.rng.permutation(len(X))
            for idx in np.array_split(order, 15):
                xb, yb = X[idx], y[idx]
                h, out = self._forward(xb)
                d_out = 2 * (out - yb) / len(xb) * out * (1 - out)
                d_h = (d_out @ self.W2.T) * (1 - h ** 2)
                self.W2 -= self.lr * h.T @ d_out
                self.b2 -= self.lr * d_out.sum(axis=0)
                self.W1 -= self.lr * xb.T @ d_h
                self.b1 -= self.lr * d_h.sum(axis=0)
            self.losses.append(np.mean((self.predict(X) - y.ravel()) ** 2))
        return self


rng = np.random.default_rng(5)
n = 450
pressure = rng.normal(0, 1, n)
humidity = rng.normal(0, 1, n)
temp_c = 18 + 6 * np.tanh(pressure) - 3 * humidity * np.abs(humidity) / 2 + rng.normal(0, 0.8, n)

X = np.column_stack([pressure, humidity])
y = temp_c

model = TinyRegressor(n_in=2).fit(X, y)
pred = model.predict(X)
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"target range: {y.min():.2f} .. {y.max():.2f}")
print(f"first_loss={model.losses[0]:.6f}")
print(f"final_loss={model.losses[-1]:.6f}")
print(f"r2={r2:.4f}")
