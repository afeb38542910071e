# parts coming off three moulds, two gauge readings per part
# step 1: fit the old sorting rule (only mould 0 is rejected)
# step 2: keep training the same model on the new rule (only mould 2 passes)
# plain python, no numpy
import math
import random

random.seed(4)

mould_centres = [(-2.0, -2.0), (5.0, 5.0), (9.0, 9.0)]
parts = []
for mould, (cx, cy) in enumerate(mould_centres):
    for _ in range(40):
        parts.append(([random.gauss(cx, 0.3), random.gauss(cy, 0.3)], mould))

old_rule = [(x, 0.0 if m == 0 else 1.0) for x, m in parts]
new_rule = [(x, 1.0 if m == 2 else 0.0) for x, m in parts]

w = [0.0, 0.0]
b = 0.0
eps = 1e-8


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def logit(x):
    return w[0] * x[0] + w[1] * x[1] + b


def cost(data):
    total = 0.0
    for x, y in data:
        z = logit(x)
        a = sigmoid(z)
        total += -(y * math.log(a + eps) + (1 - y) * math.log(1 - a + eps))
    return total / len(data)


def accuracy(data):
    hits = 0
    for x, y in data:
        hits += (sigmoid(logit(x)) > 0.5) == (y == 1.0)
    return hits / len(data)


def gd_epoch(data, lr):
    global b
    gw0, gw1, gb = 0.0, 0.0, 0.0
    for x, y in data:
        z = logit(x)
        a = sigmoid(z)
        dz = (-(y / (a + eps)) + (1 - y) / (1 - a + eps)) * a * (1 - a)   # dL/da * da/dz
        gw0 += dz * x[0]
        gw1 += dz * x[1]
        gb += dz
    n = len(data)
    w[0] -= lr * gw0 / n
    w[1] -= lr * gw1 / n
    b -= lr * gb / n


for epoch in range(300):
    gd_epoch(old_rule, 1.0)
print(f"old rule fitted: acc {accuracy(old_rule):.3f}  w={w[0]:.3f},{w[1]:.3f} b={b:.3f}")

# fine tune on the new rule with a smaller step
print(f"first_loss={cost(new_rule):.4f}")
for epoch in range(1, 201):
    gd_epoch(new_rule, 0.2)
    if epoch % 40 == 0:
        print(f"epoch {epoch}  cost {cost(new_rule):.4f}  acc {accuracy(new_rule):.3f}")
print(f"final_loss={cost(new_rule):.4f}")
print(f"accuracy={accuracy(new_rule):.3f}")
