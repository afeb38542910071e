# Fitting a damped wave y = exp(-t) sin(4t) on t in [-1, 1] with a 1-32-32-1 tanh network.
# Layers are (weight, bias) pairs in a list, full-batch gradient descent with momentum on the squared error.
# Run: python i3_wave_tanh_bigstart.py
import numpy as np

rng = np.random.default_rng(23)
t = np.linspace(-1, 1, 200)[:, None]
wave = np.exp(-t) * np.sin(4 * t)

widths = [1, 32, 32, 1]
layers = [[rng.normal(0, 4.0, (a, b)), np.zeros(b)] for a, b in zip(widths[:-1], widths[1:])]
moves = [[np.zeros_like(p) for p in layer] for layer in layers]


def forward(t):
    outs = [t]
    for i, (mat, vec) in enumerate(layers):
        z = outs[-1] @ mat + vec
        outs.append(z if i == len(layers) - 1 else np.tanh(z))
    return outs


for it in range(1500):
    outs = forward(t)
    err = outs[-1] - wave
    back = 2 * err / len(t)
    for i in range(len(layers) - 1, -1, -1):
        g_mat = outs[i].T @ back
        g_vec = back.sum(axis=0)
        if i > 0:
            back = (back @ layers[i][0].T) * (1 - outs[i] ** 2)
        for j, g in enumerate((g_mat, g_vec)):
            moves[i][j] = 0.9 * moves[i][j] - 0.01 * g
            layers[i][j] += moves[i][j]
    if it % 250 == 0 or it == 1499:
        print(f"iter {it:4d}  mse {np.mean(err ** 2):.5f}")
