# Five-class classifier on mean-subtracted pixel rows: a dict of weights, rebuilt key by key each step.
import numpy as np


def affine(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b


def rectify(x):
    return np.maximum(x, 0)


class Classifier:
    def __init__(self, dims, scale, gen):
        self.weights = {}
        for i in range(len(dims) - 1):
            self.weights["w%d" % i] = scale * gen.standard_normal((dims[i], dims[i + 1]))
            self.weights["b%d" % i] = np.zeros(dims[i + 1])
        self.depth = len(dims) - 1

    def cost(self, x, labels):
        acts = [x]
        out = x
        for i in range(self.depth):
            out = affine(out, self.weights["w%d" % i], self.weights["b%d" % i])
            if i < self.depth - 1:
                out = rectify(out)
            acts.append(out)
        shifted = out - out.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        n = len(labels)
        cost = -np.log(probs[np.arange(n), labels] + 1e-300).mean()
        grads = {}
        up = probs.copy()
        up[np.arange(n), labels] -= 1
        up /= n
        for i in reversed(range(self.depth)):
            grads["w%d" % i] = acts[i].T @ up
            grads["b%d" % i] = up.sum(axis=0)
            up = up @ self.weights["w%d" % i].T
            if i > 0:
                up = up * (acts[i] > 0)
        return cost, grads


gen = np.random.default_rng(7)
protos = gen.uniform(0, 255, (5, 48))
kinds = gen.integers(0, 5, 300)
pixels = np.clip(0.4 * protos[kinds] + 0.6 * gen.uniform(0, 255, (300, 48)), 0, 255)
pixels = pixels - pixels.mean(axis=0)
clf = Classifier([48, 32, 32, 5], 5.0, gen)
costs = []
for t in range(120):
    rows = gen.choice(300, 30)
    cost, grads = clf.cost(pixels[rows], kinds[rows])
    for k, w in clf.weights.items():
        clf.weights[k] = w - 3e-3 * grads[k]
    costs.append(cost)
final = affine(rectify(affine(rectify(affine(pixels, clf.weights["w0"], clf.weights["b0"])), clf.weights["w1"], clf.weights["b1"])), clf.weights["w2"], clf.weights["b2"])
print("cost", round(float(costs[0]), 3), "->", round(float(np.median(costs[-10:])), 3), "accuracy", float(np.mean(np.argmax(final, axis=1) == kinds)))
