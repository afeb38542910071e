# small autoencoder 8 -> 3 -> 8 to compress fern leaf measurements
# X is (n_features, n_samples), minibatch gradient descent
import numpy as np

np.random.seed(5)

n_x, n_h = 8, 3
m = 600
mix = np.random.randn(n_x, 3)
codes = np.random.randn(3, m)
X = np.dot(mix, codes) + 0.1 * np.random.randn(n_x, m)
X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
print("X:", X.shape, "mean", X.mean().round(3), "std", X.std().round(3))

W_1 = np.random.randn(n_h, n_x) * np.sqrt(1.0 / n_x)
b_1 = np.zeros((n_h, 1))
W_2 = np.random.randn(n_x, n_h) * np.sqrt(1.0 / n_h)
b_2 = np.zeros((n_x, 1))

learning_rate = 1.0
mb_size = 50
num_epochs = 60


def fwd(x):
    z1 = np.dot(W_1, x) + b_1
    a1 = np.tanh(z1)
    xh = np.dot(W_2, a1) + b_2
    return a1, xh


def rec_cost(xh, x):
    return np.sum((xh - x) ** 2) / x.shape[1]


_, xh = fwd(X)
print("first_loss=%.5f" % rec_cost(xh, X))

for ep in range(num_epochs):
    sh = np.random.permutation(m)
    for s in range(0, m, mb_size):
        xb = X[:, sh[s:s + mb_size]]
        k = xb.shape[1]
        a1, xh = fwd(xb)
        d2 = 2 * (xh - xb) / k
        dW2 = np.dot(d2, a1.T)
        db2 = np.sum(d2, axis=1, keepdims=True)
        d1 = np.dot(W_2.T, d2) * (1 - a1 ** 2)
        dW1 = np.dot(d1, xb.T)
        db1 = np.sum(d1, axis=1, keepdims=True)
        W_1 = W_1 - learning_rate * dW1
        b_1 = b_1 - learning_rate * db1
        W_2 = W_2 - learning_rate * dW2
        b_2 = b_2 - learning_rate * db2
    if ep % 6 == 0:
        _, xh = fwd(X)
        print("epoch", ep, "cost", rec_cost(xh, X))
        # print(np.abs(W_1).max(), np.abs(W_2).max())

_, xh = fwd(X)
print("final_loss=%.5f" % rec_cost(xh, X))
print("r2=%.4f" % (1 - np.sum((xh - X) ** 2) / np.sum((X - X.mean(axis=1, keepdims=True)) ** 2)))
