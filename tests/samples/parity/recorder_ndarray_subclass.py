# Recording an ndarray subclass reads its data without its attributes: np.ma.getdata(v) looks `_data`
# up through the subclass's `__getattribute__` and `__getattr__`; and nothing keeps the array alive.
import gc
import weakref

import numpy as np

calls = []


class Logged(np.ndarray):
    def __array_finalize__(self, obj):
        calls.append(("finalize", type(obj).__name__))

    def __getattribute__(self, name):
        calls.append(("getattribute", name))
        return np.ndarray.__getattribute__(self, name)

    def __getattr__(self, name):
        calls.append(("getattr", name))
        raise AttributeError(name)

    def __array__(self, dtype=None, copy=None):
        calls.append(("array",))
        return np.ndarray.view(self, np.ndarray)

    def __getitem__(self, k):
        calls.append(("getitem", k))
        return np.ndarray.__getitem__(self, k)

    def __float__(self):
        calls.append(("float",))
        return 0.0

    def __del__(self):
        print("freed", self.shape if False else "")


def make(n, big=False):
    base = np.linspace(0.0, 1.0, 100_000 if big else n)
    return np.ndarray.view(base, Logged)


for i in range(4):
    small = make(5)
    large = make(0, big=True)
    small_t = small.T
    small = small + 1.0
    ref = weakref.ref(large)
    del large
    gc.collect()
    print("large freed after del:", ref() is None)

del small, small_t
gc.collect()
print(len(calls), sorted(set(calls), key=repr))
