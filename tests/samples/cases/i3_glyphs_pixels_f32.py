# Four kinds of 6x6 glyphs (bars and diagonals) as 8-bit grey pixels, classified by a small network:
# ReLU hidden layer, softmax output, cross-entropy, float32 minibatches of 32.
# Run: python i3_glyphs_pixels_f32.py
import numpy as np

rng = np.random.default_rng(5)
side = 6
templates = np.zeros((4, side, side), dtype=np.float32)
templates[0, 2:4, :] = 1
templates[1, :, 2:4] = 1
templates[2][np.eye(side, dtype=bool)] = 1
templates[3][np.fliplr(np.eye(side, dtype=bool))] = 1
kind = rng.integers(0, 4, 640)
noise = rng.normal(0, 0.3, (640, side, side))
pixels = np.clip(np.rint(255 * (0.1 + 0.8 * templates[kind] + noise)), 0, 255).astype(np.float32).reshape(640, -1)
onehot = np.eye(4, dtype=np.float32)[kind]

hidden = 16
w_in = (rng.standard_normal((side * side, hidden)) / np.sqrt(side * side)).astype(np.float32)
b_in = np.zeros(hidden, np.float32)
w_out = (rng.standard_normal((hidden, 4)) / np.sqrt(hidden)).astype(np.float32)
b_out = np.zeros(4, np.float32)
rate = np.float32(0.1)

for epoch in range(30):
    seen = rng.permutation(640)
    for start in range(0, 640, 32):
        pick = seen[start:start + 32]
        batch, want = pixels[pick], onehot[pick]
        h = np.maximum(batch @ w_in + b_in, 0)
        logits = h @ w_out + b_out
        ex = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob = ex / ex.sum(axis=1, keepdims=True)
        d_logits = (prob - want) / np.float32(len(pick))
        d_h = (d_logits @ w_out.T) * (h > 0)
        w_out -= rate * (h.T @ d_logits)
        b_out -= rate * d_logits.sum(axis=0)
        w_in -= rate * (batch.T @ d_h)
        b_in -= rate * d_h.sum(axis=0)
    if epoch % 5 == 0 or epoch == 29:
        h = np.maximum(pixels @ w_in + b_in, 0)
        logits = h @ w_out + b_out
        ex = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob = ex / ex.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(prob[np.arange(640), kind] + 1e-7))
        print(f"epoch {epoch:2d}  loss {loss:.4f}  acc {np.mean(prob.argmax(axis=1) == kind):.3f}")
