# Deep fully connected net: is a point inside the disc or outside?
# columns are examples (X is 2 x N), every layer is a [W, b] pair in a list
import numpy as np

np.random.seed(3)

N = 400
X = np.random.uniform(-2, 2, size=(2, N))
Y = (np.sum(X ** 2, axis=0) < 2.0).astype(float).reshape(1, N)
print("positives:", int(Y.sum()), "of", N)

sizes = [2, 16, 16, 16, 16, 16, 16, 1]
layers = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    W = np.random.randn(n_out, n_in) * np.sqrt(1.0 / n_in)
    b = np.zeros((n_out, 1))
    layers.append([W, b])
velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in layers]


def squash(z):
    return 1.0 / (1.0 + np.exp(-z))


def squash_slope(a):
    return a * (1.0 - a)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(A):
    acts = [A]
    for i, (W, b) in enumerate(layers):
        Z = W @ acts[-1] + b
        if i == len(layers) - 1:
            acts.append(sigmoid(Z))
        else:
            acts.append(squash(Z))
    return acts


def cost(out, Y):
    out = np.clip(out, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out)))


def backward(acts, Y):
    grads = [None] * len(layers)
    dZ = (acts[-1] - Y) / Y.shape[1]
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        grads[i] = [dZ @ acts[i].T, dZ.sum(axis=1, keepdims=True)]
        if i > 0:
            dZ = (W.T @ dZ) * squash_slope(acts[i])
    return grads


alpha = 0.1
beta = 0.9
print(f"first_loss={cost(forward(X)[-1], Y):.4f}")
for it in range(1000):
    acts = forward(X)
    grads = backward(acts, Y)
    for (W, b), (vW, vb), (gW, gb) in zip(layers, velocity, grads):
        vW *= beta
        vW -= alpha * gW
        vb *= beta
        vb -= alpha * gb
        W += vW
        b += vb
    if it % 200 == 0:
        print("iter", it, "cost", round(cost(acts[-1], Y), 4))

out = forward(X)[-1]
print(f"final_loss={cost(out, Y):.4f}")
print(f"accuracy={np.mean((out > 0.5) == (Y > 0.5)):.3f}")
