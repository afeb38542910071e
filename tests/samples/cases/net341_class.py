# A 3-4-1 neural network (Leaky ReLU hidden layer, sigmoid output) trained on the
# seven 3-bit patterns of the classic tutorial, with biases on both layers and
# the cross-entropy gradient simplified to (a - y). Class-based.
# Run: python net341_class.py
import numpy as np


class NeuralNetwork:
    def __init__(self, seed=1):
        rng = np.random.RandomState(seed)
        self.w_ij = 2 * rng.rand(3, 4) - 1
        self.b_j = np.zeros((1, 4))
        self.w_jk = 2 * rng.rand(4, 1) - 1
        self.b_k = np.zeros((1, 1))

    def leaky_relu(self, x, alpha=0.01):
        return np.where(x > 0, x, alpha * x)

    def leaky_relu_derivative(self, x, alpha=0.01):
        return np.where(x > 0, 1.0, alpha)

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def feedforward(self, x):
        z_ij = np.dot(x, self.w_ij) + self.b_j
        a_ij = self.leaky_relu(z_ij)
        z_jk = np.dot(a_ij, self.w_jk) + self.b_k
        a_jk = self.sigmoid(z_jk)
        return z_ij, a_ij, z_jk, a_jk

    def train(self, x, y, learning_rate, iterations):
        m = x.shape[0]
        for i in range(iterations):
            z_ij, a_ij, z_jk, a_jk = self.feedforward(x)
            delta_k = (a_jk - y) / m
            delta_j = np.dot(delta_k, self.w_jk.T) * self.leaky_relu_derivative(z_ij)
            self.w_jk -= learning_rate * np.dot(a_ij.T, delta_k)
            self.b_k -= learning_rate * delta_k.sum(axis=0, keepdims=True)
            self.w_ij -= learning_rate * np.dot(x.T, delta_j)
            self.b_j -= learning_rate * delta_j.sum(axis=0, keepdims=True)
            if i % 150 == 0:
                loss = -np.mean(y * np.log(a_jk) + (1 - y) * np.log(1 - a_jk))
                print("iteration", i, "loss", loss)

    def predict(self, x):
        return self.feedforward(x)[3]


x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
nn = NeuralNetwork()
nn.train(x, y, learning_rate=0.1, iterations=1500)
out = nn.predict(x)
print("outputs:", out.ravel().round(3))
print("accuracy", np.mean((out > 0.5) == y))
print("Considering new situation [1, 1, 0] -> ?:", nn.predict(np.array([[1, 1, 0]])).ravel())
