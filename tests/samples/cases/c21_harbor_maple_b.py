# Rent prediction from apartment features, linear model with batch gradient descent
# %%
import numpy as np

rng = np.random.default_rng(7)
n = 600

area = rng.uniform(25, 140, n)              # m^2
rooms = np.round(area / 28 + rng.normal(0, 0.6, n)).clip(1, 6)
age = rng.uniform(0, 80, n)                 # years
dist = rng.gamma(2.0, 2.5, n)               # km to centre
floor = rng.integers(0, 12, n).astype(float)

rent = 180 + 9.5 * area + 40 * rooms - 2.2 * age - 35 * dist + 6 * floor + rng.normal(0, 60, n)

X = np.column_stack([area, rooms, age, dist, floor])
y = rent
print("raw X shape", X.shape, "rent mean", round(y.mean(), 1))

# %%
# look at the columns a bit
for j, name in enumerate(["area", "rooms", "age", "dist", "floor"]):
    print(name, "min", round(X[:, j].min(), 2), "max", round(X[:, j].max(), 2))

# floor barely matters, drop it; add area per room
X = X[:, :4]
X = np.column_stack([X, X[:, 0] / X[:, 1]])
print("X shape now", X.shape)

# %%
# train / test split
idx = rng.permutation(n)
tr, te = idx[:480], idx[480:]
X_train, X_test = X[tr], X[te]
y_train, y_test = y[tr], y[te]

# standardise with train stats
mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd

y_mu, y_sd = y_train.mean(), y_train.std()
y_train = (y_train - y_mu) / y_sd

# %%
# add ones column for the intercept
X_train = np.hstack([np.ones((X_train.shape[0], 1)), X_train])
X_test = np.hstack([np.ones((X_test.shape[0], 1)), X_test])

w = np.zeros(X_train.shape[1])
lr = 1.5
epochs = 300
losses = []

# %%
for epoch in range(epochs):
    pred = X_train @ w
    err = pred - y_train
    loss = np.mean(err ** 2)
    losses.append(loss)
    grad = 2 * X_train.T @ err / len(y_train)
    w = w - lr * grad
    if epoch % 50 == 0:
        print("epoch", epoch, "mse", loss)

print("first_loss=%.6f" % losses[0])
print("final_loss=%.6f" % losses[-1])
print("weights", np.round(w, 3))

# %%
# evaluate on held-out apartments one at a time
sq_err = 0.0
abs_err = 0.0
for i in range(len(y_test)):
    x_i = X_test[i]
    p = x_i @ w * y_sd + y_mu
    sq_err += (p - y_test[i]) ** 2
    abs_err += abs(p - y_test[i])

mse_test = sq_err / len(y_test)
r2 = 1 - mse_test / np.var(y_test)
print("test_mae=%.2f" % (abs_err / len(y_test)))
print("r2=%.4f" % r2)
