# Logistic regression on a loan-approval rule with two standardized features, full-batch updates
import numpy as np

rng = np.random.default_rng(5)

n = 500
income = rng.normal(0, 1, n)
debt = rng.normal(0, 1, n)
X = np.column_stack([income, debt])
# approved when income outweighs debt
y = (1.4 * income - 0.9 * debt + 0.3 > 0).astype(float)

w = np.zeros(2)
b = 0.0
lr = 0.5


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def log_loss(z, t):
    return np.mean(np.logaddexp(0, z) - t * z)


for step in range(3000):
    z = X @ w + b
    a = sigmoid(z)
    if step == 0:
        print(f"first_loss={log_loss(z, y):.4f}")
    # chain rule: dL/da, then da/dz
    dL_da = -y / a + (1 - y) / (1 - a)
    dz = dL_da * a * (1 - a)
    w -= lr * X.T @ dz / n
    b -= lr * dz.mean()
    if step % 500 == 0:
        print(f"step={step} loss={log_loss(z, y):.4f} max_logit={np.abs(z).max():.1f}")

z = X @ w + b
acc = np.mean((z > 0) == (y == 1))
print(f"final_loss={log_loss(z, y):.4f}")
print(f"accuracy={acc:.4f}")
