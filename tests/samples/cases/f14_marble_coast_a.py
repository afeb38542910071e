# pass/fail from hours studied and hours slept -- logistic regression by hand
# no numpy needed, just lists and math
import math
import random

random.seed(42)
rows, labels = [], []
for _ in range(300):
    studied = random.uniform(0, 10)
    slept = random.uniform(4, 9)
    score = 0.9 * studied + 0.6 * slept - 8.0 + random.gauss(0, 0.3)
    rows.append([studied / 10, slept / 10])
    labels.append(1 if score > 0 else 0)


def make_classifier(n_inputs, lr):
    w = [0.0] * n_inputs

    def prob(x):
        z = sum(wi * xi for wi, xi in zip(w, x))
        return 1.0 / (1.0 + math.exp(-z))

    def sgd_step(x, y):
        p = prob(x)
        for i in range(n_inputs):
            w[i] -= lr * (p - y) * x[i]

    return prob, sgd_step


def log_loss(prob):
    total = 0.0
    for x, y in zip(rows, labels):
        p = min(max(prob(x), 1e-12), 1 - 1e-12)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(rows)


prob, sgd_step = make_classifier(len(rows[0]), lr=0.1)
print(f"first_loss={log_loss(prob):.4f}")
order = list(range(len(rows)))
for epoch in range(60):
    random.shuffle(order)
    for k in order:
        sgd_step(rows[k], labels[k])
    if epoch % 15 == 0:
        print("epoch", epoch, "loss", round(log_loss(prob), 4))

correct = sum((prob(x) > 0.5) == (y == 1) for x, y in zip(rows, labels))
print(f"final_loss={log_loss(prob):.4f}")
print(f"accuracy={correct / len(rows):.3f}")
