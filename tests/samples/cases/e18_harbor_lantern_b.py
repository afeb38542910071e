# Small regression net with a fit() method, trained on a synthetic sensor dataset with a validation split
import numpy as np

rng = np.random.default_rng(7)

# ---- make some data: 6 sensor readings -> one output value
n = 1200
X = rng.normal(0, 1, size=(n, 6))
true_w = np.array([1.5, -2.0, 0.7, 0.0, 1.1, -0.4])
y = X @ true_w + 0.8 * np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] + rng.normal(0, 0.2, n)
y = y.reshape(-1, 1)

# split 80/20
idx = rng.permutation(n)
cut = int(0.8 * n)
X_train, y_train = X[idx[:cut]], y[idx[:cut]]
X_val, y_val = X[idx[cut:]], y[idx[cut:]]


class Dense:
    def __init__(self, n_in, n_out, activation=None, seed=0):
        r = np.random.default_rng(seed)
        self.W = r.normal(0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        self.b = np.zeros((1, n_out))
        self.activation = activation

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b
        if self.activation == "tanh":
            self.out = np.tanh(z)
        else:
            self.out = z
        return self.out

    def backward(self, grad):
        if self.activation == "tanh":
            grad = grad * (1 - self.out ** 2)
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T


class Model:
    def __init__(self, layers, lr=0.01):
        self.layers = layers
        self.lr = lr
        self.history = {"loss": [], "val_loss": []}

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def evaluate(self, x, y):
        p = self.predict(x)
        return float(np.mean((p - y) ** 2))

    def train_step(self, xb, yb):
        p = self.predict(xb)
        grad = 2 * (p - yb) / len(xb)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        for layer in self.layers:
            layer.W -= self.lr * layer.dW
            layer.b -= self.lr * layer.db

    def fit(self, X, y, epochs=10, batch_size=32, validation_data=None, verbose=True):
        order_rng = np.random.default_rng(123)
        for ep in range(epochs):
            perm = order_rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                b = perm[start:start + batch_size]
                self.train_step(X[b], y[b])
            loss = self.evaluate(X, y)
            self.history["loss"].append(loss)
            msg = f"epoch {ep + 1:3d}  loss {loss:.4f}"
            if validation_data is not None:
                vl = self.evaluate(*validation_data)
                self.history["val_loss"].append(vl)
                msg += f"  val_loss {vl:.4f}"
            if verbose and (ep % 5 == 0 or ep == epochs - 1):
                print(msg)
        return self.history


model = Model([
    Dense(6, 32, activation="tanh", seed=1),
    Dense(32, 16, activation="tanh", seed=2),
    Dense(16, 1, seed=3),
], lr=0.5)

first_loss = model.evaluate(X_train, y_train)
hist = model.fit(X_train, y_train, epochs=40, batch_size=32, validation_data=(X_val, y_val))

pred = model.predict(X_val)
ss_res = np.sum((y_val - pred) ** 2)
ss_tot = np.sum((y_val - y_val.mean()) ** 2)
r2 = 1 - ss_res / ss_tot

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={hist['loss'][-1]:.4f}")
print(f"val_loss={hist['val_loss'][-1]:.4f}")
print(f"r2={r2:.4f}")
