# recurrent net that reads a tide-gauge sequence one step at a time and
# predicts the level at the next step. relu hidden units with the recurrent
# matrix started at the identity (the IRNN trick), backprop through time by hand
import numpy as np

np.random.seed(3)

T = 30          # time steps per sequence
H = 32          # hidden units
N = 256         # sequences
batch = 32
lr = 0.05

# each sequence is two waves with a random phase plus a little sensor noise
t = np.arange(T + 1)
phase = np.random.uniform(0, 2 * np.pi, size=(N, 1))
amp = np.random.uniform(0.5, 1.0, size=(N, 1))
waves = amp * np.sin(0.4 * t + phase) + 0.3 * np.sin(1.1 * t + 2 * phase)
waves += 0.02 * np.random.randn(N, T + 1)
X = waves[:, :-1]      # N x T
Y = waves[:, 1:]       # N x T, the next value

Wx = np.random.randn(1, H) * 0.5
Wh = np.eye(H)
bh = np.zeros(H)
Wy = np.random.randn(H, 1) * 0.1
by = np.zeros(1)
params = [Wx, Wh, bh, Wy, by]


def relu(z):
    return np.maximum(z, 0)


def forward(xb):
    hs = [np.zeros((xb.shape[0], H))]
    outs = []
    for step in range(T):
        h = relu(xb[:, step:step + 1] @ Wx + hs[-1] @ Wh + bh)
        hs.append(h)
        outs.append(h @ Wy + by)
    return hs, np.hstack(outs)


def mse(xb, yb):
    _, p = forward(xb)
    return np.mean((p - yb) ** 2)


print(f"first_loss={mse(X, Y):.5f}")

for epoch in range(60):
    order = np.random.permutation(N)
    for s in range(0, N, batch):
        idx = order[s:s + batch]
        xb, yb = X[idx], Y[idx]
        hs, p = forward(xb)
        n = xb.shape[0]
        dp = 2 * (p - yb) / (n * T)
        dWx, dWh, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bh)
        dWy, dby = np.zeros_like(Wy), np.zeros_like(by)
        dh_next = np.zeros((n, H))
        for step in reversed(range(T)):
            d_out = dp[:, step:step + 1]
            dWy += hs[step + 1].T @ d_out
            dby += d_out.sum(axis=0)
            dh = d_out @ Wy.T + dh_next
            dz = dh * (hs[step + 1] > 0)
            dWx += xb[:, step:step + 1].T @ dz
            dWh += hs[step].T @ dz
            dbh += dz.sum(axis=0)
            dh_next = dz @ Wh.T
        grads = [np.clip(g, -5, 5) for g in (dWx, dWh, dbh, dWy, dby)]
        for param, g in zip(params, grads):
            param -= lr * g
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d}  mse {mse(X, Y):.5f}")

final = mse(X, Y)
_, pred = forward(X)
r2 = 1 - np.sum((pred - Y) ** 2) / np.sum((Y - Y.mean()) ** 2)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
