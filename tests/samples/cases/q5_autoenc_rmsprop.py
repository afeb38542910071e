# Autoencoder 6 -> 2 -> 6 with a sigmoid decoder on data scaled to [0, 1], RMSprop, params in a list of pairs.
import numpy as np

prng = np.random.default_rng(21)
codes = prng.uniform(0.0, 1.0, (300, 2))
mix = np.array([[1.0, 0.2, 0.6, 0.1, 0.9, 0.4], [0.1, 0.9, 0.3, 1.0, 0.2, 0.7]])
raw = codes @ mix + prng.normal(0.0, 0.02, (300, 6))
low, high = raw.min(0), raw.max(0)
data = (raw - raw.mean(0)) / raw.std(0)

layers = [[prng.normal(0.0, 0.5, (6, 2)), np.zeros(2)], [prng.normal(0.0, 0.5, (2, 6)), np.zeros(6)]]
caches = [[np.zeros_like(w), np.zeros_like(b)] for w, b in layers]
for rep in range(500):
    code = np.tanh(data @ layers[0][0] + layers[0][1])
    recon = 1.0 / (1.0 + np.exp(-(code @ layers[1][0] + layers[1][1])))
    loss = np.mean((recon - data) ** 2)
    d_pre = 2.0 * (recon - data) * recon * (1.0 - recon) / data.size
    d_code = (d_pre @ layers[1][0].T) * (1.0 - code ** 2)
    grads = [[data.T @ d_code, d_code.sum(0)], [code.T @ d_pre, d_pre.sum(0)]]
    for pair, cache, grad in zip(layers, caches, grads):
        for j in range(2):
            cache[j] = 0.9 * cache[j] + 0.1 * grad[j] ** 2
            pair[j] = pair[j] - 0.01 * grad[j] / (np.sqrt(cache[j]) + 1e-8)
    if rep % 100 == 0 or rep == 499:
        print(f"rep {rep} reconstruction mse {loss:.5f}")
