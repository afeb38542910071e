# Two-layer tanh network on three interleaved spirals, shuffled minibatch SGD
import numpy as np

rng = np.random.default_rng(21)

# three spiral arms, 300 points each
pts_per_class = 300
n_classes = 3
X = np.zeros((pts_per_class * n_classes, 2))
labels = np.zeros(pts_per_class * n_classes, dtype=int)
for c in range(n_classes):
    r = np.linspace(0.05, 1.0, pts_per_class)
    t = np.linspace(c * 4.2, (c + 1) * 4.2, pts_per_class) + rng.normal(0, 0.2, pts_per_class)
    rows = slice(c * pts_per_class, (c + 1) * pts_per_class)
    X[rows] = np.column_stack([r * np.sin(t), r * np.cos(t)])
    labels[rows] = c
Y = np.eye(n_classes)[labels]
N = X.shape[0]

hidden = 64
W1 = rng.normal(0, 1.0, (2, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, n_classes))
b2 = np.zeros(n_classes)

lr = 0.5
batch_size = 128
epochs = 150
history = {"step": [], "loss": [], "acc": []}


def forward(xb):
    h = np.tanh(xb @ W1 + b1)
    z = h @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return h, logp


step = 0
for epoch in range(epochs):
    perm = rng.permutation(N)
    for start in range(0, N, batch_size):
        idx = perm[start:start + batch_size]
        xb, yb = X[idx], Y[idx]

        h, logp = forward(xb)
        loss = -np.mean(np.sum(yb * logp, axis=1))
        if step % 20 == 0:
            _, lp_all = forward(X)
            history["step"].append(step)
            history["loss"].append(-np.mean(np.sum(Y * lp_all, axis=1)))
            history["acc"].append(np.mean(lp_all.argmax(axis=1) == labels))

        # backprop
        dz = np.exp(logp) - yb
        dW2 = h.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ W2.T * (1 - h ** 2)
        dW1 = xb.T @ dh
        db1 = dh.sum(axis=0)

        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2

        step += 1
    if epoch % 30 == 0:
        print(f"epoch {epoch:3d}  loss {history['loss'][-1]:.4f}  acc {history['acc'][-1]:.3f}")

_, lp_all = forward(X)
final_loss = -np.mean(np.sum(Y * lp_all, axis=1))
accuracy = np.mean(lp_all.argmax(axis=1) == labels)
print(f"first_loss={history['loss'][0]:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
