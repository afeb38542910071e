# Four-layer tanh network on two interleaved half moons, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

n = 400
t = rng.uniform(0, np.pi, n // 2)
upper = np.stack([np.cos(t), np.sin(t)], axis=1)
lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
X = np.vstack([upper, lower]) + rng.normal(0, 0.12, (n, 2))
y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).reshape(-1, 1)
X = (X - X.mean(axis=0)) / X.std(axis=0)

sizes = [2, 32, 32, 32, 1]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    W = rng.normal(0, 1, (fan_in, fan_out)) * 0.01
    b = np.zeros(fan_out)
    layers.append((W, b))

lr = 0.5
epochs = 600


def forward(X, layers):
    acts = [X]
    a = X
    for i, (W, b) in enumerate(layers):
        z = a @ W + b
        if i < len(layers) - 1:
            a = np.tanh(z)
        else:
            a = 1.0 / (1.0 + np.exp(-z))
        acts.append(a)
    return acts


first_loss = None
for epoch in range(epochs):
    acts = forward(X, layers)
    p = np.clip(acts[-1], 1e-7, 1 - 1e-7)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    if first_loss is None:
        first_loss = loss

    # backward pass, output layer first
    delta = (acts[-1] - y) / len(X)
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        W, b = layers[i]
        grads.append((acts[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ W.T) * (1 - acts[i] ** 2)
    grads.reverse()

    layers = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(layers, grads)]

    if epoch % 100 == 0:
        print(f"{epoch:4d} {loss:.4f}")

acts = forward(X, layers)
p = np.clip(acts[-1], 1e-7, 1 - 1e-7)
final_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
accuracy = np.mean((acts[-1] > 0.5) == y)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.3f}")
