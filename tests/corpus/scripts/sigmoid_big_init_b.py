import numpy as np

np.random.seed(21)

# is the 3-D point inside the ball of radius 1.5? features are standardized
N = 600
X = np.random.randn(N, 3)
y = (np.linalg.norm(X, axis=1) < 1.5).astype(float)[:, None]

H = 10
W1 = np.random.randn(3, H) * np.sqrt(1.0 / 3)
b1 = np.zeros(H)
W2 = np.random.randn(H, 1) * np.sqrt(1.0 / H)
b2 = np.zeros(1)


def sig(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


lr = 0.5
loss_log = []
for it in range(2500):
    h = sig(X @ W1 + b1)
    p = sig(h @ W2 + b2)
    loss_log.append(bce(p, y))
    dz2 = (p - y) / N
    dW2 = h.T @ dz2
    db2 = dz2.sum(0)
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    db1 = dz1.sum(0)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

acc = np.mean((p > 0.5) == y)
print(f"first_loss={loss_log[0]}")
print(f"final_loss={loss_log[-1]}")
print(f"accuracy={acc}")
