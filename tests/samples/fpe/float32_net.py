# The 3-4-1 network of the founding case computed in float32: the sigmoid reaches exactly 1.0 at
# z >= 16.64 in float32 (36.74 in float64), so the cross-entropy gradient's 0/0 comes much sooner.
import numpy as np

np.random.seed(1)
w_ij = (2 * np.random.rand(3, 4) - 1).astype(np.float32)
w_jk = (2 * np.random.rand(4, 1) - 1).astype(np.float32)
x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]], dtype=np.float32)
y = np.array([[0, 1, 1, 1, 1, 0, 0]], dtype=np.float32).T
for i in range(1000):
    z_ij = x @ w_ij
    a_ij = np.where(z_ij > 0, z_ij, z_ij * np.float32(0.01))
    a_jk = 1 / (1 + np.exp(-(a_ij @ w_jk)))
    dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
    da_jk = a_jk * (1 - a_jk)
    da_ij = np.where(z_ij > 0, np.float32(1), np.float32(0.01))
    gradient_ij = x.T @ ((dl_jk * da_jk) @ w_jk.T * da_ij)
    gradient_jk = a_ij.T @ (dl_jk * da_jk)
    w_ij = w_ij - gradient_ij
    w_jk = w_jk - gradient_jk
print("dtype:", w_ij.dtype, "finite:", bool(np.isfinite(w_ij).all()))
