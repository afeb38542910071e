# Two-hidden-layer ReLU regressor for a smooth 4-input function, layers kept as a list of (W, b)
import numpy as np

rng = np.random.default_rng(3)

n = 600
X = rng.uniform(-2.0, 2.0, size=(n, 4))
y = np.sin(X[:, 0]) * X[:, 1] + 0.5 * X[:, 2] ** 2 - X[:, 3] + 0.1 * rng.normal(size=n)
y = y.reshape(-1, 1)
X = (X - X.mean(axis=0)) / X.std(axis=0)

sizes = [4, 24, 24, 1]
layers = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    W = rng.normal(0.0, 0.2, size=(n_in, n_out))
    b = np.zeros(n_out)
    layers.append((W, b))


def forward(x):
    acts = [x]
    pres = []
    for i, (W, b) in enumerate(layers):
        z = acts[-1] @ W + b
        pres.append(z)
        if i < len(layers) - 1:
            acts.append(np.maximum(z, 0.0))
        else:
            acts.append(z)
    return acts, pres


lr = 0.01
first_loss = None
for epoch in range(1000):
    acts, pres = forward(X)
    out = acts[-1]
    loss = np.mean((out - y) ** 2)
    if first_loss is None:
        first_loss = loss
    if epoch % 200 == 0:
        print(f"epoch {epoch:4d}  mse {loss:.4f}")

    grad = 2.0 * (out - y) / n
    new_layers = []
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        if i < len(layers) - 1:
            grad = grad * (pres[i] > 0)
        dW = acts[i].T @ grad
        db = grad.sum(axis=0)
        grad = grad @ W.T
        new_layers.append((W - lr * dW, b - lr * db))
    layers = new_layers[::-1]

acts, _ = forward(X)
pred = acts[-1]
final_loss = np.mean((pred - y) ** 2)
r2 = 1.0 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
alive = np.mean(acts[-2] > 0)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
print(f"active_fraction={alive:.3f}")
