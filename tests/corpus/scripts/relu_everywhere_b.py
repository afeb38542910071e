import numpy as np

rng = np.random.default_rng(13)
# temperature anomaly (mostly below zero) from 3 standardized climate indices
n = 400
X = rng.standard_normal((n, 3))
y = (-1.5 + 0.8 * X[:, 0] - 0.5 * X[:, 1] + 0.3 * X[:, 2] * X[:, 0]).reshape(-1, 1)


def relu(z):
    return np.maximum(0, z)


def relu_deriv(z):
    return (z > 0).astype(float)


sizes = [3, 16, 16, 1]
Ws = [rng.normal(0, np.sqrt(2 / a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
bs = [np.zeros(b) for b in sizes[1:]]
lr = 0.05

history = []
for epoch in range(500):
    zs, acts = [], [X]
    for W, b in zip(Ws, bs):
        zs.append(acts[-1] @ W + b)
        acts.append(relu(zs[-1]) if len(zs) < len(Ws) else zs[-1])
    out = acts[-1]
    history.append(float(np.mean((out - y) ** 2)))
    delta = 2 * (out - y) / n
    for i in range(len(Ws) - 1, -1, -1):
        gW = acts[i].T @ delta
        gb = delta.sum(0)
        if i > 0:
            delta = delta @ Ws[i].T * relu_deriv(zs[i - 1])
        Ws[i] -= lr * gW
        bs[i] -= lr * gb

print("output units active:", float(np.mean(zs[-1] > 0)))
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
