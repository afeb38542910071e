# Predict the kiln's valve opening (a fraction 0..1) from 3 scaled sensor readings.
# Samples are columns, one column at a time (stochastic updates), sigmoid hidden and sigmoid output, squared error.
import numpy as np

rng = np.random.default_rng(4)
readings = rng.uniform(-1, 1, (3, 150))
raw = np.sin(2 * readings[0]) + readings[1] * readings[2] - 0.5 * readings[2] ** 2
opening = ((raw - raw.min()) / (raw.max() - raw.min())).reshape(1, -1)

hid = 8
V = rng.uniform(-10, 10, (hid, 3))
c = np.zeros((hid, 1))
U = rng.uniform(-10, 10, (1, hid))
d = np.zeros((1, 1))
alpha = 0.3


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def mse():
    return float(np.mean((sig(U @ sig(V @ readings + c) + d) - opening) ** 2))


print(f"first_loss={mse():.4f}")
for sweep in range(20):
    for k in rng.permutation(150):
        col = readings[:, k:k + 1]
        h = sig(V @ col + c)
        o = sig(U @ h + d)
        e = (o - opening[:, k:k + 1]) * o * (1 - o)
        gh = (U.T @ e) * h * (1 - h)
        U -= alpha * e @ h.T
        d -= alpha * e
        V -= alpha * gh @ col.T
        c -= alpha * gh
    if sweep % 5 == 4:
        print(f"sweep={sweep} loss={mse():.4f}")

print(f"final_loss={mse():.4f}")
print(f"r2={1 - mse() / np.var(opening):.3f}")
