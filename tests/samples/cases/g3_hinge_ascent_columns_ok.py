# Linear margin classifier trained one sample at a time; samples are the columns of a (features x samples) table.
import numpy as np

gen = np.random.default_rng(4)
table = gen.normal(0.0, 1.0, (5, 200))
sign = np.where(np.array([1.0, -0.5, 0.0, 2.0, 0.3]) @ table - 0.2 > 0, 1.0, -1.0)

normal = np.zeros(5)
shift = 0.0
rate, shrink = 0.01, 0.001


def hinge(normal, shift):
    return float(np.mean(np.maximum(0.0, 1.0 - sign * (normal @ table + shift))))


for rnd in range(30):
    for col in range(table.shape[1]):
        sample = table[:, col]
        margin = sign[col] * (normal @ sample + shift)
        normal = normal * (1.0 - rate * shrink)
        if margin < 1.0:
            normal = normal + rate * sign[col] * sample
            shift = shift + rate * sign[col]
    if rnd % 5 == 0 or rnd == 29:
        hits = np.mean(np.sign(normal @ table + shift) == sign)
        print(f"round {rnd} hinge {hinge(normal, shift):.4f} accuracy {hits:.3f}")
