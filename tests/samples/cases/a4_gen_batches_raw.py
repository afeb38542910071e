# Floor-area regression fed by a generator of shuffled minibatches.
import numpy as np

rng = np.random.default_rng(4)
count = 600
area = rng.uniform(40.0, 400.0, count)
rooms = rng.integers(1, 8, count).astype(float)
table = np.column_stack([area, rooms])
price = 1.5 * area + 20.0 * rooms + rng.normal(0.0, 5.0, count)


def batches(features, answers, size, seed):
    order = np.random.default_rng(seed).permutation(len(answers))
    for start in range(0, len(answers), size):
        pick = order[start:start + size]
        yield features[pick], answers[pick]


coef = np.zeros(2)
offset = 0.0
step = 0.01
for sweep in range(40):
    total = 0.0
    for feats, answers in batches(table, price, 50, sweep):
        guess = feats @ coef + offset
        resid = guess - answers
        total += float(np.mean(resid ** 2))
        coef = coef - step * feats.T @ resid / len(answers)
        offset = offset - step * float(np.mean(resid))
    if sweep % 10 == 0 or sweep == 39:
        print(f"sweep {sweep} mse {total / 12:.4g}")
