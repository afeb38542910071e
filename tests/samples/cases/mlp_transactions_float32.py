# Two-layer network (2 -> 32 ReLU -> 3 softmax) in float32 that sorts card
# transactions into three categories from (standardized) amount and hour of day.
# Plain functions with np.dot. np.seterr turns floating-point problems into errors.
# Run: python mlp_transactions_float32.py
import numpy as np

np.seterr(divide="raise", over="raise", invalid="raise")


def make_transactions(n=300, seed=2):
    rng = np.random.RandomState(seed)
    amount = rng.lognormal(0.0, 1.5, n)
    hour = rng.randn(n)
    labels = np.where(np.log(amount) > 0.5, 2, np.where(hour > 0, 1, 0))
    X = np.column_stack([amount, hour])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype(np.float32), labels


def init_network(n_in, n_hidden, n_out, seed=1):
    rng = np.random.RandomState(seed)
    W1 = (rng.randn(n_in, n_hidden) * np.sqrt(2.0 / n_in)).astype(np.float32)
    b1 = np.zeros((1, n_hidden), dtype=np.float32)
    W2 = (rng.randn(n_hidden, n_out) * np.sqrt(2.0 / n_hidden)).astype(np.float32)
    b2 = np.zeros((1, n_out), dtype=np.float32)
    return W1, b1, W2, b2


def softmax(logits):
    e = np.exp(logits)
    return e / np.sum(e, axis=1, keepdims=True)


def train(X, labels, n_hidden=32, lr=0.5, epochs=500):
    n = X.shape[0]
    n_classes = labels.max() + 1
    Y = np.eye(n_classes, dtype=np.float32)[labels]
    W1, b1, W2, b2 = init_network(X.shape[1], n_hidden, n_classes)
    lr = np.float32(lr)
    for epoch in range(epochs):
        z1 = np.dot(X, W1) + b1
        a1 = np.maximum(z1, 0)
        logits = np.dot(a1, W2) + b2
        probs = softmax(logits)
        loss = -np.mean(np.sum(Y * np.log(probs + 1e-8), axis=1))

        d_logits = (probs - Y) / n
        dW2 = np.dot(a1.T, d_logits)
        db2 = np.sum(d_logits, axis=0, keepdims=True)
        d_a1 = np.dot(d_logits, W2.T)
        d_z1 = d_a1 * (z1 > 0)
        dW1 = np.dot(X.T, d_z1)
        db1 = np.sum(d_z1, axis=0, keepdims=True)

        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
        if epoch % 50 == 0:
            acc = np.mean(np.argmax(probs, axis=1) == labels)
            print(f"epoch {epoch} loss {loss:.4f} acc {acc:.3f}")
    return W1, b1, W2, b2


if __name__ == "__main__":
    X, labels = make_transactions()
    params = train(X, labels)
    print("done")
