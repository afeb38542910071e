# Two-layer net predicting delivery minutes from four route features, minibatch SGD
import numpy as np

rng = np.random.default_rng(7)

# synthetic routes: distance, traffic, stops, weather (already roughly unit scale)
n = 1200
X = rng.normal(size=(n, 4)).astype(np.float32)
coef = np.array([6.0, -4.0, 3.0, 2.5], dtype=np.float32)
minutes = 30.0 + X @ coef + 2.0 * np.sin(2.0 * X[:, 0]) + rng.normal(0.0, 1.5, size=n)
y = minutes.astype(np.float32).reshape(-1, 1)

n_train = 1000
X_train, y_train = X[:n_train], y[:n_train]
X_test, y_test = X[n_train:], y[n_train:]


def batches(X, y, size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), size):
        pick = order[start:start + size]
        yield X[pick], y[pick]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


hidden = 32
W1 = (rng.normal(size=(4, hidden)) * np.sqrt(2.0 / 4)).astype(np.float32)
b1 = np.zeros(hidden, dtype=np.float32)
W2 = (rng.normal(size=(hidden, 1)) * np.sqrt(1.0 / hidden)).astype(np.float32)
b2 = np.zeros(1, dtype=np.float32)


def forward(xb):
    h_pre = xb @ W1 + b1
    h = np.maximum(h_pre, 0.0)
    out = sigmoid(h @ W2 + b2)
    return h_pre, h, out


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


lr = 0.002
epochs = 40
first_loss = mse(forward(X_train)[2], y_train)
print(f"first_loss={first_loss:.4f}")

for epoch in range(epochs):
    for xb, yb in batches(X_train, y_train, 50, rng):
        h_pre, h, out = forward(xb)
        d_out = 2.0 * (out - yb) / len(xb) * out * (1.0 - out)
        gW2 = h.T @ d_out
        gb2 = d_out.sum(axis=0)
        d_h = (d_out @ W2.T) * (h_pre > 0)
        gW1 = xb.T @ d_h
        gb1 = d_h.sum(axis=0)
        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} train_mse {mse(forward(X_train)[2], y_train):.4f}")

final_loss = mse(forward(X_train)[2], y_train)
pred_test = forward(X_test)[2]
r2 = 1.0 - np.sum((pred_test - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
print(f"final_loss={final_loss:.4f}")
print(f"test_mse={mse(pred_test, y_test):.4f}")
print(f"r2={r2:.4f}")
