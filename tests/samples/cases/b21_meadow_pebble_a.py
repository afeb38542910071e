# Softmax classifier on tiny 8x8 stroke images (4 shapes), minibatches with early stopping on a held-out set
import numpy as np

rng = np.random.default_rng(2024)
SIDE = 8
N_CLASSES = 4


def draw(kind, rng):
    img = rng.integers(0, 60, size=(SIDE, SIDE))
    ink = rng.integers(150, 231, size=(SIDE, SIDE))
    r, c = rng.integers(1, SIDE - 1, size=2)
    mask = np.zeros((SIDE, SIDE), dtype=bool)
    if kind == 0:      # horizontal stroke
        mask[r, :] = True
    elif kind == 1:    # vertical stroke
        mask[:, c] = True
    elif kind == 2:    # diagonal
        mask[np.arange(SIDE), np.arange(SIDE)] = True
    else:              # cross
        mask[r, :] = True
        mask[:, c] = True
    img[mask] = ink[mask]
    return img.astype(np.uint8)


n = 1600
labels = rng.integers(0, N_CLASSES, size=n)
pixels = np.stack([draw(k, rng) for k in labels]).reshape(n, -1)

# scale pixels into 0..1
X = np.zeros_like(pixels)
X[:] = pixels / 255.0
X = X.astype(np.float32)
Y = np.eye(N_CLASSES, dtype=np.float32)[labels]

n_train, n_val = 1000, 300
X_train, Y_train = X[:n_train], Y[:n_train]
X_val, Y_val = X[n_train:n_train + n_val], Y[n_train:n_train + n_val]
X_test, y_test = X[n_train + n_val:], labels[n_train + n_val:]


def minibatches(X, Y, batch, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch):
        sel = order[i:i + batch]
        yield X[sel], Y[sel]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(P, Y):
    return float(-np.mean(np.sum(Y * np.log(P + 1e-9), axis=1)))


W = (rng.normal(size=(SIDE * SIDE, N_CLASSES)) * 0.01).astype(np.float32)
b = np.zeros(N_CLASSES, dtype=np.float32)

lr = 0.5
patience = 5
best_val = np.inf
best_W, best_b = W.copy(), b.copy()
bad_epochs = 0

first_loss = cross_entropy(softmax(X_train @ W + b), Y_train)
print(f"first_loss={first_loss:.4f}")

for epoch in range(100):
    for xb, yb in minibatches(X_train, Y_train, 32, rng):
        P = softmax(xb @ W + b)
        G = (P - yb) / len(xb)
        W -= lr * (xb.T @ G)
        b -= lr * G.sum(axis=0)
    if epoch % 3 == 0:
        val_loss = cross_entropy(softmax(X_val @ W + b), Y_val)
        print(f"epoch {epoch:3d} val_loss {val_loss:.4f}")
        if val_loss < best_val - 1e-4:
            best_val = val_loss
            best_W, best_b = W.copy(), b.copy()
            bad_epochs = 0
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                print(f"stopping at epoch {epoch}")
                break

W, b = best_W, best_b
final_loss = cross_entropy(softmax(X_train @ W + b), Y_train)
accuracy = float(np.mean(np.argmax(X_test @ W + b, axis=1) == y_test))
print(f"final_loss={final_loss:.4f}")
print(f"best_val_loss={best_val:.4f}")
print(f"accuracy={accuracy:.4f}")
