# Light switch puzzle: the lamp is on when exactly one of the two switches is up (with a bit of noise).
# Plain Python, no numpy: a 2-4-1 net, tanh hidden units, sigmoid output, one sample at a time.
import math
import random

random.seed(5)
data = []
for _ in range(60):
    s1, s2 = random.choice([0, 1]), random.choice([0, 1])
    x1 = s1 * 2 - 1 + random.gauss(0, 0.15)
    x2 = s2 * 2 - 1 + random.gauss(0, 0.15)
    data.append(([x1, x2], 1.0 if s1 != s2 else 0.0))

n_hidden = 4
hid_w = [[0.3, 0.3] for _ in range(n_hidden)]   # one weight list per hidden unit
hid_b = [0.0] * n_hidden
out_w = [0.3] * n_hidden
out_b = 0.0
eta = 0.3


def forward(x):
    hs = [math.tanh(hid_w[j][0] * x[0] + hid_w[j][1] * x[1] + hid_b[j]) for j in range(n_hidden)]
    z = sum(out_w[j] * hs[j] for j in range(n_hidden)) + out_b
    return hs, 1.0 / (1.0 + math.exp(-z))


def logloss():
    total = 0.0
    for x, t in data:
        p = min(max(forward(x)[1], 1e-12), 1 - 1e-12)
        total -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return total / len(data)


print(f"first_loss={logloss():.4f}")
for epoch in range(150):
    for x, t in data:
        hs, p = forward(x)
        d_z = p - t
        for j in range(n_hidden):
            d_h = d_z * out_w[j] * (1 - hs[j] ** 2)
            out_w[j] -= eta * d_z * hs[j]
            hid_w[j][0] -= eta * d_h * x[0]
            hid_w[j][1] -= eta * d_h * x[1]
            hid_b[j] -= eta * d_h
        out_b -= eta * d_z

hits = sum((forward(x)[1] > 0.5) == (t > 0.5) for x, t in data)
print(f"final_loss={logloss():.4f}")
print(f"accuracy={hits / len(data):.3f}")
