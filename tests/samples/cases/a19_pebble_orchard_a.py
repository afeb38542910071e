# XOR-style quadrant data, 2-6-1 tanh/sigmoid network in plain Python lists, per-sample SGD
import math
import random

import numpy as np

random.seed(5)
data_rng = np.random.default_rng(5)

n = 160
pts = data_rng.uniform(-1, 1, (n, 2))
labels = ((pts[:, 0] * pts[:, 1]) > 0).astype(float)
pts = pts + data_rng.normal(0, 0.08, (n, 2))
samples = list(zip(pts.tolist(), labels.tolist()))

n_in, n_hidden = 2, 6

# hidden layer: one weight list per unit, plus biases
W1 = [[random.gauss(0, 1.0) for _ in range(n_in)] for _ in range(n_hidden)]
b1 = [0.0 for _ in range(n_hidden)]
W2 = [random.gauss(0, 1.0) for _ in range(n_hidden)]
b2 = 0.0

lr = 0.1


def forward(x):
    h = [math.tanh(sum(W1[j][k] * x[k] for k in range(n_in)) + b1[j]) for j in range(n_hidden)]
    z = sum(W2[j] * h[j] for j in range(n_hidden)) + b2
    p = 1.0 / (1.0 + math.exp(-z))
    return h, p


def mean_loss():
    total = 0.0
    for x, t in samples:
        _, p = forward(x)
        p = min(max(p, 1e-12), 1 - 1e-12)
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
    return total / len(samples)


first_loss = mean_loss()
for epoch in range(150):
    random.shuffle(samples)
    for x, t in samples:
        h, p = forward(x)
        dz = p - t
        for j in range(n_hidden):
            dh = dz * W2[j] * (1 - h[j] ** 2)
            W2[j] -= lr * dz * h[j]
            for k in range(n_in):
                W1[j][k] -= lr * dh * x[k]
            b1[j] -= lr * dh
        b2 -= lr * dz
    if epoch % 30 == 0:
        print(f"epoch {epoch} loss {mean_loss():.4f}")

final_loss = mean_loss()
correct = sum((forward(x)[1] > 0.5) == (t > 0.5) for x, t in samples)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={correct / len(samples):.3f}")
