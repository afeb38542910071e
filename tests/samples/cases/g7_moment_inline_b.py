# %% [markdown]
# Fit a wiggly 1-d curve with a one-hidden-layer tanh net, minibatches + momentum.

# %%
import numpy as np

rng = np.random.default_rng(14)
xs = rng.uniform(-2.0, 2.0, (300, 1))
ts = np.sin(2.0 * xs) * np.exp(-0.2 * xs * xs)

# %%
width = 24
A = rng.normal(0, 1.0, (1, width))
a0 = rng.normal(0, 0.5, (1, width))
B = rng.normal(0, 1.0 / np.sqrt(width), (width, 1))
b0 = np.zeros((1, 1))
vel = [np.zeros_like(A), np.zeros_like(a0), np.zeros_like(B), np.zeros_like(b0)]
step, beta = 0.03, 0.9

# %%
def total_mse():
    h = np.tanh(xs @ A + a0)
    return float(np.mean((h @ B + b0 - ts) ** 2))


print(f"first_loss={total_mse():.6f}")

# %%
for ep in range(120):
    perm = rng.permutation(300)
    for k in range(0, 300, 30):
        xb, tb = xs[perm[k:k + 30]], ts[perm[k:k + 30]]
        z = xb @ A + a0
        h = np.tanh(z)
        out = h @ B + b0
        g_out = 2.0 * (out - tb) / len(xb)
        gB = h.T @ g_out
        gb0 = g_out.sum(axis=0, keepdims=True)
        g_z = (g_out @ B.T) * (1.0 - h ** 2)
        gA = xb.T @ g_z
        ga0 = g_z.sum(axis=0, keepdims=True)
        for v, g, p in zip(vel, (gA, ga0, gB, gb0), (A, a0, B, b0)):
            v *= beta
            v += g
            p -= step * v
    if ep % 30 == 0:
        print(f"epoch={ep} mse={total_mse():.6f}")

# %%
print(f"final_loss={total_mse():.6f}")
