# Four tanh layers kept in two lists (kernels, shifts), fit to a sine with plain functions; draws scaled by 1/sqrt(fan_in).
import numpy as np

rng = np.random.default_rng(8)
grid = rng.uniform(-3.0, 3.0, size=(256, 1))
wave = np.sin(grid)
WIDTHS = [1, 24, 24, 24, 1]
SCALE = 1.0


def make_stack():
    kernels = [rng.standard_normal((a, b)) * SCALE / np.sqrt(a) for a, b in zip(WIDTHS[:-1], WIDTHS[1:])]
    shifts = [np.zeros(b) for b in WIDTHS[1:]]
    return kernels, shifts


def run_forward(kernels, shifts, inp):
    outs = [inp]
    for k in range(len(kernels)):
        pre = np.dot(outs[-1], kernels[k]) + shifts[k]
        outs.append(np.tanh(pre) if k < len(kernels) - 1 else pre)
    return outs


def train(kernels, shifts, epochs=500, speed=0.05):
    for ep in range(epochs):
        outs = run_forward(kernels, shifts, grid)
        guess = outs[-1]
        cost = np.mean((guess - wave) ** 2)
        back = 2 * (guess - wave) / len(grid)
        for k in range(len(kernels) - 1, -1, -1):
            g_kern = np.dot(outs[k].T, back)
            g_shift = back.sum(axis=0)
            if k > 0:
                back = np.dot(back, kernels[k].T) * (1 - outs[k] ** 2)
            kernels[k] -= speed * g_kern
            shifts[k] -= speed * g_shift
        if ep % 100 == 0:
            print(ep, "cost", cost)
    return cost


print("final cost", train(*make_stack()))
