# Small tanh network predicting daily visitor counts from weather features, float32, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

n, d, hidden = 400, 5, 16
X = rng.standard_normal((n, d), dtype=np.float32)
coef = np.array([30.0, -18.0, 12.0, 0.0, 6.0], dtype=np.float32)
noise = rng.standard_normal(n, dtype=np.float32) * np.float32(8.0)
y = np.float32(140.0) + X @ coef + np.float32(15.0) * np.tanh(X[:, 0] * X[:, 1]) + noise
y = np.maximum(y, np.float32(1.0))

W1 = rng.standard_normal((d, hidden), dtype=np.float32) * np.float32(0.4)
b1 = np.zeros(hidden, dtype=np.float32)
W2 = rng.standard_normal((hidden, 1), dtype=np.float32) * np.float32(0.4)
b2 = np.zeros(1, dtype=np.float32)


def softplus(z):
    # counts can't be negative, so squash the output to be positive
    return np.log(1.0 + np.exp(z))


def softplus_grad(z):
    return np.exp(z) / (1.0 + np.exp(z))


lr = np.float32(0.002)
epochs = 3000
first_loss = None
for epoch in range(epochs):
    a1 = np.tanh(X @ W1 + b1)
    z2 = a1 @ W2 + b2
    pred = softplus(z2)[:, 0]
    diff = pred - y
    loss = np.mean(diff ** 2)
    if first_loss is None:
        first_loss = loss
    if epoch % 500 == 0:
        print(f"epoch {epoch} loss {loss:.3f}")

    dz2 = (2.0 * diff / n)[:, None] * softplus_grad(z2)
    dW2 = a1.T @ dz2
    db2 = dz2.sum(axis=0)
    da1 = dz2 @ W2.T
    dz1 = da1 * (1.0 - a1 ** 2)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

a1 = np.tanh(X @ W1 + b1)
pred = softplus(a1 @ W2 + b2)[:, 0]
final_loss = np.mean((pred - y) ** 2)
r2 = 1.0 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
