import numpy as np

np.random.seed(0)
n = 300
X = np.random.randn(n, 4)
y = (X[:, 0] - 2 * X[:, 1] + X[:, 2] * X[:, 3] > 0).astype(float).reshape(-1, 1)

W1 = np.random.randn(4, 12) * 0.5
b1 = np.zeros((1, 12))
W2 = np.random.randn(12, 1) * 0.5
b2 = np.zeros((1, 1))
lr = 0.1

history = []
for epoch in range(800):
    h = np.maximum(0, X @ W1 + b1)
    out = np.tanh(h @ W2 + b2)
    loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    history.append(loss)
    # d loss / d out, then through tanh
    dout = (out - y) / (out * (1 - out)) / n
    dz2 = dout * (1 - out ** 2)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0, keepdims=True)
    dh = dz2 @ W2.T * (h > 0)
    dW1 = X.T @ dh
    db1 = dh.sum(axis=0, keepdims=True)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

acc = np.mean((out > 0.5) == y)
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
print(f"accuracy={acc}")
