# Linear regression on synthetic flat-rental data (integer-valued features), gradient descent, train/test split
import numpy as np

rng = np.random.default_rng(42)
n = 600

# features: floor area in m2, number of rooms, building age in years, minutes walk to station
area = rng.integers(25, 140, size=n)
rooms = np.clip(area // 25 + rng.integers(-1, 2, size=n), 1, 6)
age = rng.integers(0, 80, size=n)
walk = rng.integers(1, 35, size=n)
X = np.column_stack([area, rooms, age, walk])

# monthly rent in hundreds
rent = 2.0 + 0.09 * area + 0.6 * rooms - 0.025 * age - 0.08 * walk + rng.normal(0, 0.8, size=n)

idx = rng.permutation(n)
train_idx, test_idx = idx[:450], idx[450:]
X_train, X_test = X[train_idx], X[test_idx]
y_train, y_test = rent[train_idx], rent[test_idx]

# scale with the training statistics only
mu = X_train.mean(axis=0)
sigma = X_train.std(axis=0)
X_train_s = np.empty_like(X_train)
X_test_s = np.empty_like(X_test)
X_train_s[:] = (X_train - mu) / sigma
X_test_s[:] = (X_test - mu) / sigma

w = np.zeros(X.shape[1])
b = 0.0
lr = 0.1
losses = []
for step in range(300):
    pred = X_train_s @ w + b
    resid = pred - y_train
    loss = np.mean(resid ** 2)
    losses.append(loss)
    w -= lr * 2 * X_train_s.T @ resid / len(y_train)
    b -= lr * 2 * resid.mean()
    if step % 60 == 0:
        print(f"step {step}: mse {loss:.4f}")


def r2_score(y, yhat):
    return 1 - np.sum((y - yhat) ** 2) / np.sum((y - y.mean()) ** 2)


test_pred = X_test_s @ w + b
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"test_mse={np.mean((test_pred - y_test) ** 2):.4f}")
print(f"r2={r2_score(y_test, test_pred):.4f}")
print("weights=" + ",".join(f"{v:.3f}" for v in w))
