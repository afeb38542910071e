# Small tanh network predicting a fuel-use figure from four car measurements, full-batch gradient descent
# %%
import numpy as np

rng = np.random.default_rng(7)

n_cars = 400
n_feat = 4

# %%
# make up some car data: weight (t), engine size (l), speed (km/h / 100), age (decades)
weight = rng.uniform(0.8, 2.2, n_cars)
engine = rng.uniform(1.0, 3.5, n_cars)
speed = rng.uniform(0.5, 1.3, n_cars)
age = rng.uniform(0.0, 2.0, n_cars)

X = np.column_stack([weight, engine, speed, age])

# fuel use per 100 km, some nonlinear mix + noise
y = 3.0 + 2.2 * weight + 1.1 * engine ** 1.3 + 2.5 * (speed - 0.9) ** 2 + 0.6 * age * weight
y = y + rng.normal(0, 0.3, n_cars)
y = y.reshape(-1, 1)

print("X shape", X.shape, "y shape", y.shape)
print("y range", round(float(y.min()), 2), round(float(y.max()), 2))

# %%
# train / test split
idx = rng.permutation(n_cars)
cut = int(0.8 * n_cars)
train_idx = idx[:cut]
test_idx = idx[cut:]

X_train = X[train_idx]
y_train = y[train_idx]
X_test = X[test_idx]
y_test = y[test_idx]

# %%
# scale the features with train stats
mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd

y_mu = y_train.mean()
y_sd = y_train.std()
y_train_s = (y_train - y_mu) / y_sd
y_test_s = (y_test - y_mu) / y_sd

# %%
# network: 4 -> 16 tanh -> 1
hidden = 16
W1 = rng.normal(0, 1.0 / np.sqrt(n_feat), (n_feat, hidden))
b1 = np.zeros((1, hidden))
W2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, 1))
b2 = np.zeros((1, 1))

lr = 0.1
epochs = 300
m = X_train.shape[0]

losses = []

# %%
for epoch in range(epochs):
    # forward
    h = np.tanh(X_train @ W1 + b1)
    pred = h @ W2 + b2
    err = pred - y_train_s
    loss = np.mean(err ** 2)
    losses.append(loss)

    # backward
    d_pred = 2 * err / m
    dW2 = h.T @ d_pred
    db2 = d_pred.sum(axis=0, keepdims=True)
    dh = d_pred @ W2.T
    dz = dh * (1 - h ** 2)
    dW1 = X_train.T @ dz
    db1 = dz.sum(axis=0, keepdims=True)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if epoch % 50 == 0:
        print("epoch", epoch, "loss", round(float(loss), 5))

# %%
# how did training go
first_loss = losses[0]
final_loss = losses[-1]
print("loss went from", first_loss, "to", final_loss)

# %%
# test set, same names as before
h = np.tanh(X_test @ W1 + b1)
pred = h @ W2 + b2
err = pred - y_test_s
loss = np.mean(err ** 2)
print("test mse (scaled)", round(float(loss), 5))

# back to litres
pred = pred * y_sd + y_mu
err = pred - y_test
ss_res = np.sum(err ** 2)
ss_tot = np.sum((y_test - y_test.mean()) ** 2)
r2 = 1 - ss_res / ss_tot

# %%
# a few example predictions
for k in range(5):
    print("car", k, "true", round(float(y_test[k, 0]), 2), "pred", round(float(pred[k, 0]), 2))

# %%
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
