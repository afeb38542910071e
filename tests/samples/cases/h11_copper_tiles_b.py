# 3-arm spiral, tiny layer-object framework, samples are columns
import numpy as np

rng = np.random.default_rng(2024)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.full((n_out, n_in), 0.1, dtype=np.float32)
        self.b = np.zeros((n_out, 1), dtype=np.float32)
        self.vW = np.zeros_like(self.W)
        self.vb = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return self.W @ x + self.b

    def backward(self, grad):
        self.dW = grad @ self.x.T
        self.db = grad.sum(axis=1, keepdims=True)
        return self.W.T @ grad

    def update(self, lr, momentum):
        self.vW = momentum * self.vW - lr * self.dW
        self.vb = momentum * self.vb - lr * self.db
        self.W += self.vW
        self.b += self.vb


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


def softmax_cols(z):
    z = z - z.max(axis=0, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def cross_entropy(P, labels):
    n = labels.shape[0]
    return float(-np.mean(np.log(P[labels, np.arange(n)] + 1e-7)))


# spiral data
per_class, K = 150, 3
pts, labels = [], []
for k in range(K):
    r = np.linspace(0.05, 1.0, per_class)
    t = np.linspace(k * 4.2, (k + 1) * 4.2, per_class) + rng.normal(0, 0.2, per_class)
    pts.append(np.vstack([r * np.sin(t), r * np.cos(t)]))
    labels.append(np.full(per_class, k))
X = np.hstack(pts).astype(np.float32)          # (2, 450)
labels = np.concatenate(labels)
N = X.shape[1]
T = np.eye(K, dtype=np.float32)[:, labels]     # one-hot columns

layers = [Dense(2, 64), ReLU(), Dense(64, 64), ReLU(), Dense(64, K)]


def predict(X):
    out = X
    for layer in layers:
        out = layer.forward(out)
    return softmax_cols(out)


print(f"first_loss={cross_entropy(predict(X), labels):.5f}")

lr, momentum, batch = np.float32(0.05), np.float32(0.9), 45
for epoch in range(120):
    order = rng.permutation(N)
    for s in range(0, N, batch):
        cols = order[s:s + batch]
        P = predict(X[:, cols])
        grad = (P - T[:, cols]) / len(cols)
        for layer in reversed(layers):
            grad = layer.backward(grad)
        for layer in layers:
            if isinstance(layer, Dense):
                layer.update(lr, momentum)
    if epoch % 20 == 0:
        print(f"epoch {epoch}  loss {cross_entropy(predict(X), labels):.5f}")

P = predict(X)
print(f"final_loss={cross_entropy(P, labels):.5f}")
print(f"accuracy={np.mean(P.argmax(axis=0) == labels):.3f}")
