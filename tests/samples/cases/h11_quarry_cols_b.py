# fuel use of a delivery van from 8 sensor readings (all already z-scored by the logger)
# every column of X is one trip, so predictions are W @ X
import numpy as np

np.random.seed(11)
n_trips = 600
n_feat = 8

# the readings move together a lot (speed, rpm, throttle ... all follow one driving factor)
drive = np.random.randn(1, n_trips)
X = 0.8 * drive + 0.6 * np.random.randn(n_feat, n_trips)
X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
X = X.astype(np.float32)

w_true = np.array([[0.9, -0.4, 1.3, 0.2, -1.1, 0.6, 0.8, -0.3]], dtype=np.float32)
y = (w_true @ X + 4.0 + 0.2 * np.random.randn(1, n_trips)).astype(np.float32)

W = np.zeros((1, n_feat), dtype=np.float32)
b = np.zeros((1, 1), dtype=np.float32)
vW = np.zeros_like(W)
vb = np.zeros_like(b)

lr = 0.05
mu = 0.9

loss = np.mean((W @ X + b - y) ** 2)
print(f"first_loss={loss:.5f}")

for step in range(400):
    pred = W @ X + b
    err = pred - y
    loss = np.mean(err ** 2)

    dW = 2.0 * (err @ X.T) / n_trips
    db = 2.0 * err.mean(axis=1, keepdims=True)

    vW = mu * vW - lr * dW
    vb = mu * vb - lr * db
    W += vW
    b += vb

    if step % 50 == 0:
        print(f"step {step:3d}  mse {loss:.5f}")

pred = W @ X + b
final = np.mean((pred - y) ** 2)
r2 = 1.0 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
