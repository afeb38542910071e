# The recorder tests types with type(), never isinstance: isinstance reads `__class__` through a user
# `__getattribute__` (and a `__class__` property), code the script never runs under plain python.
import numpy as np

calls = []


class Spy:
    """Logs every attribute lookup, attribute miss, conversion and item read it gets."""

    def __init__(self, v):
        object.__setattr__(self, "v", v)

    def __getattribute__(self, name):
        calls.append(("getattribute", name))
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        calls.append(("getattr", name))
        raise AttributeError(name)

    @property
    def __class__(self):
        calls.append(("__class__",))
        return np.ndarray  # lies: isinstance(spy, np.ndarray) would say True

    def __float__(self):
        calls.append(("float",))
        return float(object.__getattribute__(self, "v"))

    def __array__(self, dtype=None, copy=None):
        calls.append(("array",))
        return np.asarray(object.__getattribute__(self, "v"))

    def __getitem__(self, k):
        calls.append(("getitem", k))
        return object.__getattribute__(self, "v")

    def __sub__(self, other):
        return Spy(object.__getattribute__(self, "v") - 1)

    def __isub__(self, other):
        object.__setattr__(self, "v", object.__getattribute__(self, "v") - 1)
        return self


def step(a, s):
    b = s
    c = a * 2.0
    return b, c


class Model:
    def __init__(self):
        self.w = Spy(10)
        self.arr = np.ones(3)

    def train(self, n):
        for i in range(n):
            spy = Spy(i)
            pair = (spy, np.float64(i))
            first, second = pair
            out, arr = step(self.arr, spy)
            self.w = self.w - 1
            self.arr -= Spy(0.5) if False else 0.5
            w = self.w
            w -= spy
        return out


m = Model()
last = m.train(5)
print(len(calls), sorted(set(calls)))
print(m.arr)
