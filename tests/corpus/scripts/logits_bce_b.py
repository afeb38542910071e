import numpy as np


class LogisticModel:
    def __init__(self, n_features, seed=1):
        rng = np.random.default_rng(seed)
        self.coef = rng.normal(0, 0.01, n_features)
        self.intercept = 0.0

    def forward(self, X):
        return X @ self.coef + self.intercept

    def bce(self, out, y):
        return -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))

    def train(self, X, y, lr=0.1, epochs=300):
        losses = []
        for epoch in range(epochs):
            out = self.forward(X)
            losses.append(self.bce(out, y))
            err = out - y
            self.coef -= lr * X.T @ err / len(y)
            self.intercept -= lr * err.mean()
        return losses


rng = np.random.default_rng(2)
X = rng.standard_normal((600, 5))
y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 4] > 0).astype(float)
model = LogisticModel(5)
losses = model.train(X, y)
prob = model.forward(X)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean((prob > 0.5) == (y == 1))}")
