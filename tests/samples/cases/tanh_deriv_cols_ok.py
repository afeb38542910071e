# Features x samples layout (one column per sample), tanh hidden layer, sigmoid output, plain functions.
# Healthy twin: the hidden derivative, given the activation A1, is 1 - A1**2.
import numpy as np

rng = np.random.default_rng(7)
m = 40
X = rng.normal(size=(2, m))
Y = (X[0:1] * X[1:2] > 0).astype(float)


def tanh_derivative(a):
    return 1 - a ** 2


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


W1 = rng.normal(size=(3, 2)) * 0.5
b1 = np.zeros((3, 1))
W2 = rng.normal(size=(1, 3)) * 0.5
b2 = np.zeros((1, 1))
lr = 1.0
for it in range(600):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    A2 = sigmoid(W2 @ A1 + b2)
    cost = -np.mean(Y * np.log(A2 + 1e-12) + (1 - Y) * np.log(1 - A2 + 1e-12))
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.mean(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * tanh_derivative(A1)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.mean(axis=1, keepdims=True)
    W1 = W1 - lr * dW1
    b1 = b1 - lr * db1
    W2 = W2 - lr * dW2
    b2 = b2 - lr * db2
    if it % 100 == 0 or it == 599:
        print(f"cost={cost:.4f} acc={np.mean((A2 > 0.5) == Y):.3f}")
