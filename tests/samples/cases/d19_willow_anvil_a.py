# Small tanh network on two interleaved half-moons, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(5)
n = 400
t = rng.uniform(0.0, np.pi, n)
label = (rng.random(n) < 0.5).astype(float)
px = np.where(label == 1, 1.0 - np.cos(t), np.cos(t))
py = np.where(label == 1, 0.5 - np.sin(t), np.sin(t))
X = np.column_stack([px, py]) + rng.normal(0.0, 0.12, (n, 2))
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = label.reshape(-1, 1)

sizes = [2, 16, 16, 1]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    W = rng.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
    b = np.zeros(fan_out)
    layers.append((W, b))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(x, layers, acts):
    # walk the layer list one layer at a time, remembering every activation
    acts.append(x)
    if not layers:
        return x
    W, b = layers[0]
    z = x @ W + b
    out = sigmoid(z) if len(layers) == 1 else np.tanh(z)
    return forward(out, layers[1:], acts)


def bce(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


lr = 0.5
first = None
for step in range(1500):
    acts = []
    p = forward(X, layers, acts)
    loss = bce(p, y)
    if first is None:
        first = loss
        print(f"first_loss={first:.4f}")
    if step % 300 == 0:
        print(f"step {step} loss {loss:.4f}")

    delta = (p - y) / n
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        W, b = layers[i]
        a_in = acts[i]
        grads.append((a_in.T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ W.T) * (1.0 - a_in ** 2)
    grads.reverse()

    for (W, b), (gW, gb) in zip(layers, grads):
        W -= lr * gW
        b -= lr * gb

p = forward(X, layers, [])
print(f"final_loss={bce(p, y):.4f}")
print(f"accuracy={np.mean((p > 0.5) == y):.4f}")
