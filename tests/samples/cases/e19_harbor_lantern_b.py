# Elman RNN with ReLU units learns the running total of a noisy signal, trained with BPTT
import numpy as np

rng = np.random.default_rng(11)

T = 30          # time steps per sequence
H = 24          # hidden units
batch = 32
lr = 0.05
n_steps = 400


def make_data(n):
    x = rng.normal(0, 1, size=(n, T, 1))
    y = np.cumsum(x, axis=1) / np.sqrt(T)
    return x, y


# identity recurrence (IRNN style) so the total can be carried along
W_xh = rng.normal(0, 0.1, size=(1, H))
W_hh = np.eye(H)
b_h = np.zeros(H)
W_hy = rng.normal(0, 0.1, size=(H, 1))
b_y = np.zeros(1)
params = [W_xh, W_hh, b_h, W_hy, b_y]

X_test, Y_test = make_data(200)


def run(x):
    n = x.shape[0]
    hs = [np.zeros((n, H))]
    pres = []
    for t in range(T):
        a = x[:, t, :] @ W_xh + hs[-1] @ W_hh + b_h
        pres.append(a)
        hs.append(np.maximum(a, 0))
    out = np.stack([h @ W_hy + b_y for h in hs[1:]], axis=1)
    return hs, pres, out


first_loss = None
for step in range(n_steps):
    x, y = make_data(batch)
    hs, pres, out = run(x)
    err = out - y
    loss = np.mean(err ** 2)
    if first_loss is None:
        first_loss = loss

    # backprop through time
    d_out = 2 * err / err.size
    gW_xh = np.zeros_like(W_xh)
    gW_hh = np.zeros_like(W_hh)
    gb_h = np.zeros_like(b_h)
    gW_hy = np.zeros_like(W_hy)
    gb_y = np.zeros_like(b_y)
    dh_next = np.zeros((batch, H))
    for t in reversed(range(T)):
        gW_hy += hs[t + 1].T @ d_out[:, t, :]
        gb_y += d_out[:, t, :].sum(axis=0)
        dh = d_out[:, t, :] @ W_hy.T + dh_next
        da = dh * (pres[t] > 0)
        gW_xh += x[:, t, :].T @ da
        gW_hh += hs[t].T @ da
        gb_h += da.sum(axis=0)
        dh_next = da @ W_hh.T

    grads = [gW_xh, gW_hh, gb_h, gW_hy, gb_y]
    gnorm = np.sqrt(sum(np.sum(g * g) for g in grads))
    scale = min(1.0, 1.0 / gnorm)
    for p, g in zip(params, grads):
        p -= lr * scale * g

    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss:.4f}  grad norm {gnorm:.3g}")

_, _, pred = run(X_test)
final_loss = np.mean((pred - Y_test) ** 2)
r2 = 1 - np.sum((pred - Y_test) ** 2) / np.sum((Y_test - Y_test.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
