# In [1]: loan table typed in as integers (age, years employed, debt in k, approved)
import numpy as np

gen = np.random.default_rng(8)
rows = []
for _ in range(160):
    age = int(gen.integers(21, 66))
    years = int(gen.integers(0, 30))
    debt = int(gen.integers(0, 60))
    approved = int(0.08 * years - 0.07 * debt + 0.02 * (age - 40) + gen.normal(0, 0.3) > -1.0)
    rows.append([age, years, debt, approved])

# In [2]: features to z-scores, label in the last column
table = np.array(rows, dtype=float)
mu = table[:, :3].mean(axis=0)
sd = table[:, :3].std(axis=0)
table[:, :3] = (table[:, :3] - mu) / sd

# In [3]: logistic regression, one row at a time
theta = np.zeros(3)
b0 = 0.0
eta = 0.1


def nll(tab):
    p = 1.0 / (1.0 + np.exp(-(tab[:, :3] @ theta + b0)))
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(tab[:, 3] * np.log(p) + (1 - tab[:, 3]) * np.log(1 - p)))


start = nll(table)
for ep in range(30):
    for i in range(len(table)):
        x, t = table[i, :3], table[i, 3]
        p = 1.0 / (1.0 + np.exp(-(x @ theta + b0)))
        theta -= eta * (p - t) * x
        b0 -= eta * (p - t)
    if ep % 10 == 0:
        print("ep", ep, "nll", round(nll(table), 4))

# In [4]: how did it do
acc = float(np.mean(((table[:, :3] @ theta + b0) > 0) == (table[:, 3] == 1)))
print(f"first_loss={start:.4f}")
print(f"final_loss={nll(table):.4f}")
print(f"accuracy={acc:.3f}")
