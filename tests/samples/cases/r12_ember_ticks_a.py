# RNN that reads a noisy signal (50 steps) and has to output its average
# relu units, recurrent matrix starts as the identity (IRNN trick from Le et al.)
# no truncation: full BPTT over the 50 steps, minibatches of 32
import numpy as np

np.random.seed(7)
T = 50
H = 16


def make_data(n):
    xs = np.random.randn(n, T, 1) + np.random.randn(n, 1, 1)
    ys = xs.mean(axis=1)                   # n x 1
    return xs, ys


X_train, y_train = make_data(512)
X_test, y_test = make_data(256)

# [Wx, Wh, bh, Wy, by]
params = [np.random.randn(1, H) * 0.1,
          np.eye(H),
          np.zeros(H),
          np.random.randn(H, 1) * 0.1,
          np.zeros(1)]


def forward(xb, params):
    Wx, Wh, bh, Wy, by = params
    hs = [np.zeros((xb.shape[0], H))]
    for t in range(T):
        z = xb[:, t] @ Wx + hs[-1] @ Wh + bh
        hs.append(np.maximum(z, 0))
    return hs[-1] @ Wy + by, hs


def backward(xb, yb, params):
    Wx, Wh, bh, Wy, by = params
    pred, hs = forward(xb, params)
    d = 2 * (pred - yb) / len(xb)
    dWy = hs[-1].T @ d
    dby = d.sum(axis=0)
    dh = d @ Wy.T
    dWx, dWh, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bh)
    for t in reversed(range(T)):
        dz = dh * (hs[t + 1] > 0)
        dWx += xb[:, t].T @ dz
        dWh += hs[t].T @ dz
        dbh += dz.sum(axis=0)
        dh = dz @ Wh.T
    return [dWx, dWh, dbh, dWy, dby]


def mse(X, Y):
    return float(np.mean((forward(X, params)[0] - Y) ** 2))


lr = 0.005
print(f"first_loss={mse(X_train, y_train):.4f}")
for epoch in range(7):
    order = np.random.permutation(len(X_train))
    for s in range(0, len(X_train), 32):
        idx = order[s:s + 32]
        grads = backward(X_train[idx], y_train[idx], params)
        gnorm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        for p, g in zip(params, grads):
            p -= lr * g
    print(f"epoch {epoch}  mse {mse(X_train, y_train):.4f}  last grad norm {gnorm:.3g}")
print(f"final_loss={mse(X_train, y_train):.4f}")
print(f"r2={1 - mse(X_test, y_test) / np.var(y_test):.3f}")
