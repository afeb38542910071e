# %% [markdown]
# Building energy use - small neural net regression
# predict daily kWh of an office building from a few sensor readings
# (1 hidden layer, tanh, gradient descent with momentum)

# %%
import numpy as np

np.random.seed(7)
n_days = 400
print("numpy", np.__version__)

# %%
# make some fake sensor data
outdoor_temp = np.random.uniform(-5, 30, n_days)      # deg C
occupancy = np.random.randint(0, 120, n_days)         # people in the building
sun_hours = np.random.uniform(0, 12, n_days)
wind = np.random.gamma(2.0, 3.0, n_days)              # m/s
weekend = (np.arange(n_days) % 7 >= 5).astype(float)

# heating below ~16C, cooling above ~22C, people and wind add load
kwh = (200
       + 9.0 * np.maximum(16 - outdoor_temp, 0)
       + 12.0 * np.maximum(outdoor_temp - 22, 0)
       + 1.5 * occupancy
       - 4.0 * sun_hours
       + 3.0 * wind
       - 60.0 * weekend
       + np.random.normal(0, 10, n_days))

# %%
# look at the data first
X_raw = np.column_stack([outdoor_temp, occupancy, sun_hours, wind, weekend])
y_raw = kwh.reshape(-1, 1)
names = ["temp", "occupancy", "sun", "wind", "weekend"]
print("X shape:", X_raw.shape, "y shape:", y_raw.shape)
print("first rows:")
print(np.round(X_raw[:5], 2))
print("kwh first 5:", np.round(y_raw[:5, 0], 1))

# %%
for j in range(X_raw.shape[1]):
    col = X_raw[:, j]
    print(f"{names[j]:>10}: min={col.min():8.2f} max={col.max():8.2f} "
          f"mean={col.mean():8.2f} std={col.std():8.2f}")
print(f"{'kwh':>10}: min={y_raw.min():8.2f} max={y_raw.max():8.2f} "
      f"mean={y_raw.mean():8.2f} std={y_raw.std():8.2f}")

# %%
# correlation of each feature with the target
for j in range(X_raw.shape[1]):
    r = np.corrcoef(X_raw[:, j], y_raw[:, 0])[0, 1]
    print(f"corr({names[j]}, kwh) = {r:+.3f}")

# %%
# rough histogram of the target
counts, edges = np.histogram(y_raw, bins=8)
for c, lo, hi in zip(counts, edges[:-1], edges[1:]):
    print(f"{lo:7.1f} - {hi:7.1f} | " + "#" * (c // 4))

# %%
# weekday vs weekend
print("mean kwh weekday:", round(float(y_raw[weekend == 0].mean()), 1))
print("mean kwh weekend:", round(float(y_raw[weekend == 1].mean()), 1))

# %%
# train / test split (80 / 20)
perm = np.random.permutation(n_days)
cut = int(0.8 * n_days)
tr, te = perm[:cut], perm[cut:]
X_tr, X_te = X_raw[tr], X_raw[te]
y_tr, y_te = y_raw[tr], y_raw[te]
print("train:", X_tr.shape, "test:", X_te.shape)

# %%
# standardize with the train statistics (features and target)
mu = X_tr.mean(axis=0)
sd = X_tr.std(axis=0)
X_tr = (X_tr - mu) / sd
X_te = (X_te - mu) / sd
y_mu = y_tr.mean()
y_sd = y_tr.std()
y_tr_s = (y_tr - y_mu) / y_sd
y_te_s = (y_te - y_mu) / y_sd
print("scaled train means:", np.round(X_tr.mean(axis=0), 3))
print("scaled train stds :", np.round(X_tr.std(axis=0), 3))

# %%
# network: 5 -> 16 (tanh) -> 1
n_in = X_tr.shape[1]
n_hidden = 16
W1 = np.random.randn(n_in, n_hidden) * np.sqrt(1.0 / n_in)
b1 = np.zeros((1, n_hidden))
W2 = np.random.randn(n_hidden, 1) * np.sqrt(1.0 / n_hidden)
b2 = np.zeros((1, 1))

# velocities for momentum
vW1 = np.zeros_like(W1)
vb1 = np.zeros_like(b1)
vW2 = np.zeros_like(W2)
vb2 = np.zeros_like(b2)

learning_rate = 0.05
momentum = 0.9
epochs = 300
m = X_tr.shape[0]

# %%
# loss before training
h = np.tanh(X_tr @ W1 + b1)
pred = h @ W2 + b2
first_loss = np.mean((pred - y_tr_s) ** 2)
print(f"first_loss={first_loss:.4f}")

# %%
# training loop
history = []
for epoch in range(epochs):
    # forward
    z1 = X_tr @ W1 + b1
    h = np.tanh(z1)
    pred = h @ W2 + b2
    err = pred - y_tr_s
    loss = np.mean(err ** 2)
    history.append(loss)

    # backward (mse)
    d_pred = 2 * err / m
    dW2 = h.T @ d_pred
    db2 = d_pred.sum(axis=0, keepdims=True)
    dh = d_pred @ W2.T
    dz1 = dh * (1 - h ** 2)
    dW1 = X_tr.T @ dz1
    db1 = dz1.sum(axis=0, keepdims=True)

    # momentum update
    vW1 = momentum * vW1 - learning_rate * dW1
    vb1 = momentum * vb1 - learning_rate * db1
    vW2 = momentum * vW2 - learning_rate * dW2
    vb2 = momentum * vb2 - learning_rate * db2
    W1 += vW1
    b1 += vb1
    W2 += vW2
    b2 += vb2

    if epoch % 50 == 0:
        print(f"epoch {epoch:4d}  mse {loss:.5f}")

# %%
# final numbers on the train set
h = np.tanh(X_tr @ W1 + b1)
pred = h @ W2 + b2
final_loss = np.mean((pred - y_tr_s) ** 2)
print(f"final_loss={final_loss:.4f}")

# %%
# test set, back in kWh
h_te = np.tanh(X_te @ W1 + b1)
pred_te = (h_te @ W2 + b2) * y_sd + y_mu
rmse = np.sqrt(np.mean((pred_te - y_te) ** 2))
ss_res = np.sum((pred_te - y_te) ** 2)
ss_tot = np.sum((y_te - y_te.mean()) ** 2)
print("test rmse (kWh):", round(float(rmse), 2))
print(f"r2={1 - ss_res / ss_tot:.4f}")

# %%
# a few predictions next to the truth
for i in range(5):
    print(f"true {y_te[i, 0]:7.1f}   pred {pred_te[i, 0]:7.1f}")
print("loss went from", round(float(history[0]), 4), "to", round(float(history[-1]), 4))
