# Logistic regression on two exam scores fit with a few Newton (IRLS) steps
import numpy as np

rng = np.random.default_rng(21)

n = 300
exam1 = rng.normal(0.0, 1.0, n)
exam2 = rng.normal(0.0, 1.0, n)
logit = 3.0 * exam1 - 2.0 * exam2 + 0.5
y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-logit))).astype(float)

# design matrix with intercept column
X = np.column_stack([np.ones(n), exam1, exam2])
d = X.shape[1]

beta = np.zeros(d)
ridge = 1e-4
newton_steps = 8


def nll(beta):
    z = X @ beta
    # log(1 + e^z) - y*z, averaged
    return np.mean(np.logaddexp(0.0, z) - y * z)


first_loss = nll(beta)
print(f"first_loss={first_loss:.6f}")

for step in range(newton_steps):
    p = 1.0 / (1.0 + np.exp(-(X @ beta)))
    grad = X.T @ (y - p) / n + ridge * beta
    W = p * (1.0 - p)
    H = (X.T * W) @ X / n + ridge * np.eye(d)
    beta = beta - np.linalg.solve(H, grad)
    print(f"step {step} loss {nll(beta):.6f}")

final_loss = nll(beta)
prob = 1.0 / (1.0 + np.exp(-(X @ beta)))
accuracy = np.mean((prob > 0.5) == (y == 1))

print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
print(f"beta={np.round(beta, 3).tolist()}")
