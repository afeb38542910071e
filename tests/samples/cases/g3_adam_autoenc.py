# Autoencoder squeezing 6 correlated gauges through 2 tanh units, Adam updates, float32.
import numpy as np

gen = np.random.default_rng(41)
latent = gen.normal(0.0, 1.0, (500, 2)).astype(np.float32)
mixing = gen.normal(0.0, 1.0, (2, 6)).astype(np.float32)
gauges = np.tanh(latent @ mixing).astype(np.float32)

params = [gen.normal(0.0, 0.4, (6, 2)).astype(np.float32), np.zeros(2, np.float32),
          gen.normal(0.0, 0.7, (2, 6)).astype(np.float32), np.zeros(6, np.float32)]
first = [np.zeros_like(p) for p in params]
second = [np.zeros_like(p) for p in params]
step_size, beta1, beta2, tiny = 1e-6, 0.9, 0.999, 1e-8

for it in range(1, 401):
    code = np.tanh(gauges @ params[0] + params[1])
    recon = code @ params[2] + params[3]
    gap = recon - gauges
    score = float(np.mean(gap ** 2))
    d_recon = 2.0 * gap / gap.size
    d_code = (d_recon @ params[2].T) * (1.0 - code ** 2)
    grads = [gauges.T @ d_code, d_code.sum(axis=0), code.T @ d_recon, d_recon.sum(axis=0)]
    for j, g in enumerate(grads):
        first[j] = beta1 * first[j] + (1 - beta1) * g
        second[j] = beta2 * second[j] + (1 - beta2) * g * g
        mhat = first[j] / (1 - beta1 ** it)
        vhat = second[j] / (1 - beta2 ** it)
        params[j] = params[j] - step_size * mhat / (np.sqrt(vhat) + tiny)
    if it % 80 == 1 or it == 400:
        print(f"iteration {it} reconstruction {score:.5f}")
