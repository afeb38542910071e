# 4-class classifier, one hidden relu layer, everything float32
# columns are samples: X is (n_features, m), labels one-hot as (n_classes, m)
import numpy as np

rng = np.random.default_rng(123)
n_feat, n_cls, m = 6, 4, 800

means = rng.normal(0, 2.5, size=(n_feat, n_cls)).astype(np.float32)
labels = rng.integers(0, n_cls, size=m)
X = (means[:, labels] + rng.normal(0, 1, size=(n_feat, m))).astype(np.float32)
X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
Y = np.zeros((n_cls, m), dtype=np.float32)
Y[labels, np.arange(m)] = 1.0

n_hid = 128
W1 = (rng.normal(size=(n_hid, n_feat)) * np.sqrt(2.0 / n_feat)).astype(np.float32)
b1 = np.zeros((n_hid, 1), dtype=np.float32)
W2 = (rng.normal(size=(n_cls, n_hid)) * np.sqrt(1.0 / n_hid)).astype(np.float32)
b2 = np.zeros((n_cls, 1), dtype=np.float32)
params = [W1, b1, W2, b2]

# adam state
lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
m_t = [np.zeros_like(p) for p in params]
v_t = [np.zeros_like(p) for p in params]


def softmax(Z):
    expZ = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return expZ / np.sum(expZ, axis=0, keepdims=True)


def forward(X):
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1 + b2
    return Z1, A1, softmax(Z2)


def cross_entropy(A2, Y):
    return float(-np.sum(Y * np.log(A2 + 1e-8)) / Y.shape[1])


for it in range(1, 401):
    Z1, A1, A2 = forward(X)
    cost = cross_entropy(A2, Y)
    if it == 1:
        print(f"first_loss={cost:.6f}")
    if it % 50 == 0:
        print(f"iter {it}  cost {cost:.6f}")

    dZ2 = (A2 - Y) / m
    dW2 = dZ2 @ A1.T
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=1, keepdims=True)

    for i, g in enumerate([dW1, db1, dW2, db2]):
        m_t[i] = beta1 * m_t[i] + (1 - beta1) * g
        v_t[i] = beta2 * v_t[i] + (1 - beta2) * g * g
        m_hat = m_t[i] / (1 - beta1 ** it)
        v_hat = v_t[i] / (1 - beta2 ** it)
        params[i] -= (lr * m_hat / (np.sqrt(v_hat) + eps)).astype(np.float32)

_, _, A2 = forward(X)
print(f"final_loss={cross_entropy(A2, Y):.6f}")
print(f"accuracy={np.mean(np.argmax(A2, axis=0) == labels):.3f}")
