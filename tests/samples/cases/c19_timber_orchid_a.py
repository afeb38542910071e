# Deep fully connected net (8 hidden layers) classifying points on two interleaved spirals, minibatch SGD
import numpy as np

rng = np.random.default_rng(5)

# two spirals
n_half = 200
t = np.sqrt(rng.uniform(0, 1, n_half)) * 2 * np.pi
arm = np.column_stack([t * np.cos(t), t * np.sin(t)]) / (2 * np.pi)
X = np.vstack([arm, -arm]) + rng.normal(0, 0.02, (2 * n_half, 2))
y = np.concatenate([np.zeros(n_half), np.ones(n_half)]).reshape(-1, 1)

sizes = [2, 32, 32, 32, 32, 32, 32, 32, 32, 1]
Ws = []
bs = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    Ws.append(rng.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)))
    bs.append(np.zeros((1, fan_out)))

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

lr = 0.1
epochs = 150
batch = 40
n = X.shape[0]
L = len(Ws)

def forward(xb):
    acts = [xb]
    a = xb
    for k in range(L - 1):
        a = np.maximum(0, a @ Ws[k] + bs[k])
        acts.append(a)
    out = sigmoid(a @ Ws[-1] + bs[-1])
    return acts, out

def bce(p, yb):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(yb * np.log(p) + (1 - yb) * np.log(1 - p))

_, p_all = forward(X)
first_loss = bce(p_all, y)

print("epoch      loss    acc")
for epoch in range(epochs):
    order = rng.permutation(n)
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        xb, yb = X[idx], y[idx]
        acts, out = forward(xb)
        delta = (out - yb) / len(idx)
        for k in range(L - 1, -1, -1):
            gW = acts[k].T @ delta
            gb = delta.sum(axis=0, keepdims=True)
            if k > 0:
                delta = (delta @ Ws[k].T) * (acts[k] > 0)
            Ws[k] -= lr * gW
            bs[k] -= lr * gb
    if epoch % 25 == 0 or epoch == epochs - 1:
        _, p_all = forward(X)
        print(f"{epoch:5d}  {bce(p_all, y):8.4f}  {np.mean((p_all > 0.5) == y):5.3f}")

_, p_all = forward(X)
final_loss = bce(p_all, y)
accuracy = np.mean((p_all > 0.5) == y)

print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
