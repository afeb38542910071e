# Fit a straight line to noisy temperature readings with plain Python, one weight and one bias
import random
import math

random.seed(3)

# hours since sunrise (scaled to 0..1) vs temperature in degrees
hours = [i / 40 for i in range(41)]
temps = [11.0 + 9.5 * h + random.gauss(0, 0.6) for h in hours]
n = len(hours)

w = 0.0
b = 0.0
lr = 0.1


def mse(w, b):
    return sum((w * h + b - t) ** 2 for h, t in zip(hours, temps)) / n


print(f"first_loss={mse(w, b):.4f}")

for step in range(2000):
    preds = [w * h + b for h in hours]
    dw = 0.0
    db = 0.0
    for h, t, p in zip(hours, temps, preds):
        dw += 2 * (p - t) * h
        db += 2 * (p - t)
    w -= lr * dw / n
    b -= lr * db / n
    if step % 500 == 0:
        print(f"step={step} loss={mse(w, b):.4f}")

final = mse(w, b)
mean_t = sum(temps) / n
ss_tot = sum((t - mean_t) ** 2 for t in temps)
r2 = 1 - final * n / ss_tot
print(f"final_loss={final:.4f}")
print(f"r2={r2:.4f}")
print(f"w={w:.3f} b={b:.3f} rmse={math.sqrt(final):.3f}")
