# Spiral data with three arms, one hidden layer tanh network and softmax, minibatch SGD
import numpy as np


def make_spiral(n_per_class, n_classes, rng):
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.zeros(n_per_class * n_classes, dtype=int)
    for c in range(n_classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, 0.4, n_per_class)
        rows = slice(c * n_per_class, (c + 1) * n_per_class)
        X[rows] = np.column_stack([r * np.sin(t), r * np.cos(t)])
        y[rows] = c
    return X, y


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(params, X):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    probs = softmax(h @ W2 + b2)
    return h, probs


def cross_entropy(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y]))


def main():
    rng = np.random.default_rng(3)
    n_classes = 3
    X, y = make_spiral(200, n_classes, rng)
    perm = rng.permutation(len(y))
    X, y = X[perm], y[perm]
    X_tr, y_tr = X[:480], y[:480]
    X_te, y_te = X[480:], y[480:]

    hidden = 64
    W1 = rng.normal(0, 1.0, (2, hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, n_classes))
    b2 = np.zeros(n_classes)

    lr = 0.3
    batch = 32
    epochs = 150

    _, p0 = forward((W1, b1, W2, b2), X_tr)
    first_loss = cross_entropy(p0, y_tr)
    print(f"first_loss={first_loss:.6f}")

    for epoch in range(epochs):
        order = rng.permutation(len(y_tr))
        for start in range(0, len(order), batch):
            ib = order[start:start + batch]
            xb, yb = X_tr[ib], y_tr[ib]
            m = len(yb)

            h, probs = forward((W1, b1, W2, b2), xb)
            onehot = np.eye(n_classes)[yb]
            dz2 = probs - onehot
            dW2 = h.T @ dz2
            db2 = dz2.sum(axis=0)
            dh = dz2 @ W2.T
            dz1 = dh * (1 - h ** 2)
            dW1 = xb.T @ dz1
            db1 = dz1.sum(axis=0)

            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2

        if epoch % 30 == 0 or epoch == epochs - 1:
            _, p = forward((W1, b1, W2, b2), X_tr)
            print(f"epoch {epoch:3d}  loss {cross_entropy(p, y_tr):.4f}")

    _, p = forward((W1, b1, W2, b2), X_tr)
    print(f"final_loss={cross_entropy(p, y_tr):.6f}")
    _, p_te = forward((W1, b1, W2, b2), X_te)
    acc = np.mean(p_te.argmax(axis=1) == y_te)
    print(f"accuracy={acc:.4f}")


if __name__ == "__main__":
    main()
