import random

random.seed(2)

hours = [random.uniform(0, 10) for _ in range(50)]
marks = [5.0 * h + 20.0 + random.gauss(0, 3) for h in hours]

w = 0.0
b = 0.0
lr = 0.01
n = len(hours)


def cost(w, b):
    return sum((w * h + b - m) ** 2 for h, m in zip(hours, marks)) / n


start = cost(w, b)
predictions = [w * h + b for h in hours]
for step in range(300):
    dw = sum(2 * (p - m) * h for p, m, h in zip(predictions, marks, hours)) / n
    db = sum(2 * (p - m) for p, m in zip(predictions, marks)) / n
    w -= lr * dw
    b -= lr * db
    if step % 100 == 0:
        print(step, cost(w, b))

print(f"first_loss={start}")
print(f"final_loss={cost(w, b)}")
