# %% [markdown]
# Tiny autoencoder on 8x8 binary "patches" (bars), squeezed to 6 numbers and rebuilt.

# %%
import numpy as np

rng = np.random.default_rng(5)
patches = []
for _ in range(400):
    img = np.zeros((8, 8))
    if rng.random() < 0.5:
        img[rng.integers(0, 8), :] = 1.0
    else:
        img[:, rng.integers(0, 8)] = 1.0
    patches.append(img.ravel())
patches = np.array(patches)
print("patches", patches.shape)

# %%
enc_w = rng.normal(0.0, 0.3, (64, 6))
enc_b = np.zeros(6)
dec_w = rng.normal(0.0, 0.05, (6, 64))
dec_b = np.full(64, 0.5)  # start every pixel at a half
speed = 0.5

# %%
def rebuild(batch):
    code = np.tanh(batch @ enc_w + enc_b)
    recon = code @ dec_w + dec_b
    return code, recon


def bce(recon, batch):
    return -np.mean(batch * np.log(recon) + (1 - batch) * np.log(1 - recon))


# %%
_, recon = rebuild(patches)
print(f"first_loss={bce(recon, patches):.5f}")
for it in range(150):
    code, recon = rebuild(patches)
    # dL/d(pre-output) for cross-entropy
    d_out = (recon - patches) / len(patches)
    g_dec_w = code.T @ d_out
    g_dec_b = d_out.sum(axis=0)
    d_code = (d_out @ dec_w.T) * (1 - code ** 2)
    g_enc_w = patches.T @ d_code
    g_enc_b = d_code.sum(axis=0)
    enc_w -= speed * g_enc_w
    enc_b -= speed * g_enc_b
    dec_w -= speed * g_dec_w
    dec_b -= speed * g_dec_b
    if it % 50 == 0:
        print(f"it={it} loss={bce(recon, patches):.5f}")

# %%
_, recon = rebuild(patches)
print(f"final_loss={bce(recon, patches):.5f}")
