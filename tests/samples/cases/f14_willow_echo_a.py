# tiny vanilla RNN that reads a sequence of numbers one by one
# and at the last step should output mean(first half) - mean(second half)
import numpy as np

rng = np.random.RandomState(5)
T = 8
n_seq = 160
seqs = rng.uniform(-1, 1, size=(n_seq, T))
targets = seqs[:, :4].mean(axis=1) - seqs[:, 4:].mean(axis=1)


class RNN:
    def __init__(self, hidden):
        self.Wx = rng.randn(hidden, 1) * 0.5
        self.Wh = rng.randn(hidden, hidden) * (0.5 / np.sqrt(hidden))
        self.bh = np.zeros((hidden, 1))
        self.Wy = rng.randn(1, hidden) * 0.3
        self.by = np.zeros((1, 1))

    def run(self, seq):
        hs = [np.zeros((self.Wh.shape[0], 1))]
        for t in range(len(seq)):
            h = np.tanh(self.Wx * seq[t] + self.Wh @ hs[-1] + self.bh)
            hs.append(h)
        out = float((self.Wy @ hs[-1] + self.by)[0, 0])
        return out, hs

    def train_step(self, seq, target, lr):
        out, hs = self.run(seq)
        err = out - target
        dWy = err * hs[-1].T
        dby = err
        dh = self.Wy.T * err
        dWx = np.zeros_like(self.Wx)
        dWh = np.zeros_like(self.Wh)
        dbh = np.zeros_like(self.bh)
        for t in reversed(range(len(seq))):
            h = hs[t + 1]
            draw = dh * (1 - h ** 2)
            dWx += draw * seq[t]
            dWh += draw @ hs[t].T
            dbh += draw
            dh = self.Wh.T @ draw
        for g in (dWx, dWh, dbh):
            np.clip(g, -5, 5, out=g)
        self.Wx -= lr * dWx
        self.Wh -= lr * dWh
        self.bh -= lr * dbh
        self.Wy -= lr * dWy
        self.by -= lr * dby
        return 0.5 * err ** 2


def dataset_loss(net):
    return np.mean([0.5 * (net.run(s)[0] - y) ** 2 for s, y in zip(seqs, targets)])


net = RNN(12)
print(f"first_loss={dataset_loss(net):.5f}")
for epoch in range(25):
    total = 0.0
    for k in rng.permutation(n_seq):
        total += net.train_step(seqs[k], targets[k], 0.02)
    if epoch % 5 == 0:
        print(f"epoch {epoch} avg loss {total / n_seq:.5f}")

preds = np.array([net.run(s)[0] for s in seqs])
print(f"final_loss={dataset_loss(net):.5f}")
print(f"r2={1 - np.sum((preds - targets) ** 2) / np.sum((targets - targets.mean()) ** 2):.4f}")
