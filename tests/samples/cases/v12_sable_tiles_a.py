# Small digit-style recogniser for 8x8 tiles.
"""Small digit-style recogniser for 8x8 tiles.

Each tile is one of five stroke shapes, nudged by a pixel or so and covered in noise.
The model is a one-hidden-layer net (64 -> 32 tanh -> 5 softmax) trained with minibatch SGD.
"""
import numpy as np

SHAPES = ["bar |", "bar -", "slash", "backslash", "ring"]


def make_tiles(n_per_shape, seed=0):
    rng = np.random.default_rng(seed)
    base = np.zeros((5, 8, 8))
    base[0, 1:7, 3:5] = 1.0
    base[1, 3:5, 1:7] = 1.0
    base[2] = np.fliplr(np.eye(8))
    base[3] = np.eye(8)
    base[4, 1, 1:7] = base[4, 6, 1:7] = 1.0
    base[4, 1:7, 1] = base[4, 1:7, 6] = 1.0

    images, labels = [], []
    for k in range(5):
        for _ in range(n_per_shape):
            dy, dx = rng.integers(-1, 2, size=2)
            img = np.roll(np.roll(base[k], dy, axis=0), dx, axis=1)
            img = img + rng.normal(0.0, 0.4, size=(8, 8))
            images.append(img.reshape(-1))
            labels.append(k)
    X = np.array(images)
    y = np.array(labels)
    order = rng.permutation(len(y))
    return X[order], y[order]


class Model:
    def __init__(self, n_in, n_hidden, n_out, lr=0.1, seed=1):
        rng = np.random.default_rng(seed)
        self.W1 = rng.standard_normal((n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.standard_normal((n_hidden, n_out))
        self.b2 = np.zeros(n_out)
        self.lr = lr
        self.n_out = n_out

    def _forward(self, X):
        H = np.tanh(X @ self.W1 + self.b1)
        scores = H @ self.W2 + self.b2
        scores = scores - scores.max(axis=1, keepdims=True)
        P = np.exp(scores)
        P /= P.sum(axis=1, keepdims=True)
        return H, P

    def loss(self, X, y):
        _, P = self._forward(X)
        return -np.mean(np.log(P[np.arange(len(y)), y]))

    def fit(self, X, y, epochs=20, batch_size=32, seed=2):
        rng = np.random.default_rng(seed)
        Y = np.eye(self.n_out)[y]
        for epoch in range(epochs):
            idx = rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                b = idx[start:start + batch_size]
                H, P = self._forward(X[b])
                dS = (P - Y[b]) / len(b)
                dW2 = H.T @ dS
                db2 = dS.sum(axis=0)
                dH = (dS @ self.W2.T) * (1 - H ** 2)
                dW1 = X[b].T @ dH
                db1 = dH.sum(axis=0)
                self.W1 -= self.lr * dW1
                self.b1 -= self.lr * db1
                self.W2 -= self.lr * dW2
                self.b2 -= self.lr * db2
            if epoch % 3 == 2:
                print(f"epoch {epoch + 1:2d}  loss {self.loss(X, y):.4f}")
        return self

    def predict(self, X):
        return self._forward(X)[1].argmax(axis=1)


def main():
    X, y = make_tiles(160)
    X_test, y_test = make_tiles(30, seed=7)
    print("train", X.shape, "test", X_test.shape, "shapes:", SHAPES)
    model = Model(64, 32, 5, lr=0.1)
    print(f"first_loss={model.loss(X, y):.4f}")
    model.fit(X, y, epochs=15)
    print(f"final_loss={model.loss(X, y):.4f}")
    print(f"held-out cross-entropy {model.loss(X_test, y_test):.4f}")
    print(f"accuracy={np.mean(model.predict(X_test) == y_test):.3f}")


if __name__ == '__main__':
    main()
