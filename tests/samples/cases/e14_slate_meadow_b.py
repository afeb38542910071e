# small 2-layer net, layer objects like in the course notebook
# task: flag faulty machines from 6 vibration stats (label 1 = faulty)
import numpy as np

np.random.seed(7)
N = 400
healthy_mu = np.array([-1.5, -1.0, -2.0, 0.5, -1.0, -1.5])
X = np.random.randn(N, 6)
Y = (np.random.rand(N) < 0.5).astype(float).reshape(-1, 1)
X = X + np.where(Y == 1, -healthy_mu, healthy_mu)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros((1, n_out))
        self.vW = np.zeros_like(self.W)
        self.vb = np.zeros_like(self.b)

    def forward(self, A_prev):
        self.A_prev = A_prev
        return A_prev @ self.W + self.b

    def backward(self, dZ):
        self.dW = self.A_prev.T @ dZ / dZ.shape[0]
        self.db = dZ.mean(axis=0, keepdims=True)
        return dZ @ self.W.T

    def step(self, lr, mu):
        self.vW = mu * self.vW - lr * self.dW
        self.vb = mu * self.vb - lr * self.db
        self.W += self.vW
        self.b += self.vb


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def bce(A, Y):
    A = np.clip(A, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


hidden = Dense(6, 10)
output = Dense(10, 1)
lr, mu = 0.3, 0.9

for it in range(600):
    Z1 = hidden.forward(X)
    A1 = np.maximum(Z1, 0)
    Z2 = output.forward(A1)
    A2 = sigmoid(Z2)
    cost = bce(A2, Y)
    if it == 0:
        print("first_loss=%.5f" % cost)
    if it % 100 == 0:
        print(it, "cost", round(cost, 5), "acc", np.mean((A2 > 0.5) == Y))

    dZ2 = A2 - Y
    dA1 = output.backward(dZ2)
    hidden.backward(dA1 * (Z1 > 0))
    output.step(lr, mu)
    hidden.step(lr, mu)

A2 = sigmoid(output.forward(np.maximum(hidden.forward(X), 0)))
print("final_loss=%.5f" % bce(A2, Y))
print("accuracy=%.3f" % np.mean((A2 > 0.5) == Y))
