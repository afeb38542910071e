# Sigmoid hidden layer + softmax output on a three-arm spiral, minibatch SGD written with einsum
import numpy as np

rng = np.random.default_rng(5)

k, per = 3, 200
pts, labels = [], []
for c in range(k):
    r = np.linspace(0.1, 1.0, per)
    ang = np.linspace(c * 2 * np.pi / k, c * 2 * np.pi / k + 3.0, per) + rng.normal(0, 0.12, per)
    pts.append(np.column_stack([r * np.sin(ang), r * np.cos(ang)]))
    labels.append(np.full(per, c))
X = np.concatenate(pts)
y = np.concatenate(labels)
X = (X - X.mean(0)) / X.std(0)
Y = np.eye(k)[y]
n = len(y)

hid = 40
W1 = rng.normal(0, 1.0, (2, hid))
b1 = np.zeros(hid)
W2 = rng.normal(0, 1.0 / np.sqrt(hid), (hid, k))
b2 = np.zeros(k)

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def predict(X):
    a = sigmoid(np.einsum("ni,ih->nh", X, W1) + b1)
    s = np.einsum("nh,hk->nk", a, W2) + b2
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)

def xent(P, Y):
    return -np.mean(np.sum(Y * np.log(P + 1e-12), axis=1))

lr = 1.0
bs = 50
first_loss = xent(predict(X), Y)
for epoch in range(300):
    perm = rng.permutation(n)
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        xb, yb = X[idx], Y[idx]
        z = np.einsum("ni,ih->nh", xb, W1) + b1
        a = sigmoid(z)
        s = np.einsum("nh,hk->nk", a, W2) + b2
        s = s - s.max(axis=1, keepdims=True)
        P = np.exp(s)
        P /= P.sum(axis=1, keepdims=True)
        ds = (P - yb) / len(idx)
        gW2 = np.einsum("nh,nk->hk", a, ds)
        gb2 = ds.sum(0)
        da = np.einsum("nk,hk->nh", ds, W2)
        dz = da * z * (1 - z)
        gW1 = np.einsum("ni,nh->ih", xb, dz)
        gb1 = dz.sum(0)
        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss={xent(predict(X), Y):.4f}")

P = predict(X)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={xent(P, Y):.6f}")
print(f"accuracy={np.mean(P.argmax(1) == y):.4f}")
