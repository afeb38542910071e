# Calibrating a temperature sensor: linear regression from four standardized raw
# channel readings to the reference temperature, 2000 samples, full-batch
# gradient descent on the squared error. Class-based.
# Run: python linreg_sensor_class.py
import numpy as np


class LinearModel:
    def __init__(self, n_features, lr=0.01):
        self.W = np.zeros(n_features)
        self.b = 0.0
        self.lr = lr

    def predict(self, X):
        return X.dot(self.W) + self.b

    def loss(self, X, y):
        return np.mean((self.predict(X) - y) ** 2)

    def gradients(self, X, y):
        residual = self.predict(X) - y
        dW = X.T.dot(residual)
        db = residual.sum()
        return dW, db

    def fit(self, X, y, epochs=200):
        for epoch in range(epochs):
            dW, db = self.gradients(X, y)
            self.W = self.W - self.lr * dW
            self.b = self.b - self.lr * db
            if epoch % 20 == 0:
                print("epoch {:3d}  loss {:.4f}".format(epoch, self.loss(X, y)))


rng = np.random.RandomState(11)
n = 2000
raw = rng.randn(n, 4) * [3.0, 0.5, 1.2, 2.0] + [20.0, 1.0, -3.0, 0.0]
true_w = np.array([0.8, -2.0, 1.5, 0.3])
temperature = raw @ true_w + 4.0 + rng.randn(n) * 0.2

X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
model = LinearModel(n_features=4, lr=0.01)
model.fit(X, temperature)
print("learned W", model.W, "b", model.b)
print("final loss", model.loss(X, temperature))
