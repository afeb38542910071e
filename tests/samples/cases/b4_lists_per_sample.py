# Pure-Python logistic regression: lists of floats, per-sample SGD in a shifting order, rate decaying as 1/t.
import math

people = []
for k in range(80):
    age = 3.0 * ((k * 37) % 80) / 79 - 1.5
    income = 3.0 * ((k * 53 + 11) % 80) / 79 - 1.5
    noise = 0.6 * math.sin(12.9898 * k + 4.1)
    label = 1.0 if age + 0.7 * income + noise > 0.0 else 0.0
    people.append(([age, income], label))


def mean_log_loss(weights, bias):
    total = 0.0
    for feats, label in people:
        p = 1.0 / (1.0 + math.exp(-(weights[0] * feats[0] + weights[1] * feats[1] + bias)))
        total += -(label * math.log(p + 1e-12) + (1.0 - label) * math.log(1.0 - p + 1e-12))
    return total / len(people)


weights = [0.0, 0.0]
bias = 0.0
print(f"start mean log-loss {mean_log_loss(weights, bias):.4f}")
t = 0
for rnd in range(40):
    for j in range(len(people)):
        feats, label = people[(j * 29 + rnd * 7) % len(people)]
        t += 1
        step = 0.5 / (1.0 + t / 200.0)
        z = weights[0] * feats[0] + weights[1] * feats[1] + bias
        p = 1.0 / (1.0 + math.exp(-z))
        g = label - p
        weights[0] -= step * g * feats[0]
        weights[1] -= step * g * feats[1]
        bias -= step * g
    if rnd % 10 == 0 or rnd == 39:
        print(f"round {rnd} mean log-loss {mean_log_loss(weights, bias):.4f} weights {weights[0]:.3f} {weights[1]:.3f}")
