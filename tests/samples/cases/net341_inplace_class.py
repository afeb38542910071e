# 3-4-1 network class (Leaky ReLU hidden layer, sigmoid output, biases) trained
# on the seven 3-bit patterns of the classic tutorial, with the cross-entropy
# gradient simplified to (a - y). Backpropagation written layer by layer.
# Run: python net341_inplace_class.py
import numpy as np


class ANN:
    def __init__(self):
        np.random.seed(1)
        self.w_ij = 2 * np.random.rand(3, 4) - 1
        self.b_ij = np.zeros((1, 4))
        self.w_jk = 2 * np.random.rand(4, 1) - 1
        self.b_jk = np.zeros((1, 1))

    def LeakyReLU(self, x):
        return np.where(x > 0, x, x * 0.01)

    def LeakyReLUDerivative(self, x, alpha=0.01):
        x[x > 0] = 1
        x[x <= 0] = alpha
        return x

    def Sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def train(self, x, y, learning_rate, iterations):
        n = len(x)
        for i in range(iterations):
            z_ij = np.dot(x, self.w_ij) + self.b_ij
            a_ij = self.LeakyReLU(z_ij)
            z_jk = np.dot(a_ij, self.w_jk) + self.b_jk
            a_jk = self.Sigmoid(z_jk)
            # output layer error (cross-entropy + sigmoid)
            delta_jk = (a_jk - y) / n
            # hidden layer error
            delta_ij = np.dot(delta_jk, self.w_jk.T) * self.LeakyReLUDerivative(a_ij)
            gradient_jk = np.dot(a_ij.T, delta_jk)
            gradient_ij = np.dot(x.T, delta_ij)
            self.w_jk -= learning_rate * gradient_jk
            self.b_jk -= learning_rate * delta_jk.sum(axis=0, keepdims=True)
            self.w_ij -= learning_rate * gradient_ij
            self.b_ij -= learning_rate * delta_ij.sum(axis=0, keepdims=True)
            if i % 300 == 0:
                loss = -np.mean(y * np.log(a_jk) + (1 - y) * np.log(1 - a_jk))
                print("iteration", i, "loss", loss)

    def predict(self, x):
        return self.Sigmoid(np.dot(self.LeakyReLU(np.dot(x, self.w_ij) + self.b_ij), self.w_jk) + self.b_jk)


x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
ann = ANN()
ann.train(x, y, 0.1, 3000)
out = ann.predict(x)
print("outputs", out.ravel().round(3))
print("accuracy", np.mean((out > 0.5) == y))
