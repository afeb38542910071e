# Float32 logistic regression, samples in columns, shuffled minibatches, labels in {-1, +1}, loss via logaddexp.
import numpy as np

rg = np.random.default_rng(9)
cols = rg.normal(0.0, 1.0, (4, 512)).astype(np.float32)
sign = np.where(np.array([3.0, -2.0, 1.0, 0.5]) @ cols + 0.2 * rg.normal(size=512) > 0, 1.0, -1.0).astype(np.float32)
vec = np.zeros(4, np.float32)
off = np.float32(0.0)
for pas in range(40):
    perm = rg.permutation(512)
    for start in range(0, 512, 64):
        pick = perm[start:start + 64]
        margin = sign[pick] * (vec @ cols[:, pick] + off)
        weight = -sign[pick] / (1.0 + np.exp(margin))
        vec -= np.float32(0.5) * (cols[:, pick] @ weight) / len(pick)
        off -= np.float32(0.5) * weight.mean()
    if pas % 8 == 0 or pas == 39:
        full = sign * (vec @ cols + off)
        print(f"pass {pas} logistic loss {np.mean(np.logaddexp(0.0, -full)):.5f} accuracy {np.mean(full > 0):.3f}")
