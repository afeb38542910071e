# 3-4-1 network (Leaky ReLU hidden layer, sigmoid output) on the seven 3-bit
# patterns of the classic tutorial, cross-entropy gradient simplified to
# (a - y). Written as a top-level script with no functions or classes.
# Run: python net341_toplevel.py
import numpy as np

np.random.seed(1)
X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
Y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T

W1 = 2 * np.random.random((3, 4)) - 1
W2 = 2 * np.random.random((4, 1)) - 1
lr = 0.1
m = len(X)

for it in range(5000):
    # forward
    z1 = X @ W1
    a1 = np.where(z1 > 0, z1, 0.01 * z1)
    z2 = a1 @ W2
    a2 = 1 / (1 + np.exp(-z2))
    loss = -np.mean(Y * np.log(a2) + (1 - Y) * np.log(1 - a2))

    # backward
    d2 = (a2 - Y) / m
    d1 = (d2 @ W2.T) * np.where(z1 > 0, 1.0, 0.01)
    W2 -= lr * a1.T @ d2
    W1 -= lr * X.T @ d1

    if it % 500 == 0:
        print("iter", it, "loss", round(float(loss), 6))

print("final loss", loss)
print("outputs", a2.ravel())
print("accuracy", np.mean((a2 > 0.5) == Y))
