# Eight squashing layers stacked as a list of (weights, offsets) pairs, float32, fitting a bumpy surface.
import numpy as np

gen = np.random.default_rng(14)
coords = gen.uniform(-1.0, 1.0, (256, 2)).astype(np.float32)
height = (np.sin(3.0 * coords[:, :1]) * np.cos(2.0 * coords[:, 1:])).astype(np.float32)

sizes = [2, 24, 24, 24, 24, 24, 24, 24, 1]
tower = [(gen.normal(0.0, 1.0 / np.sqrt(a), (a, b)).astype(np.float32), np.zeros(b, dtype=np.float32))
         for a, b in zip(sizes[:-1], sizes[1:])]


def squash(z):
    return np.tanh(z)


def squash_slope(out):
    return 1.0 - out * out


def epoch_step(pace):
    outs = [coords]
    for mats, offs in tower[:-1]:
        outs.append(squash(outs[-1] @ mats + offs))
    last_w, last_b = tower[-1]
    pred = outs[-1] @ last_w + last_b
    miss = pred - height
    back = 2.0 * miss / len(coords)
    new = []
    for depth in range(len(tower) - 1, -1, -1):
        mats, offs = tower[depth]
        g_mats = outs[depth].T @ back
        g_offs = back.sum(axis=0)
        if depth > 0:
            back = (back @ mats.T) * squash_slope(outs[depth])
        new.append((mats - pace * g_mats, offs - pace * g_offs))
    tower[:] = new[::-1]
    return float(np.mean(miss ** 2))


for epoch in range(600):
    cost = epoch_step(np.float32(0.02))
    if epoch % 100 == 0 or epoch == 599:
        print(f"epoch {epoch} mse {cost:.5f}")
