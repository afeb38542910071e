# Two-layer network (256 -> 32 tanh -> 3 softmax) classifying noisy 16x16 image
# patches into three pattern classes. Minibatch SGD with nested epoch / batch
# loops on the softmax cross-entropy, inputs standardized per pixel.
# Run: python mlp_patches_minibatch.py
import numpy as np


def make_patches(n=300, n_classes=3, seed=4):
    rng = np.random.RandomState(seed)
    templates = rng.randn(n_classes, 256)
    y = np.repeat(np.arange(n_classes), n // n_classes)
    X = templates[y] * 0.5 + rng.randn(n, 256)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y


def init_weights(n_in, n_hidden, n_out, seed=0):
    rng = np.random.RandomState(seed)
    W1 = rng.randn(n_in, n_hidden)
    b1 = np.zeros(n_hidden)
    W2 = rng.randn(n_hidden, n_out)
    b2 = np.zeros(n_out)
    return W1, b1, W2, b2


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def evaluate(X, y, W1, b1, W2, b2):
    probs = softmax(np.tanh(X @ W1 + b1) @ W2 + b2)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))
    return loss, np.mean(probs.argmax(axis=1) == y)


X, y = make_patches()
W1, b1, W2, b2 = init_weights(256, 32, 3)
lr = 0.1
batch_size = 30
rng = np.random.RandomState(1)
Y = np.eye(3)[y]
for epoch in range(30):
    perm = rng.permutation(len(y))
    for i in range(0, len(y), batch_size):
        idx = perm[i:i + batch_size]
        xb, yb = X[idx], Y[idx]
        hidden = np.tanh(xb @ W1 + b1)
        probs = softmax(hidden @ W2 + b2)
        delta2 = (probs - yb) / len(idx)
        dW2 = hidden.T @ delta2
        db2 = delta2.sum(axis=0)
        delta1 = (delta2 @ W2.T) * (1 - hidden ** 2)
        dW1 = xb.T @ delta1
        db1 = delta1.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    if epoch % 3 == 0:
        loss, acc = evaluate(X, y, W1, b1, W2, b2)
        print(f"epoch {epoch:2d}  loss {loss:.4f}  acc {acc:.3f}")

loss, acc = evaluate(X, y, W1, b1, W2, b2)
print(f"final loss {loss:.4f} acc {acc:.3f}")
