import math
import random

random.seed(77)

points = []
for _ in range(120):
    a = random.gauss(0, 1)
    c = random.gauss(0, 1)
    points.append(((a, c), 1 if 1.5 * a - c > 0.3 else 0))

w = [0.0, 0.0]
bias = 0.0
eta = 1e-6


def prob(x):
    z = w[0] * x[0] + w[1] * x[1] + bias
    return 1 / (1 + math.exp(-z))


def avg_log_loss():
    total = 0.0
    for x, t in points:
        p = min(max(prob(x), 1e-12), 1 - 1e-12)
        total -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return total / len(points)


start = avg_log_loss()
for epoch in range(60):
    random.shuffle(points)
    for x, t in points:
        g = prob(x) - t
        w[0] -= eta * g * x[0]
        w[1] -= eta * g * x[1]
        bias -= eta * g

hits = sum(1 for x, t in points if (prob(x) > 0.5) == (t == 1))
print(f"first_loss={start}")
print(f"final_loss={avg_log_loss()}")
print(f"accuracy={hits / len(points)}")
