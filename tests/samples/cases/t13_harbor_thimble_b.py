# 3-class classifier (grape variety from 4 lab measurements), one hidden relu layer, adam
# weights kept in a plain python list so the optimiser loop can just zip over them
import numpy as np

rng = np.random.default_rng(7)

# ---- fake lab data: 3 varieties, 4 measurements, already standardised ----
centres = np.array([[1.5, -1.0, 0.5, 2.0],
                    [-1.5, 1.0, 1.0, -0.5],
                    [0.0, 0.5, -2.0, -1.5]], dtype=np.float32)
variety = rng.integers(0, 3, size=450)
X = (centres[variety] + rng.standard_normal((450, 4))).astype(np.float32)
Y = np.eye(3, dtype=np.float32)[variety]

hidden = 128
params = [
    (rng.standard_normal((4, hidden)) * np.sqrt(2 / 4)).astype(np.float32),
    np.zeros(hidden, dtype=np.float32),
    (rng.standard_normal((hidden, 3)) * np.sqrt(2 / hidden)).astype(np.float32),
    np.zeros(3, dtype=np.float32),
]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(x):
    W1, b1, W2, b2 = params
    h_pre = x @ W1 + b1
    h = np.maximum(h_pre, 0)
    probs = softmax(h @ W2 + b2)
    return h_pre, h, probs


def cross_entropy(x, y):
    probs = forward(x)[2]
    return float(-np.mean(np.sum(y * np.log(probs + 1e-7), axis=1)))


def backward(x, y):
    W1, b1, W2, b2 = params
    h_pre, h, probs = forward(x)
    d_out = (probs - y) / len(x)
    dW2 = h.T @ d_out
    db2 = d_out.sum(axis=0)
    dh = d_out @ W2.T
    dh[h_pre <= 0] = 0
    dW1 = x.T @ dh
    db1 = dh.sum(axis=0)
    return [dW1, db1, dW2, db2]


# adam state, one slot per parameter
lr, beta1, beta2, eps = 0.03, 0.9, 0.999, 1e-7
m = [np.zeros_like(p) for p in params]
v = [np.zeros_like(p) for p in params]
t = 0

print(f"first_loss={cross_entropy(X, Y):.4f}")
for epoch in range(150):
    perm = rng.permutation(len(X))
    for i in range(0, len(X), 30):
        b = perm[i:i + 30]
        grads = backward(X[b], Y[b])
        t += 1
        for p, g, mi, vi in zip(params, grads, m, v):
            mi[:] = beta1 * mi + (1 - beta1) * g
            vi[:] = beta2 * vi + (1 - beta2) * g * g
            m_hat = mi / (1 - beta1 ** t)
            v_hat = vi / (1 - beta2 ** t)
            p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    if epoch % 25 == 0:
        print(f"epoch {epoch:3d} loss {cross_entropy(X, Y):.4f}")

print(f"final_loss={cross_entropy(X, Y):.4f}")
pred = forward(X)[2].argmax(axis=1)
print(f"accuracy={np.mean(pred == variety):.3f}")
