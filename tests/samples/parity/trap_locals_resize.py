# A function's locals() snapshot is the script's alone: an operation numpy flags does not refresh it,
# and nothing else holds the arrays, so ndarray.resize (which refuses a referenced array) works.
import numpy as np


def shrink():
    snap = locals()
    a = np.zeros(5)
    q = np.ones(3) / np.zeros(3)
    print(sorted(snap))
    a.resize(3)
    return a, q


a, q = shrink()
print(a, q)
