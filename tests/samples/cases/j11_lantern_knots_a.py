# XOR-like pattern: a point is "lit" (1) when x and y have the same sign
# 2-8-1 network in plain python (lists + math), trained one point at a time
import math
import random

random.seed(2024)

points = []
for _ in range(160):
    x, y = random.uniform(-1, 1), random.uniform(-1, 1)
    points.append(((x, y), 1.0 if x * y > 0 else 0.0))


def make_net(n_hidden):
    w1 = [[random.gauss(0, 1.0) for _ in range(2)] for _ in range(n_hidden)]
    b1 = [0.0] * n_hidden
    w2 = [random.gauss(0, 0.5) for _ in range(n_hidden)]
    b2 = [0.0]

    def forward(p):
        h = [math.tanh(w[0] * p[0] + w[1] * p[1] + b) for w, b in zip(w1, b1)]
        z = sum(v * a for v, a in zip(w2, h)) + b2[0]
        return h, 1.0 / (1.0 + math.exp(-z))

    def train_step(p, target, rate):
        h, out = forward(p)
        d_out = out - target                     # sigmoid + cross entropy
        for j in range(n_hidden):
            d_h = d_out * w2[j] * (1.0 - h[j] ** 2)
            w2[j] -= rate * d_out * h[j]
            w1[j][0] -= rate * d_h * p[0]
            w1[j][1] -= rate * d_h * p[1]
            b1[j] -= rate * d_h
        b2[0] -= rate * d_out

    return forward, train_step


def cross_entropy(forward, data):
    total = 0.0
    for p, t in data:
        out = forward(p)[1]
        out = min(max(out, 1e-12), 1 - 1e-12)
        total += -(t * math.log(out) + (1 - t) * math.log(1 - out))
    return total / len(data)


forward, train_step = make_net(8)
rate = 0.0005
print("first_loss=%.4f" % cross_entropy(forward, points))
for epoch in range(200):
    random.shuffle(points)
    for p, t in points:
        train_step(p, t, rate)
    if epoch % 40 == 0:
        print("epoch", epoch, "loss", round(cross_entropy(forward, points), 4))

correct = sum((forward(p)[1] > 0.5) == (t > 0.5) for p, t in points)
print("final_loss=%.4f" % cross_entropy(forward, points))
print("accuracy=%.3f" % (correct / len(points)))
