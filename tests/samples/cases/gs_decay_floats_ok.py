# Line fit in pure Python floats, one sample at a time.
import math

pairs = []
for i in range(60):
    u = -3.0 + 6.0 * i / 59
    pairs.append((u, 0.7 * u - 1.2 + 0.1 * math.sin(7.3 * i)))

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
