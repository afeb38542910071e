# one sigmoid neuron: will the plant flower? (hours of light, soil temp)
# no numpy on purpose, just to see the maths
import math
import random

random.seed(11)

data = []
for _ in range(120):
    light = random.uniform(0.0, 1.0)
    temp = random.uniform(0.0, 1.0)
    score = 3.0 * light + 2.0 * temp - 2.4 + random.gauss(0.0, 0.3)
    data.append((light, temp, 1.0 if score > 0 else 0.0))

w1 = 0.0
w2 = 0.0
b = 0.0
lr = 0.2


def sigmoid(z):
    z = max(-40.0, min(40.0, z))  # math.exp gives OverflowError for big z
    return 1.0 / (1.0 + math.exp(-z))


def cost():
    total = 0.0
    for x1, x2, t in data:
        a = sigmoid(w1 * x1 + w2 * x2 + b)
        total += -(t * math.log(a + 1e-12) + (1 - t) * math.log(1 - a + 1e-12))
    return total / len(data)


print("first_loss=%.4f" % cost())
for epoch in range(60):
    random.shuffle(data)
    for x1, x2, t in data:
        a = sigmoid(w1 * x1 + w2 * x2 + b)
        delta = a - t
        w1 = w1 - lr * delta * x1
        w2 = w2 - lr * delta * x2
        b = b - lr * delta
    if epoch % 10 == 0:
        print("epoch %d cost %.4f" % (epoch, cost()))

print("final_loss=%.4f" % cost())
hits = sum(1 for x1, x2, t in data if (sigmoid(w1 * x1 + w2 * x2 + b) > 0.5) == (t == 1.0))
print("accuracy=%.3f" % (hits / len(data)))
print("w1=%.3f w2=%.3f b=%.3f" % (w1, w2, b))
