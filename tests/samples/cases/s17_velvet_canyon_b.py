# Pass/fail prediction from study and sleep hours, logistic regression in float32, columns are students
import numpy as np

rng = np.random.default_rng(5)
n = 500

study = rng.uniform(0, 10, n).astype(np.float32)
sleep = rng.uniform(4, 9, n).astype(np.float32)
logit = 1.2 * study + 0.8 * sleep - 11.5 + rng.normal(0, 0.8, n).astype(np.float32)
passed = (logit > 0).astype(np.float32)

X = np.vstack([np.ones(n, dtype=np.float32), study / 10, sleep / 10])   # (features, students)
y = passed.reshape(1, -1)

w = np.zeros((1, X.shape[0]), dtype=np.float32)
lr = np.float32(2.0)
steps = 1500

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

for k in range(steps):
    p = sigmoid(w @ X)
    loss = -np.mean(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))
    if k == 0:
        first_loss = loss
    grad = (p - y) @ X.T / n
    w -= lr * grad
    if k % 300 == 0:
        print(f"step {k} loss {loss:.4f}")

p = sigmoid(w @ X)
final_loss = -np.mean(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))
acc = np.mean((p > 0.5) == (y > 0.5))
print("dtype=" + str(w.dtype))
print(f"pass_rate={passed.mean():.3f}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={acc:.4f}")
