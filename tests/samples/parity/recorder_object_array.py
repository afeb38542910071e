# An object array's elements are never converted: recording `np.array([...], dtype=object)` must not
# call each element's `__float__` (nor `__index__`, `__int__`, `__complex__`, `__array__`).
import numpy as np

calls = []


class Number:
    def __init__(self, v):
        self.v = v

    def __float__(self):
        calls.append("float")
        return float(self.v)

    def __int__(self):
        calls.append("int")
        return int(self.v)

    def __index__(self):
        calls.append("index")
        return int(self.v)

    def __complex__(self):
        calls.append("complex")
        return complex(self.v)

    def __add__(self, other):
        return Number(self.v + (other.v if type(other) is Number else other))

    def __sub__(self, other):
        return Number(self.v - (other.v if type(other) is Number else other))

    def __mul__(self, other):
        return Number(self.v * (other.v if type(other) is Number else other))

    __rmul__ = __mul__


def train(w, n):
    for i in range(n):
        g = np.array([Number(i), Number(2 * i)], dtype=object)
        big = np.array([Number(k) for k in range(10_000)], dtype=object)
        w = w - 0.1 * g
        w -= g
        mixed = np.array([1.0, 2, Number(3)], dtype=object)
        plain = np.array([1.0, 2, 3], dtype=object)  # numbers of Python's own types: safe to read
    return w


w = train(np.array([Number(1.0), Number(2.0)], dtype=object), 4)
print(len(calls), sorted(set(calls)))
print([x.v for x in w])
