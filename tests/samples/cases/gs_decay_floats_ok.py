import math
import random

random.seed(2)
pairs = []
for _ in range(60):
    u = random.uniform(-3.0, 3.0)
    pairs.append((u, 0.7 * u - 1.2 + random.gauss(0.0, 0.1)))

step_size = 0.01
slope, offset = 4.0, 4.0
for rnd in range(300):
    total = 0.0
    for u, v in pairs:
        miss = slope * u + offset - v
        total += miss * miss
        slope -= step_size * (miss * u)
        offset -= step_size * miss
    if rnd % 60 == 0 or rnd == 299:
        print(f"round {rnd} loss {total / len(pairs):.5f} slope {slope:.3f} offset {offset:.3f}")
