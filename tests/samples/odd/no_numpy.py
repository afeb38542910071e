"""Odd input: a script that never imports numpy."""
import math

w = [0.5, -0.25]
for epoch in range(100):
    grad = [2 * x for x in w]
    w = [x - 0.1 * g for x, g in zip(w, grad)]
    loss = sum(x * x for x in w)
ratio = math.inf / math.inf if False else float("nan")
print(w, loss, ratio, math.isnan(ratio))
