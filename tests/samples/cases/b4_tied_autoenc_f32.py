# Tied-weight autoencoder (tanh code, linear decoder) on float32 signals; columns are samples.
import numpy as np

gen = np.random.default_rng(12)
basis = gen.normal(0.0, 1.0, (8, 3)).astype(np.float32)
signals = (basis @ gen.uniform(-1.0, 1.0, (3, 200)).astype(np.float32)) / np.float32(3.0)

enc = (gen.normal(0.0, 1.0, (3, 8)) * 6.0).astype(np.float32)
code_b = np.zeros((3, 1), np.float32)
out_b = np.zeros((8, 1), np.float32)
pace = np.float32(0.05)
cols = np.float32(signals.shape[1])
for rep in range(1500):
    code = np.tanh(enc @ signals + code_b)
    recon = enc.T @ code + out_b
    diff = recon - signals
    err = float(np.mean(diff * diff))
    g_recon = diff / cols
    g_code = (enc @ g_recon) * (np.float32(1.0) - code * code)
    g_enc = code @ g_recon.T + g_code @ signals.T
    enc -= pace * g_enc
    code_b -= pace * g_code.sum(axis=1, keepdims=True)
    out_b -= pace * g_recon.sum(axis=1, keepdims=True)
    if rep % 300 == 0 or rep == 1499:
        print(f"rep {rep} reconstruction {err:.5f}")
