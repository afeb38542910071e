# house price model (price in $1000s) from floor area, age and distance to the station
# training runs as a generator so I can watch each epoch from the outside
import numpy as np

rng = np.random.default_rng(1604)
n = 400
area = rng.uniform(600, 3400, n)        # square feet
age = rng.uniform(0, 70, n)             # years
dist = rng.uniform(150, 6000, n)        # metres
price = 40 + 0.11 * area - 0.9 * age - 0.012 * dist + rng.normal(0, 12, n)


def make_features(area, age, dist):
    M = np.column_stack([area, age, dist])
    return (M - M.mean(axis=0)) / M.std(axis=0)


def mse(X, y, params):
    pred = X @ params["w"] + params["b"]
    return np.mean((pred - y) ** 2)


def train(X, y, params, lr=0.003, beta=0.9, batch=32, epochs=30):
    vel = {"w": np.zeros_like(params["w"]), "b": 0.0}
    for ep in range(epochs):
        step = lr / (1 + 0.3 * ep)          # slow the steps down a bit every epoch
        order = rng.permutation(len(y))
        for s in range(0, len(y), batch):
            rows = order[s:s + batch]
            err = X[rows] @ params["w"] + params["b"] - y[rows]
            gw = 2 * X[rows].T @ err / len(rows)
            gb = 2 * err.mean()
            vel["w"] = beta * vel["w"] - step * gw
            vel["b"] = beta * vel["b"] - step * gb
            params["w"] = params["w"] + vel["w"]
            params["b"] = params["b"] + vel["b"]
        yield ep, mse(X, y, params)


X = make_features(area, age, dist)
params = {"w": np.zeros(3), "b": 0.0}
print(f"first_loss={mse(X, price, params):.4f}")

history = []
for ep, loss in train(X, price, params):
    history.append(loss)
    if ep % 5 == 0:
        print(f"epoch {ep:2d}  mse {loss:.4f}")

print(f"final_loss={history[-1]:.4f}")
r2 = 1 - history[-1] / np.var(price)
print(f"r2={r2:.4f}")
