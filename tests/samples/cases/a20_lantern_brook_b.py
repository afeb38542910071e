# ReLU recurrent net that learns to add up a sequence of numbers, identity-initialised recurrence, full-batch BPTT
import numpy as np

rng = np.random.default_rng(4)

T = 80          # sequence length
H = 32          # hidden units
n_train = 128
n_test = 256


def make_data(n):
    xs = rng.uniform(-1, 1, (n, T))
    target = xs.sum(axis=1, keepdims=True) / np.sqrt(T)   # keep the target around unit size
    return xs, target


X, Y = make_data(n_train)
X_test, Y_test = make_data(n_test)

# identity recurrence (Le et al. 2015 style IRNN)
Wx = rng.normal(0, 1.0, (1, H))
Wh = np.eye(H)
bh = np.zeros(H)
Wy = rng.normal(0, 1 / np.sqrt(H), (H, 1))
by = np.zeros(1)

lr = 0.05
max_norm = 0.2
steps = 400


def forward(xs, Wx, Wh, bh, Wy, by):
    hs = [np.zeros((xs.shape[0], H))]
    for t in range(T):
        a = xs[:, t:t + 1] @ Wx + hs[-1] @ Wh + bh
        hs.append(np.maximum(0, a))
    out = hs[-1] @ Wy + by
    return hs, out


losses = []
for step in range(steps):
    hs, out = forward(X, Wx, Wh, bh, Wy, by)
    err = out - Y
    loss = np.mean(err ** 2)
    losses.append(loss)

    # backprop through time
    dout = 2 * err / n_train
    dWy = hs[-1].T @ dout
    dby = dout.sum(axis=0)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    dbh = np.zeros_like(bh)
    dh = dout @ Wy.T
    for t in reversed(range(T)):
        da = dh * (hs[t + 1] > 0)
        dWx += X[:, t:t + 1].T @ da
        dWh += hs[t].T @ da
        dbh += da.sum(axis=0)
        dh = da @ Wh.T

    grads = [dWx, dWh, dbh, dWy, dby]
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    if norm > max_norm:
        grads = [g * (max_norm / norm) for g in grads]
    for p, g in zip([Wx, Wh, bh, Wy, by], grads):
        p -= lr * g

    if step % 50 == 0:
        print(f"step {step} loss {loss:.5f} grad_norm {norm:.3e}")

_, pred = forward(X_test, Wx, Wh, bh, Wy, by)
r2 = 1 - np.sum((pred - Y_test) ** 2) / np.sum((Y_test - Y_test.mean()) ** 2)
print(f"first_loss={losses[0]:.5f}")
print(f"final_loss={losses[-1]:.5f}")
print(f"r2={r2:.4f}")
