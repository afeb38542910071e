import numpy as np

ALPHA = 0.01


def leaky_relu(z):
    return np.where(z > 0, z, ALPHA * z)


def leaky_relu_grad(z):
    return np.where(z > 0, 1.0, ALPHA)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def make_blobs(rng, n_per_class=100):
    centers = np.array([[0, 3], [3, -2], [-3, -2], [0, 0]])
    X = np.vstack([c + rng.normal(0, 0.8, (n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(4), n_per_class)
    return X, y


def train(X, y, hidden=24, lr=0.2, epochs=800, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / 2), (2, hidden))
    b1 = np.full(hidden, -1.0)
    W2 = rng.normal(0, np.sqrt(1 / hidden), (hidden, 4))
    b2 = np.zeros(4)
    Y = np.eye(4)[y]
    losses = []
    for epoch in range(epochs):
        z1 = X @ W1 + b1
        a1 = leaky_relu(z1)
        P = softmax(a1 @ W2 + b2)
        losses.append(-np.mean(np.log(P[np.arange(len(y)), y] + 1e-12)))
        dz2 = (P - Y) / len(y)
        dz1 = dz2 @ W2.T * leaky_relu_grad(z1)
        W2 -= lr * a1.T @ dz2
        b2 -= lr * dz2.sum(0)
        W1 -= lr * X.T @ dz1
        b1 -= lr * dz1.sum(0)
    return (W1, b1, W2, b2), losses


rng = np.random.default_rng(1)
X, y = make_blobs(rng)
(W1, b1, W2, b2), losses = train(X, y)
P = softmax(leaky_relu(X @ W1 + b1) @ W2 + b2)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean(P.argmax(1) == y)}")
