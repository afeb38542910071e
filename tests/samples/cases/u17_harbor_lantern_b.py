# Three-class spiral data, one hidden layer net with softmax output, full-batch gradient descent
import numpy as np

# %% settings
seed = 7
n_per_class = 120
n_classes = 3
hidden = 48
lr = 1.0
epochs = 400
print_every = 50

rng = np.random.default_rng(seed)
print("seed", seed, "classes", n_classes, "hidden", hidden)

# %% make the spiral data
points = []
labels = []
for c in range(n_classes):
    r = np.linspace(0.05, 1.0, n_per_class)
    t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, 0.2, n_per_class)
    xs = r * np.sin(t)
    ys = r * np.cos(t)
    points.append(np.stack([xs, ys], axis=1))
    labels.append(np.full(n_per_class, c))

X = np.concatenate(points, axis=0)
y = np.concatenate(labels, axis=0)
print("X shape", X.shape, "y shape", y.shape)
print("x range", X.min().round(3), X.max().round(3))

# %% shuffle and split
order = rng.permutation(len(X))
X = X[order]
y = y[order]
n_train = int(0.8 * len(X))
X_train, X_test = X[:n_train], X[n_train:]
y_train, y_test = y[:n_train], y[n_train:]
print("train", X_train.shape[0], "test", X_test.shape[0])

# %% one-hot targets
Y_train = np.zeros((len(y_train), n_classes))
Y_train[np.arange(len(y_train)), y_train] = 1.0
Y_test = np.zeros((len(y_test), n_classes))
Y_test[np.arange(len(y_test)), y_test] = 1.0
print("class counts", Y_train.sum(axis=0))

# %% parameters
W1 = rng.normal(0, 1.0, (2, hidden)) * np.sqrt(2.0 / 2)
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0, (hidden, n_classes)) * np.sqrt(1.0 / hidden)
b2 = np.zeros(n_classes)
print("W1", W1.shape, "W2", W2.shape)


# %% helpers
def relu(z):
    return np.maximum(z, 0.0)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(Xb):
    z1 = Xb @ W1 + b1
    a1 = relu(z1)
    z2 = a1 @ W2 + b2
    p = softmax(z2)
    return z1, a1, p


def cross_entropy(p, Yb):
    return -np.mean(np.sum(Yb * np.log(p + 1e-12), axis=1))


# %% check the starting loss
_, _, p0 = forward(X_train)
first_loss = cross_entropy(p0, Y_train)
print("starting loss", round(first_loss, 4), "(log 3 is", round(np.log(3), 4), ")")

# %% training loop
history = []
for epoch in range(epochs):
    z1, a1, p = forward(X_train)
    loss = cross_entropy(p, Y_train)
    history.append(loss)

    n = X_train.shape[0]
    dz2 = (p - Y_train) / n
    dW2 = a1.T @ dz2
    db2 = dz2.sum(axis=0)
    da1 = dz2 @ W2.T
    dz1 = da1 * (z1 > 0)
    dW1 = X_train.T @ dz1
    db1 = dz1.sum(axis=0)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if epoch % print_every == 0:
        acc = np.mean(p.argmax(axis=1) == y_train)
        print(f"epoch {epoch:4d} loss {loss:.4f} train acc {acc:.3f}")

# %% look at the loss curve in numbers
history = np.array(history)
print("loss at 0, 100, 200, 300:", np.round(history[[0, 100, 200, 300]], 4))
print("biggest single drop", np.round(np.max(history[:-1] - history[1:]), 5))

# %% evaluate
_, _, p_train = forward(X_train)
_, _, p_test = forward(X_test)
train_acc = np.mean(p_train.argmax(axis=1) == y_train)
test_acc = np.mean(p_test.argmax(axis=1) == y_test)
final_loss = cross_entropy(p_train, Y_train)
test_loss = cross_entropy(p_test, Y_test)
print("train acc", round(train_acc, 3), "test acc", round(test_acc, 3))

# %% confusion matrix on test
conf = np.zeros((n_classes, n_classes), dtype=int)
for t_, p_ in zip(y_test, p_test.argmax(axis=1)):
    conf[t_, p_] += 1
print("confusion (rows true, cols pred)")
print(conf)

# %% results
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"test_loss={test_loss:.4f}")
print(f"accuracy={test_acc:.4f}")
