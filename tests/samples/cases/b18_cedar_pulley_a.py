# Softmax classifier on four Gaussian blobs, minibatch SGD with weight decay
import numpy as np

rng = np.random.default_rng(3)

centers = np.array([[2.0, 2.0], [-2.0, 2.0], [-2.0, -2.0], [2.0, -2.0]])
per_blob = 250
X = np.vstack([c + rng.normal(0, 1.1, (per_blob, 2)) for c in centers])
y = np.repeat(np.arange(4), per_blob)
order = rng.permutation(len(X))
X, y = X[order], y[order]
X_train, y_train = X[:800], y[:800]
X_val, y_val = X[800:], y[800:]


class SoftmaxModel:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, 0.01, (n_in, n_out))
        self.b = np.zeros(n_out)

    def __call__(self, X):
        logits = X @ self.W + self.b
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def parameters(self):
        return [self.W, self.b]

    def gradients(self, X, probs, y):
        d = probs.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        return [X.T @ d, d.sum(axis=0)]


class Optimizer:
    def __init__(self, lr=0.1, weight_decay=1e-4):
        self.lr = lr
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for p, g in zip(params, grads):
            g = g + self.weight_decay * p
            p = p - self.lr * g


def cross_entropy(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))


model = SoftmaxModel(2, 4)
opt = Optimizer(lr=0.1)
batch = 32
losses = []

for epoch in range(20):
    perm = rng.permutation(len(X_train))
    for i in range(0, len(X_train), batch):
        idx = perm[i:i + batch]
        probs = model(X_train[idx])
        losses.append(cross_entropy(probs, y_train[idx]))
        opt.step(model.parameters(), model.gradients(X_train[idx], probs, y_train[idx]))
    val_probs = model(X_val)
    val_acc = np.mean(val_probs.argmax(axis=1) == y_val)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  train_loss {np.mean(losses[-25:]):.4f}  val_acc {val_acc:.3f}")

train_probs = model(X_train)
print(f"first_loss={losses[0]:.6f}")
print(f"final_loss={cross_entropy(train_probs, y_train):.6f}")
print(f"accuracy={np.mean(model(X_val).argmax(axis=1) == y_val):.4f}")
