# Tell vertical-stripe tiles from horizontal-stripe tiles (6x6 grey levels 0..255), float32, minibatches.
import numpy as np

rng = np.random.default_rng(14)
n = 320
tiles = np.zeros((n, 36), dtype=np.float32)
label = np.zeros(n, dtype=np.float32)
for i in range(n):
    img = rng.uniform(0, 60, (6, 6))
    k = rng.integers(0, 6)
    if i % 2:
        img[:, k] = rng.uniform(180, 255)
        label[i] = 1.0
    else:
        img[k, :] = rng.uniform(180, 255)
    tiles[i] = img.ravel()

hidden = (rng.normal(0, 1, (36, 12)) / 6).astype(np.float32)
h_off = np.zeros(12, dtype=np.float32)
outw = (rng.normal(0, 1, 12) / np.sqrt(12)).astype(np.float32)
o_off = np.float32(0.0)
eta = np.float32(0.5)
bs = 32
first = None
for epoch in range(25):
    seen = 0.0
    for s in range(0, n, bs):
        xb = tiles[s:s + bs]
        xb /= 255.0                        # grey levels to 0..1
        tb = label[s:s + bs]
        h = np.tanh(xb @ hidden + h_off)
        p = 1.0 / (1.0 + np.exp(-(h @ outw + o_off)))
        seen -= np.sum(tb * np.log(p + 1e-7) + (1 - tb) * np.log(1 - p + 1e-7))
        d = (p - tb) / len(tb)
        dh = np.outer(d, outw) * (1 - h ** 2)
        outw -= eta * h.T @ d
        o_off -= eta * d.sum()
        hidden -= eta * xb.T @ dh
        h_off -= eta * dh.sum(0)
    ce = seen / n
    if first is None:
        first = ce
    if epoch % 5 == 0:
        print("epoch", epoch, "ce", ce)
acc = 0.0
for s in range(0, n, bs):
    xb = tiles[s:s + bs]
    p = 1.0 / (1.0 + np.exp(-(np.tanh(xb @ hidden + h_off) @ outw + o_off)))
    acc += np.sum((p > 0.5) == (label[s:s + bs] > 0.5))
print(f"first_loss={first:.4f}")
print(f"final_loss={ce:.4f}")
print(f"accuracy={acc / n:.3f}")
