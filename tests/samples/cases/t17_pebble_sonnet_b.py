# Logistic regression written with plain Python lists, exam scores -> pass/fail
import math
import numpy as np

rng = np.random.default_rng(21)
n = 300
hours = rng.uniform(0, 10, n)
sleep = rng.uniform(4, 9, n)
logit = 1.1 * (hours - 5) + 0.8 * (sleep - 6.5) + rng.normal(0, 0.7, n)
labels = (logit > 0).astype(float)

# scale features to roughly [-1, 1]
feats = np.column_stack([(hours - 5) / 5, (sleep - 6.5) / 2.5])
data = list(zip(feats.tolist(), labels.tolist()))

weights = [0.0, 0.0]
bias = 0.0
lr = 0.1
epochs = 40


def forward(x):
    s = bias
    for w, xj in zip(weights, x):
        s += w * xj
    return 1.0 / (1.0 + math.exp(-s))


def mean_loss():
    total = 0.0
    for x, t in data:
        p = min(max(forward(x), 1e-12), 1 - 1e-12)
        total -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return total / len(data)


first_loss = mean_loss()
for epoch in range(epochs):
    for x_i, y_i in data:
        p = forward(x_i)
        diff = p - y_i
        grads = [diff * xj for xj in x_i]
        for j, g in enumerate(grads):
            weights[j] -= lr * g
        bias -= lr * diff
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss={mean_loss():.4f}")

correct = 0
for x, t in data:
    correct += int((forward(x) > 0.5) == (t > 0.5))

print("weights", [round(w, 3) for w in weights], "bias", round(bias, 3))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={mean_loss():.6f}")
print(f"accuracy={correct / len(data):.4f}")
