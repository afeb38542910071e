# tiny net from scratch, no numpy arrays at all, just floats and lists
# is a point (x1, x2) inside the ring? 2 inputs -> 4 sigmoid hidden -> 1 sigmoid output
import math
import random

random.seed(11)

data = []
for _ in range(80):
    x1 = random.uniform(-2, 2)
    x2 = random.uniform(-2, 2)
    label = 1.0 if x1 * x1 + x2 * x2 < 2.5 else 0.0
    data.append((x1, x2, label))

n_hidden = 4
w_in = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(n_hidden)]
b_in = [0.0] * n_hidden
w_out = [random.uniform(-1, 1) for _ in range(n_hidden)]
b_out = 0.0
rate = 0.1


def sigmoid(v):
    # two branches so math.exp never gets a big positive number
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def dsigmoid(s):
    # s is the sigmoid output
    return s * (1.0 - s)


def run(x1, x2):
    zs = [w[0] * x1 + w[1] * x2 + b for w, b in zip(w_in, b_in)]
    hs = [sigmoid(z) for z in zs]
    out = sigmoid(sum(wo * h for wo, h in zip(w_out, hs)) + b_out)
    return zs, hs, out


def total_loss():
    s = 0.0
    for x1, x2, t in data:
        out = run(x1, x2)[2]
        s += -(t * math.log(out + 1e-12) + (1 - t) * math.log(1 - out + 1e-12))
    return s / len(data)


def accuracy():
    hits = 0
    for x1, x2, t in data:
        hits += (run(x1, x2)[2] > 0.5) == (t == 1.0)
    return hits / len(data)


print("first_loss=%.4f" % total_loss())
for epoch in range(600):
    random.shuffle(data)
    for x1, x2, t in data:
        zs, hs, out = run(x1, x2)
        d_out = out - t
        for j in range(n_hidden):
            d_h = d_out * w_out[j] * dsigmoid(zs[j])
            w_out[j] -= rate * d_out * hs[j]
            w_in[j][0] -= rate * d_h * x1
            w_in[j][1] -= rate * d_h * x2
            b_in[j] -= rate * d_h
        b_out -= rate * d_out
    if epoch % 100 == 0:
        print("epoch", epoch, "loss", round(total_loss(), 4), "acc", accuracy())

print("final_loss=%.4f" % total_loss())
print("accuracy=%.3f" % accuracy())
