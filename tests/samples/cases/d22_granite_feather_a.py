# Small tanh network with softmax output on three interleaved arcs, minibatch SGD with step decay of the learning rate
import numpy as np

rng = np.random.default_rng(3)


def arcs(n_per, rng):
    xs, ys = [], []
    for k in range(3):
        t = rng.uniform(0, np.pi, n_per)
        r = 1.0 + 0.5 * k
        pts = np.column_stack([r * np.cos(t + 0.7 * k), r * np.sin(t + 0.7 * k)])
        pts += rng.normal(0, 0.12, pts.shape)
        xs.append(pts)
        ys.append(np.full(n_per, k))
    return np.vstack(xs), np.concatenate(ys)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


X, y = arcs(300, rng)
perm = rng.permutation(len(y))
X, y = X[perm], y[perm]
X_tr, y_tr = X[:700], y[:700]
X_te, y_te = X[700:], y[700:]

m, s = X_tr.mean(0), X_tr.std(0)
X_tr = (X_tr - m) / s
X_te = (X_te - m) / s

n_in, n_hid, n_out = 2, 48, 3
W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hid))
b1 = np.zeros(n_hid)
W2 = rng.normal(0, 1 / np.sqrt(n_hid), (n_hid, n_out))
b2 = np.zeros(n_out)

Y_tr = np.eye(n_out)[y_tr]
lr0 = 0.3
batch = 32
epochs = 60


def full_loss(Xs, Ys):
    h = np.tanh(Xs @ W1 + b1)
    P = softmax(h @ W2 + b2)
    return -np.mean(np.sum(Ys * np.log(P + 1e-12), axis=1)), P


first_loss = full_loss(X_tr, Y_tr)[0]
for epoch in range(epochs):
    lr = lr0 * (0.5 ** (epoch // 20))  # halve every 20 epochs
    order = rng.permutation(len(X_tr))
    for start in range(0, len(order), batch):
        bi = order[start:start + batch]
        xb, yb = X_tr[bi], Y_tr[bi]
        h = np.tanh(xb @ W1 + b1)
        P = softmax(h @ W2 + b2)
        dlogits = (P - yb) / len(bi)
        gW2 = h.T @ dlogits
        gb2 = dlogits.sum(0)
        dh = dlogits @ W2.T
        dpre = dh * h * (1 - h)
        gW1 = xb.T @ dpre
        gb1 = dpre.sum(0)
        W2 -= lr * gW2
        b2 -= lr * gb2
        W1 -= lr * gW1
        b1 -= lr * gb1
    if epoch % 10 == 0:
        L, P = full_loss(X_tr, Y_tr)
        print(f"epoch {epoch:3d} lr {lr:.4f} loss {L:.4f} acc {np.mean(P.argmax(1) == y_tr):.3f}")

final_loss, P_tr = full_loss(X_tr, Y_tr)
h_te = np.tanh(X_te @ W1 + b1)
acc_te = np.mean(softmax(h_te @ W2 + b2).argmax(1) == y_te)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"train_accuracy={np.mean(P_tr.argmax(1) == y_tr):.4f}")
print(f"accuracy={acc_te:.4f}")
