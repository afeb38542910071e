# %% [markdown]
# Compress 10 correlated gauge readings into 3 numbers and back (tanh autoencoder)

# %%
import numpy as np

np.random.seed(0)
n, d, k = 2000, 10, 3
hidden_factors = np.random.randn(n, k)
mixing = np.random.randn(k, d)
readings = np.tanh(hidden_factors @ mixing * 0.5) + 0.05 * np.random.randn(n, d)
readings = (readings - readings.mean(axis=0)) / readings.std(axis=0)

# %%
# params: [encoder W, encoder b, decoder W, decoder b]
params = [
    np.random.randn(d, k) * np.sqrt(1.0 / d),
    np.zeros(k),
    np.random.randn(k, d) * np.sqrt(1.0 / k),
    np.zeros(d),
]


def encode(x):
    return np.tanh(x @ params[0] + params[1])


def decode(h):
    return h @ params[2] + params[3]


def recon_loss(x):
    return np.mean((decode(encode(x)) - x) ** 2)


print(f"first_loss={recon_loss(readings):.5f}")

# %%
lr = 0.02
batch_size = 500
for epoch in range(150):
    perm = np.random.permutation(n)
    for start in range(0, n, batch_size):
        xb = readings[perm[start:start + batch_size]]
        h = encode(xb)
        out = decode(h)
        d_out = 2 * (out - xb) / xb.shape[0]
        g_dec_W = h.T @ d_out
        g_dec_b = d_out.sum(axis=0)
        d_h = (d_out @ params[2].T) * (1 - h ** 2)
        g_enc_W = xb.T @ d_h
        g_enc_b = d_h.sum(axis=0)
        for p, g in zip(params, [g_enc_W, g_enc_b, g_dec_W, g_dec_b]):
            p -= lr * g
    if epoch % 25 == 0:
        print(f"epoch {epoch:3d}  reconstruction mse {recon_loss(readings):.5f}")

# %%
final = recon_loss(readings)
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / np.var(readings):.4f}")
