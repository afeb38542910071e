# 3-4-1 network with sigmoid hidden units and a sigmoid output, biases on both
# layers, trained on the seven 3-bit patterns of the classic tutorial with full-
# batch gradient descent on the cross-entropy. Plain functions.
# Run: python net341_functions.py
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_prime(x):
    return x * (1.0 - x)


def init(seed=2):
    rng = np.random.RandomState(seed)
    weights1 = rng.uniform(-1, 1, (3, 4))
    bias1 = np.zeros(4)
    weights2 = rng.uniform(-1, 1, (4, 1))
    bias2 = np.zeros(1)
    return weights1, bias1, weights2, bias2


def train(X, Y, alpha=1.0, epochs=4000):
    weights1, bias1, weights2, bias2 = init()
    m = X.shape[0]
    for epoch in range(epochs):
        hidden_in = X.dot(weights1) + bias1
        hidden_out = sigmoid(hidden_in)
        output = sigmoid(hidden_out.dot(weights2) + bias2)

        output_delta = (output - Y) / m
        hidden_delta = output_delta.dot(weights2.T) * sigmoid_prime(hidden_in)

        weights2 -= alpha * hidden_out.T.dot(output_delta)
        bias2 -= alpha * output_delta.sum(axis=0)
        weights1 -= alpha * X.T.dot(hidden_delta)
        bias1 -= alpha * hidden_delta.sum(axis=0)
        if epoch % 400 == 0:
            loss = -np.mean(Y * np.log(output) + (1 - Y) * np.log(1 - output))
            print("epoch", epoch, "loss", loss)
    return weights1, bias1, weights2, bias2


def predict(X, weights1, bias1, weights2, bias2):
    return sigmoid(sigmoid(X.dot(weights1) + bias1).dot(weights2) + bias2)


X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]], dtype=float)
Y = np.array([[0, 1, 1, 1, 1, 0, 0]], dtype=float).T
params = train(X, Y)
out = predict(X, *params)
print("predictions", out.ravel().round(3))
print("accuracy", np.mean((out > 0.5) == Y))
