# regression net for a made-up "engine temperature" signal from 3 sensor readings
# wrote a little Trainer class like keras has: history dict + callbacks after every epoch
import numpy as np

np.random.seed(7)

N = 400
X = np.random.uniform(-2.0, 2.0, size=(N, 3))
y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 - 0.3 * X[:, 2]
y = (y + 0.05 * np.random.randn(N)).reshape(-1, 1)


class TwoLayerNet:
    def __init__(self, n_in, n_hidden):
        self.W1 = np.random.randn(n_in, n_hidden) * np.sqrt(1.0 / n_in)
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, 1) * np.sqrt(1.0 / n_hidden)
        self.b2 = np.zeros(1)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def backward(self, dout):
        grads = {}
        grads["W2"] = self.h.T @ dout
        grads["b2"] = dout.sum(axis=0)
        dh = (dout @ self.W2.T) * (1 - self.h ** 2)
        grads["W1"] = self.X.T @ dh
        grads["b1"] = dh.sum(axis=0)
        return grads


class Trainer:
    def __init__(self, model, lr, momentum=0.9, callbacks=None):
        self.model = model
        self.lr = lr
        self.momentum = momentum
        self.callbacks = callbacks if callbacks is not None else []
        self.history = {"epoch": [], "loss": []}
        self.velocity = {}
        self.stop_training = False

    def evaluate(self, X, y):
        pred = self.model.forward(X)
        return float(np.mean((pred - y) ** 2))

    def train_step(self, xb, yb):
        pred = self.model.forward(xb)
        dout = 2.0 * (pred - yb) / len(xb)
        grads = self.model.backward(dout)
        for name, g in grads.items():
            v = self.velocity.get(name, np.zeros_like(g))
            v = self.momentum * v - self.lr * g
            self.velocity[name] = v
            setattr(self.model, name, getattr(self.model, name) + v)

    def fit(self, X, y, epochs=100, batch_size=32):
        for epoch in range(epochs):
            idx = np.random.permutation(len(X))
            for start in range(0, len(X), batch_size):
                b = idx[start:start + batch_size]
                self.train_step(X[b], y[b])
            self.history["epoch"].append(epoch)
            self.history["loss"].append(self.evaluate(X, y))
            for cb in self.callbacks:
                cb(self, epoch)
            if self.stop_training:
                print("stopping at epoch", epoch)
                break
        return self.history


# ---- callbacks ----
def print_progress(trainer, epoch):
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}  mse {trainer.history['loss'][-1]:.5f}")


def make_early_stopping(patience=15):
    best = {"loss": None, "wait": 0}

    def early_stopping(trainer, epoch):
        cur = trainer.history["loss"][-1]
        if best["loss"] is None or cur < best["loss"] - 1e-6:
            best["loss"] = cur
            best["wait"] = 0
        else:
            best["wait"] += 1
            if best["wait"] >= patience:
                trainer.stop_training = True

    return early_stopping


model = TwoLayerNet(3, 16)
trainer = Trainer(model, lr=1.0, momentum=0.9,
                  callbacks=[print_progress, make_early_stopping(patience=15)])

print(f"first_loss={trainer.evaluate(X, y):.5f}")
hist = trainer.fit(X, y, epochs=120, batch_size=32)
final = hist["loss"][-1]
print(f"final_loss={final:.5f}")
r2 = 1.0 - final / np.var(y)
print(f"r2={r2:.4f}")
