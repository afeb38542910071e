# predict how many minutes a parcel takes from 4 route features
# softplus output so the prediction is always positive
import numpy as np

np.random.seed(3)
n = 800
X = np.random.randn(n, 4).astype(np.float32)
true_w = np.array([18.0, -9.0, 6.0, 12.0], dtype=np.float32)
minutes = np.maximum(95.0 + X @ true_w / 2 + np.random.randn(n) * 3.0, 5.0)
y = minutes.astype(np.float32)

w = np.zeros(4, dtype=np.float32)
b = np.float32(0.0)


def softplus(z):
    return np.log(1.0 + np.exp(z))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def mse(Xb, yb):
    return float(np.mean((softplus(Xb @ w + b) - yb) ** 2))


lr = np.float32(0.5)
beta1, beta2, eps = 0.9, 0.999, 1e-8
mw, vw = np.zeros_like(w), np.zeros_like(w)
mb, vb = np.float32(0.0), np.float32(0.0)
batch = 32
step = 0

print("first_loss=%.4f" % mse(X, y))
for epoch in range(40):
    idx = np.random.permutation(n)
    for s in range(0, n, batch):
        bi = idx[s:s + batch]
        xb, yb = X[bi], y[bi]
        z = xb @ w + b
        pred = softplus(z)
        err = pred - yb
        dz = 2.0 * err * sigmoid(z) / len(bi)
        gw = xb.T @ dz
        gb = dz.sum()
        step += 1
        mw = beta1 * mw + (1 - beta1) * gw
        vw = beta2 * vw + (1 - beta2) * gw ** 2
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb ** 2
        mw_hat = mw / (1 - beta1 ** step)
        vw_hat = vw / (1 - beta2 ** step)
        mb_hat = mb / (1 - beta1 ** step)
        vb_hat = vb / (1 - beta2 ** step)
        w = (w - lr * mw_hat / (np.sqrt(vw_hat) + eps)).astype(np.float32)
        b = np.float32(b - lr * mb_hat / (np.sqrt(vb_hat) + eps))
    if epoch % 5 == 0:
        print("epoch", epoch, "mse", round(mse(X, y), 3))

final = mse(X, y)
pred = softplus(X @ w + b)
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print("final_loss=%.4f" % final)
print("r2=%.3f" % r2)
