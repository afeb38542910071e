# small regression net built from closures (no classes), float32
# y = sin(2*x0) + 0.5*x1*x2 ; net 3 -> 24 (tanh) -> 1, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(8)
X = rng.uniform(-1.5, 1.5, size=(300, 3)).astype(np.float32)
Y = (np.sin(2 * X[:, :1]) + 0.5 * X[:, 1:2] * X[:, 2:3]).astype(np.float32)


def dtanh(t):
    return 1.0 - t ** 2


def make_dense(n_in, n_out):
    W = (rng.normal(size=(n_in, n_out)) * np.sqrt(2.0 / (n_in + n_out))).astype(np.float32)
    b = np.zeros((1, n_out), dtype=np.float32)
    seen = {}

    def forward(x):
        seen["x"] = x
        return x @ W + b

    def backward(g, step):
        dx = g @ W.T
        W[...] -= step * (seen["x"].T @ g)
        b[...] -= step * g.sum(axis=0, keepdims=True)
        return dx

    return forward, backward


def make_tanh():
    seen = {}

    def forward(z):
        a = np.tanh(z)
        seen["z"] = z
        seen["a"] = a
        return a

    def backward(g, step):
        return g * dtanh(seen["a"])

    return forward, backward


net = [make_dense(3, 24), make_tanh(), make_dense(24, 1)]


def predict(x):
    for fwd, _ in net:
        x = fwd(x)
    return x


def mse():
    return float(np.mean((predict(X) - Y) ** 2))


step = 0.1
print(f"first_loss={mse():.5f}")
for it in range(1500):
    out = predict(X)
    g = 2 * (out - Y) / len(X)
    for _, bwd in reversed(net):
        g = bwd(g, step)
    if it % 250 == 0:
        print(it, mse())

final = mse()
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / float(np.var(Y)):.4f}")
