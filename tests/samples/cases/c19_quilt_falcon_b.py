# Logistic regression on a synthetic pass/fail sensor dataset, full-batch gradient descent in float32
import numpy as np

rng = np.random.default_rng(11)

n_per = 250
d = 30

# two groups of parts, readings already centred and scaled by the sensor software
# the logger hands everything over as float32, so keep it that way
mean_ok = np.full(d, 1.2)
mean_bad = np.full(d, -1.2)
X = np.vstack([
    rng.normal(mean_ok, 1.0, (n_per, d)),
    rng.normal(mean_bad, 1.0, (n_per, d)),
]).astype(np.float32)
y = np.concatenate([np.ones(n_per), np.zeros(n_per)]).astype(np.float32)

perm = rng.permutation(2 * n_per)
X = X[perm]
y = y[perm]

w = np.zeros(d, dtype=np.float32)
b = np.float32(0.0)
lr = 0.5
epochs = 300

history = []

print(f"{'epoch':>6} | {'loss':>10} | {'acc':>6}")
print("-" * 28)

for ep in range(epochs):
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    history.append(float(loss))

    g = p - y
    w -= lr * (X.T @ g) / len(y)
    b -= lr * g.mean()

    if ep % 30 == 0 or ep == epochs - 1:
        acc = np.mean((p > 0.5) == y)
        print(f"{ep:>6} | {loss:>10.5f} | {acc:>6.3f}")

z = X @ w + b
p = 1.0 / (1.0 + np.exp(-z))
accuracy = np.mean((p > 0.5) == y)

print("dtype", z.dtype, "max |z| at the end:", np.abs(z).max())
print(f"first_loss={history[0]:.6f}")
print(f"final_loss={history[-1]:.6f}")
print(f"accuracy={accuracy:.4f}")
