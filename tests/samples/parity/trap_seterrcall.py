# A script's own seterrcall receives exactly its messages: the 'call' categories reach its function,
# the 'log' ones its object, and the others (warn, ignore) reach neither.
import sys

import numpy as np

calls = []


def on_error(kind, flag):
    calls.append((kind, flag))


class Log:
    def __init__(self):
        self.lines = []

    def write(self, msg):
        self.lines.append(msg)


def step(a, b):
    q = a / b
    r = np.exp(a * 800.0)
    s = np.sqrt(a - 2.0)
    return q, r, s


a, b = np.array([1.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0])
early = Log()
np.seterrcall(early)  # modes still numpy's defaults (warn): the object gets nothing, numpy warns
step(a, b)
print("early:", early.lines)
np.seterrcall(on_error)
np.seterr(divide="call", over="ignore", invalid="call")
for i in range(3):
    step(a, b)
print("call:", calls)
log = Log()
print(np.seterrcall(log) is on_error)
np.seterr(all="log")
step(a, b)
np.seterr(divide="warn", over="log", invalid="ignore")
step(a, b)
print("log:", log.lines)
print("callback now:", type(np.geterrcall()).__name__, file=sys.stderr)
