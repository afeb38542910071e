"""Odd input: generators, threads, recursion, closures, comprehensions, try/finally, with, walrus, star-unpacking."""
import threading
import numpy as np


def batches(x, size):
    for i in range(0, len(x), size):
        chunk = x[i:i + size]
        received = yield chunk
        if received is not None:
            x = x * received


def depth_sum(a, n):
    if n == 0:
        return a.sum()
    half = a * 0.5
    return depth_sum(half, n - 1) + half[0]


def make_scaler(k):
    factor = k * 2.0

    def scale(v):
        out = v * factor
        return out
    return scale


data = np.linspace(-1, 1, 40)
w = np.zeros(4)
gen = batches(data, 4)
for b in gen:
    w = w + b * 0.1
    (lo, hi), *rest = (b.min(), b.max()), 1, 2
    if (n := len(rest)) > 1:
        w[0] += n
sq = [x ** 2 for x in w]
lookup = {i: v for i, v in enumerate(w)}
total = depth_sum(np.arange(8.0), 30)
scale = make_scaler(3)
scaled = scale(w)

results = [None] * 4


def worker(k):
    local = np.full(3, float(k))
    for _ in range(100):
        local = local * 1.01 + 0.5
    results[k] = local


threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
stacked = np.stack(results)


class Ctx:
    def __enter__(self):
        self.value = np.ones(2)
        return self

    def __exit__(self, *exc):
        self.value = None
        return False


with Ctx() as c:
    inside = c.value * 3
try:
    bad = np.ones(3) @ np.ones(4)
except ValueError as e:
    err = str(e)
finally:
    done = True
counter = 0
while counter < 5:
    counter += 1
else:
    counter_final = counter
gen2 = (x * 2 for x in range(3))
lst = list(gen2)
print(w, lo, hi, rest, sq, lookup, total, scaled, stacked, inside, err, done, counter_final, lst, sep="\n")
