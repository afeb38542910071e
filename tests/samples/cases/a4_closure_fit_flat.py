# Fits wind power from two readings; the model is a pair of closures sharing a coefficient column.
import numpy as np

gen = np.random.default_rng(47)
speed = gen.uniform(0.0, 1.0, 180)
angle = gen.uniform(-1.0, 1.0, 180)
inputs = np.column_stack([speed, angle, np.ones(180)])
power = 2.0 * speed - 0.5 * angle + 0.3 + gen.normal(0.0, 0.05, 180)


def fitter(n_cols):
    coef = np.zeros((n_cols, 1))

    def residual():
        return inputs @ coef - power

    def update(pace):
        nonlocal coef
        r = residual()
        coef = coef - pace * inputs.T @ r * 2.0 / len(r)
        return float(np.mean(r ** 2))

    return update


update = fitter(3)
for rnd in range(400):
    mse = update(0.2)
    if rnd % 80 == 0 or rnd == 399:
        print(f"round {rnd} mse {mse:.5f}")
