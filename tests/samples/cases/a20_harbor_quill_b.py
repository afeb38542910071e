# Logistic regression estimator on synthetic sensor readings, full-batch gradient descent
import numpy as np


class LogisticModel:
    def __init__(self, lr=0.5, n_iter=300):
        self.lr = lr
        self.n_iter = n_iter

    def _scale(self, X):
        return (X - self.mean_) / self.std_

    def fit(self, X, y):
        self.mean_ = X.mean(axis=0)
        self.std_ = X.std(axis=0)
        Xs = self._scale(X)
        n, d = Xs.shape
        self.coef_ = np.zeros(d)
        self.intercept_ = 0.0
        self.losses_ = []
        for it in range(self.n_iter):
            z = Xs @ self.coef_ + self.intercept_
            p = 1.0 / (1.0 + np.exp(-z))
            eps = 1e-12
            loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
            self.losses_.append(loss)
            g = p - y
            self.coef_ -= self.lr * (Xs.T @ g) / n
            self.intercept_ -= self.lr * g.mean()
            if it % 100 == 0:
                print(f"iter {it} loss {loss:.4f}")
        return self

    def predict_proba(self, X):
        z = self._scale(X) @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)

    def score(self, X, y):
        return np.mean(self.predict(X) == y)


rng = np.random.default_rng(7)
n = 600
temp = rng.normal(60.0, 8.0, n)
vib = rng.normal(2.0, 0.6, n)
hours = rng.uniform(0, 5000, n)
X = np.column_stack([temp, vib, hours])
logit = 0.25 * (temp - 60) + 2.0 * (vib - 2.0) + 0.0006 * (hours - 2500)
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(float)

# some readings dropped out during logging
drop = rng.uniform(size=X.shape) < 0.03
X[drop] = np.nan
X = np.where(np.isnan(X), np.nanmean(X, axis=0), X)

model = LogisticModel(lr=0.5, n_iter=300)
model.fit(X, y)

print(f"first_loss={model.losses_[0]:.4f}")
print(f"final_loss={model.losses_[-1]:.4f}")
print(f"accuracy={model.score(X, y):.4f}")
print("coef=", np.round(model.coef_, 3), "intercept=", round(float(model.intercept_), 3))
