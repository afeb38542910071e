# Quadratic fitted to eight points with plain Python floats and one update per point (no numpy at all).
xs = [-1.0, -0.7, -0.4, -0.1, 0.2, 0.5, 0.8, 1.1]
ys = [1.9 - 0.8 * x + 1.4 * x * x + 0.05 * ((i * 7) % 3 - 1) for i, x in enumerate(xs)]

c0, c1, c2 = 0.0, 0.0, 0.0
step = 0.08
for rnd in range(300):
    sq = 0.0
    for x, y in zip(xs, ys):
        err = c0 + c1 * x + c2 * x * x - y
        sq += err * err
        c0 -= step * err
        c1 -= step * err * x
        c2 -= step * err * x * x
    if rnd % 60 == 0 or rnd == 299:
        print(f"round {rnd} sse {sq:.5f} coefs {c0:.3f} {c1:.3f} {c2:.3f}")
