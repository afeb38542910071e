# The recorder keeps no numpy scalar alive: a scalar subclass's `__del__` and weak references fire at
# `del` exactly as under python, and reference counts are the script's own.
import sys
import weakref

import numpy as np


class Tracked(np.float64):
    def __del__(self):
        print("freed", float(self))


def loss_of(x):
    value = Tracked(x * 2.0)
    return value


for i in range(3):
    s = Tracked(i + 0.5)
    r = weakref.ref(s)
    del s
    print("after del:", r() is None)
    loss = loss_of(float(i))
    kept = loss
    del loss, kept
    print("step", i, "done")

x = np.float64(3.0)
y = np.float32(2.0) * np.float32(4.0)
print("refcounts", sys.getrefcount(x), sys.getrefcount(y))
