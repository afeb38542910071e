# One-hidden-layer classifier for pump sensor readings, one sample at a time SGD
import io

import numpy as np

rng = np.random.default_rng(11)

# fake logger data: temperature, vibration, pressure, current, flow
n = 500
temp = rng.normal(60, 8, n)
vib = rng.gamma(2.0, 0.5, n)
pres = rng.normal(3.0, 0.4, n)
curr = rng.normal(12, 1.5, n)
flow = rng.normal(40, 5, n)
score = 0.15 * (temp - 60) + 1.2 * (vib - 1.0) - 1.5 * (pres - 3.0) + 0.3 * (curr - 12) * (vib - 1.0)
fault = (score + rng.normal(0, 0.5, n) > 0.4).astype(float)

# write it out the way the logger exports it, some cells come out empty
lines = []
for row in zip(temp, vib, pres, curr, flow):
    cells = ["" if rng.random() < 0.01 else f"{v:.3f}" for v in row]
    lines.append(",".join(cells))
export = "\n".join(lines)

X = np.genfromtxt(io.StringIO(export), delimiter=",")

X = np.nan_to_num((X - np.nanmean(X, axis=0)) / np.nanstd(X, axis=0))
n_train = 400

n_in, n_hid = 5, 8
W1 = rng.normal(0, 0.5, (n_hid, n_in))
b1 = np.zeros((n_hid, 1))
W2 = rng.normal(0, 0.5, (1, n_hid))
b2 = np.zeros((1, 1))


def predict(x):
    h = np.tanh(W1 @ x + b1)
    p = 1 / (1 + np.exp(-(W2 @ h + b2)))
    return h, p


def mean_loss(rows):
    total = 0.0
    for i in rows:
        _, p = predict(X[i].reshape(-1, 1))
        p = p[0, 0]
        total += -(fault[i] * np.log(p + 1e-12) + (1 - fault[i]) * np.log(1 - p + 1e-12))
    return total / len(rows)


lr = 0.05
train_rows = np.arange(n_train)
first_loss = mean_loss(train_rows)
for epoch in range(15):
    for i in rng.permutation(train_rows):
        x = X[i].reshape(-1, 1)
        t = fault[i]
        h, p = predict(x)
        d2 = p - t
        d1 = (W2.T @ d2) * (1 - h ** 2)
        W2 -= lr * d2 @ h.T
        b2 -= lr * d2
        W1 -= lr * d1 @ x.T
        b1 -= lr * d1
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {mean_loss(train_rows):.4f}")

correct = 0
for i in range(n_train, n):
    _, p = predict(X[i].reshape(-1, 1))
    correct += int((p[0, 0] > 0.5) == (fault[i] > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={mean_loss(train_rows):.4f}")
print(f"accuracy={correct / (n - n_train):.4f}")
