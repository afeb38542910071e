# Random 1-D conv feature stack (hand-rolled convolution) on short waveforms, output layer by a single ridge solve
import numpy as np

rng = np.random.default_rng(5)

n_samples = 320
length = 48
t = np.arange(length)
freq = rng.uniform(0.05, 0.35, size=n_samples)
phase = rng.uniform(0, 2 * np.pi, size=n_samples)
signals = np.sin(2 * np.pi * freq[:, None] * t[None, :] + phase[:, None])
signals += rng.normal(0, 0.1, size=signals.shape)
target = freq * 10  # predict the frequency

def conv1d(x, w, b):
    # x: (batch, c_in, L), w: (c_out, c_in, k), same padding
    batch, c_in, L = x.shape
    c_out, _, k = w.shape
    pad = k // 2
    xp = np.zeros((batch, c_in, L + 2 * pad))
    xp[:, :, pad:pad + L] = x
    out = np.zeros((batch, c_out, L))
    for pos in range(L):
        window = xp[:, :, pos:pos + k]
        for o in range(c_out):
            out[:, o, pos] = np.sum(window * w[o][None, :, :], axis=(1, 2)) + b[o]
    return out

channels = [1] + [12] * 8
ksize = 5
layers = []
for c_in, c_out in zip(channels[:-1], channels[1:]):
    W = rng.normal(0, 1.0, size=(c_out, c_in, ksize))
    b = np.zeros(c_out)
    layers.append((W, b))

# one forward pass through the conv stack
h = signals[:, None, :]
for W, b in layers:
    h = np.tanh(conv1d(h, W, b))
feats = np.concatenate([h.mean(axis=2), (h ** 2).mean(axis=2),
                        np.abs(np.diff(h, axis=2)).mean(axis=2)], axis=1)
feats = np.hstack([feats, np.ones((n_samples, 1))])
print("feature shape", feats.shape)

split = 240
F_tr, F_te = feats[:split], feats[split:]
y_tr, y_te = target[:split], target[split:]

first_loss = np.mean((y_tr - y_tr.mean()) ** 2)
lam = 1e-2
w_head = np.linalg.solve(F_tr.T @ F_tr + lam * np.eye(F_tr.shape[1]), F_tr.T @ y_tr)
final_loss = np.mean((F_tr @ w_head - y_tr) ** 2)
pred = F_te @ w_head
r2 = 1 - np.sum((y_te - pred) ** 2) / np.sum((y_te - y_te.mean()) ** 2)

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
