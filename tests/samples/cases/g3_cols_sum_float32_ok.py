# Power draw from four meter channels, one column per reading (channels x readings), float32 throughout.
import numpy as np

gen = np.random.default_rng(11)
readings = gen.normal(0.0, 1.0, (4, 3000)).astype(np.float32)
draw = (np.array([[0.8, -1.2, 0.5, 2.0]], dtype=np.float32) @ readings + 0.7
        + gen.normal(0.0, 0.05, (1, 3000)).astype(np.float32))

gains = np.zeros((1, 4), dtype=np.float32)
base = np.zeros((1, 1), dtype=np.float32)
rate = np.float32(0.05)


def sweep(gains, base):
    guess = gains @ readings + base
    resid = guess - draw
    d_gains = resid @ readings.T / readings.shape[1]
    d_base = np.mean(resid, axis=1, keepdims=True)
    return float(np.mean(resid ** 2)), d_gains, d_base


for epoch in range(60):
    cost, d_gains, d_base = sweep(gains, base)
    gains = gains - rate * d_gains
    base = base - rate * d_base
    if epoch % 10 == 0:
        print(f"epoch {epoch} mse {cost:.5g}")
print("gains", gains.ravel(), "base", base.ravel())
