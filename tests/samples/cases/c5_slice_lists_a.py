# Three-layer tanh regressor whose matrices and offsets live in two Python lists, replaced whole with [:] each step.
import numpy as np


def run_forward(mats, vecs, x):
    acts = [x]
    for depth, (m, v) in enumerate(zip(mats, vecs)):
        z = acts[-1] @ m + v
        acts.append(np.tanh(z) if depth < len(mats) - 1 else z)
    return acts


def run_backward(mats, acts, d_top):
    g_mats, g_vecs = [], []
    back = d_top
    for depth in range(len(mats) - 1, -1, -1):
        g_mats.insert(0, acts[depth].T @ back)
        g_vecs.insert(0, back.sum(axis=0))
        if depth > 0:
            back = (back @ mats[depth].T) * (1.0 - acts[depth] ** 2)
    return g_mats, g_vecs


gen = np.random.default_rng(40)
sizes = [2, 20, 20, 1]
mats = [gen.normal(0.0, 1.0 / np.sqrt(a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
vecs = [np.zeros(b) for b in sizes[1:]]
grid = gen.uniform(-2.0, 2.0, (200, 2))
level = np.cos(grid[:, :1]) * np.sin(grid[:, 1:]) + 0.5

speed = 1.9
for tick in range(250):
    acts = run_forward(mats, vecs, grid)
    miss = acts[-1] - level
    cost = float(np.mean(miss ** 2))
    g_mats, g_vecs = run_backward(mats, acts, 2.0 * miss / len(grid))
    mats[:] = [m - speed * g for m, g in zip(mats, g_mats)]
    vecs[:] = [v - speed * g for v, g in zip(vecs, g_vecs)]
    if tick % 50 == 0 or tick == 249:
        print("tick", tick, "cost", round(cost, 6))
