# Three-class spiral classifier, two hidden ReLU layers, minibatch SGD
import numpy as np

rng = np.random.default_rng(7)

def make_spiral(n_per_class, n_classes):
    xs, ys = [], []
    for c in range(n_classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, 0.2, n_per_class)
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(n_per_class, c))
    return np.vstack(xs), np.concatenate(ys)

X, y = make_spiral(200, 3)
Y = np.eye(3)[y]

ACT = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}

sizes = [2, 64, 64, 3]
acts = ["relu", "relu", "linear"]
layers = [(rng.normal(0, np.sqrt(2.0 / m), (m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(x):
    cache = []
    a = x
    for (W, b), name in zip(layers, acts):
        z = a @ W + b
        cache.append((a, z))
        a = ACT[name][0](z)
    return softmax(a), cache


def xent(p, t):
    return -np.mean(np.sum(t * np.log(p + 1e-12), axis=1))


lr = 0.2
epochs = 300
n_batches = 6

p, _ = forward(X)
print(f"first_loss={xent(p, Y):.4f}")

for ep in range(epochs):
    order = rng.permutation(len(X))
    for idx in np.array_split(order, n_batches):
        xb, yb = X[idx], Y[idx]
        probs, cache = forward(xb)
        delta = probs - yb
        grads = []
        for i in reversed(range(len(layers))):
            a_prev, z = cache[i]
            delta = delta * ACT[acts[i]][1](z)
            gW = a_prev.T @ delta
            gb = delta.sum(axis=0)
            grads.append((gW, gb))
            delta = delta @ layers[i][0].T
        grads.reverse()
        layers = [(W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(layers, grads)]
    if ep % 50 == 0:
        p, _ = forward(X)
        print(f"epoch {ep} loss {xent(p, Y):.4f}")

p, _ = forward(X)
print(f"final_loss={xent(p, Y):.4f}")
print(f"accuracy={np.mean(p.argmax(axis=1) == y):.4f}")
