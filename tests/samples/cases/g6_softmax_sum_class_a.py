# Softmax classifier for three kinds of leaves, written as a small class.
# float32 everywhere to match the lab's other code; momentum SGD.
import numpy as np

rng = np.random.default_rng(11)
n_per = 300
centres = np.array([[2.0, 0.0, 1.0, -1.0], [-1.0, 2.0, 0.0, 1.0], [0.0, -2.0, -1.0, 0.0]], dtype=np.float32)
leaves = np.concatenate([rng.normal(c, 1.0, (n_per, 4)) for c in centres]).astype(np.float32)
kinds = np.repeat(np.arange(3), n_per)
order = rng.permutation(len(kinds))
leaves, kinds = leaves[order], kinds[order]


class LeafSorter:
    def __init__(self, n_in, n_out, seed=0):
        gen = np.random.default_rng(seed)
        self.p = {"M": (gen.normal(0.0, 0.1, (n_in, n_out))).astype(np.float32),
                  "c": np.zeros(n_out, dtype=np.float32)}
        self.vel = {k: np.zeros_like(v) for k, v in self.p.items()}

    def probabilities(self, rows):
        scores = rows @ self.p["M"] + self.p["c"]
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def nll(self, rows, idx):
        pr = self.probabilities(rows)
        return float(-np.mean(np.log(pr[np.arange(len(idx)), idx] + 1e-12)))

    def grads(self, rows, idx):
        pr = self.probabilities(rows)
        pr[np.arange(len(idx)), idx] -= 1.0
        # gradient of the cross-entropy with respect to each parameter
        return {"M": rows.T @ pr / len(idx), "c": pr.mean(axis=0)}

    def step(self, rows, idx, rate=0.5, beta=0.9):
        g = self.grads(rows, idx)
        for k in self.p:
            self.vel[k] = beta * self.vel[k] - rate * g[k]
            self.p[k] += self.vel[k]


model = LeafSorter(4, 3)
print(f"first_loss={model.nll(leaves, kinds):.5f}")
for epoch in range(60):
    model.step(leaves, kinds)
    if epoch % 20 == 0:
        print(f"epoch={epoch} loss={model.nll(leaves, kinds):.5f}")
print(f"final_loss={model.nll(leaves, kinds):.5f}")
acc = float(np.mean(model.probabilities(leaves).argmax(axis=1) == kinds))
print(f"accuracy={acc:.3f}")
