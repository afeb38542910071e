# Tiny autoencoder for 4x4 tiles (16 pixels in [0, 1]) squeezed to 5 numbers, float32 throughout.
import numpy as np

rng = np.random.default_rng(9)
protos = (rng.random((6, 16)) > 0.5).astype(np.float32)
tiles = np.clip(protos[rng.integers(0, 6, 1200)] + rng.normal(0, 0.1, (1200, 16)), 0, 1).astype(np.float32)

enc_w = (rng.standard_normal((16, 5)) * 0.25).astype(np.float32)
enc_b = np.zeros(5, np.float32)
dec_w = (rng.standard_normal((5, 16)) * 0.25).astype(np.float32)
dec_b = np.zeros(16, np.float32)
alpha = np.float32(0.5)
batch_size = 100


def recon_error(data):
    code = np.tanh(data @ enc_w + enc_b)
    return float(np.mean((code @ dec_w + dec_b - data) ** 2))


print(f"first_loss={recon_error(tiles):.6f}")
for epoch in range(40):
    for lo in range(0, len(tiles), batch_size):
        chunk = tiles[lo:lo + batch_size]
        code = np.tanh(chunk @ enc_w + enc_b)
        rec = code @ dec_w + dec_b
        d_rec = 2.0 * (rec - chunk) / np.float32(16)
        g_dec_w = code.T @ d_rec
        g_dec_b = d_rec.sum(axis=0)
        d_code = (d_rec @ dec_w.T) * (1 - code * code)
        g_enc_w = chunk.T @ d_code
        g_enc_b = d_code.sum(axis=0)
        enc_w -= alpha * g_enc_w
        enc_b -= alpha * g_enc_b
        dec_w -= alpha * g_dec_w
        dec_b -= alpha * g_dec_b
    if epoch % 10 == 0:
        print(f"epoch={epoch} recon={recon_error(tiles):.6g}")

print(f"final_loss={recon_error(tiles):.6g}")
