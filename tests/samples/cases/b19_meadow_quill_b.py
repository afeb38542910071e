# Two-layer sigmoid network on a ring-inside-ring dataset, minibatch SGD with momentum
import numpy as np

rng = np.random.default_rng(2024)


def make_rings(n, rng):
    half = n // 2
    r = np.concatenate([rng.normal(1.0, 0.25, half), rng.normal(2.3, 0.25, n - half)])
    theta = rng.uniform(0, 2 * np.pi, n)
    pts = np.stack([r * np.cos(theta), r * np.sin(theta)])  # (2, n)
    labels = np.concatenate([np.zeros(half), np.ones(n - half)])
    return pts, labels.reshape(1, -1)


X_train, y_train = make_rings(600, rng)
X_test, y_test = make_rings(300, rng)

n_in, n_hidden, n_out = 2, 16, 1

params = {
    "W1": rng.normal(0, 1.0, (n_hidden, n_in)),
    "b1": np.zeros((n_hidden, 1)),
    "W2": rng.normal(0, 1.0 / np.sqrt(n_hidden), (n_out, n_hidden)),
    "b2": np.zeros((n_out, 1)),
}
velocity = {name: np.zeros_like(p) for name, p in params.items()}

lr = 0.5
beta = 0.9
batch_size = 32
epochs = 60


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_grad(a):
    return a * (1.0 - a)


def forward(X, p):
    Z1 = p["W1"] @ X + p["b1"]
    A1 = sigmoid(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = sigmoid(Z2)
    return Z1, A1, A2


def bce(A2, Y):
    A2 = np.clip(A2, 1e-9, 1 - 1e-9)
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


first_loss = bce(forward(X_train, params)[2], y_train)
n = X_train.shape[1]

for epoch in range(epochs):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        Xb, Yb = X_train[:, idx], y_train[:, idx]
        m = Xb.shape[1]

        Z1, A1, A2 = forward(Xb, params)
        dZ2 = (A2 - Yb) / m
        grads = {
            "W2": dZ2 @ A1.T,
            "b2": dZ2.sum(axis=1, keepdims=True),
        }
        dA1 = params["W2"].T @ dZ2
        dZ1 = dA1 * sigmoid_grad(Z1)
        grads["W1"] = dZ1 @ Xb.T
        grads["b1"] = dZ1.sum(axis=1, keepdims=True)

        for name in params:
            velocity[name] = beta * velocity[name] - lr * grads[name]
            params[name] += velocity[name]

    if epoch % 10 == 0:
        print(f"epoch {epoch}: train loss {bce(forward(X_train, params)[2], y_train):.4f}")

final_loss = bce(forward(X_train, params)[2], y_train)
test_prob = forward(X_test, params)[2]
accuracy = float(np.mean((test_prob > 0.5) == (y_test > 0.5)))

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
