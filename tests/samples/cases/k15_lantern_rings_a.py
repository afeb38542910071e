# small net to tell apart two rings of points (inner ring = 0, outer ring = 1)
# I keep the weights inside a closure so nothing leaks into globals
import numpy as np

rng = np.random.default_rng(11)


def make_rings(n):
    r = np.concatenate([rng.normal(1.0, 0.15, n // 2), rng.normal(2.2, 0.15, n // 2)])
    ang = rng.uniform(0, 2 * np.pi, n)
    pts = np.column_stack([r * np.cos(ang), r * np.sin(ang)])
    lab = np.concatenate([np.zeros(n // 2), np.ones(n // 2)])
    return pts, lab.reshape(-1, 1)


def make_net(n_in, n_hidden, lr=0.1, mu=0.9):
    W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, 1))
    b2 = np.zeros(1)
    vel = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]

    def forward(x):
        h = np.tanh(x @ W1 + b1)
        p = 1 / (1 + np.exp(-(h @ W2 + b2)))
        return h, p

    def loss(x, y):
        _, p = forward(x)
        p = np.clip(p, 1e-7, 1 - 1e-7)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def step(x, y):
        h, p = forward(x)
        n = x.shape[0]
        delta = (p - y) / n                # output error for sigmoid + cross-entropy
        gW2 = h.T @ delta
        gb2 = delta.sum(axis=0)
        dh = (delta @ W2.T) * (1 - h ** 2)
        gW1 = x.T @ dh
        gb1 = dh.sum(axis=0)
        for v, p_, g in zip(vel, (W1, b1, W2, b2), (gW1, gb1, gW2, gb2)):
            v *= mu
            v -= lr * g
            p_ += v

    def predict(x):
        return (forward(x)[1] > 0.5).astype(float)

    return loss, step, predict


X, y = make_rings(400)
loss, step, predict = make_net(2, 16)

print(f"first_loss={loss(X, y):.4f}")
for it in range(300):
    batch = rng.choice(len(X), 64, replace=False)
    step(X[batch], y[batch])
    if it % 50 == 0:
        print(f"iter {it}: loss {loss(X, y):.4f}")

print(f"final_loss={loss(X, y):.4f}")
print(f"accuracy={np.mean(predict(X) == y):.3f}")
