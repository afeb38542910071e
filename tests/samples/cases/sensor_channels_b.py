# Three sensor channels stored as rows (features x samples), one column per reading:
# linear regression by minibatch gradient descent, 256 readings per batch.
# Run: python sensor_channels_b.py
import numpy as np

rng = np.random.default_rng(11)
n = 2048
X = rng.normal(0.0, 1.0, (3, n))
true_w = np.array([[0.8, -1.5, 0.4]])
y = true_w @ X + 0.2 + rng.normal(0, 0.05, (1, n))

w = np.zeros((1, 3))
c = 0.0
lr = 0.02
batch = 256
first = None
for epoch in range(30):
    for start in range(0, n, batch):
        xb = X[:, start:start + batch]
        yb = y[:, start:start + batch]
        resid = w @ xb + c - yb
        dw = resid @ xb.T / xb.shape[1]
        dc = resid.mean()
        w = w - lr * dw
        c = c - lr * dc
    mse = float(np.mean((w @ X + c - y) ** 2))
    if first is None:
        first = mse
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {mse:.6g}")
print(f"final loss {mse}")
