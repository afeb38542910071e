# Straight-line fit of fuel use against engine hours with plain gradient descent
import numpy as np

rng = np.random.default_rng(11)
n = 800
hours = rng.uniform(0.0, 5.0, n)
fuel = 3.2 * hours + 1.5 + rng.normal(0.0, 0.6, n)

w = np.float64(0.0)
b = 0.0
lr = 0.02


def loss_of(w, b):
    return float(np.mean((w * hours + b - fuel) ** 2))


print(f"first_loss={loss_of(w, b):.4f}")

for step in range(400):
    pred = w * hours + b
    diff = pred - fuel
    grad_w = 2.0 * np.sum(diff * hours)
    grad_b = 2.0 * np.sum(diff)
    w = w - lr * grad_w
    b = b - lr * grad_b
    if step % 100 == 0:
        print(f"step {step} loss {loss_of(w, b):.4g} w {w:.4g} b {b:.4g}")

final = loss_of(w, b)
ss_res = np.sum((w * hours + b - fuel) ** 2)
ss_tot = np.sum((fuel - fuel.mean()) ** 2)
print(f"w={w:.4f}")
print(f"b={b:.4f}")
print(f"final_loss={final:.4f}")
print(f"r2={1.0 - ss_res / ss_tot:.4f}")
