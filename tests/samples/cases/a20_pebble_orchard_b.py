# Multinomial logistic regression estimator on three wheat-like seed varieties, minibatch SGD with step decay and L2 penalty
import numpy as np


class SoftmaxClassifier:
    def __init__(self, lr=0.1, alpha=1e-3, epochs=30, batch_size=32, drop_every=10, drop=0.5, seed=0):
        self.lr = lr
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.drop_every = drop_every
        self.drop = drop
        self.seed = seed

    def _softmax(self, z):
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def _loss(self, X, Y):
        P = self._softmax(X @ self.coef_.T + self.intercept_)
        return -np.mean(np.sum(Y * np.log(P + 1e-12), axis=1)) + 0.5 * self.alpha * np.sum(self.coef_ ** 2)

    def fit(self, X, y):
        rng = np.random.default_rng(self.seed)
        self.classes_ = np.unique(y)
        k = len(self.classes_)
        n, d = X.shape
        Y = (y[:, None] == self.classes_[None, :]).astype(float)
        self.coef_ = np.zeros((k, d))
        self.intercept_ = np.zeros(k)
        self.loss_curve_ = [self._loss(X, Y)]
        n_batches = int(np.ceil(n / self.batch_size))
        for epoch in range(self.epochs):
            lr = self.lr * self.drop ** (epoch // self.drop_every)
            for idx in np.array_split(rng.permutation(n), n_batches):
                Xb, Yb = X[idx], Y[idx]
                P = self._softmax(Xb @ self.coef_.T + self.intercept_)
                G = (P - Yb) / len(idx)
                grad_w = G.T @ Xb + self.alpha * self.coef_
                grad_b = G.sum(axis=0)
                self.coef_ -= lr * grad_w
                self.intercept_ -= lr * grad_b
            self.loss_curve_.append(self._loss(X, Y))
            if epoch % 10 == 0:
                print(f"epoch {epoch} lr {lr:.5f} loss {self.loss_curve_[-1]:.4f}")
        return self

    def predict(self, X):
        return self.classes_[np.argmax(X @ self.coef_.T + self.intercept_, axis=1)]

    def score(self, X, y):
        return np.mean(self.predict(X) == y)


rng = np.random.default_rng(21)
# area, perimeter, compactness, kernel length, kernel width, asymmetry
centers = np.array([
    [14.3, 14.3, 0.88, 5.5, 3.2, 2.7],
    [18.3, 16.1, 0.88, 6.1, 3.7, 3.6],
    [11.9, 13.2, 0.85, 5.2, 2.9, 4.8],
])
spread = np.array([1.2, 0.6, 0.02, 0.25, 0.18, 1.2])
X_parts, y_parts = [], []
for label, c in enumerate(centers):
    X_parts.append(c + spread * rng.normal(size=(120, 6)))
    y_parts.append(np.full(120, label))
X = np.vstack(X_parts)
y = np.concatenate(y_parts)

order = rng.permutation(len(y))
X, y = X[order], y[order]
split = 270
X_train, X_test = X[:split], X[split:]
y_train, y_test = y[:split], y[split:]

mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd

clf = SoftmaxClassifier(lr=0.5, alpha=1e-3, epochs=30)
clf.fit(X_train, y_train)
print(f"first_loss={clf.loss_curve_[0]:.4f}")
print(f"final_loss={clf.loss_curve_[-1]:.4f}")
print(f"accuracy={clf.score(X_test, y_test):.4f}")
