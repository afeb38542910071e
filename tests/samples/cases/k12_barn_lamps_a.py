# logistic regression with SGD, one example at a time (no sklearn allowed for the assignment)
# data: two lamp sensor readings -> is the barn lamp on (1) or off (0)
import numpy as np
import math
import random

random.seed(7)
np.random.seed(7)

N = 240
r1 = np.random.randn(N)
r2 = np.random.randn(N)
on = (1.4 * r1 - 0.9 * r2 + 0.5 + 0.5 * np.random.randn(N) > 0).astype(float)

data = [(float(r1[i]), float(r2[i]), float(on[i])) for i in range(N)]
print("samples:", len(data), "lamps on:", int(on.sum()))

w1 = 0.0
w2 = 0.0
b = 0.0
lr = 0.02
EPOCHS = 12


def sig(t):
    return 1.0 / (1.0 + math.exp(-t))


def logloss():
    tot = 0.0
    for x1, x2, y in data:
        p = sig(w1 * x1 + w2 * x2 + b)
        tot += -(y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12))
    return tot / len(data)


def acc():
    c = 0
    for x1, x2, y in data:
        pred = 1.0 if sig(w1 * x1 + w2 * x2 + b) > 0.5 else 0.0
        c += pred == y
    return c / len(data)


print("first_loss=%.4f" % logloss())

for ep in range(EPOCHS):
    random.shuffle(data)
    for x1, x2, y in data:
        p = sig(w1 * x1 + w2 * x2 + b)
        err = p - y
        # print(x1, x2, y, p)
        w1 = w1 - lr * err * x1
        w2 = w2 - lr * err * x2
        b = b - lr * err
    print("epoch", ep, "loss", round(logloss(), 4), "w1", round(w1, 3), "w2", round(w2, 3), "b", round(b, 3))

print("final_loss=%.4f" % logloss())
print("accuracy=%.3f" % acc())
