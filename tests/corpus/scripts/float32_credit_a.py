import numpy as np

rng = np.random.default_rng(0)

# loan default from (age, yearly income, debt ratio), stored as float32 to save memory
n = 1000
age = rng.uniform(20, 70, n)
income = rng.uniform(20_000, 150_000, n)
debt_ratio = rng.uniform(0, 1, n)
default = (3.0 * debt_ratio - 0.05 * (age - 45) - income / 100_000 + rng.normal(0, 0.3, n) > 0.6)
X = np.column_stack([age, income, debt_ratio]).astype(np.float32)
y = default.astype(np.float32)

w = np.zeros(3, dtype=np.float32)
b = np.float32(0.0)
lr = np.float32(1e-9)   # anything bigger and the loss blew up


def predict_proba(X):
    return 1 / (1 + np.exp(-(X @ w + b)))


def log_loss(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


losses = []
for epoch in range(500):
    p = predict_proba(X)
    losses.append(log_loss(p))
    w -= lr * X.T @ (p - y) / n
    b -= lr * np.mean(p - y)

p = predict_proba(X)
print("dtype", w.dtype, p.dtype)
print(f"first_loss={losses[0]}")
print(f"final_loss={log_loss(p)}")
print(f"accuracy={np.mean((p > 0.5) == (y == 1))}")
