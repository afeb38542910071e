# A small classifier object fitted in notebook style: machine "healthy"/"faulty" from two
# vibration readings. The output gradient is taken at the logit, where the cross-entropy
# and the sigmoid's derivative combine to prediction minus label.
# Run: python margin_classifier_class.py
import numpy as np


class VibrationClassifier:
    def __init__(self, n_features, seed=3):
        rng = np.random.default_rng(seed)
        self.weights = rng.normal(scale=0.01, size=n_features)
        self.bias = 0.0

    def forward(self, X):
        self.out = 1.0 / (1.0 + np.exp(-(X @ self.weights + self.bias)))
        return self.out

    def fit(self, X, y, lr, epochs):
        for epoch in range(epochs):
            a = self.forward(X)
            d_logit = a - y
            self.weights -= lr * X.T @ d_logit / len(y)
            self.bias -= lr * d_logit.mean()
        return self


rng = np.random.default_rng(11)
healthy = rng.normal(loc=[-4.0, -3.0], scale=0.4, size=(30, 2))
faulty = rng.normal(loc=[4.0, 3.5], scale=0.4, size=(30, 2))
X = np.vstack([healthy, faulty])
y = np.concatenate([np.zeros(30), np.ones(30)])

model = VibrationClassifier(2).fit(X, y, lr=1.5, epochs=400)
p = model.forward(X)
print("accuracy", np.mean((p > 0.5) == y))
print("closest to 1:", 1.0 - p.max())
