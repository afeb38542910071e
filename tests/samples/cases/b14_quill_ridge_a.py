# vanilla RNN (tanh) that learns to predict the next value of a sine wave
# sequences of 40 steps, loss on every step, full BPTT, plain gradient descent
import numpy as np

rng = np.random.default_rng(2)
n_seq, seq_len = 64, 40
phase = rng.uniform(0, 2 * np.pi, n_seq)
freq = rng.uniform(0.15, 0.35, n_seq)
steps = np.arange(seq_len + 1)
waves = np.sin(phase[:, None] + freq[:, None] * steps[None, :])
inputs, targets = waves[:, :-1], waves[:, 1:]


def make_rnn(n_hidden):
    Wx = rng.normal(0, 1, (1, n_hidden))
    Wh = rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_hidden))
    bh = np.zeros(n_hidden)
    Wy = rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, 1))
    by = np.zeros(1)
    params = [Wx, Wh, bh, Wy, by]

    def forward(xs):
        hs = [np.zeros((len(xs), n_hidden))]
        preds = []
        for t in range(xs.shape[1]):
            hs.append(np.tanh(xs[:, t:t + 1] @ Wx + hs[-1] @ Wh + bh))
            preds.append(hs[-1] @ Wy + by)
        return hs, np.hstack(preds)

    def train_step(xs, ys, lr):
        hs, preds = forward(xs)
        loss = np.mean((preds - ys) ** 2)
        dpred = 2 * (preds - ys) / preds.size
        grads = [np.zeros_like(p) for p in params]
        dh_next = np.zeros_like(hs[0])
        for t in reversed(range(xs.shape[1])):
            dy = dpred[:, t:t + 1]
            grads[3] += hs[t + 1].T @ dy
            grads[4] += dy.sum(axis=0)
            dh = dh_next + dy @ Wy.T
            dz = dh * (1 - hs[t + 1] ** 2)
            grads[0] += xs[:, t:t + 1].T @ dz
            grads[1] += hs[t].T @ dz
            grads[2] += dz.sum(axis=0)
            dh_next = dz @ Wh.T
        gnorm = np.sqrt(sum(np.sum(g * g) for g in grads))
        for p, g in zip(params, grads):
            p -= lr * g * min(1.0, 2.0 / gnorm)
        return loss, gnorm

    return forward, train_step


forward, train_step = make_rnn(32)
print(f"first_loss={np.mean((forward(inputs)[1] - targets) ** 2):.5f}")
for it in range(400):
    loss, gnorm = train_step(inputs, targets, lr=0.3)
    if it % 50 == 0:
        print(f"it {it:3d} loss {loss:.4g} grad norm {gnorm:.4g}")

final = np.mean((forward(inputs)[1] - targets) ** 2)
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / np.var(targets):.4f}")
