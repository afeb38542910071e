# Vanilla tanh RNN that predicts the next point of noisy sine waves, one sequence per SGD step
import numpy as np

rng = np.random.default_rng(3)

T = 40
H = 20


def make_waves(n):
    t = np.arange(T + 1)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    freq = rng.uniform(0.15, 0.35, size=(n, 1))
    s = np.sin(freq * t + phase) + rng.normal(0, 0.05, size=(n, T + 1))
    return s[:, :-1, None], s[:, 1:]


X_tr, y_tr = make_waves(150)
X_te, y_te = make_waves(100)

Wx = rng.normal(0, 0.5, size=(1, H))
Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
Wh = Q.copy()
bh = np.zeros(H)
Wy = rng.normal(0, 1 / np.sqrt(H), size=(H, 1))
by = np.zeros(1)
params = [Wx, Wh, bh, Wy, by]


def run(seq):
    hs = [np.zeros(H)]
    outs = []
    for t in range(T):
        hs.append(np.tanh(seq[t] @ Wx + hs[-1] @ Wh + bh))
        outs.append(hs[-1] @ Wy + by)
    return hs, np.array(outs)[:, 0]


def mse_on(xs, ys):
    preds = np.array([run(s)[1] for s in xs])
    return np.mean((preds - ys) ** 2), preds


lr = 0.03
print(f"first_loss={mse_on(X_tr, y_tr)[0]:.4f}")
for epoch in range(5):
    biggest = 0.0
    for i in rng.permutation(len(X_tr)):
        seq, target = X_tr[i], y_tr[i]
        hs, out = run(seq)
        err = out - target

        dWx = np.zeros_like(Wx)
        dWh = np.zeros_like(Wh)
        dbh = np.zeros_like(bh)
        dWy = np.zeros_like(Wy)
        dby = np.zeros_like(by)
        dh_next = np.zeros(H)
        for t in range(T, 0, -1):
            dWy += np.outer(hs[t], [err[t - 1]])
            dby += err[t - 1]
            dh = dh_next + Wy[:, 0] * err[t - 1]
            dz = dh * (1 - hs[t] ** 2)
            dWx += np.outer(seq[t - 1], dz)
            dWh += np.outer(hs[t - 1], dz)
            dbh += dz
            dh_next = dz @ Wh.T

        grads = [dWx, dWh, dbh, dWy, dby]
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        biggest = max(biggest, norm)
        for p, g in zip(params, grads):
            p -= lr * g * min(1.0, 5.0 / norm)
    loss = mse_on(X_tr, y_tr)[0]
    print(f"epoch {epoch} train_mse {loss:.5f} largest_grad_norm {biggest:.1f}")

print(f"final_loss={loss:.5f}")
test_mse, preds = mse_on(X_te, y_te)
r2 = 1 - np.sum((preds - y_te) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"test_mse={test_mse:.5f}")
print(f"r2={r2:.4f}")
