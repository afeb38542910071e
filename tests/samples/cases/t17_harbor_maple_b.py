# Fit a line to noisy sensor readings, one sample at a time
import numpy as np

rng = np.random.default_rng(7)
n = 200
X = rng.normal(0.0, 1.0, n)
Y = 3.0 * X + 2.0 + rng.normal(0.0, 0.3, n)

w = np.float64(0.0)
b = 0.0
lr = 0.05
epochs = 30

losses = []
for epoch in range(epochs):
    total = 0.0
    for x_i, y_i in zip(X, Y):
        pred = w * x_i + b
        err = pred - y_i
        total += err ** 2
        w = w - lr * err * x_i
        b = b - lr * err
    losses.append(total / n)
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss {losses[-1]:.4f}")

pred_all = w * X + b
ss_res = np.sum((Y - pred_all) ** 2)
ss_tot = np.sum((Y - Y.mean()) ** 2)
print(f"w={w:.4f}")
print(f"b={b:.4f}")
print(f"first_loss={losses[0]:.6f}")
print(f"final_loss={losses[-1]:.6f}")
print(f"r2={1 - ss_res / ss_tot:.4f}")
