# Elman cell stepped one time step per call, learning to output a running average; parameters kept in a list.
import numpy as np

gen = np.random.default_rng(41)
length, hidden, seqs = 12, 6, 40
series = gen.normal(0.0, 1.0, (seqs, length))
averages = np.cumsum(series, axis=1) / np.arange(1, length + 1)

params = [gen.normal(0.0, 0.3, hidden), gen.normal(0.0, 0.3, (hidden, hidden)), gen.normal(0.0, 0.3, hidden)]


def step(state, value, cell):
    return np.tanh(cell[1] @ state + cell[0] * value)


for epoch in range(40):
    total = 0.0
    for s in range(seqs):
        states = [np.zeros(hidden)]
        for t in range(length):
            states.append(step(states[-1], series[s, t], params))
        outs = np.array([params[2] @ h for h in states[1:]])
        errs = outs - averages[s]
        total += float(np.mean(errs ** 2))
        g_in, g_rec, g_read = np.zeros(hidden), np.zeros((hidden, hidden)), np.zeros(hidden)
        carry = np.zeros(hidden)
        for t in range(length, 0, -1):
            g_read += errs[t - 1] * states[t] / length
            d_h = errs[t - 1] * params[2] / length + carry
            d_pre = d_h * (1.0 - states[t] ** 2)
            g_in += d_pre * series[s, t - 1]
            g_rec += np.outer(d_pre, states[t - 1])
            carry = params[1].T @ d_pre
        for p, g in zip(params, (g_in, g_rec, g_read)):
            p = p - 0.05 * g
    if epoch % 10 == 0 or epoch == 39:
        print(f"epoch {epoch} mse {total / seqs:.5f}")
