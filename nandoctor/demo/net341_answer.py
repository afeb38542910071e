# The bundled 3-4-1 network with the founding case's accepted answer applied: weights initialised ten
# times smaller (x0.1) and learning rate 0.1 for 500,000 iterations. Numerically the answer's variant of
# the founding case (same seed, data and formulas as net341.py). It fits the data without going NaN, but
# the output sigmoid ends close to saturation, which nandoctor reports.
# Run it traced:  nandoctor run nandoctor/demo/net341_answer.py   (about 20 s untraced)

import numpy as np


def leaky_relu(z):
    return np.where(z > 0, z, z * 0.01)


def leaky_relu_grad(z, alpha=0.01):
    z[z > 0] = 1  # overwrites the caller's array in place (the founding case does this)
    z[z <= 0] = alpha
    return z


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_grad(a):
    return a * (1 - a)


class Net341:
    def __init__(self):
        np.random.seed(1)
        self.w_ij = (2 * np.random.rand(3, 4) - 1) * 0.1
        self.w_jk = (2 * np.random.rand(4, 1) - 1) * 0.1

    def train(self, x, y, learning_rate, iterations):
        for i in range(iterations):
            z_ij = np.dot(x, self.w_ij)
            a_ij = leaky_relu(z_ij)
            z_jk = np.dot(a_ij, self.w_jk)
            a_jk = sigmoid(z_jk)
            dl_jk = -y/a_jk + (1 - y)/(1 - a_jk)  # d(cross-entropy)/d(a_jk)
            da_jk = sigmoid_grad(a_jk)
            dz_jk = a_ij
            dl_ij = np.dot(da_jk * dl_jk, self.w_jk.T)
            da_ij = leaky_relu_grad(z_ij)
            dz_ij = x
            gradient_ij = np.dot(dz_ij.T, dl_ij * da_ij)
            gradient_jk = np.dot(dz_jk.T, dl_jk * da_jk)
            self.w_ij = self.w_ij - learning_rate * gradient_ij
            self.w_jk = self.w_jk - learning_rate * gradient_jk

    def predict(self, x):
        return sigmoid(np.dot(leaky_relu(np.dot(x, self.w_ij)), self.w_jk))


def main():
    net = Net341()
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    net.train(x, y, 0.1, 500000)
    print("w_ij:", net.w_ij)
    print("w_jk:", net.w_jk)
    print("[1, 1, 0] ->", net.predict(np.array([[1, 1, 0]])))
    print("training set ->", net.predict(x).ravel())


if __name__ == "__main__":
    main()
