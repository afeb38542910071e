# vibration snippets from a logger: "smooth" machines vs. "rattling" ones
# features = 1-D convolution with two small kernels (done by hand with loops), then logistic regression
import math
import random

import numpy as np

random.seed(4)
np.random.seed(4)

LENGTH = 48
records = []
labels = []
for i in range(240):
    rattle = i % 2
    freq = random.uniform(0.05, 0.12) if rattle == 0 else random.uniform(0.30, 0.45)
    phase = random.uniform(0, 2 * math.pi)
    amp = random.uniform(0.8, 1.2)
    offset = random.uniform(-2.0, 2.0)
    row = []
    for t in range(LENGTH):
        v = offset + amp * math.sin(2 * math.pi * freq * t + phase) + random.gauss(0, 0.15)
        if random.random() < 0.01:
            v = None          # logger drops a reading now and then
        row.append(v)
    records.append(row)
    labels.append(rattle)

signals = np.array(records, dtype=float)
labels = np.array(labels, dtype=float)
signals = signals - signals.mean(axis=1, keepdims=True)

kernels = [np.array([1.0, -1.0]),              # first difference
           np.array([-1.0, 2.0, -1.0]),        # second difference
           np.array([1.0, 1.0, 1.0]) / 3.0]    # smoothing


def conv1d(x, k):
    out = []
    for start in range(len(x) - len(k) + 1):
        acc = 0.0
        for j in range(len(k)):
            acc += x[start + j] * k[j]
        out.append(acc)
    return np.array(out)


def features(x):
    feats = []
    for k in kernels:
        r = conv1d(x, k)
        feats.append(np.mean(np.abs(r)))
        feats.append(np.max(np.abs(r)))
    return feats


F = np.array([features(s) for s in signals])
mu, sd = F.mean(axis=0), F.std(axis=0) + 1e-8
F = (F - mu) / sd


def make_classifier(n_in, lr):
    w = np.zeros(n_in)
    b = 0.0

    def prob(x):
        return 1.0 / (1.0 + np.exp(-(x @ w + b)))

    def update(x, target):
        nonlocal w, b
        g = prob(x) - target
        w = w - lr * g * x
        b = b - lr * g

    def loss(X, t):
        p = np.clip(prob(X), 1e-12, 1 - 1e-12)
        return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))

    return prob, update, loss


prob, update, loss = make_classifier(F.shape[1], lr=0.05)
print(f"first_loss={loss(F, labels):.4f}")
for epoch in range(15):
    order = np.random.permutation(len(F))
    for i in order:
        update(F[i], labels[i])
    if epoch % 5 == 0:
        print(f"epoch {epoch}: loss {loss(F, labels):.4f}")

print(f"final_loss={loss(F, labels):.4f}")
acc = np.mean((prob(F) > 0.5) == (labels == 1))
print(f"accuracy={acc:.3f}")
