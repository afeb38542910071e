"""Odd input: every kind of assignment the instrumenter rewrites, plus match, async, global and nonlocal."""
import asyncio
import numpy as np

counter = 0
w: np.ndarray = np.zeros(3)
annotated: int


def bump():
    global counter
    counter += 1
    return counter


def outer():
    acc = np.zeros(2)

    def inner(v):
        nonlocal acc
        acc += v
        acc = acc * 1.0
        return acc
    for k in range(3):
        inner(np.full(2, k))
    return acc


class Holder:
    table = {}
    arr = np.arange(6.0).reshape(2, 3)
    doubled = arr * 2
    del table


h = Holder()
h.arr = Holder.arr.copy()
h.arr[0, 1] += 5
h.arr[1] -= np.ones(3)
h.arr[:, 0] = -1
h.arr[h.arr > 3] *= 0.5
lst = [1, 2]
lst += [3]
lst[0] += 10
s = "ab"
s += "c"
t = (1,)
t += (2,)
d = {"k": np.ones(2)}
d["k"] += 1
d["k"][0] = 7
(a, b), c = (np.ones(1), 2.0), [3]
x = y = np.full(2, 4.0)
x += 1  # aliasing: y changes too
first, *middle, last = range(5)
[p, q] = np.array([1.0, 2.0])
i = j = 0
for i, (u, v) in enumerate(zip(range(3), range(3, 6))):
    j += u * v
del i
f = lambda z, k=np.float64(2): z * k  # noqa: E731
fz = f(np.ones(2))
ev = eval("np.sum(w) + 1")
exec("ex = np.ones(2) * 3")
bump()
bump()
acc = outer()


def classify(v):
    match v:
        case np.ndarray() if v.ndim == 1:
            kind = "vector"
        case [a0, b0]:
            kind = f"pair {a0} {b0}"
        case _:
            kind = "other"
    return kind


kinds = [classify(np.ones(2)), classify([1, 2]), classify(3)]


async def agen():
    out = np.zeros(2)
    for k in range(3):
        await asyncio.sleep(0)
        out = out + k
    return out

aout = asyncio.run(agen())
print(counter, w, outer(), h.arr, Holder.doubled, lst, s, t, d, a, b, c, x, y, first, middle, last, p, q, j, fz, ev,
      ex, acc, kinds, aout, "annotated" in globals(), sep="\n")
