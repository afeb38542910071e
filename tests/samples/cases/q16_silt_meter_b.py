# Linear regression for river sediment load from 4 gauge readings.
# Andrew Ng style: each column of X is one example, a row of ones on top gives the intercept.
import numpy as np

np.random.seed(7)
m = 4000
flow = np.random.normal(0.0, 1.0, m)
depth = np.random.normal(0.0, 1.0, m)
temp = np.random.normal(0.0, 1.0, m)
turb = np.random.normal(0.0, 1.0, m)
load = 12.0 + 3.0 * flow - 1.5 * depth + 0.4 * temp + 2.2 * turb + np.random.normal(0.0, 0.5, m)

X = np.vstack([np.ones(m), flow, depth, temp, turb])   # shape (5, m)
Y = load.reshape(1, m)                                  # shape (1, m)
theta = np.zeros((1, 5))

print("X shape", X.shape, "Y shape", Y.shape)

alpha = 0.05
iterations = 400
J_history = []

for it in range(iterations):
    H = theta @ X              # predictions, (1, m)
    E = H - Y
    J = np.sum(E ** 2) / (2 * m)
    J_history.append(J)
    if it == 0:
        print(f"first_loss={J:.6f}")
    grad = E @ X.T
    theta = theta - alpha * grad
    if it % 50 == 0:
        print("iter", it, "cost", J)

E = theta @ X - Y
J = np.sum(E ** 2) / (2 * m)
r2 = 1 - np.sum(E ** 2) / np.sum((Y - Y.mean()) ** 2)
print("theta", theta.ravel())
print(f"final_loss={J:.6f}")
print(f"r2={r2:.4f}")
