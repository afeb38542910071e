# Logistic regression on two exam scores, one sample at a time, weights kept as plain floats
import math
import random

import numpy as np

random.seed(5)
np.random.seed(5)

# exam scores (0-100) and admitted / not admitted
n = 300
exam1 = np.random.uniform(30, 100, n)
exam2 = np.random.uniform(30, 100, n)
score = 0.09 * exam1 + 0.05 * exam2 - 11.5 + np.random.logistic(0, 0.2, n)
admitted = (score > 0).astype(float)

# scale each exam to zero mean, unit std
e1 = (exam1 - exam1.mean()) / exam1.std()
e2 = (exam2 - exam2.mean()) / exam2.std()
data = list(zip(e1.tolist(), e2.tolist(), admitted.tolist()))

learning_rate = 0.1
num_epochs = 15

w1 = 0.0
w2 = 0.0
b = 0.0


def sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


def log_loss(w1, w2, b):
    total = 0.0
    for x1, x2, t in data:
        p = sigmoid(w1 * x1 + w2 * x2 + b)
        p = min(max(p, 1e-12), 1 - 1e-12)
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
    return total / len(data)


def update(w1, w2, b, g1, g2, gb, lr=1e-4):
    return w1 - lr * g1, w2 - lr * g2, b - lr * gb


first_loss = log_loss(w1, w2, b)
for epoch in range(num_epochs):
    random.shuffle(data)
    for x1, x2, t in data:
        p = sigmoid(w1 * x1 + w2 * x2 + b)
        err = p - t
        w1, w2, b = update(w1, w2, b, err * x1, err * x2, err, learning_rate)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {log_loss(w1, w2, b):.4f}")

final_loss = log_loss(w1, w2, b)
correct = 0
for x1, x2, t in data:
    guess = 1.0 if sigmoid(w1 * x1 + w2 * x2 + b) > 0.5 else 0.0
    correct += guess == t
accuracy = correct / len(data)
print(f"w1={w1:.4f} w2={w2:.4f} b={b:.4f}")
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
