# Seven-layer network classifying points inside versus outside a ring, full-batch descent
import itertools
import numpy as np

rng = np.random.default_rng(2024)

n = 500
r = np.concatenate([rng.uniform(0.0, 1.0, n // 2), rng.uniform(1.4, 2.2, n // 2)])
theta = rng.uniform(0, 2 * np.pi, n)
X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
X += rng.normal(0, 0.1, X.shape)
y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).reshape(-1, 1)
X = (X - X.mean(axis=0)) / X.std(axis=0)

depth = 6
width = 16
Ws, bs = [], []
fan_in = 2
for _ in range(depth):
    Ws.append(rng.normal(0, np.sqrt(1.0 / fan_in), (fan_in, width)))
    bs.append(np.zeros(width))
    fan_in = width
Ws.append(rng.normal(0, np.sqrt(1.0 / fan_in), (fan_in, 1)))
bs.append(np.zeros(1))

lr = 0.3
max_epochs = 2000


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def hidden(z):
    return sigmoid(z)


def hidden_grad(a):
    return a * (1 - a)


def bce(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


first_loss = None
for epoch in itertools.count():
    acts = [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        acts.append(hidden(acts[-1] @ W + b))
    out = sigmoid(acts[-1] @ Ws[-1] + bs[-1])
    loss = bce(out, y)
    if first_loss is None:
        first_loss = loss
    if epoch % 250 == 0:
        print(f"{epoch:4d} {loss:.4f}")
    if loss < 0.05 or epoch >= max_epochs:
        break

    d = (out - y) / n
    gW = [None] * len(Ws)
    gb = [None] * len(bs)
    for k in range(len(Ws) - 1, -1, -1):
        gW[k] = acts[k].T @ d
        gb[k] = d.sum(axis=0)
        if k > 0:
            d = (d @ Ws[k].T) * hidden_grad(acts[k])
    for k in range(len(Ws)):
        Ws[k] -= lr * gW[k]
        bs[k] -= lr * gb[k]

accuracy = np.mean((out > 0.5) == y)
print(f"epochs_run={epoch}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={accuracy:.3f}")
