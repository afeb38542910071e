# A tiny Elman RNN (1 input, 8 tanh hidden units, linear output) that learns to
# output the running sum of a 5-step input sequence. Forward pass unrolled over
# the time steps, backpropagation through time, full-batch gradient descent.
# Plain functions.
# Run: python rnn_sum_functions.py
import numpy as np

T = 5        # time steps
HIDDEN = 8


def make_sequences(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, T))
    y = X.sum(axis=1)
    return X, y


def init_params(seed=0):
    rng = np.random.RandomState(seed)
    return {
        "Wxh": rng.randn(HIDDEN) * 0.5,
        "Whh": rng.randn(HIDDEN, HIDDEN) * 0.1,
        "bh": np.zeros(HIDDEN),
        "Why": rng.randn(HIDDEN) * 0.1,
        "by": 0.0,
    }


def forward(p, X):
    hs = [np.zeros((X.shape[0], HIDDEN))]
    for t in range(T):
        h = np.tanh(np.outer(X[:, t], p["Wxh"]) + hs[-1] @ p["Whh"] + p["bh"])
        hs.append(h)
    y_hat = hs[-1] @ p["Why"] + p["by"]
    return hs, y_hat


def bptt(p, X, y, hs, y_hat):
    n = X.shape[0]
    d_y = 2 * (y_hat - y) / n
    g = {k: np.zeros_like(v) for k, v in p.items()}
    g["Why"] = hs[-1].T @ d_y
    g["by"] = d_y.sum()
    dh = np.outer(d_y, p["Why"])
    for t in range(T, 0, -1):
        dz = dh * (1 - hs[t] ** 2)
        g["Wxh"] += X[:, t - 1] @ dz
        g["Whh"] += hs[t - 1].T @ dz
        g["bh"] += dz.sum(axis=0)
        dh = dz @ p["Whh"].T
    return g


def train(lr=0.015, epochs=800):
    X, y = make_sequences()
    p = init_params()
    for epoch in range(epochs):
        hs, y_hat = forward(p, X)
        loss = np.mean((y_hat - y) ** 2)
        grads = bptt(p, X, y, hs, y_hat)
        for k in p:
            p[k] = p[k] - lr * grads[k]
        if epoch % 80 == 0:
            print(f"epoch {epoch:4d}  loss {loss:.4f}")
    hs, y_hat = forward(p, X)
    print(f"final loss {np.mean((y_hat - y) ** 2):.4f}  (variance of target {np.var(y):.4f})")


if __name__ == "__main__":
    train()
