import numpy as np

rng = np.random.default_rng(33)
# yield (t/ha) from rainfall, fertilizer, sun hours; 150 fields to train on, 150 other fields to test on
def fields(n):
    X = rng.standard_normal((n, 3))
    y = 5.0 + 1.2 * X[:, 0] + 0.8 * X[:, 1] - 0.4 * X[:, 2] + rng.normal(0, 0.3, n)
    return X, y


X_train, y_train = fields(150)
X_test, y_test = fields(150)

w = np.zeros(3)
b = 0.0
lr = 0.1

losses = []
for epoch in range(400):
    pred = X_train @ w + b
    err = pred - y_train
    losses.append(np.mean(err ** 2))
    w -= lr * X_train.T @ err / len(y_train)
    b -= lr * err.mean()

test_pred = X_test @ w + b
test_mse = np.mean((test_pred - y_test) ** 2)
print("train mse", losses[-1], "test mse", test_mse)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"r2={1 - test_mse / np.var(y_test)}")
