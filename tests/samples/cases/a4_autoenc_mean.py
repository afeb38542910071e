# Linear autoencoder squeezing 10 correlated readings through 3 units; full-batch gradient steps.
import numpy as np

gen = np.random.default_rng(5)
basis = gen.normal(0.0, 1.0, (3, 10))
codes = gen.normal(0.0, 1.0, (1500, 3))
readings = codes @ basis / 3.0 + gen.normal(0.0, 0.05, (1500, 10))

enc = gen.normal(0.0, 0.1, (10, 3))
dec = gen.normal(0.0, 0.1, (3, 10))
rate = 0.05
for epoch in range(300):
    hidden = readings @ enc
    rebuilt = hidden @ dec
    diff = rebuilt - readings
    cost = np.mean(np.sum(diff ** 2, axis=1))
    g_dec = hidden.T @ diff / len(readings)
    g_enc = readings.T @ (diff @ dec.T) / len(readings)
    dec -= rate * g_dec
    enc -= rate * g_enc
    if epoch % 60 == 0 or epoch == 299:
        print(f"epoch {epoch} cost {cost:.5f}")
