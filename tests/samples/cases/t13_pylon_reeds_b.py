# small neural net "framework" written from scratch to understand backprop
# fits a wavy 2D surface:  y = sin(2*x1) + 0.5*x2**2 + noise
import numpy as np

np.random.seed(3)


class Layer:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def params(self):
        return []


class Dense(Layer):
    def __init__(self, n_in, n_out):
        # xavier-ish init
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros(n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def params(self):
        return [(self.W, self.dW, "W"), (self.b, self.db, "b")]


class Activation(Layer):
    pass


class Tanh(Activation):
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out ** 2)


class Model:
    def __init__(self, layers):
        self.layers = layers
        self.velocity = {}

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, y):
        return np.mean((self.predict(x) - y) ** 2)

    def fit(self, X, y, epochs=10, lr=0.01, momentum=0.9, batch_size=32):
        n = X.shape[0]
        for epoch in range(epochs):
            idx = np.random.permutation(n)
            for start in range(0, n, batch_size):
                bi = idx[start:start + batch_size]
                xb, yb = X[bi], y[bi]
                out = self.predict(xb)
                grad = 2 * (out - yb) / len(bi)
                for layer in reversed(self.layers):
                    grad = layer.backward(grad)
                # sgd with momentum
                for i, layer in enumerate(self.layers):
                    for p, g, name in layer.params():
                        key = (i, name)
                        v = self.velocity.get(key, np.zeros_like(p))
                        v = momentum * v - lr * g
                        self.velocity[key] = v
                        p += v
            if epoch % 10 == 0 or epoch == epochs - 1:
                print(f"epoch {epoch:3d}  mse {self.loss(X, y):.5f}")


# ---- data ----
N = 800
X = np.random.uniform(-2, 2, size=(N, 2))
y = (np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] ** 2 + 0.1 * np.random.randn(N)).reshape(-1, 1)

model = Model([Dense(2, 32), Tanh(), Dense(32, 32), Tanh(), Dense(32, 1)])

print(f"first_loss={model.loss(X, y):.5f}")
model.fit(X, y, epochs=60, lr=0.005, momentum=0.9, batch_size=32)
final = model.loss(X, y)
print(f"final_loss={final:.5f}")

pred = model.predict(X)
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"r2={r2:.4f}")
