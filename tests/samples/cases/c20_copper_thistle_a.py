# Small ReLU network sorting 5x5 pixel patterns into bars and diagonals, minibatch SGD
import random
import numpy as np

random.seed(11)
rng = np.random.default_rng(11)

SIDE = 5


def make_pattern(kind):
    grid = [[random.uniform(0.0, 0.25) for _ in range(SIDE)] for _ in range(SIDE)]
    k = random.randrange(SIDE)
    for j in range(SIDE):
        if kind == 0:
            grid[k][j] = random.uniform(0.6, 1.0)
        elif kind == 1:
            grid[j][k] = random.uniform(0.6, 1.0)
        else:
            grid[j][j] = random.uniform(0.6, 1.0)
    return [v for row in grid for v in row]


samples = []
labels = []
for _ in range(600):
    kind = random.randrange(3)
    samples.append(make_pattern(kind))
    labels.append(kind)

n_in = SIDE * SIDE
n_hidden = 24
n_out = 3
limit1 = np.sqrt(6.0 / (n_in + n_hidden))
limit2 = np.sqrt(6.0 / (n_hidden + n_out))
W1 = (2 * rng.random((n_in, n_hidden)) - 1) * limit1
b1 = np.zeros(n_hidden)
W2 = (2 * rng.random((n_hidden, n_out)) - 1) * limit2
b2 = np.zeros(n_out)

lr = 0.1
batch = 32
epochs = 40


def predict(xb):
    h = np.maximum(0, xb @ W1 + b1)
    z = h @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return h, e / e.sum(axis=1, keepdims=True)


def full_loss():
    xs = np.array(samples)
    ys = np.array(labels)
    _, p = predict(xs)
    loss = -np.mean(np.log(p[np.arange(len(ys)), ys] + 1e-12))
    acc = np.mean(p.argmax(axis=1) == ys)
    return loss, acc


first_loss, _ = full_loss()
order = list(range(len(samples)))
for epoch in range(epochs):
    random.shuffle(order)
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        xb = np.array([samples[i] for i in idx])
        yb = np.array([labels[i] for i in idx])
        h, p = predict(xb)
        dz = p.copy()
        dz[np.arange(len(yb)), yb] -= 1
        dz /= len(yb)
        dW2 = h.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ W2.T
        dh[h <= 0] = 0
        dW1 = xb.T @ dh
        db1 = dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    if epoch % 10 == 0:
        loss, acc = full_loss()
        print(f"epoch {epoch:3d}  loss {loss:.4f}  acc {acc:.3f}")

final_loss, accuracy = full_loss()
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.3f}")
