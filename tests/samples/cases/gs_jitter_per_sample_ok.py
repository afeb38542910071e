# Logistic regression with per-sample momentum SGD and noise augmentation each sweep, params in dicts.
import numpy as np

rng = np.random.default_rng(5)
n = 120
heights = rng.normal(0.0, 1.0, (n, 3))
passed = (heights @ np.array([1.5, -2.0, 0.8]) + 0.3 > 0).astype(float)


def jitter(rows, amount):
    rows = rows + rng.normal(0.0, amount, rows.shape)
    return rows


layer = {"coef": np.zeros(3), "shift": 0.0}
speed = {"coef": np.zeros(3), "shift": 0.0}
for sweep in range(400):
    noisy = jitter(heights, 0.15)
    for i in range(n):
        score = noisy[i] @ layer["coef"] + layer["shift"]
        guess = 1.0 / (1.0 + np.exp(-score))
        gap = guess - passed[i]
        speed["coef"] = 0.9 * speed["coef"] + gap * noisy[i]
        speed["shift"] = 0.9 * speed["shift"] + gap
        layer["coef"] -= 0.002 * speed["coef"]
        layer["shift"] -= 0.002 * speed["shift"]
    if sweep % 100 == 0 or sweep == 399:
        prob = 1.0 / (1.0 + np.exp(-(heights @ layer["coef"] + layer["shift"])))
        prob = np.clip(prob, 1e-9, 1 - 1e-9)
        loss = -np.mean(passed * np.log(prob) + (1 - passed) * np.log(1 - prob))
        print(f"sweep {sweep} loss {loss:.4f} accuracy {np.mean((prob > 0.5) == passed):.3f}")
