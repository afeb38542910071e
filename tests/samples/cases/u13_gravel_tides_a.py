# does the sprinkler reach this spot of the lawn? inputs are the x/y offsets from the
# sprinkler (scaled to [-1, 1]), label 1 = wet. small net 2 -> 6 -> 1, updated after every sample
import numpy as np

rng = np.random.default_rng(2)
X = rng.uniform(-1, 1, size=(200, 2))
T = (X[:, 0] ** 2 + X[:, 1] ** 2 < 0.45).astype(float)


class LawnNet:
    def __init__(self, n_in, n_hidden):
        self.W1 = rng.normal(0, 0.7, size=(n_hidden, n_in))
        self.b1 = np.zeros(n_hidden)
        self.w2 = rng.normal(0, 1 / np.sqrt(n_hidden), size=n_hidden)
        self.b2 = 0.0

    def activation(self, z):
        return np.tanh(z)

    def activation_deriv(self, a):
        # a is the output of the activation
        return 1 - a ** 2

    def forward(self, x):
        h = self.activation(self.W1 @ x + self.b1)
        y = 1 / (1 + np.exp(-(self.w2 @ h + self.b2)))
        return y, h

    def loss(self, X, T):
        p = np.array([self.forward(x)[0] for x in X])
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return float(-np.mean(T * np.log(p) + (1 - T) * np.log(1 - p)))

    def accuracy(self, X, T):
        p = np.array([self.forward(x)[0] for x in X])
        return float(np.mean((p > 0.5) == T))


net = LawnNet(2, 6)
lr = 0.1
print(f"first_loss={net.loss(X, T):.4f}")

for epoch in range(40):
    for x, t in zip(X, T):
        y, h = net.forward(x)
        err = y - t                      # dL/dz for sigmoid + cross entropy
        # output layer
        grad_w2 = err * h
        grad_b2 = err
        # hidden layer
        delta = err * net.w2 * net.activation_deriv(h)
        grad_W1 = np.outer(delta, x)
        grad_b1 = delta

        net.w2 -= lr * grad_w2
        net.b2 -= lr * grad_b2
        net.W1 -= lr * grad_W1
        net.b1 -= lr * grad_b1
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", round(net.loss(X, T), 4), "acc", net.accuracy(X, T))

print(f"final_loss={net.loss(X, T):.4f}")
print(f"accuracy={net.accuracy(X, T):.3f}")
