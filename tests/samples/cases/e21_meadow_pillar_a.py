# Poisson regression for daily bike rentals from weather-like features, full-batch gradient descent
import math

import numpy as np

rng = np.random.default_rng(2024)

n = 400
d = 5
names = ["temp", "humidity", "wind", "weekend", "holiday"]
X = rng.normal(size=(n, d))
X[:, 3] = (rng.random(n) < 2 / 7).astype(float)
X[:, 4] = (rng.random(n) < 0.05).astype(float)
true_w = np.array([0.45, -0.30, -0.20, 0.35, -0.25])
true_b = 1.6
counts = rng.poisson(np.exp(X @ true_w + true_b)).astype(float)

# first half for fitting, second half held out
half = n // 2
X_fit, y_fit = X[:half], counts[:half]
X_hold, y_hold = X[half:], counts[half:]

w = np.zeros(d)
b = 0.0
lr = 0.05
epochs = 600

def poisson_nll(mu, y):
    log_fact = np.array([math.lgamma(c + 1) for c in y])
    return np.mean(mu - y * np.log(mu) + log_fact)

mu = np.exp(X_fit @ w + b)
print(f"first_loss={poisson_nll(mu, y_fit):.6f}")

for epoch in range(epochs):
    eta = X_fit @ w + b
    mu = np.exp(eta)
    resid = mu - y_fit
    grad_w = X_fit.T @ resid / half
    grad_b = resid.mean()
    w -= lr * grad_w
    b -= lr * grad_b
    if epoch % 100 == 0:
        print(f"epoch {epoch} loss={poisson_nll(mu, y_fit):.4f}")

mu_fit = np.exp(X_fit @ w + b)
final_loss = poisson_nll(mu_fit, y_fit)
mu_hold = np.exp(X_hold @ w + b)
hold_loss = poisson_nll(mu_hold, y_hold)
r2 = 1 - np.sum((y_hold - mu_hold) ** 2) / np.sum((y_hold - y_hold.mean()) ** 2)
print(f"final_loss={final_loss:.6f}")
print(f"holdout_loss={hold_loss:.6f}")
print(f"r2={r2:.4f}")
for name, coef in zip(names, w):
    print(f"coef_{name}={coef:.3f}")
