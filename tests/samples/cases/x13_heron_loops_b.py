# tiny recurrent net: reads a sequence of 7 numbers one at a time and
# should output half of their total at the end (sum task from the course notes)
import numpy as np

np.random.seed(7)

SEQ_LEN = 7
N_TRAIN = 160
seqs = np.random.uniform(-1.0, 1.0, size=(N_TRAIN, SEQ_LEN))
targets = 0.5 * seqs.sum(axis=1)


class TinyRNN:
    def __init__(self, hidden=10):
        self.hidden = hidden
        self.Wx = np.random.randn(hidden, 1) * 0.5
        self.Wh = np.random.randn(hidden, hidden) / np.sqrt(hidden)
        self.bh = np.zeros((hidden, 1))
        self.Wy = np.random.randn(1, hidden) * 0.1
        self.by = np.zeros((1, 1))

    def forward(self, seq):
        self.seq = seq
        self.hs = [np.zeros((self.hidden, 1))]
        for x_t in seq:
            h = np.tanh(self.Wx * x_t + self.Wh @ self.hs[-1] + self.bh)
            self.hs.append(h)
        return float((self.Wy @ self.hs[-1] + self.by)[0, 0])

    def backward(self, dout):
        dWx = np.zeros_like(self.Wx)
        dWh = np.zeros_like(self.Wh)
        dbh = np.zeros_like(self.bh)
        dWy = dout * self.hs[-1].T
        dby = np.array([[dout]])
        dh = self.Wy.T * dout
        # backprop through time
        for t in reversed(range(len(self.seq))):
            dz = dh * (1.0 - self.hs[t + 1] ** 2)
            dWx += dz * self.seq[t]
            dWh += dz @ self.hs[t].T
            dbh += dz
            dh = self.Wh.T @ dz
        return {"Wx": dWx, "Wh": dWh, "bh": dbh, "Wy": dWy, "by": dby}

    def update(self, grads, lr):
        for name, g in grads.items():
            g = np.clip(g, -5.0, 5.0)
            setattr(self, name, getattr(self, name) - lr * g)


def dataset_loss(model):
    total = 0.0
    for seq, y in zip(seqs, targets):
        total += 0.5 * (model.forward(seq) - y) ** 2
    return total / N_TRAIN


rnn = TinyRNN(hidden=10)
learning_rate = 0.01
print(f"first_loss={dataset_loss(rnn):.5f}")

for epoch in range(20):
    order = np.random.permutation(N_TRAIN)
    for i in order:
        pred = rnn.forward(seqs[i])
        grads = rnn.backward(pred - targets[i])
        rnn.update(grads, learning_rate)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {dataset_loss(rnn):.5f}")

final = dataset_loss(rnn)
preds = np.array([rnn.forward(s) for s in seqs])
r2 = 1.0 - np.sum((preds - targets) ** 2) / np.sum((targets - targets.mean()) ** 2)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.3f}")
