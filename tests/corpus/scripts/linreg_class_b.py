import numpy as np


class LinearRegressor:
    def __init__(self, n_features, lr=1.1, n_iter=100):
        self.w = np.zeros(n_features)
        self.b = 0.0
        self.lr = lr
        self.n_iter = n_iter
        self.history = []

    def predict(self, X):
        return X @ self.w + self.b

    def loss(self, X, y):
        return np.mean((self.predict(X) - y) ** 2)

    def fit(self, X, y):
        n = len(y)
        for it in range(self.n_iter):
            err = self.predict(X) - y
            grad_w = (2 / n) * (X.T @ err)
            grad_b = (2 / n) * err.sum()
            self.w -= self.lr * grad_w
            self.b -= self.lr * grad_b
            self.history.append(self.loss(X, y))
        return self


rng = np.random.default_rng(42)
X = rng.normal(size=(500, 4))
X = (X - X.mean(0)) / X.std(0)
true_w = np.array([1.5, -2.0, 0.5, 3.0])
y = X @ true_w + 0.7 + rng.normal(scale=0.3, size=500)

model = LinearRegressor(n_features=4)
first_loss = model.loss(X, y)
model.fit(X, y)
print("last losses:", model.history[-3:])
print(f"first_loss={first_loss}")
print(f"final_loss={model.history[-1]}")
