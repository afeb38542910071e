# A two-hidden-layer tanh regressor whose forward pass is __call__; Nesterov momentum on shuffled minibatches.
import numpy as np


class Regressor:
    def __init__(self, sizes, scale, rng):
        self.layers = [[rng.normal(0.0, scale / np.sqrt(a), (a, b)), np.zeros(b)] for a, b in zip(sizes, sizes[1:])]
        self.moves = [[np.zeros_like(w), np.zeros_like(c)] for w, c in self.layers]

    def __call__(self, feats):
        self.trace = [feats]
        for depth, (w, c) in enumerate(self.layers):
            feats = feats @ w + c
            if depth < len(self.layers) - 1:
                feats = np.tanh(feats)
            self.trace.append(feats)
        return feats

    def learn(self, feats, goal, speed, mom=0.9):
        for (w, c), (mw, mc) in zip(self.layers, self.moves):
            w -= mom * mw
            c -= mom * mc
        out = self(feats)
        delta = 2.0 * (out - goal) / len(goal)
        for depth in range(len(self.layers) - 1, -1, -1):
            w, c = self.layers[depth]
            gw, gc = self.trace[depth].T @ delta, delta.sum(0)
            if depth:
                delta = (delta @ w.T) * (1.0 - self.trace[depth] ** 2)
            mw, mc = self.moves[depth]
            w += mom * mw
            c += mom * mc
            mw *= mom
            mc *= mom
            mw += speed * gw
            mc += speed * gc
            w -= mw
            c -= mc
        return float(np.mean((out - goal) ** 2))


rng = np.random.default_rng(31)
xs = rng.uniform(-3.0, 3.0, (256, 1))
ys = np.sin(xs) + 0.05 * rng.normal(size=(256, 1))
model = Regressor([1, 20, 20, 1], 1e-4, rng)
for epoch in range(150):
    order = rng.permutation(256)
    for lo in range(0, 256, 32):
        pick = order[lo:lo + 32]
        model.learn(xs[pick], ys[pick], 0.02)
    if epoch % 30 == 0 or epoch == 149:
        print(f"epoch {epoch} mse {np.mean((model(xs) - ys) ** 2):.5f}")
