# A small recurrent net learns the running total of a short sequence; params in a list, plain functions.
import numpy as np

gen = np.random.default_rng(8)
width = 8
seqs = gen.uniform(-0.5, 0.5, size=(200, 6))
totals = seqs.sum(axis=1)
params = [gen.normal(size=width) * 0.5, gen.normal(size=(width, width)) * 0.3,
          gen.normal(size=width) * 0.3, np.zeros(width)]


def run(params, seq):
    feed, loop, read, bias = params
    state = np.zeros(width)
    trail = [state.copy()]
    for value in seq:
        state = np.tanh(feed * value + loop @ state + bias)
        trail.append(state)
    return float(read @ state), trail


def grads_for(params, seq, goal):
    feed, loop, read, bias = params
    guess, trail = run(params, seq)
    miss = guess - goal
    g_feed, g_loop, g_bias = np.zeros_like(feed), np.zeros_like(loop), np.zeros_like(bias)
    g_read = miss * trail[-1]
    carry = miss * read
    for t in range(len(seq), 0, -1):
        raw = carry * (1.0 - trail[t] ** 2)
        g_feed += raw * seq[t - 1]
        g_loop += np.outer(raw, trail[t - 1])
        g_bias += raw
        carry = loop.T @ raw
    return 0.5 * miss ** 2, [g_feed, g_loop, g_read, g_bias]


speed = 0.05
for epoch in range(40):
    loss = 0.0
    for seq, goal in zip(seqs, totals):
        part, grads = grads_for(params, seq, goal)
        loss += part
        for p, g in zip(params, grads):
            p -= speed * g
    if epoch % 5 == 0 or epoch == 39:
        print(f"epoch {epoch} loss {loss / len(seqs):.5f}")
