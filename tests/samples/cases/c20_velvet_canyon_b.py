# Linear regression of plant growth on light, water and temperature readings, gradient descent
import random
import numpy as np

random.seed(5)

rows = []
targets = []
for _ in range(300):
    light = random.uniform(-1, 1)
    water = random.uniform(-1, 1)
    temp = random.uniform(-1, 1)
    growth = 3.0 * light + 1.5 * water - 2.0 * temp + 4.0 + random.gauss(0, 0.3)
    rows.append([light, water, temp])
    targets.append(growth)

w = np.zeros(3)
b = 0.0
lr = 0.1
epochs = 300

history = []
for epoch in range(epochs):
    X = np.array(rows)
    t = np.array(targets)
    pred = X @ w + b
    err = pred - t
    loss = np.mean(err ** 2)
    history.append(loss)
    w = w - lr * 2 * X.T @ err / len(t)
    b = b - lr * 2 * err.mean()
    if epoch % 50 == 0:
        print(f"{epoch:4d} {loss:.4f}")

X = np.array(rows)
t = np.array(targets)
final_pred = X @ w + b
final_loss = np.mean((final_pred - t) ** 2)
r2 = 1 - np.sum((final_pred - t) ** 2) / np.sum((t - t.mean()) ** 2)
print(f"weights={np.round(w, 3).tolist()} bias={b:.3f}")
print(f"first_loss={history[0]:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
