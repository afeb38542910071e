# Logistic regression that predicts pass/fail from two standardized exam features
# (hours studied, practice score). Plain functions, full-batch gradient descent,
# backpropagation written out as dL/da times da/dz.
# Run: python logreg_pass_fail.py
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(a):
    return a * (1 - a)


def make_dataset(n=100, seed=0):
    rng = np.random.RandomState(seed)
    hours = np.concatenate([rng.uniform(0.1, 3, n // 2), rng.uniform(-3, -0.1, n // 2)])
    practice = rng.randn(n)
    X = np.column_stack([hours, practice])
    y = np.concatenate([np.ones(n // 2), np.zeros(n // 2)]).reshape(-1, 1)
    return X, y


def train(X, y, lr=1.0, epochs=5000):
    n, d = X.shape
    w = np.zeros((d, 1))
    b = 0.0
    for epoch in range(epochs):
        z = X.dot(w) + b
        a = sigmoid(z)
        # derivative of the cross-entropy with respect to the prediction
        d_a = -y / a + (1 - y) / (1 - a)
        d_z = d_a * sigmoid_derivative(a)
        dw = X.T.dot(d_z) / n
        db = np.mean(d_z)
        w = w - lr * dw
        b = b - lr * db
        if epoch % 500 == 0:
            loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
            print("epoch", epoch, "loss", loss)
    return w, b


def accuracy(X, y, w, b):
    return np.mean((sigmoid(X.dot(w) + b) > 0.5) == y)


X, y = make_dataset()
w, b = train(X, y)
print("w =", w.ravel(), "b =", b)
print("accuracy", accuracy(X, y, w, b))
