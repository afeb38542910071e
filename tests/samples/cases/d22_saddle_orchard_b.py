# Softmax regression on four classes of correlated gaussian features, gradient descent with a decaying step size
import numpy as np


def make_data(n, rng):
    # class means sit close together, features share a strong common component
    means = np.array([[0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                      [1.2, -0.8, 0.5, 0.0, 0.3, -0.2],
                      [-0.6, 1.0, 0.9, -0.7, 0.0, 0.4],
                      [0.4, 0.6, -1.1, 0.8, -0.5, 0.0]])
    mix = rng.normal(0, 1, (6, 6)) + 1.5 * np.eye(6)
    y = rng.integers(0, 4, n)
    X = means[y] + rng.normal(0, 1, (n, 6)) @ mix * 0.5
    return X, y


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(P, Y):
    return -np.mean(np.sum(Y * np.log(np.clip(P, 1e-12, None)), axis=1))


def train(X, y, n_classes, lr=1.0, epochs=250, decay=0.02):
    n, d = X.shape
    Y = np.eye(n_classes)[y]
    W = np.zeros((d, n_classes))
    b = np.zeros(n_classes)
    history = {"loss": [], "acc": [], "lr": []}
    for epoch in range(epochs):
        P = softmax(X @ W + b)
        step = lr / (1.0 + decay * epoch)
        history["loss"].append(cross_entropy(P, Y))
        history["acc"].append(np.mean(P.argmax(axis=1) == y))
        history["lr"].append(step)
        G = (P - Y) / n
        W -= step * (X.T @ G)
        b -= step * G.sum(axis=0)
        if epoch % 50 == 0:
            print(f"epoch {epoch}: loss={history['loss'][-1]:.4f} step={step:.3f}")
    return W, b, history


if __name__ == "__main__":
    rng = np.random.default_rng(11)
    X, y = make_data(1500, rng)
    X_train, y_train = X[:1100], y[:1100]
    X_test, y_test = X[1100:], y[1100:]

    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0)
    X_train = (X_train - mu) / sd
    X_test = (X_test - mu) / sd

    W, b, history = train(X_train, y_train, n_classes=4)
    test_acc = np.mean(softmax(X_test @ W + b).argmax(axis=1) == y_test)
    print(f"first_loss={history['loss'][0]:.4f}")
    print(f"final_loss={history['loss'][-1]:.4f}")
    print(f"train_accuracy={history['acc'][-1]:.4f}")
    print(f"accuracy={test_acc:.4f}")
