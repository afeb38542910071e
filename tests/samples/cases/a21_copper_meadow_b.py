# Three-hidden-layer tanh net on two rings, full-batch gradient descent, columns are samples
import numpy as np

rng = np.random.default_rng(7)

# two rings of points, inner ring = class 0, outer ring = class 1
n_per = 200
angles = rng.uniform(0, 2 * np.pi, 2 * n_per)
radius = np.concatenate([rng.normal(1.0, 0.15, n_per), rng.normal(2.0, 0.15, n_per)])
X = np.vstack([radius * np.cos(angles), radius * np.sin(angles)])  # (2, 400)
y = np.concatenate([np.zeros(n_per), np.ones(n_per)]).reshape(1, -1)  # (1, 400)

sizes = [2, 16, 16, 16, 1]
Ws = []
bs = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    Ws.append(rng.standard_normal((fan_out, fan_in)) * 0.01)
    bs.append(np.zeros((fan_out, 1)))

lr = 0.3
epochs = 1500
m = X.shape[1]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X):
    acts = [X]
    a = X
    for i in range(len(Ws)):
        z = Ws[i] @ a + bs[i]
        if i == len(Ws) - 1:
            a = sigmoid(z)
        else:
            a = np.tanh(z)
        acts.append(a)
    return acts


def bce(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


first_loss = None
for epoch in range(epochs):
    acts = forward(X)
    p = acts[-1]
    loss = bce(p, y)
    if first_loss is None:
        first_loss = loss
    if epoch % 300 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

    # backprop, output delta for sigmoid + BCE
    delta = p - y  # (1, m)
    for i in reversed(range(len(Ws))):
        dW = delta @ acts[i].T / m
        db = np.mean(delta, axis=1, keepdims=True)
        if i > 0:
            delta = (Ws[i].T @ delta) * (1 - acts[i] ** 2)
        Ws[i] -= lr * dW
        bs[i] -= lr * db

p = forward(X)[-1]
final_loss = bce(p, y)
accuracy = float(np.mean((p > 0.5) == (y > 0.5)))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
