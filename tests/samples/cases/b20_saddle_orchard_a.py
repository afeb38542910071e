# Softmax classifier on 8x8 grayscale glyph images (0-255), einsum scoring, full-batch GD
import numpy as np

rng = np.random.default_rng(5)

K, S = 5, 8
shapes = np.zeros((K, S, S))
shapes[0, :, 3:5] = 1                      # vertical bar
shapes[1, 3:5, :] = 1                      # horizontal bar
shapes[2][np.eye(S, dtype=bool)] = 1       # diagonal
shapes[3, 2:6, 2:6] = 1                    # ring
shapes[3, 3:5, 3:5] = 0
shapes[4, :, :] = np.add.outer(np.arange(S), np.arange(S)) % 4 == 0   # stripes


def make_images(count):
    labels = rng.integers(0, K, count)
    ink = rng.uniform(120, 255, (count, 1, 1))
    imgs = shapes[labels] * ink + rng.normal(60, 35, (count, S, S))
    for i in range(count):
        imgs[i] = np.roll(imgs[i], rng.integers(-1, 2, 2), axis=(0, 1))
    return np.clip(imgs, 0, 255), labels


X_tr, lab_tr = make_images(800)
X_te, lab_te = make_images(400)
Y_tr = np.eye(K)[lab_tr]

W = np.zeros((K, S, S))
b = np.zeros(K)


def predict_proba(X):
    scores = np.einsum('nij,kij->nk', X, W) + b
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


lr = 0.005
n = len(X_tr)
first_loss = None
for step in range(400):
    P = predict_proba(X_tr)
    loss = -np.mean(np.log(P[np.arange(n), lab_tr] + 1e-12))
    if first_loss is None:
        first_loss = loss
    G = (P - Y_tr) / n
    W -= lr * np.einsum('nk,nij->kij', G, X_tr)
    b -= lr * G.sum(axis=0)
    if step % 100 == 0:
        print(f"step {step} loss {loss:.4f}")

train_acc = np.mean(predict_proba(X_tr).argmax(axis=1) == lab_tr)
acc = np.mean(predict_proba(X_te).argmax(axis=1) == lab_te)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"train_accuracy={train_acc:.3f}")
print(f"accuracy={acc:.3f}")
