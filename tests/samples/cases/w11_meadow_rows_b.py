# does a meadow plot flower this year? logistic regression on raw soil measurements
# moisture (%), nitrogen (ppm), soil temp (C), rainfall (mm)
import numpy as np

np.random.seed(42)
m = 600
moisture = np.random.normal(30, 8, m)
nitrogen = np.random.normal(40, 12, m)
temp = np.random.normal(18, 4, m)
rain = np.random.normal(70, 20, m)
X = np.column_stack([moisture, nitrogen, temp, rain])
z_true = 0.25 * (moisture - 30) + 0.12 * (nitrogen - 40) - 0.5 * (temp - 18) + 0.04 * (rain - 70)
y = (z_true + np.random.logistic(size=m) * 0.7 > 0).astype(float)

# shuffle once so the slices below are mixed
order = np.random.permutation(m)
X = X[order]
y = y[order]

mu = X.mean(axis=0)
sd = X.std(axis=0)


def prep(batch):
    # standardise with the training mean/std
    batch -= mu
    batch /= sd
    return batch


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def log_loss(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


w = np.zeros(4)
b = 0.0
vw = np.zeros(4)
vb = 0.0
lr, beta, bs = 0.1, 0.9, 50

print("first_loss=%.4f" % log_loss(sigmoid(prep(X) @ w + b), y))
for epoch in range(60):
    for s in range(0, m, bs):
        xb = prep(X[s:s + bs])
        yb = y[s:s + bs]
        err = sigmoid(xb @ w + b) - yb
        vw = beta * vw + xb.T @ err / len(yb)
        vb = beta * vb + err.mean()
        w = w - lr * vw
        b = b - lr * vb
    if epoch % 15 == 0:
        print("epoch", epoch, "loss", round(log_loss(sigmoid(prep(X) @ w + b), y), 4))

p = sigmoid(prep(X) @ w + b)
print("final_loss=%.4f" % log_loss(p, y))
print("accuracy=%.3f" % np.mean((p > 0.5) == y))
print("weights", np.round(w, 3), round(b, 3))
