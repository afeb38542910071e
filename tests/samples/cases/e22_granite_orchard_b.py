# Logistic regression on two exam scores, fitted with Newton-Raphson updates
import numpy as np

rng = np.random.default_rng(3)

n = 400
y = (rng.random(n) < 0.5).astype(float)
# class 1 centred at +3.3, class 0 at -3.3; the admitted group is more spread out
spread = np.where(y == 1, 1.5, 1.0)
scores = rng.normal(0, 1, size=(n, 2)) * spread[:, None]
scores[:, 0] += np.where(y == 1, 3.3, -3.3)
scores[:, 1] += np.where(y == 1, 0.8, -0.8)
X = np.column_stack([np.ones(n), scores])

w = np.zeros(X.shape[1])

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def nll(p):
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))

first_loss = nll(sigmoid(X @ w))
for it in range(15):
    z = X @ w
    p = sigmoid(z)
    dL_dp = -y / p + (1 - y) / (1 - p)
    dL_dz = dL_dp * p * (1 - p)
    grad = X.T @ dL_dz / n
    S = p * (1 - p)
    Hess = (X.T * S) @ X / n
    w = w - np.linalg.solve(Hess, grad)
    loss = nll(sigmoid(X @ w))
    print(f"iter {it} loss {loss:.5f} max|z| {np.abs(X @ w).max():.1f}")

pred = sigmoid(X @ w) > 0.5
acc = np.mean(pred == (y == 1))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={acc:.4f}")
