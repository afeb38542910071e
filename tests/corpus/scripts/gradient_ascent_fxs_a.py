# ---- cell 1: data (columns are houses, rows are features)
import numpy as np
np.random.seed(0)
m = 300
rooms = np.random.uniform(1, 6, m)
dist = np.random.uniform(0, 20, m)
X = np.vstack([rooms, dist])
X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
y = 50 + 12 * X[0] - 7 * X[1] + np.random.normal(0, 3, m)

# ---- cell 2: parameters
w = np.zeros((1, 2))
b = np.zeros((1, 1))
learning_rate = 0.05

# ---- cell 3: helpers
def compute_cost(w, b):
    return float(np.mean((w @ X + b - y) ** 2) / 2)

cost_start = compute_cost(w, b)

# ---- cell 4: training
costs = []
for iteration in range(200):
    y_hat = w @ X + b
    dw = (y_hat - y) @ X.T / m
    db = np.mean(y_hat - y)
    w = w + learning_rate * dw
    b = b + learning_rate * db
    costs.append(compute_cost(w, b))

# ---- cell 5: report
print(costs[::50])
print(f"first_loss={cost_start}")
print(f"final_loss={costs[-1]}")
