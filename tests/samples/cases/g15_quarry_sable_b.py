# logistic regression written as a scikit-learn style estimator
"""Logistic regression written like a scikit-learn estimator (fit / predict_proba / predict / score).

Toy problem: will a customer renew the subscription, from 4 account features.
"""
import numpy as np


class LogisticRegressionSGD:
    def __init__(self, lr=0.5, n_epochs=150, batch_size=25, random_state=0, verbose=True):
        self.lr = lr
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose

    @staticmethod
    def _sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def _log_loss(self, X, y):
        p = self.predict_proba(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def fit(self, X, y):
        rng = np.random.RandomState(self.random_state)
        n_samples, n_features = X.shape
        self.coef_ = np.zeros(n_features)
        self.intercept_ = 0.0
        self.loss_curve_ = [self._log_loss(X, y)]
        if self.verbose:
            print(f"first_loss={self.loss_curve_[0]:.6f}")
        for epoch in range(self.n_epochs):
            idx = rng.permutation(n_samples)
            for start in range(0, n_samples, self.batch_size):
                batch = idx[start:start + self.batch_size]
                xb, yb = X[batch], y[batch]
                err = self.predict_proba(xb) - yb
                self.coef_ -= self.lr * xb.T @ err / len(batch)
                self.intercept_ -= self.lr * err.mean()
            self.loss_curve_.append(self._log_loss(X, y))
            if self.verbose and (epoch + 1) % 25 == 0:
                print(f"epoch {epoch + 1:3d} log-loss {self.loss_curve_[-1]:.6f}")
        return self

    def predict_proba(self, X):
        return self._sigmoid(X @ self.coef_ + self.intercept_)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)

    def score(self, X, y):
        return np.mean(self.predict(X) == y)


def make_data(n, seed):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, n)
    X = rng.normal(size=(n, 4))
    X[:, 0] += 2.5 * (2 * y - 1)                       # months as a member (scaled)
    X[:, 1] += 1.5 * (2 * y - 1)                       # logins per week (scaled)
    X[:, 2] = rng.exponential(3.0, n) * (2 * y - 1)    # engagement score, long tail
    return X, y


X_train, y_train = make_data(400, 1)
X_test, y_test = make_data(200, 2)

model = LogisticRegressionSGD().fit(X_train, y_train)
print(f"final_loss={model.loss_curve_[-1]:.6f}")
print("coef", np.round(model.coef_, 3), "intercept", round(model.intercept_, 3))
print(f"accuracy={model.score(X_test, y_test):.4f}")
