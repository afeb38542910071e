# Predict monthly spend from age and income, plain Python lists, one customer at a time.
import math

people = []
for i in range(120):
    age = 18 + (i * 37) % 58 + 0.25 * math.sin(i)
    income = 15000 + (i * 7919) % 80000 + 13.0 * math.cos(3 * i)
    spend = 40.0 + 6.0 * (age - 18) / 57 + 25.0 * (income - 15000) / 80000 + 0.5 * math.sin(1.7 * i + 0.3)
    people.append([age, income, spend])

# squash each column into 0..1 using its range
lo = [min(p[j] for p in people) for j in range(2)]
hi = [max(p[j] for p in people) for j in range(2)]
people = [[(p[0] - lo[0]) / (hi[0] - lo[0]), (p[1] - lo[1]) / (hi[1] - lo[1]), p[2]] for p in people]

b_age, b_inc, base = 0.0, 0.0, 0.0
alpha = 0.05
history = []
for epoch in range(150):
    sq = 0.0
    for a, inc, target in people:
        guess = base + b_age * a + b_inc * inc
        diff = guess - target
        sq += diff * diff
        base -= alpha * diff
        b_age -= alpha * diff * a
        b_inc -= alpha * diff * inc
    history.append(sq / len(people))
    if epoch % 30 == 0:
        print("epoch", epoch, "mse", round(history[-1], 4))
print(f"first_loss={history[0]:.4f}")
print(f"final_loss={history[-1]:.4f}")
