# Tiny 6x6 stroke-image classifier (4 stroke types), ReLU MLP with softmax, minibatch SGD
import numpy as np

rng = np.random.default_rng(2024)
SIDE = 6
N = 800


def draw(kind):
    img = np.zeros((SIDE, SIDE))
    k = rng.integers(0, SIDE)
    if kind == 0:
        img[k, :] = 1.0
    elif kind == 1:
        img[:, k] = 1.0
    elif kind == 2:
        np.fill_diagonal(img, 1.0)
    else:
        np.fill_diagonal(np.fliplr(img), 1.0)
    img += rng.normal(0, 0.25, img.shape)
    return np.clip(img, 0.0, 1.0).ravel()


labels = rng.integers(0, 4, N)
X = np.array([draw(k) for k in labels])
T = np.zeros((N, 4))
T[np.arange(N), labels] = 1.0

n_train = 600
Xtr, Ttr, ytr = X[:n_train], T[:n_train], labels[:n_train]
Xte, yte = X[n_train:], labels[n_train:]


def relu(z):
    return np.maximum(0, z)


def relu_grad(z):
    return (z > 0) * 1.0


def ident(z):
    return z


def ident_grad(z):
    return np.ones_like(z)


ACT = {"relu": (relu, relu_grad), "identity": (ident, ident_grad)}

arch = [(SIDE * SIDE, 32, "relu"), (32, 32, "relu"), (32, 4, "identity")]
net = [
    {
        "W": (rng.random((n_in, n_out)) - 1) * np.sqrt(6.0 / (n_in + n_out)),
        "b": np.zeros(n_out),
        "act": act,
    }
    for n_in, n_out, act in arch
]


def run(x):
    saved = []
    h = x
    for layer in net:
        z = h @ layer["W"] + layer["b"]
        saved.append({"inp": h, "z": z})
        h = ACT[layer["act"]][0](z)
    h = h - h.max(axis=1, keepdims=True)
    e = np.exp(h)
    return e / e.sum(axis=1, keepdims=True), saved


def cross_entropy(p, t):
    return float(-np.mean(np.log(np.sum(p * t, axis=1) + 1e-12)))


lr = 0.1
batches = 20
probs, _ = run(Xtr)
print(f"first_loss={cross_entropy(probs, Ttr):.4f}")

for epoch in range(1, 81):
    for idx in np.array_split(rng.permutation(n_train), batches):
        p, saved = run(Xtr[idx])
        g = (p - Ttr[idx]) / len(idx)
        for layer, s in zip(reversed(net), reversed(saved)):
            g = g * ACT[layer["act"]][1](s["z"])
            dW = s["inp"].T @ g
            db = g.sum(axis=0)
            g = g @ layer["W"].T
            layer["W"] -= lr * dW
            layer["b"] -= lr * db
    if epoch % 20 == 0:
        probs, _ = run(Xtr)
        print(f"epoch={epoch} loss={cross_entropy(probs, Ttr):.4f}")

probs, _ = run(Xtr)
print(f"final_loss={cross_entropy(probs, Ttr):.4f}")
pte, _ = run(Xte)
print(f"accuracy={np.mean(pte.argmax(axis=1) == yte):.4f}")
