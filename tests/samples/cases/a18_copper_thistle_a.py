# Logistic regression on two well separated Gaussian clusters, weights and bias in one flat vector
import numpy as np

rng = np.random.default_rng(5)

d = 4
n_per = 150
center = np.array([1.5, -1.0, 2.0, 0.5])
X = np.vstack([rng.normal(0, 1, (n_per, d)) + center,
               rng.normal(0, 1, (n_per, d)) - center])
y = np.concatenate([np.ones(n_per), np.zeros(n_per)])
idx = rng.permutation(2 * n_per)
X, y = X[idx], y[idx]
X_tr, y_tr, X_te, y_te = X[:220], y[:220], X[220:], y[220:]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def cost(theta, X, y):
    w, b = theta[:-1], theta[-1]
    m = len(y)
    z = X @ w + b
    p = sigmoid(z)
    loss = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
    dz = -(y / p - (1 - y) / (1 - p)) * p * (1 - p) / m
    grad = np.append(X.T @ dz, dz.sum())
    return loss, grad


theta = np.zeros(d + 1)
theta[:-1] = rng.normal(0, 0.01, d)

# compare with central differences once
_, g = cost(theta, X_tr, y_tr)
h = 1e-6
num = np.zeros_like(theta)
for j in range(theta.size):
    e = np.zeros_like(theta)
    e[j] = h
    num[j] = (cost(theta + e, X_tr, y_tr)[0] - cost(theta - e, X_tr, y_tr)[0]) / (2 * h)
print("gradient_check_max_abs_diff=%.2e" % np.max(np.abs(num - g)))

lr = 1.0
losses = []
for it in range(5000):
    loss, g = cost(theta, X_tr, y_tr)
    losses.append(loss)
    theta = theta - lr * g
    if it % 1000 == 0:
        print("iter %4d  loss %.6f  |w| %.3f" % (it, loss, np.linalg.norm(theta[:-1])))

p_te = sigmoid(X_te @ theta[:-1] + theta[-1])
acc = np.mean((p_te > 0.5) == y_te)
print("first_loss=%.6g" % losses[0])
print("final_loss=%.6g" % losses[-1])
print("accuracy=%.4f" % acc)
