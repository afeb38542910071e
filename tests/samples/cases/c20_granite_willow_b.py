# Logistic regression predicting loan repayment from four applicant features, batch gradient descent
import itertools
import numpy as np

rng = np.random.default_rng(314)

n = 800
income = rng.normal(55, 15, n)
debt = rng.normal(20, 8, n)
years = rng.uniform(0, 30, n)
late = rng.poisson(1.5, n).astype(float)
X = np.stack([income, debt, years, late], axis=1)
true_w = np.array([0.08, -0.15, 0.06, -0.9])
logit = X @ true_w - 1.2 + rng.normal(0, 0.5, n)
y = (logit > 0).astype(float)

mu = X.mean(axis=0)
sd = X.std(axis=0)
Xs = (X - mu) / sd

w = np.zeros(4)
b = 0.0
lr = 0.5
max_epochs = 1500
tol = 1e-7


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


prev = np.inf
first_loss = None
for epoch in itertools.count():
    p = sigmoid(Xs @ w + b)
    loss = log_loss(p, y)
    if first_loss is None:
        first_loss = loss
    if epoch % 500 == 0:
        print(f"{epoch:5d} {loss:.5f}")
    if prev - loss < tol or epoch == max_epochs:
        break
    prev = loss
    grad_w = Xs.T @ (p - y) / n
    grad_b = np.mean(p - y)
    w -= lr * grad_w
    b -= lr * grad_b

accuracy = np.mean((p > 0.5) == y)
print(f"stopped_at={epoch}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={accuracy:.3f}")
