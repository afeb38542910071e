# House price regression (price in thousands) with a one-hidden-layer net, softplus output, Adagrad
import numpy as np

rng = np.random.default_rng(31)

n = 1200
area = rng.normal(0, 1, n)
quality = rng.normal(0, 1, n)
dist = rng.exponential(1.0, n)
age = rng.uniform(0, 80, n)
rooms = np.clip(np.round(3 + 1.2 * area + rng.normal(0, 0.7, n)), 1, 8)
log_price = 5.6 + 0.5 * area + 0.2 * quality - 0.25 * dist - 0.004 * age + 0.05 * rooms + rng.normal(0, 0.12, n)
price = np.exp(log_price)

X = np.column_stack([area, quality, dist, age, rooms])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = price

X_train, y_train = X[:1000], y[:1000]
X_test, y_test = X[1000:], y[1000:]

def softplus(z):
    return np.logaddexp(0, z)

def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))

hidden = 32
W1 = rng.normal(0, np.sqrt(1.0 / X.shape[1]), size=(X.shape[1], hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, np.sqrt(1.0 / hidden), size=(hidden, 1))
b2 = np.zeros(1)
params = [W1, b1, W2, b2]
cache = [np.zeros_like(p) for p in params]
lr = 2.0
batch = 50

def predict(Xb):
    h = np.tanh(Xb @ W1 + b1)
    z = h @ W2 + b2
    return h, z, softplus(z).ravel()

def mse(pred, target):
    return np.mean((pred - target) ** 2)

print(f"first_loss={mse(predict(X_train)[2], y_train):.3f}")

for epoch in range(60):
    order = rng.permutation(len(X_train))
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        xb, yb = X_train[idx], y_train[idx]
        h, z, pred = predict(xb)
        dpred = 2 * (pred - yb) / len(idx)
        dz = dpred[:, None] * sigmoid(z)
        dW2 = h.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ W2.T * (1 - h ** 2)
        dW1 = xb.T @ dh
        db1 = dh.sum(axis=0)
        for p, c, g in zip(params, cache, [dW1, db1, dW2, db2]):
            c += g * g
            p -= lr * g / (np.sqrt(c) + 1e-8)
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss={mse(predict(X_train)[2], y_train):.3f}")

final_loss = mse(predict(X_train)[2], y_train)
test_pred = predict(X_test)[2]
r2 = 1 - np.sum((y_test - test_pred) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
print(f"final_loss={final_loss:.3f}")
print(f"r2={r2:.4f}")
