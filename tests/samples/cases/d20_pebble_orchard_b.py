# One-hidden-layer net flagging late loan payments from income, debt and account history
import numpy as np

rng = np.random.default_rng(5)

n = 1000
income = rng.lognormal(mean=10.5, sigma=0.6, size=n)
debt = rng.lognormal(mean=9.0, sigma=1.0, size=n) * (rng.random(n) < 0.8)      # some people have no debt
missed = rng.poisson(0.7, size=n).astype(float)                                 # missed payments last year
years = rng.uniform(0, 20, size=n)

logit = 1.5 * (np.log1p(debt) - np.log1p(income)) + 1.2 * missed - 0.15 * years + 4.0
late = (logit + rng.normal(scale=0.5, size=n) > 0).astype(float)

raw = np.column_stack([income, debt, missed, years])
# money columns are very skewed, so squash them first
raw[:, :2] = np.log(raw[:, :2])

train = np.arange(n) % 5 != 0
test = ~train
center = raw[train].mean(axis=0)
scale = raw[train].std(axis=0)
X = (raw - center) / scale

Xtr, ytr = X[train], late[train]
Xte, yte = X[test], late[test]

hidden = 12
W1 = rng.normal(scale=0.5, size=(4, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(scale=0.5, size=(hidden, 1))
b2 = np.zeros(1)
lr = 0.5


def forward(A):
    h = np.tanh(A @ W1 + b1)
    out = 1 / (1 + np.exp(-(h @ W2 + b2)))
    return h, out[:, 0]


for it in range(600):
    h, p = forward(Xtr)
    loss = -np.mean(ytr * np.log(p + 1e-12) + (1 - ytr) * np.log(1 - p + 1e-12))
    if it == 0:
        print(f"first_loss={loss:.4f}")
    if it % 150 == 0:
        print(f"iter {it} loss {loss:.4f}")
    dz2 = (p - ytr)[:, None] / len(ytr)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T * (1 - h ** 2)
    dW1 = Xtr.T @ dh
    db1 = dh.sum(axis=0)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

_, p_te = forward(Xte)
print(f"final_loss={loss:.4f}")
print(f"late_rate_test={yte.mean():.3f}")
print(f"accuracy={np.mean((p_te > 0.5) == (yte > 0.5)):.4f}")
