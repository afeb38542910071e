# Next-day reading of a noisy seasonal sensor series from hand-made moving-window features, linear model fit by GD
import numpy as np

rng = np.random.default_rng(12)

# synthetic daily readings: slow cycle + drifting noise + measurement noise
T = 640
t = np.arange(T)
drift = np.zeros(T)
for i in range(1, T):
    drift[i] = 0.8 * drift[i - 1] + rng.normal(0, 0.6)
series = 18.0 + 4.0 * np.sin(2 * np.pi * t / 60) + drift + rng.normal(0, 0.8, T)


def window_mean(x, k):
    # slide a box of width k along x; out[i] covers x[i:i+k]
    out = np.empty(len(x) - k + 1)
    for i in range(len(out)):
        out[i] = x[i:i + k].sum() / k
    return out


lag = 20
rows = []
for end in range(lag, T):
    past = series[end - lag:end]
    feats = [past[-1], past[-2],
             window_mean(past, 3)[-1], window_mean(past, 7)[-1],
             window_mean(past, 14)[-1], past[-1] - past[-8]]
    rows.append(feats)
F = np.array(rows)
target = series[lag:]

# first half for fitting, second half for checking
half = len(F) // 2
F_tr, F_te = F[:half], F[half:]
y_tr, y_te = target[:half], target[half:]
mu, sd = F_tr.mean(axis=0), F_tr.std(axis=0)
F_tr = (F_tr - mu) / sd
F_te = (F_te - mu) / sd

n, d = F_tr.shape
w = np.zeros(d)
b = 0.0

lr = 0.2
epochs = 1500
first_loss = None
for ep in range(epochs):
    pred = np.einsum('nd,d->n', F_tr, w) + b
    err = pred - y_tr
    loss = np.mean(err ** 2)
    if first_loss is None:
        first_loss = loss
    gw = 2 * np.einsum('n,nd->d', err, F_tr) / n
    gb = 2 * err.sum() / n
    w -= lr * gw
    b -= lr * gb
    if ep % 300 == 0:
        print(f"epoch {ep} mse {loss:.4f}")

pred_te = np.einsum('nd,d->n', F_te, w) + b
test_mse = np.mean((pred_te - y_te) ** 2)
r2 = 1 - test_mse / np.var(y_te)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"test_mse={test_mse:.4f}")
print(f"r2={r2:.4f}")
