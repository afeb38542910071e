import numpy as np

np.random.seed(7)


class DeepNet:
    """A plain MLP with a list of weight matrices and a list of biases."""

    def __init__(self, sizes):
        self.weights = []
        self.biases = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            self.weights.append(np.random.randn(fan_in, fan_out) * np.sqrt(1.0 / fan_in))
            self.biases.append(np.zeros((1, fan_out)))

    def forward(self, X):
        self.acts = [X]
        a = X
        for i in range(len(self.weights)):
            z = a @ self.weights[i] + self.biases[i]
            a = np.tanh(z) if i < len(self.weights) - 1 else z
            self.acts.append(a)
        return a

    def train_step(self, X, y, lr):
        out = self.forward(X)
        loss = np.mean((out - y) ** 2)
        delta = 2 * (out - y) / len(X)
        for i in reversed(range(len(self.weights))):
            grad_w = self.acts[i].T @ delta
            grad_b = delta.sum(axis=0, keepdims=True)
            if i > 0:
                delta = (delta @ self.weights[i].T) * (1 - self.acts[i] ** 2)
            self.weights[i] -= lr * grad_w
            self.biases[i] -= lr * grad_b
        return loss


X = np.random.uniform(-2, 2, (256, 1))
y = np.sin(2 * X) + 0.5 * X
net = DeepNet([1, 32, 32, 32, 32, 1])
first = None
for epoch in range(600):
    loss = net.train_step(X, y, lr=0.05)
    if first is None:
        first = loss
print(f"first_loss={first}")
print(f"final_loss={loss}")
