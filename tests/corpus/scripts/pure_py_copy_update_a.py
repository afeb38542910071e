import random

random.seed(21)

# multiple linear regression, no numpy: price = w . features + bias
rows = []
for _ in range(80):
    feats = [random.uniform(0, 1) for _ in range(3)]
    price = 4.0 * feats[0] - 2.0 * feats[1] + 1.0 * feats[2] + 0.5 + random.gauss(0, 0.05)
    rows.append((feats, price))

weights = [0.0, 0.0, 0.0]
bias = 0.0
lr = 0.1


def mse():
    total = 0.0
    for feats, price in rows:
        guess = sum(w * f for w, f in zip(weights, feats)) + bias
        total += (guess - price) ** 2
    return total / len(rows)


start = mse()
for epoch in range(200):
    grad_w = [0.0, 0.0, 0.0]
    grad_b = 0.0
    for feats, price in rows:
        err = sum(w * f for w, f in zip(weights, feats)) + bias - price
        for k in range(3):
            grad_w[k] += 2 * err * feats[k] / len(rows)
        grad_b += 2 * err / len(rows)
    for k in range(3):
        weights[k] -= lr * grad_w[k]
    bias -= lr * grad_b

print("weights", weights, "bias", bias)
print(f"first_loss={start}")
print(f"final_loss={mse()}")
