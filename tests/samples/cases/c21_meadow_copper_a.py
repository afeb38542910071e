# Random tanh features with a ridge read-out (extreme learning machine) for a smooth 4-input function
import numpy as np

rng = np.random.default_rng(11)


def target(X):
    return np.sin(1.5 * X[:, 0]) * np.cos(X[:, 1]) + 0.5 * X[:, 2] ** 2 - 0.8 * X[:, 3]


n_train, n_test, d = 300, 300, 4
X_train = rng.uniform(-2, 2, (n_train, d))
X_test = rng.uniform(-2, 2, (n_test, d))
y_train = target(X_train) + rng.normal(0, 0.1, n_train)
y_test = target(X_test) + rng.normal(0, 0.1, n_test)

# hidden layer is random and never trained
n_hidden = 200
W = rng.normal(0, 10.0, (d, n_hidden))
b = rng.normal(0, 1.0, n_hidden)

H_train = np.tanh(X_train @ W + b)
H_test = np.tanh(X_test @ W + b)
print("mean |h| on train:", round(float(np.abs(H_train).mean()), 4))

# read-out before fitting is all zeros
beta = np.zeros(n_hidden)
first_loss = np.mean((H_train @ beta - y_train) ** 2)

# closed form ridge solution for the read-out
lam = 1e-3
A = H_train.T @ H_train + lam * np.eye(n_hidden)
beta = np.linalg.solve(A, H_train.T @ y_train)

pred_train = H_train @ beta
pred_test = H_test @ beta
final_loss = np.mean((pred_train - y_train) ** 2)
test_mse = np.mean((pred_test - y_test) ** 2)
r2 = 1 - test_mse / np.var(y_test)

print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"test_mse={test_mse:.6f}")
print(f"r2={r2:.4f}")
