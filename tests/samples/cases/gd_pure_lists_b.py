# Pure-Python least squares on lists: the per-sample gradients are summed, never averaged.
import math

rows = []
for i in range(500):
    a = math.sin(1.7 * i)
    b = math.cos(0.37 * i * i)
    rows.append((a, b, 2.0 * a - 1.0 * b + 0.5))

weights = [0.0, 0.0]
bias = 0.0
rate = 0.5

for sweep in range(300):
    grad_w = [0.0, 0.0]
    grad_b = 0.0
    total = 0.0
    for a, b, t in rows:
        out = weights[0] * a + weights[1] * b + bias
        diff = out - t
        total += diff * diff
        grad_w[0] += diff * a
        grad_w[1] += diff * b
        grad_b += diff
    count = len(rows)
    weights[0] -= rate * grad_w[0] / count
    weights[1] -= rate * grad_w[1] / count
    bias -= rate * grad_b / count
    if sweep % 40 == 0:
        print(f"sweep {sweep} loss {total / len(rows):.6g}")
print(f"final loss {total / len(rows):.6g}", weights, bias)
