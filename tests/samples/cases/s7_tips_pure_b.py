# predict the tip from the bill, plain python floats, one sample at a time
import random

random.seed(8)
bills = [random.uniform(5, 60) for _ in range(120)]
tips = [0.15 * b + 1.0 + random.gauss(0, 0.5) for b in bills]
scale = 60.0
xs = [b / scale for b in bills]


def sgd_step(a, c, x, t, alpha):
    err = a * x + c - t
    a = a - alpha * err * x
    c = c - alpha * err
    return err * err


def cost(a, c):
    return sum((a * x + c - t) ** 2 for x, t in zip(xs, tips)) / len(xs)


a, c = 0.0, 0.0
alpha = 0.05
print(f"first_loss={cost(a, c):.4f}")
for ep in range(80):
    total = 0.0
    for x, t in zip(xs, tips):
        total += sgd_step(a, c, x, t, alpha)
    if ep % 20 == 0:
        print(f"ep={ep} running={total / len(xs):.4f}")
print(f"final_loss={cost(a, c):.4f}")
print(f"a={a / scale:.4f} c={c:.3f}")
