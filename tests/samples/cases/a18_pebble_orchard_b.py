# Three-arm spiral classifier: 2 -> 32 -> 32 -> 3 ReLU network, softmax, full-batch GD with 1/t lr decay
import numpy as np

rng = np.random.default_rng(2024)


def spiral(points_per_class, classes=3):
    X, y = [], []
    for k in range(classes):
        r = np.linspace(0.05, 1.0, points_per_class)
        angle = np.linspace(k * 4.0, k * 4.0 + 4.5, points_per_class) + rng.normal(0, 0.25, points_per_class)
        X.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
        y.append(np.full(points_per_class, k))
    return np.vstack(X), np.concatenate(y)


X, y = spiral(200)
perm = rng.permutation(len(y))
X, y = X[perm], y[perm]
X_tr, y_tr, X_te, y_te = X[:400], y[:400], X[400:], y[400:]
Y_tr = np.eye(3)[y_tr]


def layer(fan_in, fan_out):
    W = rng.normal(0, np.sqrt(2.0 * fan_in), (fan_in, fan_out))
    return W, np.zeros(fan_out)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(X, Y, epochs=400, lr0=0.5, decay=0.01):
    W1, b1 = layer(2, 32)
    W2, b2 = layer(32, 32)
    W3, b3 = layer(32, 3)
    n = len(X)
    history = []
    for epoch in range(epochs):
        lr = lr0 / (1 + decay * epoch)
        h1 = np.maximum(0, X @ W1 + b1)
        h2 = np.maximum(0, h1 @ W2 + b2)
        P = softmax(h2 @ W3 + b3)
        loss = -np.mean(np.sum(Y * np.log(P + 1e-12), axis=1))
        history.append(loss)

        d3 = (P - Y) / n
        d2 = (d3 @ W3.T) * (h2 > 0)
        d1 = (d2 @ W2.T) * (h1 > 0)
        W3 -= lr * h2.T @ d3
        b3 -= lr * d3.sum(axis=0)
        W2 -= lr * h1.T @ d2
        b2 -= lr * d2.sum(axis=0)
        W1 -= lr * X.T @ d1
        b1 -= lr * d1.sum(axis=0)
        if epoch % 100 == 0:
            print(f"epoch {epoch:3d}  lr={lr:.4f}  loss={loss:.4f}")
    return (W1, b1, W2, b2, W3, b3), history


params, history = train(X_tr, Y_tr)
W1, b1, W2, b2, W3, b3 = params
pred = np.argmax(np.maximum(0, np.maximum(0, X_te @ W1 + b1) @ W2 + b2) @ W3 + b3, axis=1)
print(f"first_loss={history[0]:.6g}")
print(f"final_loss={history[-1]:.6g}")
print(f"accuracy={np.mean(pred == y_te):.4f}")
