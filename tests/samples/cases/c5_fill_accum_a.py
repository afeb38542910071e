# Softplus-output regression fitted one sample at a time; the gradient is summed into a buffer reset with fill().
import numpy as np

gen = np.random.default_rng(9)
n_rows = 150
table = gen.uniform(0.0, 2.0, (n_rows, 4))
rate_true = np.log1p(np.exp(table @ np.array([0.8, -0.5, 0.3, 0.6]) - 0.2))

weights = gen.normal(0.0, 0.1, 4)
offset = 0.0
acc = np.empty(4)
for epoch in range(60):
    acc.fill(0.0)
    acc_off = 0.0
    total = 0.0
    for k in range(n_rows):
        z = float(table[k] @ weights + offset)
        out = np.logaddexp(0.0, z)
        err = out - rate_true[k]
        total += err * err
        dz = 2.0 * err / (1.0 + np.exp(-z))
        acc += dz * table[k]
        acc_off += dz
    weights -= 0.3 * acc
    offset -= 0.3 * acc_off
    if epoch % 10 == 0 or epoch == 59:
        print(f"epoch {epoch} mse {total / n_rows:.5f}")
