# LDA-style Gaussian classifier on three kinds of seed measurements, fit in closed form and scored with softmax
import numpy as np

rng = np.random.default_rng(11)

# length, width, groove, kernel area, thickness, asymmetry (made-up units)
centers = np.array([
    [5.6, 3.2, 5.1, 14.2, 0.88, 2.4],
    [6.1, 3.6, 5.9, 17.9, 0.91, 3.7],
    [5.2, 2.9, 5.0, 12.1, 0.85, 4.6],
])
spread = np.array([0.36, 0.24, 0.30, 1.05, 0.03, 0.90])
per_class = 150
X = np.vstack([c + spread * rng.standard_normal((per_class, 6)) for c in centers])
y = np.repeat(np.arange(3), per_class)
order = rng.permutation(len(y))
X, y = X[order], y[order]

n_train = 300
X_tr, y_tr = X[:n_train], y[:n_train]
X_te, y_te = X[n_train:], y[n_train:]
k = 3


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(p, labels):
    return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12))


priors = np.bincount(y_tr, minlength=k) / n_train
first_loss = cross_entropy(softmax(np.tile(np.log(priors), (n_train, 1))), y_tr)

means = np.array([X_tr[y_tr == c].mean(axis=0) for c in range(k)])
centered = X_tr - means[y_tr]
cov = centered.T @ centered / (n_train - k)
W = np.linalg.solve(cov, means.T)
b = -0.5 * np.sum(means.T * W, axis=0) + np.log(priors)

probs_tr = softmax(X_tr @ W + b)
final_loss = cross_entropy(probs_tr, y_tr)
probs_te = softmax(X_te @ W + b)
test_loss = cross_entropy(probs_te, y_te)
accuracy = np.mean(probs_te.argmax(axis=1) == y_te)

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"test_loss={test_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
