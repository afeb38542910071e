# exam score from hours studied, plain python (no numpy), one sample at a time
import random

random.seed(3)
records = []
for _ in range(60):
    hours = random.uniform(0, 10)
    records.append((hours / 10, 4.0 * hours + 30 + random.gauss(0, 3)))

slope = 0.0
intercept = 0.0
step = 0.005


def mse(slope, intercept):
    total = 0.0
    for h, score in records:
        total += (slope * h + intercept - score) ** 2
    return total / len(records)


print(f"first_loss={mse(slope, intercept):.3f}")
for epoch in range(150):
    random.shuffle(records)
    for h, score in records:
        guess = slope * h + intercept
        err = guess - score
        slope -= step * 2 * err * h
        intercept -= step * 2 * err
    if epoch % 30 == 0:
        print(f"epoch={epoch} loss={mse(slope, intercept):.3f}")

print(f"final_loss={mse(slope, intercept):.3f}")
print(f"slope={slope:.3f} intercept={intercept:.3f}")
