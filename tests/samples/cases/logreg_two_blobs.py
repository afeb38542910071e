# Logistic regression on two overlapping 2-D Gaussian blobs, trained with batch
# gradient descent on the binary cross-entropy. A small class-based implementation.
# Run: python logreg_two_blobs.py
import numpy as np


class LogisticRegression:
    def __init__(self, n_features, lr=0.1):
        self.weights = np.zeros(n_features)
        self.bias = 0.0
        self.lr = lr

    def sigmoid(self, z):
        return 1.0 / (1.0 + np.exp(-z))

    def forward(self, X):
        return self.sigmoid(X @ self.weights + self.bias)

    def loss(self, p, y):
        eps = 1e-12
        p = np.clip(p, eps, 1 - eps)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def fit(self, X, y, epochs=2000):
        n = X.shape[0]
        for epoch in range(epochs):
            p = self.forward(X)
            # gradient of the mean BCE wrt the logits is simply (p - y)
            error = p - y
            grad_w = X.T @ error / n
            grad_b = error.mean()
            self.weights -= self.lr * grad_w
            self.bias -= self.lr * grad_b
            if epoch % 200 == 0 or epoch == epochs - 1:
                print(f"epoch {epoch:4d}  loss {self.loss(p, y):.5f}")

    def predict(self, X):
        return (self.forward(X) >= 0.5).astype(int)


def make_data(n=400, seed=0):
    rng = np.random.RandomState(seed)
    X0 = rng.randn(n // 2, 2) + np.array([-1.0, -0.5])
    X1 = rng.randn(n // 2, 2) + np.array([1.0, 0.5])
    X = np.vstack([X0, X1])
    y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)])
    return X, y


if __name__ == "__main__":
    X, y = make_data()
    # standardize the features
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    model = LogisticRegression(n_features=2, lr=0.1)
    model.fit(X, y, epochs=2000)
    acc = np.mean(model.predict(X) == y)
    print("weights:", model.weights, "bias:", model.bias)
    print(f"train accuracy {acc:.3f}")
