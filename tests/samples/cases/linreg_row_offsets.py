# Linear regression of delivery times (minutes) from distance, parcels and hour, fitted on 120 past
# deliveries and checked on 120 new ones. Top-level script, np.dot, full-batch gradient descent.
# Run: python linreg_row_offsets.py
import numpy as np

np.random.seed(30)


def deliveries(n):
    X = np.random.randn(n, 3)
    y = 30.0 + np.dot(X, np.array([8.0, 3.0, -2.0])) + np.random.randn(n) * 2.0
    return X, y.reshape(-1, 1)


X_fit, y_fit = deliveries(120)
X_new, y_new = deliveries(120)
coef = np.zeros((3, 1))
offset = np.zeros((len(X_fit), 1))
lr = 0.1
for sweep in range(300):
    guess = np.dot(X_fit, coef) + offset
    gap = guess - y_fit
    coef -= lr * np.dot(X_fit.T, gap) / len(X_fit)
    offset -= lr * gap.mean(axis=1, keepdims=True)
    if sweep % 50 == 0:
        held = np.mean((np.dot(X_new, coef) + offset - y_new) ** 2)
        print(f"sweep {sweep:3d}  held-out loss {held:.3f}")
held = np.mean((np.dot(X_new, coef) + offset - y_new) ** 2)
print(f"final held-out loss {held:.3f}")
