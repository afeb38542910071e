# Four-layer tanh network on two interleaved spirals, full-batch gradient descent until the loss settles
import numpy as np

rng = np.random.default_rng(3)

def make_spirals(n_per_arm, noise):
    t = np.sqrt(rng.uniform(0, 1, n_per_arm)) * 2.5 * np.pi
    arm = np.column_stack([t * np.cos(t), t * np.sin(t)]) / (2.5 * np.pi)
    X = np.vstack([arm, -arm]) + rng.normal(0, noise, (2 * n_per_arm, 2))
    y = np.concatenate([np.zeros(n_per_arm), np.ones(n_per_arm)])
    return X, y.reshape(-1, 1)

X, y = make_spirals(150, 0.03)
n = X.shape[0]

sizes = [2, 32, 32, 32, 1]
params = {}
for i in range(1, len(sizes)):
    params[f"W{i}"] = rng.normal(0.0, 0.01, size=(sizes[i - 1], sizes[i]))
    params[f"b{i}"] = np.zeros((1, sizes[i]))
L = len(sizes) - 1

def forward(params, X):
    acts = [X]
    a = X
    for i in range(1, L):
        a = np.tanh(a @ params[f"W{i}"] + params[f"b{i}"])
        acts.append(a)
    z = a @ params[f"W{L}"] + params[f"b{L}"]
    p = 1 / (1 + np.exp(-z))
    return p, acts

def bce(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

lr = 0.3
tol = 1e-6
max_iter = 5000

p, acts = forward(params, X)
loss = bce(p, y)
first_loss = loss
prev_loss = np.inf
it = 0
while abs(prev_loss - loss) > tol and it < max_iter:
    grads = {}
    delta = (p - y) / n
    for i in range(L, 0, -1):
        grads[f"W{i}"] = acts[i - 1].T @ delta
        grads[f"b{i}"] = delta.sum(axis=0, keepdims=True)
        if i > 1:
            delta = (delta @ params[f"W{i}"].T) * (1 - acts[i - 1] ** 2)
    for k in params:
        params[k] -= lr * grads[k]
    prev_loss = loss
    p, acts = forward(params, X)
    loss = bce(p, y)
    it += 1
    if it % 500 == 0:
        print(f"iter {it} loss {loss:.5f}")

acc = np.mean((p > 0.5) == (y > 0.5))
print(f"iterations={it}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={acc:.4f}")
