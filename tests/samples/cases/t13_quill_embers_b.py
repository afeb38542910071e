# logistic regression by hand, no numpy -- just to see every number
# predict if a plant survives from soil moisture and daily sun hours (both already scaled to about -2..2)
import math
import random

random.seed(11)

# ---------- data ----------
rows = []
for _ in range(240):
    moisture = random.gauss(0.0, 1.0)
    sun = random.gauss(0.0, 1.0)
    score = 1.8 * moisture - 1.2 * sun + 0.4 + random.gauss(0.0, 0.5)
    label = 1 if score > 0 else 0
    rows.append(([1.0, moisture, sun], label))   # leading 1.0 is for the intercept

train = rows[:180]
test = rows[180:]

# ---------- model ----------
w = [0.0, 0.0, 0.0]
learning_rate = 0.3
batch_size = 12
epochs = 20


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def dot(a, b):
    return sum(ai * bi for ai, bi in zip(a, b))


def log_loss(data):
    total = 0.0
    for x, t in data:
        p = sigmoid(dot(w, x))
        total += -(t * math.log(p + 1e-12) + (1 - t) * math.log(1 - p + 1e-12))
    return total / len(data)


def accuracy(data):
    hits = 0
    for x, t in data:
        guess = 1 if sigmoid(dot(w, x)) >= 0.5 else 0
        hits += guess == t
    return hits / len(data)


def batch_gradient(batch):
    g = [0.0] * len(w)
    for x, t in batch:
        p = sigmoid(dot(w, x))
        for j in range(len(w)):
            g[j] += (p - t) * x[j] / len(batch)
    return g


print("first_loss=%.4f" % log_loss(train))

for epoch in range(epochs):
    random.shuffle(train)
    for start in range(0, len(train), batch_size):
        g = batch_gradient(train[start:start + batch_size])
        for j in range(len(w)):
            w[j] -= learning_rate * g[j]
    if epoch % 4 == 0:
        print("epoch", epoch, "loss", round(log_loss(train), 4), "train acc", round(accuracy(train), 3))

print("w =", [round(v, 3) for v in w])
print("final_loss=%.4f" % log_loss(train))
print("accuracy=%.3f" % accuracy(test))
