import numpy as np

rng = np.random.default_rng(5)

# customers: (monthly visits, minutes on site); churn when engagement is low
n = 400
visits = rng.normal(12, 3, n)
minutes = rng.normal(40, 10, n)
churn = ((visits - 12) / 3 + (minutes - 40) / 10 + rng.normal(0, 0.5, n) < 0).astype(float)
X = np.column_stack([visits, minutes])
X = (X - X.mean(axis=0)) / X.std(axis=0) + np.array([2.0, 2.0])  # shifted so the values are positive
y = churn
X = np.hstack([np.ones((n, 1)), X])  # column of ones for the intercept


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


w = np.zeros(X.shape[1])
lr = 0.5
first_loss = log_loss(sigmoid(X @ w), y)
for step in range(2000):
    p = sigmoid(X @ w)
    grad = X.T @ (p - y) / n
    w -= lr * grad

p = sigmoid(X @ w)
acc = np.mean((p > 0.5) == (y == 1))
print("w", w)
print(f"first_loss={first_loss}")
print(f"final_loss={log_loss(p, y)}")
print(f"accuracy={acc}")
