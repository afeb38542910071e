# A single-neuron classifier (logistic-regression style) for two classes of
# 2-D points, labels 0/1, with a tanh output unit and a cross-entropy loss.
# Class-based, full-batch gradient descent.
# Run: python logreg_tanh_output.py
import numpy as np


class Neuron:
    def __init__(self, n_inputs, learning_rate=0.05, seed=1):
        rng = np.random.RandomState(seed)
        self.w = rng.randn(n_inputs, 1) * 0.1
        self.b = np.zeros((1, 1))
        self.learning_rate = learning_rate

    def activate(self, z):
        return np.tanh(z)

    def activate_grad(self, out):
        return 1 - out ** 2

    def forward(self, X):
        self.z = X @ self.w + self.b
        self.out = self.activate(self.z)
        return self.out

    def cost(self, out, y):
        return -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))

    def backward(self, X, y):
        m = X.shape[0]
        d_out = -y / self.out + (1 - y) / (1 - self.out)
        delta = d_out * self.activate_grad(self.out)
        self.dw = X.T @ delta / m
        self.db = np.sum(delta, axis=0, keepdims=True) / m

    def step(self):
        self.w -= self.learning_rate * self.dw
        self.b -= self.learning_rate * self.db

    def train(self, X, y, epochs=1000):
        for epoch in range(epochs):
            out = self.forward(X)
            cost = self.cost(out, y)
            self.backward(X, y)
            self.step()
            if epoch % 100 == 0:
                print("Epoch", epoch, "Loss:", cost)


rng = np.random.RandomState(0)
X = np.vstack([rng.randn(60, 2) + [1.5, 1.5], rng.randn(60, 2) - [1.5, 1.5]])
y = np.vstack([np.ones((60, 1)), np.zeros((60, 1))])
X = (X - X.mean(axis=0)) / X.std(axis=0)

model = Neuron(n_inputs=2)
model.train(X, y)
pred = model.forward(X) > 0.5
print("accuracy", np.mean(pred == y))
