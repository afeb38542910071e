# 4 kinds of lantern flicker -> class, from 6 light readings
# 1 hidden layer (tanh) + softmax, Adam written by hand, minibatches of 64
import numpy as np

rng = np.random.default_rng(1234)

n, d, k = 1200, 6, 4
X = rng.normal(size=(n, d))
mix = rng.normal(size=(d, k))
logits_true = np.tanh(X @ mix) * 3 + 0.5 * (X[:, :k] ** 2)
y = logits_true.argmax(axis=1)

params = {
    "W1": rng.normal(size=(d, 32)) * np.sqrt(1.0 / d),
    "b1": np.zeros(32),
    "W2": rng.normal(size=(32, k)) * np.sqrt(1.0 / 32),
    "b2": np.zeros(k),
}


def forward(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    s = h @ params["W2"] + params["b2"]
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    return h, p


def loss_fn(p, y):
    return -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))


def gradients(params, x, y):
    h, p = forward(params, x)
    dS = p.copy()
    dS[np.arange(len(y)), y] -= 1
    dS /= len(y)
    dH = (dS @ params["W2"].T) * (1 - h ** 2)
    return {"W1": x.T @ dH, "b1": dH.sum(0), "W2": h.T @ dS, "b2": dS.sum(0)}


def adam_update(params, grads, state, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for name in params:
        w = params[name]
        m = b1 * state["m"][name] + (1 - b1) * grads[name]
        v = b2 * state["v"][name] + (1 - b2) * grads[name] ** 2
        state["m"][name] = m
        state["v"][name] = v
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        w = w - lr * mhat / (np.sqrt(vhat) + eps)


state = {"t": 0,
         "m": {name: np.zeros_like(w) for name, w in params.items()},
         "v": {name: np.zeros_like(w) for name, w in params.items()}}

_, p = forward(params, X)
print(f"first_loss={loss_fn(p, y):.4f}")
for epoch in range(30):
    perm = rng.permutation(n)
    for i in range(0, n, 64):
        rows = perm[i:i + 64]
        g = gradients(params, X[rows], y[rows])
        adam_update(params, g, state, lr=0.005)
    if epoch % 5 == 0:
        _, p = forward(params, X)
        print(f"epoch {epoch:2d}  loss {loss_fn(p, y):.4f}  acc {np.mean(p.argmax(1) == y):.3f}")

_, p = forward(params, X)
print(f"final_loss={loss_fn(p, y):.4f}")
print(f"accuracy={np.mean(p.argmax(1) == y):.3f}")
