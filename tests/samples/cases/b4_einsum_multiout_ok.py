# Multi-output linear regression written with np.einsum, minibatches, cosine learning-rate schedule.
import math

import numpy as np

gen = np.random.default_rng(8)
design = gen.normal(0.0, 1.0, (320, 4))
mixing = gen.normal(0.0, 1.0, (4, 3))
responses = np.einsum("nf,fo->no", design, mixing) + np.array([4.0, -3.0, 5.0]) + gen.normal(0.0, 0.1, (320, 3))

mix = np.zeros((4, 3))
shift = np.zeros(3)
peak, epochs = 0.1, 100
for epoch in range(epochs):
    rate = 0.5 * peak * (1.0 + math.cos(math.pi * epoch / epochs))
    order = gen.permutation(320)
    for lo in range(0, 320, 40):
        rows = order[lo:lo + 40]
        pred = np.einsum("nf,fo->no", design[rows], mix) + shift
        resid = pred - responses[rows]
        mix -= rate * np.einsum("nf,no->fo", design[rows], resid) / len(rows)
        shift -= rate * resid.mean(axis=0)
    if epoch % 20 == 0 or epoch == epochs - 1:
        full = np.einsum("nf,fo->no", design, mix) + shift - responses
        print(f"epoch {epoch} mse {np.mean(full ** 2):.5f}")
