# loaves sold per day from (temperature, weekend?) -- lists only, no numpy
import math
import random

random.seed(12)
days = []
for _ in range(60):
    warm = random.uniform(-1.0, 1.0)
    weekend = 1.0 if random.random() < 0.3 else 0.0
    days.append([warm, weekend])
sold = [2.0 - 1.5 * w + 1.2 * e + random.gauss(0, 0.2) for w, e in days]

coef = [0.0, 0.0]
icpt = 0.0
step_size = 0.1


def mean_sq(pred):
    return sum((p - s) ** 2 for p, s in zip(pred, sold)) / len(sold)


pred = [coef[0] * w + coef[1] * e + icpt for w, e in days]
print(f"first_loss={mean_sq(pred):.4f}")
for sweep in range(120):
    g0 = g1 = gb = 0.0
    for (w, e), p, s in zip(days, pred, sold):
        r = p - s
        g0 += r * w
        g1 += r * e
        gb += r
    coef[0] -= step_size * g0 / len(days)
    coef[1] -= step_size * g1 / len(days)
    icpt -= step_size * gb / len(days)
    if sweep % 40 == 0:
        now = [coef[0] * w + coef[1] * e + icpt for w, e in days]
        print(f"sweep={sweep} mse={mean_sq(now):.4f}")

final = [coef[0] * w + coef[1] * e + icpt for w, e in days]
print(f"final_loss={mean_sq(final):.4f}")
print(f"rmse={math.sqrt(mean_sq(final)):.3f}")
