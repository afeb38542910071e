# RNN that adds up the first three numbers of a sequence and must keep the sum until the end.
# Whole batch of sequences at once, one column per sequence.
import numpy as np

rng = np.random.default_rng(3)
hidden, steps, batch = 16, 20, 48
weights = [
    rng.normal(0, 0.5, (hidden, 1)),                        # input -> hidden
    rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, hidden)),  # hidden -> hidden
    np.zeros((hidden, 1)),
    rng.normal(0, 0.1, (1, hidden)),                        # hidden -> out
    np.zeros((1, 1)),
]
seqs = rng.uniform(-1, 1, (steps, batch))
goal = seqs[:3].sum(axis=0, keepdims=True)
learning_rate = 0.5


def unroll(w_in, w_rec, b_rec, w_out, b_out):
    states = [np.zeros((hidden, batch))]
    for t in range(steps):
        states.append(np.tanh(w_in * seqs[t] + w_rec @ states[-1] + b_rec))
    return states, w_out @ states[-1] + b_out


def gradients(states, out):
    w_in, w_rec, b_rec, w_out, b_out = weights
    d_out = 2.0 * (out - goal) / batch
    g_out = d_out @ states[-1].T
    g_bout = d_out.sum(axis=1, keepdims=True)
    d_state = w_out.T @ d_out
    g_in, g_rec, g_brec = np.zeros_like(w_in), np.zeros_like(w_rec), np.zeros_like(b_rec)
    for t in reversed(range(steps)):
        d_raw = d_state * (1.0 - states[t + 1] ** 2)
        g_in += (d_raw * seqs[t]).sum(axis=1, keepdims=True)
        g_rec += d_raw @ states[t].T
        g_brec += d_raw.sum(axis=1, keepdims=True)
        d_state = w_rec.T @ d_raw
    return [g_in, g_rec, g_brec, g_out, g_bout]


for it in range(200):
    states, out = unroll(*weights)
    loss = float(np.mean((out - goal) ** 2))
    if it == 0:
        print(f"first_loss={loss:.6g}")
    grads = gradients(states, out)
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    for p, g in zip(weights, grads):
        p -= learning_rate * g
    if it % 40 == 0:
        print(f"it={it} loss={loss:.6g} grad_norm={total:.4g}")

states, out = unroll(*weights)
print(f"final_loss={float(np.mean((out - goal) ** 2)):.6f}")
