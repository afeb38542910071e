# Linear regression on synthetic sensor readings, plain-Python weights, SGD one sample at a time
import math
import numpy as np

rng = np.random.default_rng(7)
n = 200
X = rng.normal(0.0, 2.0, size=(n, 3))
true_w = [1.5, -2.0, 0.7]
y = X @ np.array(true_w) + 4.0 + rng.normal(0.0, 0.5, size=n)

w = [0.0, 0.0, 0.0]
b = 0.0
lr = 0.2
epochs = 30


def predict(xi):
    s = b
    for j in range(len(w)):
        s += w[j] * xi[j]
    return s


def mse():
    total = 0.0
    for i in range(n):
        d = predict(X[i]) - y[i]
        total += d * d
    return total / n


first_loss = mse()
for epoch in range(epochs):
    order = rng.permutation(n)
    for i in order:
        xi = X[i]
        err = predict(xi) - y[i]
        for j in range(len(w)):
            w[j] -= lr * 2.0 * err * xi[j]
        b -= lr * 2.0 * err
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {mse():.4f}")

final_loss = mse()
ss_tot = float(np.sum((y - y.mean()) ** 2))
r2 = 1.0 - final_loss * n / ss_tot
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.6f}")
print("weights=" + ",".join(f"{v:.3f}" for v in w) + f" bias={b:.3f} rmse={math.sqrt(final_loss):.4f}")
