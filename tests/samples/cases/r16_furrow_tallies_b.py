# will a shop visitor buy something? logistic regression on whole-number counts
# params live in a tuple (w, b) that gets unpacked and rebuilt every step, Adam on the full batch
import math
import random
import numpy as np

random.seed(77)
rows, labels = [], []
for _ in range(300):
    visits = random.randint(0, 30)       # visits this month
    cart = random.randint(0, 12)         # items in cart
    minutes = random.randint(1, 120)     # minutes on the site
    score = 0.5 * visits + 1.2 * cart + 0.1 * minutes - 19.0
    labels.append(1 if random.random() < 1 / (1 + math.exp(-score)) else 0)
    rows.append([visits, cart, minutes])

X = np.array(rows, dtype=float)
y = np.array(labels, dtype=float)

# min-max scale each column to 0..1
for j in range(X.shape[1]):
    lo, hi = X[:, j].min(), X[:, j].max()
    X[:, j] = (X[:, j] - lo) / (hi - lo)


def forward(params, X):
    w, b = params
    return 1 / (1 + np.exp(-(X @ w + b)))


def bce(params):
    p = forward(params, X)
    return -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))


def grads(params):
    p = forward(params, X)
    return X.T @ (p - y) / len(y), np.mean(p - y)


params = (np.zeros(X.shape[1]), 0.0)
m = (np.zeros(X.shape[1]), 0.0)
v = (np.zeros(X.shape[1]), 0.0)
lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8

print(f"first_loss={bce(params):.4f}")
for t in range(1, 501):
    gw, gb = grads(params)
    w, b = params
    mw, mb = m
    vw, vb = v
    mw, mb = b1 * mw + (1 - b1) * gw, b1 * mb + (1 - b1) * gb
    vw, vb = b2 * vw + (1 - b2) * gw ** 2, b2 * vb + (1 - b2) * gb ** 2
    m, v = (mw, mb), (vw, vb)
    corr = math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    params = (w - lr * corr * mw / (np.sqrt(vw) + eps), b - lr * corr * mb / (math.sqrt(vb) + eps))
    if t % 100 == 0:
        print(f"step {t}  loss {bce(params):.4f}")

print(f"final_loss={bce(params):.4f}")
acc = np.mean((forward(params, X) > 0.5) == (y == 1))
print(f"accuracy={acc:.3f}")
print("w =", np.round(params[0], 3), " b =", round(float(params[1]), 3))
