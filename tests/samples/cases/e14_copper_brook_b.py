# A ring classifier in pure Python: nested lists as matrices, tanh hidden units, one sample per step.
import math
import random

random.seed(5)

# points in a square, label 1 if inside the ring of radius 0.65
data = []
for _ in range(160):
    px, py = random.uniform(-1, 1), random.uniform(-1, 1)
    data.append(([px, py], 1.0 if px * px + py * py < 0.65 ** 2 else 0.0))

H = 8
# weights as nested lists: W1[i][j] goes from input i to hidden j
W1 = [[0.0 for j in range(H)] for i in range(2)]
b1 = [0.0] * H
W2 = [0.0 for j in range(H)]
b2 = 0.0
lr = 0.05


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


def predict(x):
    h = [math.tanh(x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]) for j in range(H)]
    o = sig(sum(W2[j] * h[j] for j in range(H)) + b2)
    return h, o


def total_loss():
    s = 0.0
    for x, t in data:
        _, o = predict(x)
        o = min(max(o, 1e-12), 1 - 1e-12)
        s += -(t * math.log(o) + (1 - t) * math.log(1 - o))
    return s / len(data)


def accuracy():
    return sum((predict(x)[1] > 0.5) == (t == 1.0) for x, t in data) / len(data)


print("first_loss=%.4f" % total_loss())
for epoch in range(200):
    random.shuffle(data)
    for x, t in data:
        h, o = predict(x)
        d_o = o - t
        for j in range(H):
            d_h = d_o * W2[j] * (1 - h[j] * h[j])
            W2[j] -= lr * d_o * h[j]
            W1[0][j] -= lr * d_h * x[0]
            W1[1][j] -= lr * d_h * x[1]
            b1[j] -= lr * d_h
        b2 -= lr * d_o
    if epoch % 40 == 0:
        print("epoch %d  loss %.4f  acc %.3f" % (epoch, total_loss(), accuracy()))

print("final_loss=%.4f" % total_loss())
print("accuracy=%.3f" % accuracy())
