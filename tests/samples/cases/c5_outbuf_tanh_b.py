# Two-layer tanh net written with preallocated buffers and ufunc out= arguments, full batch, float64.
import numpy as np

gen = np.random.default_rng(5)
feats = gen.uniform(-1.5, 1.5, (256, 3))
goal = np.sin(feats[:, :1] * 2.0) * feats[:, 1:2] + 0.3 * feats[:, 2:]

hidden = 16
w_in = gen.normal(0.0, 1.0 / np.sqrt(3), (3, hidden))
b_in = np.zeros(hidden)
w_out = gen.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, 1))
b_out = np.zeros(1)

pre = np.empty((256, hidden))
act = np.empty((256, hidden))
guess = np.empty((256, 1))
for sweep in range(300):
    np.dot(feats, w_in, out=pre)
    np.add(pre, b_in, out=pre)
    np.tanh(pre, out=act)
    np.dot(act, w_out, out=guess)
    np.add(guess, b_out, out=guess)
    gap = guess - goal
    loss = float(np.mean(gap ** 2))
    d_guess = 2.0 * gap / len(feats)
    g_w_out = act.T @ d_guess
    g_b_out = d_guess.sum(axis=0)
    d_pre = (d_guess @ w_out.T) * (1.0 - act ** 2)
    g_w_in = feats.T @ d_pre
    g_b_in = d_pre.sum(axis=0)
    np.subtract(w_out, 0.2 * g_w_out, out=w_out)
    np.subtract(b_out, 0.2 * g_b_out, out=b_out)
    np.subtract(w_in, 0.2 * g_w_in, out=w_in)
    np.subtract(b_in, 0.2 * g_b_in, out=b_in)
    if sweep % 80 == 0 or sweep == 299:
        print(f"sweep {sweep} mse {loss:.5f}")
