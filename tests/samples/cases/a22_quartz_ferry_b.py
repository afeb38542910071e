# Softmax classifier for three species from four body measurements, minibatch gradient descent
import numpy as np

rng = np.random.default_rng(11)
means = np.array([[5.0, 3.4, 1.5, 0.2],
                  [5.9, 2.8, 4.3, 1.3],
                  [6.6, 3.0, 5.6, 2.0]])
per_class = 120
X = np.vstack([m + 0.35 * rng.normal(size=(per_class, 4)) for m in means])
y = np.repeat(np.arange(3), per_class)

X = (X - X.mean(axis=0)) / X.std(axis=0)
perm = rng.permutation(len(y))
X, y = X[perm], y[perm]
X_tr, y_tr, X_te, y_te = X[:270], y[:270], X[270:], y[270:]

k = 3
W = np.zeros((4, k))
b = np.zeros(k)
onehot = np.eye(k)[y_tr]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(X, labels):
    p = softmax(X @ W + b)
    return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))


lr = 0.3
batch = 30
first_loss = cross_entropy(X_tr, y_tr)
for epoch in range(40):
    order = rng.permutation(len(y_tr))
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        p = softmax(X_tr[idx] @ W + b)
        err = onehot[idx] - p
        W -= lr * X_tr[idx].T @ err / len(idx)
        b -= lr * err.mean(axis=0)
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {cross_entropy(X_tr, y_tr):.4f}")

final_loss = cross_entropy(X_tr, y_tr)
pred = np.argmax(X_te @ W + b, axis=1)
accuracy = np.mean(pred == y_te)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
