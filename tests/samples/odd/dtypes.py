"""Odd input: every numpy dtype, 0-d and empty arrays, numpy scalars and Python floats in a training loop."""
import numpy as np

rng = np.random.default_rng(0)
w16 = rng.standard_normal(4).astype(np.float16)
w32 = rng.standard_normal((3, 2)).astype(np.float32)
w64 = rng.standard_normal(5)
wi = np.arange(6, dtype=np.int64)
wu = np.arange(4, dtype=np.uint8)
wb = np.array([True, False, True])
wc = rng.standard_normal(3) + 1j * rng.standard_normal(3)
wo = np.array([1.5, "a", None, (1, 2)], dtype=object)
scalar0 = np.array(2.5)
empty = np.zeros((0, 3))
empty_i = np.array([], dtype=np.int32)
py_float = 0.1
np_scalar = np.float32(1.25)
for step in range(50):
    g16 = w16 * np.float16(0.5)
    w16 -= np.float16(0.01) * g16
    g32 = w32.T @ w32
    w32 = w32 - 0.01 * (w32 @ g32)
    w64 *= 1.01
    wi += 1
    wi //= 1
    wu = wu + np.uint8(250)  # wraps around, silently
    wb = ~wb
    wc = wc * (1 + 0.1j)
    wo = wo[::-1]
    scalar0 = scalar0 * 1.1
    empty = empty * 2 + 1
    empty_i -= 1
    py_float = py_float * 1.5 + 1e300 if step > 45 else py_float * 1.5
    np_scalar = np_scalar * np.float32(3.0)
    big = np.float16(60000) * np.float16(2)  # float16 overflow to inf
    huge = np.exp(np.float32(100.0))
    tiny = np.float64(1e-308) / 1e10
    mixed = wi + w64[:1] + wb[:1] + wc[:1]
print(w16, w32, w64, wi, wu, wb, wc, wo, scalar0, empty.shape, empty_i, py_float, np_scalar, big, huge, tiny, mixed, sep="\n")
