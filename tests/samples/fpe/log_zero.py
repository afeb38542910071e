# Logistic regression whose predictions saturate to exactly 1.0: log(1 - p) is log(0).
import numpy as np

X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [-1.0, -2.0], [-2.0, -1.0]])
y = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 0.0])
w = np.zeros(2)
lr = 2.0
losses = []
for step in range(300):
    z = X @ w
    p = 1 / (1 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    losses.append(loss)
    w = w - lr * X.T @ (p - y)
print("last loss:", losses[-1])
