# Colour mixing: the hue produced by three pigment fractions, learned by a 3-6-1 sigmoid network in float32
# with minibatches of 20 and squared error. The weight matrices start filled with one value.
# Run: python i3_mixer_const_start_f32.py
import numpy as np

gen = np.random.default_rng(12)
fractions = gen.dirichlet([1, 1, 1], 400).astype(np.float32)
hue = (np.sin(3 * fractions[:, 0]) - fractions[:, 1] * fractions[:, 2] * 4 + fractions[:, 2] ** 2).astype(np.float32)
hue = hue[:, None]

first = np.full((3, 6), 0.2, dtype=np.float32)
first_b = np.zeros(6, dtype=np.float32)
second = np.full((6, 1), 0.2, dtype=np.float32)
second_b = np.zeros(1, dtype=np.float32)
speed = np.float32(0.5)

for epoch in range(150):
    for lo in range(0, 400, 20):
        f, h_true = fractions[lo:lo + 20], hue[lo:lo + 20]
        mid = 1 / (1 + np.exp(-(f @ first + first_b)))
        guess = mid @ second + second_b
        d_guess = 2 * (guess - h_true) / np.float32(20)
        d_mid = (d_guess @ second.T) * mid * (1 - mid)
        second -= speed * mid.T @ d_guess
        second_b -= speed * d_guess.sum(axis=0)
        first -= speed * f.T @ d_mid
        first_b -= speed * d_mid.sum(axis=0)
    if epoch % 30 == 0 or epoch == 149:
        mid = 1 / (1 + np.exp(-(fractions @ first + first_b)))
        print(f"epoch {epoch:3d}  mse {np.mean((mid @ second + second_b - hue) ** 2):.5f}")
