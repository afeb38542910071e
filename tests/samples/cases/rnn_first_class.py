# A small tanh RNN class that reads a 20-step sequence and must output, at the
# end, the value that appeared at the first time step. Backpropagation through
# time over all 20 steps, full-batch gradient descent on the squared error.
# Run: python rnn_first_class.py
import numpy as np


class SimpleRNN:
    def __init__(self, hidden_size=16, seed=0):
        rng = np.random.RandomState(seed)
        self.H = hidden_size
        self.Wxh = rng.randn(hidden_size) * 0.5
        self.Whh = rng.randn(hidden_size, hidden_size) * 0.1
        self.bh = np.zeros(hidden_size)
        self.Why = rng.randn(hidden_size) * 0.1
        self.by = 0.0

    def forward(self, X):
        self.X = X
        self.hs = [np.zeros((X.shape[0], self.H))]
        for t in range(X.shape[1]):
            a = np.outer(X[:, t], self.Wxh) + self.hs[-1] @ self.Whh + self.bh
            self.hs.append(np.tanh(a))
        return self.hs[-1] @ self.Why + self.by

    def backward(self, y_pred, y):
        n, T = self.X.shape
        d_out = 2 * (y_pred - y) / n
        self.dWhy = self.hs[-1].T @ d_out
        self.dby = d_out.sum()
        self.dWxh = np.zeros_like(self.Wxh)
        self.dWhh = np.zeros_like(self.Whh)
        self.dbh = np.zeros_like(self.bh)
        delta = np.outer(d_out, self.Why)
        for t in reversed(range(T)):
            delta = delta * (1 - self.hs[t + 1] ** 2)
            self.dWxh += self.X[:, t] @ delta
            self.dWhh += self.hs[t].T @ delta
            self.dbh += delta.sum(axis=0)
            delta = delta @ self.Whh.T

    def step(self, lr):
        self.Wxh -= lr * self.dWxh
        self.Whh -= lr * self.dWhh
        self.bh -= lr * self.dbh
        self.Why -= lr * self.dWhy
        self.by -= lr * self.dby


rng = np.random.RandomState(1)
seq_len = 20
X = rng.uniform(-1, 1, (200, seq_len))
y = X[:, 0].copy()

rnn = SimpleRNN()
for epoch in range(600):
    y_pred = rnn.forward(X)
    loss = np.mean((y_pred - y) ** 2)
    rnn.backward(y_pred, y)
    rnn.step(0.05)
    if epoch % 60 == 0:
        print("epoch", epoch, "loss", round(loss, 5))

print("final loss", np.mean((rnn.forward(X) - y) ** 2), "variance of y", np.var(y))
