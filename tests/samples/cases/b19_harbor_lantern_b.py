# Softmax regression on small 8x8 glyph images (intensity 0-16), full-batch gradient descent
import numpy as np

rng = np.random.default_rng(11)

side = 8
d = side * side
k = 5

# one blocky template per glyph class
base = rng.random((k, side, side))
for _ in range(2):
    base = (base + np.roll(base, 1, axis=1) + np.roll(base, 1, axis=2)) / 3
templates = (base > np.median(base, axis=(1, 2), keepdims=True)) * 16.0

images = []
labels = []
for c in range(k):
    for i in range(80):
        img = np.roll(templates[c], rng.integers(-1, 2), axis=rng.integers(0, 2))
        img = img * rng.uniform(0.5, 1.0) + rng.normal(0, 6.0, (side, side))
        images.append(np.clip(np.round(img), 0, 16).ravel())
        labels.append(c)

# columns are images
X = np.array(images, dtype=np.float32).T
y = np.array(labels)

perm = rng.permutation(X.shape[1])
X = X[:, perm]
y = y[perm]

n_train = 300
X_train, X_test = X[:, :n_train], X[:, n_train:]
y_train, y_test = y[:n_train], y[n_train:]

Y_train = np.zeros((k, n_train), dtype=np.float32)
Y_train[y_train, np.arange(n_train)] = 1.0

W = (0.01 * rng.standard_normal((k, d))).astype(np.float32)
b = np.zeros((k, 1), dtype=np.float32)

lr = np.float32(0.1)
epochs = 200


def softmax(scores):
    e = np.exp(scores - scores.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def xent(probs, labels):
    return float(-np.mean(np.log(probs[labels, np.arange(labels.size)] + 1e-12)))


first_loss = None
for epoch in range(epochs):
    scores = W @ X_train + b
    probs = softmax(scores)
    loss = xent(probs, y_train)
    if first_loss is None:
        first_loss = loss

    delta = (probs - Y_train) / n_train
    W -= lr * (delta @ X_train.T)
    b -= lr * delta.sum(axis=1, keepdims=True)

    if epoch % 40 == 0:
        print(f"epoch {epoch:3d}  loss {loss:.4f}")

final_loss = xent(softmax(W @ X_train + b), y_train)
test_pred = np.argmax(W @ X_test + b, axis=0)
accuracy = float(np.mean(test_pred == y_test))

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
