# Linear regression in float32: predicting a delivery time from distance and
# number of stops (both standardized, strongly correlated). Full-batch gradient
# descent on the mean squared error, written with the @ operator.
# Run: python linreg_float32_lr.py
import numpy as np

rng = np.random.default_rng(5)
n = 256
distance = rng.uniform(1, 20, n)
stops = 0.4 * distance + rng.uniform(0, 1.5, n)
minutes = 4.0 + 2.5 * distance + 3.0 * stops + rng.normal(0, 2.0, n)

X = np.column_stack([distance, stops]).astype(np.float32)
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = minutes.astype(np.float32)

w = np.zeros(2, dtype=np.float32)
b = np.float32(0.0)
learning_rate = np.float32(0.6)


def mse(w, b):
    r = X @ w + b - y
    return np.mean(r * r)


for step in range(400):
    r = X @ w + b - y
    grad_w = 2.0 * (X.T @ r) / n
    grad_b = 2.0 * r.mean()
    w = w - learning_rate * grad_w
    b = b - learning_rate * grad_b
    if step % 40 == 0:
        print("step", step, "loss", mse(w, b))

print("w", w, "b", b, w.dtype)
print("final loss", mse(w, b))
