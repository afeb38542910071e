# pass / fail from hours studied and hours slept
# logistic regression, stochastic gradient descent one student at a time
import math
import random
import numpy as np

random.seed(5)

hours, sleep, passed = [], [], []
for _ in range(150):
    h = random.uniform(0, 10)
    s = random.uniform(4, 9)
    score = 0.9 * h + 0.6 * s - 8.0 + random.gauss(0, 1.0)
    hours.append(h)
    sleep.append(s)
    passed.append(1 if score > 0 else 0)

# scale the two features by hand
def scale(col):
    m = sum(col) / len(col)
    sd = math.sqrt(sum((v - m) ** 2 for v in col) / len(col))
    return [(v - m) / sd for v in col]

hours_s = scale(hours)
sleep_s = scale(sleep)
data = list(zip(hours_s, sleep_s, passed))

params = np.array([0, 0, 0])   # w_hours, w_sleep, bias
lr = 0.02


def prob(h, s):
    z = params[0] * h + params[1] * s + params[2]
    return 1.0 / (1.0 + math.exp(-z))


def log_loss():
    total = 0.0
    for h, s, t in data:
        p = prob(h, s)
        p = min(max(p, 1e-12), 1 - 1e-12)
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
    return total / len(data)


print(f"first_loss={log_loss():.4f}")

for epoch in range(60):
    random.shuffle(data)
    for h, s, t in data:
        err = prob(h, s) - t
        params[0] -= lr * err * h
        params[1] -= lr * err * s
        params[2] -= lr * err
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", round(log_loss(), 4), "params", params)

correct = 0
for h, s, t in data:
    correct += int((prob(h, s) > 0.5) == (t == 1))
print(f"final_loss={log_loss():.4f}")
print(f"accuracy={correct / len(data):.3f}")
