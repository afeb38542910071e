# tiny keras-style framework I'm writing to understand how Sequential works
# task: is a point inside the ring of radius 1? (2 inputs -> 1 probability)
import numpy as np

np.random.seed(11)


class Dense:
    def __init__(self, units, activation=None):
        self.units = units
        self.activation = activation
        self.W = None

    def build(self, x):
        fan_in = x.shape[1]
        self.W = np.random.randn(fan_in, self.units) * np.sqrt(2.0 / fan_in)
        self.b = np.zeros((1, self.units))

    def forward(self, x):
        if self.W is None:
            self.build(x)
        self.x = x
        z = x @ self.W + self.b
        if self.activation == "relu":
            self.mask = z > 0
            return z * self.mask
        if self.activation == "sigmoid":
            self.out = 1 / (1 + np.exp(-z))
            return self.out
        return z

    def backward(self, grad):
        if self.activation == "relu":
            grad = grad * self.mask
        # sigmoid + binary crossentropy: the loss already hands back dL/dz
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class Sequential:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, y):
        p = np.clip(self.predict(x), 1e-9, 1 - 1e-9)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def fit(self, x, y, epochs=100, lr=0.1, validation_data=None, verbose=0):
        history = {"loss": [], "val_loss": []}
        for e in range(epochs):
            p = self.predict(x)
            grad = (p - y) / len(x)
            for layer in reversed(self.layers):
                grad = layer.backward(grad)
            for layer in self.layers:
                layer.step(lr)
            history["loss"].append(self.loss(x, y))
            if validation_data is not None:
                history["val_loss"].append(self.loss(*validation_data))
            if verbose and e % verbose == 0:
                print(f"epoch {e}: loss={history['loss'][-1]:.4f} val_loss={history['val_loss'][-1]:.4f}")
        return history


pts = np.random.uniform(-2, 2, size=(1000, 2))
inside = (np.sum(pts ** 2, axis=1) < 1.0).astype(float).reshape(-1, 1)
x_train, y_train = pts[:500], inside[:500]
x_val, y_val = pts[500:], inside[500:]

model = Sequential()
model.add(Dense(16, activation="relu"))
model.add(Dense(16, activation="relu"))
model.add(Dense(1, activation="sigmoid"))

print(f"first_loss={model.loss(x_val, y_val):.4f}")
hist = model.fit(x_train, y_train, epochs=800, lr=0.5, validation_data=(x_val, y_val), verbose=200)
print(f"train loss {hist['loss'][-1]:.4f}")
print(f"final_loss={hist['val_loss'][-1]:.4f}")
acc = np.mean((model.predict(x_val) > 0.5) == (y_val > 0.5))
print(f"accuracy={acc:.3f}")
