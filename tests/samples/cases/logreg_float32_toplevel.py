# Logistic regression in float32 on a small synthetic "spam score" data set:
# two standardized features, labels 0/1. Written as one top-level training loop
# with no functions. Full-batch gradient descent on the binary cross-entropy.
# Run: python logreg_float32_toplevel.py
import numpy as np

np.random.seed(0)
n = 100
score = np.concatenate([np.random.uniform(0.1, 3, n // 2), np.random.uniform(-3, -0.1, n // 2)])
noise = np.random.randn(n)
X = np.column_stack([score, noise]).astype(np.float32)
y = np.concatenate([np.ones(n // 2), np.zeros(n // 2)]).astype(np.float32)

W = np.zeros(2, dtype=np.float32)
b = np.float32(0.0)
lr = np.float32(1.0)
history = []

for epoch in range(1500):
    z = X @ W + b
    y_hat = 1.0 / (1.0 + np.exp(-z))
    loss = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    history.append(loss)

    # gradients of the mean cross-entropy
    dz = y_hat - y
    dW = X.T @ dz / n
    db = dz.mean()
    W -= lr * dW
    b -= lr * db

    if epoch % 100 == 0:
        acc = np.mean((y_hat > 0.5) == (y == 1))
        print(f"epoch {epoch:5d} | loss {loss:.6f} | acc {acc:.2f}")

print("final weights", W, "bias", b, "dtype", W.dtype)
print("final loss", history[-1])
