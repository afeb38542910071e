# Daily building energy use (kWh) from a few standardized drivers, softplus output so predictions stay positive
import numpy as np

rng = np.random.default_rng(21)

n = 365
temp = rng.normal(12, 8, n)            # outdoor temperature, C
occupancy = rng.uniform(20, 200, n)    # people in the building
weekend = (np.arange(n) % 7 >= 5).astype(float)
sunshine = rng.uniform(0, 12, n)       # hours
kwh = (820 - 14 * (temp - 12) + 1.9 * (occupancy - 110) - 160 * weekend
       - 6 * (sunshine - 6) + rng.normal(0, 35, n))

raw = np.c_[temp, occupancy, weekend, sunshine]
X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
y = kwh


def softplus(z):
    return np.where(z > 30, z, np.log1p(np.exp(np.clip(z, -30, 30))))


def softplus_grad(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def loss_and_grad(w, b):
    z = X @ w + b
    pred = softplus(z)
    err = pred - y
    loss = np.mean(err ** 2)
    dz = 2 * err * softplus_grad(z) / len(y)
    return loss, X.T @ dz, dz.sum()


w = rng.normal(0, 0.1, X.shape[1])
b = 0.0

# compare the analytic gradient with central differences once
loss0, gw, gb = loss_and_grad(w, b)
h = 1e-5
num = np.zeros_like(w)
for j in range(len(w)):
    e = np.zeros_like(w)
    e[j] = h
    num[j] = (loss_and_grad(w + e, b)[0] - loss_and_grad(w - e, b)[0]) / (2 * h)
num_b = (loss_and_grad(w, b + h)[0] - loss_and_grad(w, b - h)[0]) / (2 * h)
rel = np.max(np.abs(num - gw)) / (np.max(np.abs(gw)) + 1e-12)
print(f"gradcheck_w_rel_err={rel:.2e}")
print(f"gradcheck_b_abs_err={abs(num_b - gb):.2e}")

lr = 0.05
first_loss = None
for step in range(1500):
    loss, gw, gb = loss_and_grad(w, b)
    if first_loss is None:
        first_loss = loss
    w -= lr * gw
    b -= lr * gb
    if step % 300 == 0:
        print(f"step {step} mse {loss:.2f} bias {b:.1f}")

pred = softplus(X @ w + b)
r2 = 1 - np.mean((pred - y) ** 2) / np.var(y)
print(f"first_loss={first_loss:.2f}")
print(f"final_loss={loss:.2f}")
print(f"r2={r2:.4f}")
