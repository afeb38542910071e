# ring classifier: is the point inside the circle?  2 -> 10 -> 1, sigmoid everywhere
# stochastic gradient descent, one sample at a time
import math
import random
import numpy as np

random.seed(11)
np.random.seed(11)

N = 300
pts = np.random.uniform(-1.5, 1.5, size=(N, 2))
labels = (np.sum(pts ** 2, axis=1) < 1.0).astype(float)

# weights stored in a list [W1, b1, W2, b2]
weights = [np.random.randn(10, 2) * 0.5, np.zeros(10),
           np.random.randn(10) * 0.5, 0.0]
alpha = 0.2


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(s):
    # derivative written in terms of the sigmoid output
    return s * (1.0 - s)


def run(x):
    W1, b1, W2, b2 = weights
    z1 = W1 @ x + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    return z1, a1, sigmoid(z2)


def total_loss():
    s = 0.0
    for x, t in zip(pts, labels):
        p = min(max(run(x)[2], 1e-12), 1 - 1e-12)
        s -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return s / N


print(f"first_loss={total_loss():.4f}")
order = list(range(N))
for epoch in range(80):
    random.shuffle(order)
    for i in order:
        x, t = pts[i], labels[i]
        z1, a1, out = run(x)
        d2 = out - t
        d1 = d2 * weights[2] * sigmoid_prime(a1)
        weights[0] -= alpha * np.outer(d1, x)
        weights[1] -= alpha * d1
        weights[2] -= alpha * d2 * a1
        weights[3] -= alpha * d2
    if (epoch + 1) % 20 == 0:
        print("epoch", epoch + 1, "loss", round(total_loss(), 4))

print(f"final_loss={total_loss():.4f}")
correct = sum((run(x)[2] > 0.5) == (t == 1) for x, t in zip(pts, labels))
print(f"accuracy={correct / N:.3f}")
