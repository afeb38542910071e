# Small tanh network learning the XOR pattern of four point clouds, runs until loss target or step limit
import numpy as np

rng = np.random.default_rng(3)
centers = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
labels = np.array([0.0, 0.0, 1.0, 1.0])
pts = []
ys = []
for c, lab in zip(centers, labels):
    pts.append(c + 0.35 * rng.normal(size=(80, 2)))
    ys.append(np.full(80, lab))
X = np.vstack(pts)
y = np.concatenate(ys).reshape(-1, 1)

hidden = 10
W1 = rng.normal(0, 0.5, size=(2, hidden))
b1 = np.zeros((1, hidden))
W2 = rng.normal(0, 0.5, size=(hidden, 1))
b2 = np.zeros((1, 1))
params = [W1, b1, W2, b2]


def forward(params, X):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    out = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
    return h, out


def bce(out, y):
    out = np.clip(out, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(out) + (1 - y) * np.log(1 - out)))


def backward(params, X, y, h, out):
    W1, b1, W2, b2 = params
    m = X.shape[0]
    d_out = (out - y) / m
    dW2 = h.T @ d_out
    db2 = d_out.sum(axis=0, keepdims=True)
    dh = (d_out @ W2.T) * (1 - h ** 2)
    dW1 = X.T @ dh
    db1 = dh.sum(axis=0, keepdims=True)
    return [dW1, db1, dW2, db2]


def apply_step(params, grads, lr):
    for p, g in zip(params, grads):
        p = p - lr * g


lr = 0.8
tol = 0.05
max_steps = 3000
step = 0
h, out = forward(params, X)
loss = bce(out, y)
first_loss = loss
while loss > tol and step < max_steps:
    grads = backward(params, X, y, h, out)
    apply_step(params, grads, lr)
    h, out = forward(params, X)
    loss = bce(out, y)
    step += 1
    if step % 500 == 0:
        print(f"step {step} loss {loss:.4f}")

accuracy = np.mean((out > 0.5) == (y > 0.5))
print(f"steps={step}")
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={loss:.6f}")
print(f"accuracy={accuracy:.4f}")
