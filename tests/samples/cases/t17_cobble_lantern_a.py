# Multiple linear regression on synthetic house data, full-batch gradient descent in a small class
import numpy as np


class LinearModel:
    def __init__(self, n_features, lr=0.05, epochs=300):
        self.w = np.zeros(n_features)
        self.b = 0.0
        self.lr = lr
        self.epochs = epochs
        self.history = []

    def predict(self, X):
        return X @ self.w + self.b

    def fit(self, X, y):
        for epoch in range(self.epochs):
            err = self.predict(X) - y
            self.history.append(np.mean(err ** 2))
            grad_w = X.T @ err
            grad_b = np.sum(err)
            self.w -= self.lr * grad_w
            self.b -= self.lr * grad_b
        return self


rng = np.random.default_rng(11)
n = 600
size = rng.normal(0, 1, n)
rooms = 0.6 * size + rng.normal(0, 0.8, n)
age = rng.normal(0, 1, n)
X = np.column_stack([size, rooms, age])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = 4.0 * X[:, 0] + 1.5 * X[:, 1] - 2.0 * X[:, 2] + 10.0 + rng.normal(0, 0.5, n)

model = LinearModel(n_features=3).fit(X, y)
pred = model.predict(X)
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)

print("weights:", np.round(model.w, 3), "bias:", round(float(model.b), 3))
print(f"first_loss={model.history[0]:.6f}")
print(f"final_loss={model.history[-1]:.6f}")
print(f"r2={r2:.4f}")
