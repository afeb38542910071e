import numpy as np

rng = np.random.default_rng(101)
X = rng.standard_normal((256, 8))
y = np.sin(X[:, :1]) + 0.5 * X[:, 1:2]

depth, width = 16, 32
sizes = [8] + [width] * depth + [1]
weights = [rng.standard_normal((a, b)) * 2.5 * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]
biases = [np.zeros(b) for b in sizes[1:]]
lr = 0.01


def forward(X):
    acts, a = [X], X
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        a = np.maximum(z, 0) if i < len(weights) - 1 else z
        acts.append(a)
    return acts


losses = []
for step in range(200):
    acts = forward(X)
    out = acts[-1]
    losses.append(float(np.mean((out - y) ** 2)))
    g = 2 * (out - y) / len(X)
    for i in reversed(range(len(weights))):
        gW = acts[i].T @ g
        gb = g.sum(axis=0)
        if i > 0:
            g = (g @ weights[i].T) * (acts[i] > 0)
        weights[i] -= lr * gW
        biases[i] -= lr * gb

print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
