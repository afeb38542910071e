import numpy as np

# cell 1 -- data: every column is one day, rows are (temperature, is_weekend)
rng = np.random.default_rng(90)
days = 365
temp = rng.uniform(10, 35, days)
weekend = (np.arange(days) % 7 >= 5).astype(float)
X = np.vstack([(temp - temp.mean()) / temp.std(), weekend])
ice_creams = 200 + 60 * X[0] + 40 * weekend + rng.normal(0, 10, days)
Y = ice_creams.reshape(1, days)

# cell 2 -- model: Y_hat = W @ X
W = np.zeros((1, 2))
lr = 0.1


def mse(W):
    return float(np.mean((W @ X - Y) ** 2))


# cell 3 -- training
start_loss = mse(W)
for epoch in range(500):
    E = W @ X - Y
    W -= lr * (E @ X.T) / days

# cell 4 -- results
r2 = 1 - mse(W) / np.var(Y)
print("W", W)
print(f"first_loss={start_loss}")
print(f"final_loss={mse(W)}")
print(f"r2={r2}")
