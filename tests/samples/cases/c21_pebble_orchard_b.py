# Delivery time regression with a few gross outliers, linear model trained on log-cosh loss
import numpy as np


class LogCoshRegressor:
    def __init__(self, lr=0.1, n_iter=400):
        self.lr = lr
        self.n_iter = n_iter
        self.history = []

    def loss(self, X, y):
        r = X @ self.w + self.b - y
        # log(cosh(r)) written so big r does not overflow
        return np.mean(np.logaddexp(r, -r) - np.log(2.0))

    def fit(self, X, y):
        n, d = X.shape
        self.w = np.zeros(d)
        self.b = 0.0
        for it in range(self.n_iter):
            self.history.append(self.loss(X, y))
            r = X @ self.w + self.b - y
            g = np.sinh(r)
            grad_w = X.T @ g / n
            grad_b = g.mean()
            self.w -= self.lr * grad_w
            self.b -= self.lr * grad_b
            if it % 80 == 0:
                print(f"iter {it:4d}  loss {self.history[-1]:.4f}")
        self.history.append(self.loss(X, y))
        return self

    def predict(self, X):
        return X @ self.w + self.b


rng = np.random.default_rng(5)
n = 500
dist_km = rng.uniform(0.5, 12, n)
stops = rng.integers(0, 6, n)
traffic = rng.uniform(0, 1, n)
minutes = 8 + 2.6 * dist_km + 3.5 * stops + 9 * traffic + rng.normal(0, 1.5, n)
# some orders were left waiting at the depot
late = rng.random(n) < 0.04
minutes[late] += rng.uniform(25, 60, late.sum())

X = np.column_stack([dist_km, stops, traffic])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = minutes

split = 400
model = LogCoshRegressor(lr=0.5, n_iter=400).fit(X[:split], y[:split])

pred = model.predict(X[split:])
y_te = y[split:]
ok = ~late[split:]
r2 = 1 - np.sum((pred[ok] - y_te[ok]) ** 2) / np.sum((y_te[ok] - y_te[ok].mean()) ** 2)

print(f"first_loss={model.history[0]:.6f}")
print(f"final_loss={model.history[-1]:.6f}")
print("coef", np.round(model.w, 3), "intercept", round(float(model.b), 3))
print(f"r2={r2:.4f}")
