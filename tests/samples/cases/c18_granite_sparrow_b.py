# Small tanh network on the four-quadrant (XOR) pattern, plain Python lists and the math module
import math
import random

random.seed(5)

# points in the square, label 1 when x and y have the same sign
points = []
labels = []
for _ in range(160):
    a = random.uniform(-1.0, 1.0)
    b = random.uniform(-1.0, 1.0)
    points.append([a, b])
    labels.append(1.0 if a * b > 0 else 0.0)

n_in = 2
n_hidden = 6
lr = 0.1
epochs = 150

# W1[i][h] connects input i to hidden unit h
W1 = [[0.5 for h in range(n_hidden)] for i in range(n_in)]
b1 = [0.0 for h in range(n_hidden)]
W2 = [0.5 for h in range(n_hidden)]
b2 = 0.0


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def forward(x):
    hid = []
    for h in range(n_hidden):
        s = b1[h]
        for i in range(n_in):
            s += x[i] * W1[i][h]
        hid.append(math.tanh(s))
    out = b2
    for h in range(n_hidden):
        out += hid[h] * W2[h]
    return hid, sigmoid(out)


def avg_loss():
    total = 0.0
    for x, t in zip(points, labels):
        _, p = forward(x)
        p = min(max(p, 1e-12), 1.0 - 1e-12)
        total += -(t * math.log(p) + (1.0 - t) * math.log(1.0 - p))
    return total / len(points)


first_loss = avg_loss()
print(f"first_loss={first_loss:.6f}")

idx = list(range(len(points)))
for epoch in range(epochs):
    random.shuffle(idx)
    for k in idx:
        x = points[k]
        t = labels[k]
        hid, p = forward(x)
        d_out = p - t
        for h in range(n_hidden):
            d_hid = d_out * W2[h] * (1.0 - hid[h] ** 2)
            W2[h] -= lr * d_out * hid[h]
            for i in range(n_in):
                W1[i][h] -= lr * d_hid * x[i]
            b1[h] -= lr * d_hid
        b2 -= lr * d_out
    if epoch % 30 == 0:
        print(f"epoch {epoch} loss {avg_loss():.6f}")

final_loss = avg_loss()
correct = 0
for x, t in zip(points, labels):
    _, p = forward(x)
    if (p > 0.5) == (t > 0.5):
        correct += 1
accuracy = correct / len(points)

print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
