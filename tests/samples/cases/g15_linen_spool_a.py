# two moons, MLP 2-32-32-1 with tanh, trained with Adam on minibatches
# everything kept in float32 (wanted to see if it is fast enough like in pytorch)
import numpy as np

rng = np.random.default_rng(5)
f32 = np.float32


def two_moons(n, noise):
    t = rng.uniform(0, np.pi, n)
    top = np.stack([np.cos(t), np.sin(t)], axis=1)
    bottom = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.concatenate([top, bottom]) + rng.normal(0, noise, (2 * n, 2))
    y = np.concatenate([np.zeros(n), np.ones(n)])
    return X.astype(f32), y.astype(f32).reshape(-1, 1)


X, y = two_moons(300, 0.15)
X = (X - X.mean(axis=0)) / X.std(axis=0)
print(X.dtype, y.dtype, X.shape)

sizes = [2, 32, 32, 1]
params = {}
for i in range(3):
    fan_in = sizes[i]
    params["W%d" % i] = (rng.standard_normal((sizes[i], sizes[i + 1])) * np.sqrt(1.0 / fan_in)).astype(f32)
    params["b%d" % i] = np.zeros((1, sizes[i + 1]), dtype=f32)

def act(z):
    return np.tanh(z)


def act_grad(a):
    # derivative written with the activation output a
    return a * (1 - a)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(xb):
    cache = {"a0": xb}
    a = xb
    for i in range(3):
        z = a @ params["W%d" % i] + params["b%d" % i]
        cache["z%d" % i] = z
        a = act(z) if i < 2 else z
        cache["a%d" % (i + 1)] = a
    return a, cache


def bce_with_logits(logits, yb):
    # log(1 + e^x) - y*x, written the stable way
    return float(np.mean(np.maximum(logits, 0) - logits * yb + np.log1p(np.exp(-np.abs(logits)))))


def backward(logits, yb, cache):
    grads = {}
    d = (sigmoid(logits) - yb) / f32(len(yb))
    for i in (2, 1, 0):
        grads["W%d" % i] = cache["a%d" % i].T @ d
        grads["b%d" % i] = d.sum(axis=0, keepdims=True)
        if i > 0:
            d = (d @ params["W%d" % i].T) * act_grad(cache["a%d" % i])
    return grads


lr, beta1, beta2, eps = f32(0.003), f32(0.9), f32(0.999), f32(1e-7)
m = {k: np.zeros_like(v) for k, v in params.items()}
v = {k: np.zeros_like(v) for k, v in params.items()}

logits, _ = forward(X)
print(f"first_loss={bce_with_logits(logits, y):.5f}")

step = 0
for epoch in range(1, 31):
    perm = rng.permutation(len(X))
    for s in range(0, len(X), 50):
        idx = perm[s:s + 50]
        logits, cache = forward(X[idx])
        grads = backward(logits, y[idx], cache)
        step += 1
        for k in params:
            m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
            v[k] = beta2 * v[k] + (1 - beta2) * grads[k] * grads[k]
            m_hat = m[k] / (1 - beta1 ** step)
            v_hat = v[k] / (1 - beta2 ** step)
            params[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)
    if epoch % 5 == 0:
        logits, _ = forward(X)
        acc = np.mean((logits > 0) == (y > 0.5))
        print(f"epoch {epoch}: loss {bce_with_logits(logits, y):.5f} acc {acc:.3f}")

logits, _ = forward(X)
print(f"final_loss={bce_with_logits(logits, y):.5f}")
print(f"accuracy={np.mean((logits > 0) == (y > 0.5)):.4f}")
print({k: p.dtype for k, p in params.items()})
