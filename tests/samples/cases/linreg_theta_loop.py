# Univariate linear regression (study hours -> exam score), theta updated one
# coordinate at a time in the textbook style: theta_j := theta_j - alpha * dJ/dtheta_j.
# Plain functions, batch gradient descent, cost printed every 100 iterations.
# Run: python linreg_theta_loop.py
import numpy as np


def build_data(m=50, seed=3):
    rng = np.random.RandomState(seed)
    hours = rng.uniform(0, 1, m)  # already scaled to [0, 1]
    score = 3.0 * hours + 4.0 + rng.randn(m) * 0.3
    X = np.column_stack([np.ones(m), hours])  # column of ones for the intercept
    return X, score


def compute_cost(X, y, theta):
    m = len(y)
    h = X @ theta
    return np.sum((h - y) ** 2) / (2 * m)


def gradient_descent(X, y, theta, alpha, num_iters):
    m = len(y)
    for it in range(num_iters):
        h = X @ theta
        for j in range(len(theta)):
            grad_j = np.sum((h - y) * X[:, j]) / m
            theta[j] = theta[j] - alpha * grad_j
        if it % 100 == 0:
            print("iter", it, "cost", compute_cost(X, y, theta))
    return theta


X, y = build_data()
theta = np.array([0, 0])
theta = gradient_descent(X, y, theta, alpha=0.05, num_iters=1000)
print("theta =", theta)
print("final cost", compute_cost(X, y, theta))
