# Fit y = a*x^2 + c with plain Python floats kept in a dict; the gradient is summed one sample at a time.
import random

random.seed(3)
xs = [random.uniform(-2.0, 2.0) for _ in range(40)]
ys = [1.5 * x * x - 0.7 + random.gauss(0.0, 0.05) for x in xs]
n = len(xs)

coef = {"a": 0.0, "c": 0.0}
rate = 0.02
history = []
for epoch in range(80):
    a, c = coef["a"], coef["c"]
    ga = gc = 0.0
    loss = 0.0
    for x, y in zip(xs, ys):
        r = a * x * x + c - y
        loss += r * r
        ga += 2.0 * r * x * x
        gc += 2.0 * r
    a = a - rate * ga / n
    c = c - rate * gc / n
    history.append(loss / n)
    if epoch % 20 == 0:
        print(f"epoch {epoch} loss {loss / n:.4f}")

print(f"final_loss={history[-1]:.4f}")
print("coef", {k: round(v, 3) for k, v in coef.items()})
