# Small tanh network on two interleaved half-moons, minibatch SGD with input jitter
import numpy as np

rng = np.random.default_rng(31)


def half_moons(n, noise, rng):
    n_top = n // 2
    t1 = rng.uniform(0, np.pi, n_top)
    t2 = rng.uniform(0, np.pi, n - n_top)
    top = np.column_stack([np.cos(t1), np.sin(t1)])
    bottom = np.column_stack([1 - np.cos(t2), 0.5 - np.sin(t2)])
    pts = np.vstack([top, bottom]) + noise * rng.standard_normal((n, 2))
    lab = np.concatenate([np.zeros(n_top), np.ones(n - n_top)])
    return pts, lab


X_train, y_train = half_moons(500, 0.1, rng)
X_test, y_test = half_moons(500, 0.1, rng)

hidden = 32
W1 = rng.standard_normal((2, hidden)) / np.sqrt(2)
b1 = np.zeros(hidden)
W2 = rng.standard_normal((hidden, 1)) / np.sqrt(hidden)
b2 = np.zeros(1)

lr = 0.1
batch_size = 25
epochs = 150
jitter = 0.1


def predict_proba(X):
    h = np.tanh(X @ W1 + b1)
    return 1 / (1 + np.exp(-(h @ W2 + b2))).ravel()


def log_loss(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


first_loss = log_loss(predict_proba(X_train), y_train)
n = len(X_train)

for epoch in range(epochs):
    perm = rng.permutation(n)
    X_train = X_train[perm]
    y_train = y_train[perm]

    for start in range(0, n, batch_size):
        xb = X_train[start:start + batch_size].copy()
        yb = y_train[start:start + batch_size]
        # jitter the points a little so the net doesn't memorise them
        xb += jitter * rng.standard_normal(xb.shape)

        h = np.tanh(xb @ W1 + b1)
        p = 1 / (1 + np.exp(-(h @ W2 + b2))).ravel()

        g_out = ((p - yb) / len(yb))[:, None]
        gW2 = h.T @ g_out
        gb2 = g_out.sum(axis=0)
        g_h = (g_out @ W2.T) * (1 - h ** 2)
        gW1 = xb.T @ g_h
        gb1 = g_h.sum(axis=0)

        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2

    if epoch % 30 == 0:
        print(f"epoch {epoch:3d} train_loss {log_loss(predict_proba(X_train), y_train):.4f}")

final_loss = log_loss(predict_proba(X_train), y_train)
accuracy = float(np.mean((predict_proba(X_test) > 0.5) == y_test))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
