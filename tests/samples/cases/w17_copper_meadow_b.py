# Softmax regression on three gaussian blobs, momentum SGD with early stopping on a validation split
import numpy as np

rng = np.random.default_rng(3)

centers = np.array([[0.0, 2.0, 0.5, -1.0],
                    [2.0, -1.0, 0.0, 1.0],
                    [-2.0, -1.0, -0.5, 0.0]])
rows = []
for label, c in enumerate(centers):
    pts = c + rng.normal(0, 1.1, (200, 4))
    rows.append(np.hstack([pts, np.full((200, 1), label)]))
data = np.vstack(rows)
rng.shuffle(data)

X = data[:, :-1]
y = data[:, -1].astype(int)
X = (X - X.mean(axis=0)) / X.std(axis=0)

X_train, y_train = X[:450], y[:450]
X_val, y_val = X[450:], y[450:]
n_classes = 3


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(p, labels):
    return -np.mean(np.log(p[np.arange(len(p)), labels] + 1e-12))


params = {
    'W': rng.normal(0, 0.01, (4, n_classes)),
    'b': np.zeros(n_classes),
    'vW': np.zeros((4, n_classes)),
    'vb': np.zeros(n_classes),
}

lr = 0.05
mu = 0.9
batch = 30
patience = 5
best_val = np.inf
best_W, best_b = params['W'].copy(), params['b'].copy()
wait = 0
first_loss = cross_entropy(softmax(X_train @ params['W'] + params['b']), y_train)

for epoch in range(200):
    order = rng.permutation(len(X_train))
    for start in range(0, len(X_train), batch):
        idx = order[start:start + batch]
        xb, yb = X_train[idx], y_train[idx]
        p = softmax(xb @ params['W'] + params['b'])
        grad = p.copy()
        grad[np.arange(len(xb)), yb] -= 1
        grad /= len(xb)
        gW = xb.T @ grad
        gb = grad.sum(axis=0)
        params['vW'] = mu * params['vW'] - lr * gW
        params['vb'] = mu * params['vb'] - lr * gb
        params['W'] += params['vW']
        params['b'] += params['vb']

    val_loss = cross_entropy(softmax(X_val @ params['W'] + params['b']), y_val)
    if val_loss < best_val - 1e-4:
        best_val = val_loss
        best_W, best_b = params['W'].copy(), params['b'].copy()
        wait = 0
    else:
        wait += 1
        if wait >= patience:
            print(f"stopping at epoch {epoch}")
            break
    if epoch % 5 == 0:
        print(f"epoch {epoch} val_loss {val_loss:.4f}")

params['W'], params['b'] = best_W, best_b
train_loss = cross_entropy(softmax(X_train @ params['W'] + params['b']), y_train)
pred = np.argmax(softmax(X_val @ params['W'] + params['b']), axis=1)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={train_loss:.4f}")
print(f"best_val_loss={best_val:.4f}")
print(f"accuracy={np.mean(pred == y_val):.4f}")
