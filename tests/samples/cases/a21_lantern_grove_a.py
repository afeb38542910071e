# Eight-hidden-layer net on a checkerboard of four blobs, minibatch SGD
import numpy as np

np.random.seed(3)

# four gaussian blobs, opposite corners share a label (xor pattern)
centers = np.array([[-1.5, -1.5], [1.5, 1.5], [-1.5, 1.5], [1.5, -1.5]])
labels = np.array([0, 0, 1, 1])
n_each = 150
X = np.concatenate([c + 0.5 * np.random.randn(n_each, 2) for c in centers])
y = np.repeat(labels, n_each).reshape(-1, 1).astype(float)
perm = np.random.permutation(len(X))
X, y = X[perm], y[perm]

depth = 8
width = 20
layer_sizes = [2] + [width] * depth + [1]
params = []
for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
    W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
    b = np.zeros(n_out)
    params.append([W, b])


def hidden_act(z):
    return 1.0 / (1.0 + np.exp(-z))


def hidden_act_grad(a):
    return a * (1.0 - a)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def run(xb):
    outs = [xb]
    h = xb
    for k, (W, b) in enumerate(params):
        z = h @ W + b
        h = sigmoid(z) if k == len(params) - 1 else hidden_act(z)
        outs.append(h)
    return outs


def loss_fn(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


lr = 0.05
batch = 32
n = len(X)
first_loss = loss_fn(run(X)[-1], y)
print("start loss", round(first_loss, 4))

for epoch in range(60):
    idx = np.random.permutation(n)
    for s in range(0, n, batch):
        bi = idx[s:s + batch]
        outs = run(X[bi])
        g = (outs[-1] - y[bi]) / len(bi)
        for k in range(len(params) - 1, -1, -1):
            W, b = params[k]
            gW = outs[k].T @ g
            gb = g.sum(axis=0)
            if k > 0:
                g = (g @ W.T) * hidden_act_grad(outs[k])
            W -= lr * gW
            b -= lr * gb
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", round(loss_fn(run(X)[-1], y), 4))

p = run(X)[-1]
final_loss = loss_fn(p, y)
acc = np.mean((p > 0.5) == (y > 0.5))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={acc:.4f}")
