# Small tanh network fitting a noisy sine curve, full-batch gradient descent
import numpy as np

np.random.seed(0)
X = np.linspace(-3, 3, 200).reshape(-1, 1)
y = np.sin(X) + 0.1 * np.random.randn(200, 1)


def init(n_hidden):
    W1 = np.random.randn(1, n_hidden) * 0.5
    b1 = np.zeros((1, n_hidden))
    W2 = np.random.randn(n_hidden, 1) * 0.5
    b2 = np.zeros((1, 1))
    return W1, b1, W2, b2


def forward(W1, b1, W2, b2, X):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    return h, out


def step(W1, b1, W2, b2, X, y, lr):
    h, out = forward(W1, b1, W2, b2, X)
    n = X.shape[0]
    d_out = 2 * (out - y) / n
    dW2 = h.T @ d_out
    db2 = d_out.sum(axis=0, keepdims=True)
    dh = (d_out @ W2.T) * (1 - h ** 2)
    dW1 = X.T @ dh
    db1 = dh.sum(axis=0, keepdims=True)
    W1 = W1 - lr * dW1
    b1 = b1 - lr * db1
    W2 = W2 - lr * dW2
    b2 = b2 - lr * db2
    return W1, b1, W2, b2


W1, b1, W2, b2 = init(20)
lr = 0.5

for epoch in range(3000):
    if epoch == 0:
        _, out = forward(W1, b1, W2, b2, X)
        print("first_loss=%.6f" % np.mean((out - y) ** 2))
    W1, b1, W2, b2 = step(W1, b1, W2, b2, X, y, lr)
    if epoch % 500 == 0:
        _, out = forward(W1, b1, W2, b2, X)
        print("epoch", epoch, "mse", np.mean((out - y) ** 2))

_, out = forward(W1, b1, W2, b2, X)
mse = np.mean((out - y) ** 2)
r2 = 1 - mse / np.var(y)
print("final_loss=%.6f" % mse)
print("r2=%.4f" % r2)
