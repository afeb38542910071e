# single neuron trained one example at a time, no numpy needed for this one
# predicts whether a reed bed floods (1) or not (0) from 3 readings
import math
import random

random.seed(42)

samples = []
targets = []
for _ in range(400):
    rain = random.gauss(0.0, 1.0)
    level = random.gauss(0.0, 1.0)
    wind = random.gauss(0.0, 1.0)
    score = 1.8 * rain + 1.2 * level - 0.7 * wind + 0.5 + random.gauss(0.0, 0.4)
    samples.append([rain, level, wind])
    targets.append(1 if score > 0 else 0)

weights = [0.0, 0.0, 0.0]
bias = 0.0
learning_rate = 0.00001
epochs = 25


def neuron(x):
    total = bias
    for wi, xi in zip(weights, x):
        total += wi * xi
    return 1.0 / (1.0 + math.exp(-total))


def average_log_loss():
    total = 0.0
    for x, t in zip(samples, targets):
        p = neuron(x)
        p = min(max(p, 1e-12), 1.0 - 1e-12)
        total -= t * math.log(p) + (1 - t) * math.log(1.0 - p)
    return total / len(samples)


print(f"first_loss={average_log_loss():.5f}")
order = list(range(len(samples)))
for epoch in range(epochs):
    random.shuffle(order)
    misses = 0
    for i in order:
        x, t = samples[i], targets[i]
        out = neuron(x)
        if (out > 0.5) != (t == 1):
            misses += 1
        err = t - out
        for j in range(len(weights)):
            weights[j] += learning_rate * err * x[j]
        bias += learning_rate * err
    if epoch % 5 == 0:
        print("epoch", epoch, "misses", misses, "loss", round(average_log_loss(), 5))

correct = sum(1 for x, t in zip(samples, targets) if (neuron(x) > 0.5) == (t == 1))
print("weights", [round(w, 4) for w in weights], "bias", round(bias, 4))
print(f"final_loss={average_log_loss():.5f}")
print(f"accuracy={correct / len(samples):.4f}")
