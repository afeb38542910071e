# Predict delivery cost from two standardised features, plain python, no numpy.
import random

random.seed(5)
rows = []
for _ in range(400):
    dist = random.gauss(0.0, 1.0)
    weight = random.gauss(0.0, 1.0)
    cost = 3.0 * dist - 1.5 * weight + 0.7 + random.gauss(0.0, 0.1)
    rows.append([dist, weight, cost])

coef = [0.0, 0.0]
intercept = 0.0
speed = 0.05


def mse():
    s = 0.0
    for d, w, c in rows:
        s += (coef[0] * d + coef[1] * w + intercept - c) ** 2
    return s / len(rows)


print(f"first_loss={mse():.6f}")
for it in range(40):
    g0 = g1 = gi = 0.0
    for d, w, c in rows:
        r = coef[0] * d + coef[1] * w + intercept - c
        g0 += 2.0 * r * d
        g1 += 2.0 * r * w
        gi += 2.0 * r
    n = len(rows)
    coef[0] -= speed * g0 / n
    coef[1] -= speed * g1 / n
    intercept -= speed * gi / n
    if it % 10 == 0:
        print(f"iter={it} mse={mse():.6g}")

print(f"final_loss={mse():.6g}")
print(f"coef={coef[0]:.4g},{coef[1]:.4g},{intercept:.4g}")
