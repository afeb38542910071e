# Logistic regression on greenhouse sensor readings, minibatches from a generator
import numpy as np

rng = np.random.default_rng(2024)
n = 1200

temp = rng.normal(24.0, 4.0, n)
humidity = rng.normal(60.0, 12.0, n)
light = rng.normal(300.0, 80.0, n)
logit = 0.5 * (temp - 24.0) - 0.08 * (humidity - 60.0) + 0.02 * (light - 300.0)
wilt = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(float)

raw = np.column_stack([temp, humidity, light])
# the humidity probe drops out now and then, those rows come back empty
dropouts = rng.random(n) < 0.03
raw[dropouts, 1] = np.nan

X = np.where(np.isnan(raw), np.nanmean(raw, axis=0), raw)
mu = X.mean(axis=0)
sd = X.std(axis=0)
X = (X - mu) / sd


def batches(X, y, size, rng):
    idx = rng.permutation(len(y))
    for start in range(0, len(y), size):
        take = idx[start:start + size]
        yield X[take], y[take]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


w = np.zeros(3)
b = 0.0
lr = 0.3
print(f"first_loss={bce(sigmoid(X @ w + b), wilt):.4f}")

for epoch in range(30):
    for xb, yb in batches(X, wilt, 64, rng):
        p = sigmoid(xb @ w + b)
        err = p - yb
        w -= lr * xb.T @ err / len(yb)
        b -= lr * err.mean()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {bce(sigmoid(X @ w + b), wilt):.4f}")

p = sigmoid(X @ w + b)
print(f"final_loss={bce(p, wilt):.4f}")
print(f"accuracy={np.mean((p > 0.5) == wilt):.4f}")
