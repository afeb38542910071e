# Tanh network with one hidden layer on a 40-feature two-class problem, float32, full-batch gradient descent
import numpy as np


def make_data(n, d, rng):
    # two gaussian blobs that overlap a little, label depends on a hidden direction
    direction = rng.standard_normal(d).astype(np.float32)
    direction /= np.linalg.norm(direction)
    X = rng.standard_normal((n, d)).astype(np.float32)
    score = X @ direction + 0.6 * np.sin(2.0 * X[:, 0]) + 0.3 * rng.standard_normal(n).astype(np.float32)
    y = (score > 0).astype(np.float32).reshape(-1, 1)
    return X, y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def train(X, y, hidden=32, lr=0.5, epochs=300, seed=1):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    W1 = rng.normal(0, 5.0, size=(d, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    W2 = rng.normal(0, 5.0, size=(hidden, 1)).astype(np.float32)
    b2 = np.zeros(1, dtype=np.float32)

    history = {"loss": [], "acc": []}
    for epoch in range(epochs):
        h = np.tanh(X @ W1 + b1)
        p = sigmoid(h @ W2 + b2)
        loss = -np.mean(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))
        acc = np.mean((p > 0.5) == (y > 0.5))
        history["loss"].append(float(loss))
        history["acc"].append(float(acc))

        dz2 = (p - y) / n
        dW2 = h.T @ dz2
        db2 = dz2.sum(axis=0)
        dh = dz2 @ W2.T
        dz1 = dh * (1 - h ** 2)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0)

        W1 -= np.float32(lr) * dW1
        b1 -= np.float32(lr) * db1
        W2 -= np.float32(lr) * dW2
        b2 -= np.float32(lr) * db2

        if epoch % 50 == 0:
            print(f"epoch {epoch:4d}  loss {loss:.4f}  acc {acc:.3f}")

    params = (W1, b1, W2, b2)
    return params, history


def predict(params, X):
    W1, b1, W2, b2 = params
    return sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X, y = make_data(1200, 40, rng)
    X_train, y_train = X[:900], y[:900]
    X_test, y_test = X[900:], y[900:]

    params, history = train(X_train, y_train)
    p_test = predict(params, X_test)
    test_acc = np.mean((p_test > 0.5) == (y_test > 0.5))

    print(f"first_loss={history['loss'][0]:.4f}")
    print(f"final_loss={history['loss'][-1]:.4f}")
    print(f"train_accuracy={history['acc'][-1]:.4f}")
    print(f"accuracy={test_acc:.4f}")
    print(f"dtype={params[0].dtype}")
