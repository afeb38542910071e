# Features stored as rows (features x samples), float32, raw units fed straight in.
import numpy as np


def make_data(rng, n=600):
    year = rng.uniform(1990, 2020, n)
    rooms = rng.integers(1, 6, n).astype(float)
    value = 0.8 * (year - 2005) / 9 + 0.5 * (rooms - 3) + 0.1 * rng.normal(size=n)
    return np.vstack([year, rooms]).astype(np.float32), value.astype(np.float32)


def prepare(table):
    centre = table.mean(axis=1, keepdims=True)
    spread = table.std(axis=1, keepdims=True)
    return (table - centre) / spread


def train(table, value, eta=np.float32(0.05), sweeps=200):
    coefs = np.zeros((1, table.shape[0]), dtype=np.float32)
    shift = np.float32(0.0)
    for sweep in range(sweeps):
        fit = coefs @ table + shift
        gap = fit - value
        cost = float(np.mean(gap * gap))
        coefs -= eta * (gap @ table.T) / table.shape[1]
        shift -= eta * gap.mean()
        if sweep % 40 == 0:
            print(f"sweep {sweep} cost {cost:.6g}")
    return coefs, shift, cost


rng = np.random.default_rng(11)
table, value = make_data(rng)
coefs, shift, cost = train(prepare(table), value)
print(f"final cost {cost:.6g}")
