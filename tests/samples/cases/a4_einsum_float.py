# Three-channel mixing weights fitted with einsum, float32 data, a weight buffer allocated up front.
import numpy as np

gen = np.random.default_rng(8)
frames = gen.normal(0.0, 1.0, (400, 3)).astype(np.float32)
truth = np.array([0.6, -0.25, 0.4], dtype=np.float32)
mixed = np.einsum("nc,c->n", frames, truth) + gen.normal(0.0, 0.02, 400).astype(np.float32)

gains = np.zeros(3, dtype=np.float32)
rate = np.float32(0.1)
for loop in range(150):
    recon = np.einsum("nc,c->n", frames, gains)
    gap = recon - mixed
    loss = float(np.einsum("n,n->", gap, gap)) / len(gap)
    slope = np.einsum("nc,n->c", frames, gap) * np.float32(2.0 / len(gap))
    gains[:] = gains - rate * slope
    if loop % 30 == 0 or loop == 149:
        print(f"loop {loop} loss {loss:.5f}")
