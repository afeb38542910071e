# Kite club: predict whether a kite stays up (1) or crashes (0) from wind speed,
# gust spread and line length (all standardised). Logistic regression, float32.
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LogReg:
    n_features: int
    lr: float = 0.8
    w: np.ndarray = field(init=False)
    b: np.float32 = field(init=False)

    def __post_init__(self):
        self.w = np.zeros(self.n_features, dtype=np.float32)
        self.b = np.float32(0.0)

    def predict_proba(self, X):
        z = X @ self.w + self.b
        return 1.0 / (1.0 + np.exp(-z))

    def loss(self, X, y):
        p = np.clip(self.predict_proba(X), 1e-6, 1 - 1e-6)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def step(self, X, y):
        err = self.predict_proba(X) - y
        self.w -= np.float32(self.lr) * (X.T @ err) / np.float32(len(y))
        self.b -= np.float32(self.lr) * err.mean()


def make_data(seed=12, n=400):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    centres = np.array([[-1.6, 0.9, -0.4], [1.6, -0.9, 0.4]])
    X = centres[y] + rng.normal(scale=0.6, size=(n, 3))
    return X.astype(np.float32), y.astype(np.float32)


def train(epochs=600):
    X, y = make_data()
    model = LogReg(n_features=X.shape[1])
    print(f"first_loss={model.loss(X, y):.5f}")
    for epoch in range(epochs):
        model.step(X, y)
        if epoch % 50 == 0:
            print(f"epoch {epoch:3d}  loss {model.loss(X, y):.5f}")
    acc = np.mean((model.predict_proba(X) > 0.5) == (y == 1))
    print(f"final_loss={model.loss(X, y):.5f}")
    print(f"accuracy={acc:.3f}")
    return model


if __name__ == "__main__":
    train()
