import numpy as np

np.random.seed(123)

# logistic regression with minibatch SGD, data reshuffled every epoch
n, d = 1000, 5
X = np.random.randn(n, d)
true_w = np.array([2.0, -1.0, 0.5, 0.0, 1.5])
y = (X @ true_w + 0.3 * np.random.randn(n) > 0).astype(float)

w = np.zeros(d)
b = 0.0
lr = 0.1
batch = 50


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def loss_fn(X, y):
    p = np.clip(sigmoid(X @ w + b), 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


X_train, y_train = X.copy(), y.copy()
first_loss = loss_fn(X_train, y_train)
for epoch in range(30):
    perm = np.random.permutation(n)
    X_shuffled = X_train[perm]
    y_shuffled = y_train[perm]
    for i in range(0, n, batch):
        xb = X_shuffled[i:i + batch]
        yb = y_shuffled[i:i + batch]
        p = sigmoid(xb @ w + b)
        w -= lr * xb.T @ (p - yb) / len(yb)
        b -= lr * np.mean(p - yb)

acc = np.mean((sigmoid(X_train @ w + b) > 0.5) == y_train)
print(f"first_loss={first_loss}")
print(f"final_loss={loss_fn(X_train, y_train)}")
print(f"accuracy={acc}")
