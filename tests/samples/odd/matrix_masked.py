"""Odd input: np.matrix and masked arrays, updated in a loop."""
import numpy as np

m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
v = np.matrix([[1.0], [0.5]])
ma = np.ma.masked_array([1.0, 2.0, np.nan, 4.0], mask=[False, False, True, False])
for i in range(20):
    prod = m @ v
    v = prod / np.linalg.norm(prod)
    ma = ma * 1.5 - 0.25
    ma[0] += 1
    total = ma.sum()
    mean = ma.mean()
    m = m + 0.001 * m.T
print(m, v, ma, total, mean, type(v).__name__, type(ma).__name__, sep="\n")
