import numpy as np

# config
learning_rate = 0.5
num_epochs = 400
hidden_units = 10
seed = 17

rng = np.random.default_rng(seed)


def make_data(n=400):
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, y


def init(n_in, n_hidden):
    return {
        "W1": rng.normal(0, 1, (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "w2": rng.normal(0, 1 / np.sqrt(n_hidden), n_hidden),
        "b2": 0.0,
    }


def forward(p, X):
    h = np.tanh(X @ p["W1"] + p["b1"])
    out = 1 / (1 + np.exp(-(h @ p["w2"] + p["b2"])))
    return h, out


def bce(out, y):
    out = np.clip(out, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))


def train(p, X, y, epochs, lr=1e-4):
    n = len(y)
    losses = []
    for epoch in range(epochs):
        h, out = forward(p, X)
        losses.append(bce(out, y))
        d = (out - y) / n
        p["w2"] -= lr * h.T @ d
        p["b2"] -= lr * d.sum()
        dh = np.outer(d, p["w2"]) * (1 - h ** 2)
        p["W1"] -= lr * X.T @ dh
        p["b1"] -= lr * dh.sum(axis=0)
    return losses


X, y = make_data()
params = init(2, hidden_units)
losses = train(params, X, y, num_epochs, lr=learning_rate)
_, out = forward(params, X)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean((out > 0.5) == y)}")
