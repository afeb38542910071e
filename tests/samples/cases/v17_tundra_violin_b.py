# Linear regression of fuel use on engine size, weight and speed, plain gradient descent on standardized features
import numpy as np

rng = np.random.default_rng(5)

n = 250
engine = rng.uniform(1.0, 4.5, n)
weight = rng.uniform(900.0, 2400.0, n)
speed = rng.uniform(40.0, 130.0, n)
fuel = 1.2 * engine + 0.003 * weight + 0.02 * speed + rng.normal(0.0, 0.4, n)

X = np.column_stack([engine, weight, speed])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = fuel

w = np.zeros(X.shape[1])
b = 0.0
lr = 0.1
steps = 300

pred = X @ w + b
first_loss = np.mean((pred - y) ** 2)
history = []
for step in range(steps):
    err = pred - y
    loss = np.mean(err ** 2)
    history.append(loss)
    grad_w = 2.0 * X.T @ err / n
    grad_b = 2.0 * err.mean()
    w = w - lr * grad_w
    b = b - lr * grad_b
    if step % 50 == 0:
        print(f"step {step:3d} loss {loss:.5f}")

final_loss = history[-1]
pred = X @ w + b
r2 = 1.0 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print("weights", np.round(w, 3), "bias", round(b, 3))
print(f"first_loss={first_loss:.5f}")
print(f"final_loss={final_loss:.5f}")
print(f"r2={r2:.4f}")
