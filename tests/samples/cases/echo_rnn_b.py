# A linear recurrent cell reads a sequence of 24 numbers and reports their mean at
# the end; backpropagation through time, one sequence per step.
# Run: python echo_rnn_a.py
import numpy as np

rng = np.random.default_rng(21)
T, H = 24, 4
seqs = rng.normal(0, 1, (64, T))
targets = seqs.mean(axis=1)

Wx = rng.normal(0, 0.3, H)
Wh = np.eye(H) * 0.9
v = rng.normal(0, 0.3, H)
lr = 0.01


def mean_loss():
    total = 0.0
    for s, t in zip(seqs, targets):
        h = np.zeros(H)
        for k in range(T):
            h = Wh @ h + Wx * s[k]
        total += (v @ h - t) ** 2
    return total / len(seqs)


print(f"initial loss {mean_loss():.6g}")
losses = []
for epoch in range(60):
    total = 0.0
    for s, t in zip(seqs, targets):
        hs = [np.zeros(H)]
        for k in range(T):
            hs.append(Wh @ hs[-1] + Wx * s[k])
        err = v @ hs[-1] - t
        total += err ** 2
        dv = err * hs[-1]
        dh = err * v
        dWx = np.zeros(H)
        dWh = np.zeros((H, H))
        for k in range(T, 0, -1):
            dWx += dh * s[k - 1]
            dWh += np.outer(dh, hs[k - 1])
            dh = Wh.T @ dh
        v -= lr * dv
        Wx -= lr * dWx
        Wh -= lr * dWh
    losses.append(mean_loss())
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  loss {losses[-1]:.6g}")
print(f"final loss {losses[-1]}")
