import numpy as np

rng = np.random.default_rng(77)
n = 300
X = rng.normal(size=(n, 3))
y = (X @ np.array([1.0, -2.0, 0.5]) + 0.5 + rng.normal(0, 1.0, n) > 0).astype(float)

w = np.zeros(3)
b = 0.0
alpha = 0.1


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def cost(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


costs = []
for i in range(2000):
    p = sigmoid(X @ w + b)
    dw = X.T @ (p - y) / n
    db = np.mean(p - y)
    w = w - alpha * dw
    b = b - alpha * db
    costs.append(cost(p, y))
    if i % 500 == 0:
        print("iteration", i, "cost", costs[-1])

print(f"first_loss={costs[0]}")
final_cost = cost(sigmoid(X @ w + b), y)
print("cost of the trained model:", final_cost)
print(f"final_loss={final_cost}")
print(f"accuracy={np.mean((sigmoid(X @ w + b) > 0.5) == y)}")
