# Small one-hidden-layer regression net for apartment rents, parameters kept in one flat vector
import numpy as np

rng = np.random.default_rng(7)

# synthetic listings: floor area (m^2), distance to centre (m), building year
n = 400
area = rng.uniform(25, 140, n)
dist = rng.uniform(200, 9000, n)
year = rng.integers(1955, 2022, n).astype(float)
rent = 6.0 + 0.09 * area - 0.00045 * dist + 0.02 * (year - 1990) + 0.6 * np.sin(area / 20.0)
rent = rent + rng.normal(0, 0.4, n)   # in hundreds per month

raw = np.column_stack([area, dist, year])
X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
y = rent

n_in, n_hid = 3, 12
sizes = [(n_in, n_hid), (n_hid,), (n_hid, 1), (1,)]
counts = [int(np.prod(s)) for s in sizes]
offsets = np.cumsum([0] + counts)

def unpack(theta):
    parts = []
    for k, s in enumerate(sizes):
        parts.append(theta[offsets[k]:offsets[k + 1]].reshape(s))
    return parts

def loss_and_grad(theta, X, y):
    W1, b1, W2, b2 = unpack(theta)
    h = np.tanh(X @ W1 + b1)
    pred = (h @ W2 + b2).ravel()
    r = pred - y
    loss = np.mean(r ** 2)
    d_pred = (2.0 / len(y)) * r[:, None]
    gW2 = h.T @ d_pred
    gb2 = d_pred.sum(axis=0)
    dh = (d_pred @ W2.T) * (1 - h ** 2)
    gW1 = X.T @ dh
    gb1 = dh.sum(axis=0)
    grad = np.concatenate([gW1.ravel(), gb1.ravel(), gW2.ravel(), gb2.ravel()])
    return loss, grad

theta = np.zeros(offsets[-1])
W1, b1, W2, b2 = unpack(theta)   # views into theta
W1[:] = rng.normal(0, 0.5, W1.shape)
W2[:] = rng.normal(0, 0.5, W2.shape)
b2[:] = y.mean()

base_lr = 0.05
batch = 32
losses = [loss_and_grad(theta, X, y)[0]]
for epoch in range(60):
    lr = base_lr * (0.5 ** (epoch // 20))   # halve every 20 epochs
    order = rng.permutation(n)
    for i in range(0, n, batch):
        idx = order[i:i + batch]
        loss, g = loss_and_grad(theta, X[idx], y[idx])
        theta -= lr * g
    full, _ = loss_and_grad(theta, X, y)
    losses.append(full)
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d} lr={lr:.4f} loss={full:.4f}")

W1, b1, W2, b2 = unpack(theta)
pred = (np.tanh(X @ W1 + b1) @ W2 + b2).ravel()
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"first_loss={losses[0]:.6f}")
print(f"final_loss={losses[-1]:.6f}")
print(f"r2={r2:.4f}")
