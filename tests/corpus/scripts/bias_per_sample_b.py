import numpy as np

np.random.seed(19)


def make_split(n):
    X = np.random.randn(n, 4)
    y = (X[:, 0] + X[:, 1] * X[:, 2] - X[:, 3] > 0).astype(float).reshape(-1, 1)
    return X, y


X_train, y_train = make_split(400)
X_test, y_test = make_split(100)

W1 = np.random.randn(4, 10) * 0.5
b1 = np.zeros((1, 10))
W2 = np.random.randn(10, 1) * 0.3
b2 = np.zeros((1, 1))
lr = 0.5


def forward(X):
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    A2 = 1 / (1 + np.exp(-(A1 @ W2 + b2)))
    return A1, A2


_, A2 = forward(X_train)
first_loss = float(-np.mean(y_train * np.log(A2) + (1 - y_train) * np.log(1 - A2)))
for epoch in range(500):
    A1, A2 = forward(X_train)
    m = X_train.shape[0]
    dZ2 = (A2 - y_train) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2
    dZ1 = dZ2 @ W2.T * (1 - A1 ** 2)
    dW1 = X_train.T @ dZ1
    db1 = dZ1
    W1 = W1 - lr * dW1
    b1 = b1 - lr * db1
    W2 = W2 - lr * dW2
    b2 = b2 - lr * db2

_, A2 = forward(X_train)
train_loss = float(-np.mean(y_train * np.log(A2) + (1 - y_train) * np.log(1 - A2)))
print("train accuracy", np.mean((A2 > 0.5) == y_train))
_, test_out = forward(X_test)
print(f"first_loss={first_loss}")
print(f"final_loss={train_loss}")
print(f"accuracy={np.mean((test_out > 0.5) == y_test)}")
