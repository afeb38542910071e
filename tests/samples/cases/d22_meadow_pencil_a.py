# Logistic regression classifier with L2 penalty, written as a small estimator class, float32, on two gaussian classes
import numpy as np


class LogisticClassifier:
    def __init__(self, lr=1.0, alpha=1e-4, n_iter=600, verbose=True):
        self.lr = lr
        self.alpha = alpha  # strength of the L2 penalty
        self.n_iter = n_iter
        self.verbose = verbose

    def _sigmoid(self, z):
        return 1.0 / (1.0 + np.exp(-z))

    def _loss(self, p, y):
        p = np.clip(p, 1e-7, 1 - 1e-7)
        data_term = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        return data_term + 0.5 * self.alpha * np.sum(self.coef_ ** 2)

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float32)
        n, d = X.shape
        self.coef_ = np.zeros(d, dtype=np.float32)
        self.intercept_ = np.float32(0.0)
        self.loss_curve_ = []
        for it in range(self.n_iter):
            p = self._sigmoid(X @ self.coef_ + self.intercept_)
            self.loss_curve_.append(self._loss(p, y))
            err = p - y
            grad_w = X.T @ err / n + self.alpha * self.coef_
            grad_b = err.mean()
            self.coef_ -= self.lr * grad_w
            self.intercept_ -= self.lr * grad_b
            if self.verbose and it % 100 == 0:
                print(f"iter {it}: loss {self.loss_curve_[-1]:.5f}")
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=np.float32)
        return self._sigmoid(X @ self.coef_ + self.intercept_)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)

    def score(self, X, y):
        return np.mean(self.predict(X) == y)


def make_blobs(n_per_class, d, gap, rng):
    centre = rng.standard_normal(d)
    centre *= gap / np.linalg.norm(centre)
    X0 = rng.standard_normal((n_per_class, d)) - centre
    X1 = rng.standard_normal((n_per_class, d)) + centre
    X = np.vstack([X0, X1])
    y = np.concatenate([np.zeros(n_per_class), np.ones(n_per_class)])
    order = rng.permutation(len(y))
    return X[order], y[order]


rng = np.random.default_rng(7)
X, y = make_blobs(400, 30, gap=4.0, rng=rng)
X = X.astype(np.float32)
y = y.astype(np.float32)
split = int(0.75 * len(y))
X_train, X_test = X[:split], X[split:]
y_train, y_test = y[:split], y[split:]

mean = X_train.mean(axis=0)
std = X_train.std(axis=0)
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

clf = LogisticClassifier().fit(X_train, y_train)
print(f"first_loss={clf.loss_curve_[0]:.5f}")
print(f"final_loss={clf.loss_curve_[-1]:.5f}")
print(f"train_accuracy={clf.score(X_train, y_train):.4f}")
print(f"accuracy={clf.score(X_test, y_test):.4f}")
print(f"weight_norm={np.linalg.norm(clf.coef_):.3f}")
