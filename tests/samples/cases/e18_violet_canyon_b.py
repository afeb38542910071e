# House price regression on generated listings: feature prep in stages, then linear and quadratic models by gradient descent
import numpy as np

rng = np.random.default_rng(11)

# ------------------------------------------------------------------
# raw listings
# ------------------------------------------------------------------
n = 1500
area = rng.gamma(shape=6.0, scale=25.0, size=n) + 30.0        # living area m2
rooms = np.clip(np.round(area / 28 + rng.normal(0, 0.8, n)), 1, None)
age = rng.uniform(0, 80, n)                                   # years
dist = rng.exponential(6.0, n) + 0.2                          # km to centre
basement = np.where(rng.random(n) < 0.45, 0.0, rng.gamma(3.0, 15.0, n))
garden = np.where(rng.random(n) < 0.30, 0.0, rng.gamma(2.0, 80.0, n))
floor = rng.integers(0, 9, n).astype(float)

log_price = (
    11.0
    + 0.85 * np.log(area)
    + 0.04 * rooms
    - 0.004 * age
    - 0.25 * np.log(dist)
    + 0.06 * np.log1p(basement)
    + 0.03 * np.log1p(garden)
    + 0.01 * floor
    - 0.00004 * (age - 40) ** 2
    + rng.normal(0, 0.08, n)
)
price = np.exp(log_price)

print("listings:", n)
print("median price:", round(float(np.median(price))))
print("share without basement:", round(float(np.mean(basement == 0)), 3))
print("share without garden:", round(float(np.mean(garden == 0)), 3))

# ------------------------------------------------------------------
# first look: table of raw features
# ------------------------------------------------------------------
names = ["area", "rooms", "age", "dist", "basement", "garden", "floor"]
X = np.column_stack([area, rooms, age, dist, basement, garden, floor])
print("raw table", X.shape)
for j, name in enumerate(names):
    col = X[:, j]
    print(f"  {name:9s} min {col.min():9.2f}  mean {col.mean():9.2f}  max {col.max():9.2f}")

# correlation of each raw column with price
out = np.array([np.corrcoef(X[:, j], price)[0, 1] for j in range(X.shape[1])])
print("corr with price:", np.round(out, 2))

# ------------------------------------------------------------------
# prep stage 1: log the long-tailed columns
# ------------------------------------------------------------------
skewed = [0, 3, 4, 5]   # area, dist, basement, garden
X = X.copy()
for j in skewed:
    X[:, j] = np.log1p(X[:, j])

# the target is also long-tailed
y = np.log(price)

out = np.array([np.corrcoef(X[:, j], y)[0, 1] for j in range(X.shape[1])])
print("corr with log price after prep:", np.round(out, 2))

# ------------------------------------------------------------------
# prep stage 2: split and scale
# ------------------------------------------------------------------
perm = rng.permutation(n)
n_train = int(0.75 * n)
tr, te = perm[:n_train], perm[n_train:]

X_train, X_test = X[tr], X[te]
y_train, y_test = y[tr], y[te]

mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd

y_mu = y_train.mean()
y_train_c = y_train - y_mu
y_test_c = y_test - y_mu

# ------------------------------------------------------------------
# prep stage 3: bias column
# ------------------------------------------------------------------
X = np.hstack([np.ones((n_train, 1)), X_train])
X_te = np.hstack([np.ones((len(te), 1)), X_test])
print("design matrix", X.shape)


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


def r2_score(pred, target):
    return 1.0 - np.sum((target - pred) ** 2) / np.sum((target - target.mean()) ** 2)


# ------------------------------------------------------------------
# model 1: plain linear regression
# ------------------------------------------------------------------
W = np.zeros(X.shape[1])
lr = 0.05
steps = 600
hist = []
for step in range(steps):
    out = X @ W
    err = out - y_train_c
    hist.append(mse(out, y_train_c))
    grad = 2 * X.T @ err / len(err)
    W = W - lr * grad
    if step % 150 == 0:
        print(f"[linear] step {step:4d} mse {hist[-1]:.5f}")

out = X_te @ W
lin_r2 = r2_score(out, y_test_c)
print("linear first/last mse:", round(hist[0], 5), round(hist[-1], 5))
print("linear test r2:", round(float(lin_r2), 4))
print("weights:", np.round(W, 3))

# ------------------------------------------------------------------
# prep stage 4: squared terms for age and log area
# ------------------------------------------------------------------
sq_cols = [0, 2]   # indices inside X_train (log area, age)
X = np.hstack([X_train, X_train[:, sq_cols] ** 2])
X_te = np.hstack([X_test, X_test[:, sq_cols] ** 2])

# the squared columns need their own scaling
mu2 = X[:, -2:].mean(axis=0)
sd2 = X[:, -2:].std(axis=0)
X[:, -2:] = (X[:, -2:] - mu2) / sd2
X_te[:, -2:] = (X_te[:, -2:] - mu2) / sd2

X = np.hstack([np.ones((n_train, 1)), X])
X_te = np.hstack([np.ones((len(te), 1)), X_te])
print("design matrix with squares", X.shape)

# ------------------------------------------------------------------
# model 2: linear regression on the bigger table
# ------------------------------------------------------------------
W = np.zeros(X.shape[1])
hist = []
for step in range(steps):
    out = X @ W
    err = out - y_train_c
    hist.append(mse(out, y_train_c))
    grad = 2 * X.T @ err / len(err)
    W = W - lr * grad
    if step % 150 == 0:
        print(f"[quad] step {step:4d} mse {hist[-1]:.5f}")

out = X_te @ W
quad_r2 = r2_score(out, y_test_c)
print("quad test r2:", round(float(quad_r2), 4))

# residuals on the test houses
out = X_te @ W - y_test_c
print("test residual mean/std:", round(float(out.mean()), 4), round(float(out.std()), 4))

# ------------------------------------------------------------------
# how far off are we in money terms
# ------------------------------------------------------------------
out = np.exp(X_te @ W + y_mu)
rel = np.abs(out - price[te]) / price[te]
print("median relative price error:", round(float(np.median(rel)), 4))

print(f"first_loss={hist[0]:.5f}")
print(f"final_loss={hist[-1]:.5f}")
print(f"linear_r2={lin_r2:.4f}")
print(f"r2={quad_r2:.4f}")
