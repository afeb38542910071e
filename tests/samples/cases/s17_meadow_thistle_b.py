# Logistic regression on machine sensor readings (rows are channels, columns are readings)
import numpy as np

rng = np.random.default_rng(21)
n = 600

temp = rng.normal(70, 8, n)
vib = rng.normal(0.3, 0.1, n)
volt = rng.normal(230, 4, n)
spare = np.zeros(n)              # spare input, not connected on this unit
load = rng.uniform(0, 100, n)
X = np.vstack([temp, vib, volt, spare, load])      # (5, n)

score = 0.25 * (temp - 70) + 20 * (vib - 0.3) - 0.3 * (volt - 230) + 0.02 * (load - 50)
y = (score + rng.normal(0, 1.0, n) > 0).astype(float).reshape(1, n)

mu = X.mean(axis=1, keepdims=True)
sd = X.std(axis=1, keepdims=True)
X = (X - mu) / sd

d = X.shape[0]
w = np.zeros((1, d))
b = 0.0
lr = 0.5

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

losses = []
for step in range(300):
    p = sigmoid(w @ X + b)
    loss = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
    losses.append(loss)
    dz = (p - y) / n
    w -= lr * dz @ X.T
    b -= lr * dz.sum()
    if step % 50 == 0:
        print(f"step {step}: loss {loss:.4f}")

p = sigmoid(w @ X + b)
acc = np.mean((p > 0.5) == (y > 0.5))
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={acc:.4f}")
print("weights=" + " ".join(f"{v:.3f}" for v in w.ravel()))
