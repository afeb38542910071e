# Tanh network (3-24-12-1) predicting daily energy use of a building from weather, with per-epoch validation
import numpy as np

rng = np.random.default_rng(5)

# --- data: outdoor temperature (C), wind (m/s), sunshine hours -> energy in kWh
n = 1000
temp = rng.uniform(-10, 30, n)
wind = rng.gamma(2.0, 2.5, n)
sun = rng.uniform(0, 12, n)
energy = 22 + 0.035 * (temp - 18) ** 2 - 0.25 * temp + 0.6 * wind - 0.5 * sun + rng.normal(0, 1.0, n)

X_all = np.column_stack([temp, wind, sun])
y_all = energy.reshape(-1, 1)

order = rng.permutation(n)
n_tr = 800
X_train, X_val = X_all[order[:n_tr]], X_all[order[n_tr:]]
y_train, y_val = y_all[order[:n_tr]], y_all[order[n_tr:]]

# scale inputs with the training statistics
mu, sd = X_train.mean(0), X_train.std(0)
X_train = (X_train - mu) / sd
X_val = (X_val - mu) / sd

y_lo, y_hi = y_train.min(), y_train.max()
print(f"energy range in training set: {y_lo:.1f} .. {y_hi:.1f} kWh")

# targets the network is trained on
t_train = y_train
t_val = y_val

sizes = [3, 24, 12, 1]
Ws, bs = [], []
for a, b in zip(sizes[:-1], sizes[1:]):
    Ws.append(rng.normal(0, 1 / np.sqrt(a), (a, b)))
    bs.append(np.zeros((1, b)))


def forward(x):
    acts = [x]
    for W, b in zip(Ws, bs):
        acts.append(np.tanh(acts[-1] @ W + b))
    return acts


def backward(acts, target):
    grads_W, grads_b = [], []
    delta = 2 * (acts[-1] - target) / len(target) * (1 - acts[-1] ** 2)
    for i in reversed(range(len(Ws))):
        grads_W.insert(0, acts[i].T @ delta)
        grads_b.insert(0, delta.sum(0, keepdims=True))
        if i > 0:
            delta = (delta @ Ws[i].T) * (1 - acts[i] ** 2)
    return grads_W, grads_b


lr = 0.1
epochs = 80
batch = 32
train_hist, val_hist = [], []

train_hist.append(float(np.mean((forward(X_train)[-1] - t_train) ** 2)))
for ep in range(epochs):
    idx = rng.permutation(n_tr)
    for s in range(0, n_tr, batch):
        j = idx[s:s + batch]
        acts = forward(X_train[j])
        gW, gb = backward(acts, t_train[j])
        for k in range(len(Ws)):
            Ws[k] -= lr * gW[k]
            bs[k] -= lr * gb[k]
    tr_loss = float(np.mean((forward(X_train)[-1] - t_train) ** 2))
    va_loss = float(np.mean((forward(X_val)[-1] - t_val) ** 2))
    train_hist.append(tr_loss)
    val_hist.append(va_loss)
    if ep % 10 == 0 or ep == epochs - 1:
        print(f"epoch {ep:3d}  train {tr_loss:.5f}  val {va_loss:.5f}")

pred = forward(X_val)[-1]
pred_kwh = pred
val_mae = float(np.mean(np.abs(pred_kwh - y_val)))
r2 = 1 - np.sum((y_val - pred_kwh) ** 2) / np.sum((y_val - y_val.mean()) ** 2)

print(f"first_loss={train_hist[0]:.5f}")
print(f"final_loss={train_hist[-1]:.5f}")
print(f"val_loss={val_hist[-1]:.5f}")
print(f"val_mae_kwh={val_mae:.3f}")
print(f"r2={r2:.4f}")
