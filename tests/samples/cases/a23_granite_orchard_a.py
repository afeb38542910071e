# One-hidden-layer ReLU regressor for fuel efficiency, per-sample SGD
import numpy as np

rng = np.random.default_rng(21)

n = 500
weight = rng.uniform(1500, 4500, n)      # kg
power = rng.uniform(50, 230, n)          # hp
year = rng.integers(1975, 2020, n).astype(float)
mpg = 62 - 0.009 * weight - 0.05 * power + 0.35 * (year - 1975) + 4.0 * np.sin(power / 30) + rng.normal(0, 1.5, n)

X = np.column_stack([weight, power, year])
X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
y = mpg.copy()

split = 400
X_train, y_train = X[:split], y[:split]
X_val, y_val = X[split:], y[split:]

hidden = 16
# uniform init in [-1, 1)
W1 = rng.random((3, hidden)) - 1
b1 = np.zeros(hidden)
W2 = rng.random(hidden) - 1
b2 = 0.0
lr = 0.01


def relu(z):
    return np.maximum(z, 0)


def predict(X):
    return relu(X @ W1 + b1) @ W2 + b2


def mse(X, y):
    return float(np.mean((predict(X) - y) ** 2))


first_loss = mse(X_train, y_train)
for epoch in range(40):
    order = rng.permutation(split)
    for i in order:
        x = X_train[i]
        z = x @ W1 + b1
        h = relu(z)
        out = h @ W2 + b2
        err = out - y_train[i]
        # backprop for a single sample
        dW2 = err * h
        db2 = err
        dh = err * W2
        dz = dh * (z > 0)
        dW1 = np.outer(x, dz)
        db1 = dz
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    if epoch % 10 == 0:
        print(f"epoch {epoch}: train mse {mse(X_train, y_train):.3f}")

final_loss = mse(X_train, y_train)
pred = predict(X_val)
r2 = 1 - np.sum((y_val - pred) ** 2) / np.sum((y_val - y_val.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
