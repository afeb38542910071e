# Linear model for flat rental prices from integer listing features, float32 gradient descent
import numpy as np

rng = np.random.default_rng(5)

n = 1000
rooms = rng.integers(1, 7, size=n)
age = rng.integers(0, 80, size=n)
area = rng.integers(25, 220, size=n)
floor = rng.integers(0, 15, size=n)
dist = rng.integers(1, 30, size=n)
X_raw = np.stack([rooms, age, area, floor, dist], axis=1)

price = (120 * rooms - 4.0 * age + 9.5 * area + 12 * floor - 25 * dist + 300
         + rng.normal(0, 60, size=n))
y = price.astype(np.float32)

# scale every column to zero mean / unit spread
mu = X_raw.mean(axis=0)
sd = X_raw.std(axis=0)
X_scaled = np.zeros_like(X_raw)
for j in range(X_raw.shape[1]):
    X_scaled[:, j] = (X_raw[:, j] - mu[j]) / sd[j]
X = X_scaled.astype(np.float32)

y_mu, y_sd = y.mean(), y.std()
t = ((y - y_mu) / y_sd).astype(np.float32)

X_tr, t_tr = X[:800], t[:800]
X_te, t_te = X[800:], t[800:]

w = np.zeros(X.shape[1], dtype=np.float32)
b = np.float32(0.0)
lr = np.float32(0.1)

for step in range(300):
    pred = X_tr @ w + b
    resid = pred - t_tr
    loss = np.mean(resid ** 2)
    if step == 0:
        print(f"first_loss={loss:.4f}")
    if step % 60 == 0:
        print(f"step {step} loss {loss:.4f}")
    grad_w = (2.0 / len(t_tr)) * (X_tr.T @ resid)
    grad_b = 2.0 * resid.mean()
    w -= lr * grad_w.astype(np.float32)
    b = np.float32(b - lr * grad_b)

print(f"final_loss={loss:.4f}")
print(f"dtype={w.dtype},{X.dtype},{pred.dtype}")
pred_te = X_te @ w + b
r2 = 1 - np.sum((pred_te - t_te) ** 2) / np.sum((t_te - t_te.mean()) ** 2)
print(f"r2={r2:.4f}")
