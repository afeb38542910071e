# Quality check on parts, trained one part at a time (per-sample SGD), weights as a list of floats.
import numpy as np

gen = np.random.default_rng(21)
parts = gen.normal(size=(150, 3))
faulty = ((parts[:, 0] + 0.8 * parts[:, 1] - 0.5 * parts[:, 2]) > 0.2).astype(float)


def squash(v):
    return 1.0 / (1.0 + np.exp(-v))


def squash_slope(v):
    s = 1.0 / (1.0 + np.exp(-v))
    return s * (1.0 - s)


coef = [0.05, -0.05, 0.05]
shift = 0.0
rate = 0.05
first = squash(parts @ np.array(coef) + shift)
print(f"start loss {-np.mean(faulty * np.log(first) + (1.0 - faulty) * np.log(1.0 - first)):.4f}")
for lap in range(30):
    total = 0.0
    hits = 0
    for row, flag in zip(parts, faulty):
        act = coef[0] * row[0] + coef[1] * row[1] + coef[2] * row[2] + shift
        out = squash(act)
        total += -(flag * np.log(out) + (1.0 - flag) * np.log(1.0 - out))
        hits += int((out > 0.5) == (flag > 0.5))
        d_out = -flag / out + (1.0 - flag) / (1.0 - out)
        d_act = d_out * squash_slope(act)
        for k in range(3):
            coef[k] -= rate * d_act * row[k]
        shift -= rate * d_act
    if lap % 5 == 0 or lap == 29:
        print(f"lap {lap} loss {total / len(parts):.4f} acc {hits / len(parts):.3f}")
