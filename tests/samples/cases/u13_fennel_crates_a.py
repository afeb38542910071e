# crates on the conveyor: keep or reject from two sensor readings (tilt, vibration)
# the rejects sit in two opposite quadrants so a plain logistic model can't do it -> one hidden layer
# shapes follow the course notes: X is (n_features, m), every column is one crate
import numpy as np

np.random.seed(4)
m = 500
X = np.random.uniform(-2.0, 2.0, size=(2, m))
Y = ((X[0] * X[1]) > 0).astype(float).reshape(1, m)

n_x, n_h, n_y = 2, 6, 1
W1 = np.zeros((n_h, n_x))
b1 = np.zeros((n_h, 1))
W2 = np.zeros((n_y, n_h))
b2 = np.zeros((n_y, 1))

learning_rate = 0.5
num_iterations = 3000


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(X):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)
    return A1, A2


def compute_cost(A2, Y):
    A2 = np.clip(A2, 1e-10, 1 - 1e-10)
    logprobs = Y * np.log(A2) + (1 - Y) * np.log(1 - A2)
    return float(-np.sum(logprobs) / Y.shape[1])


A1, A2 = forward(X)
print(f"first_loss={compute_cost(A2, Y):.5f}")

for i in range(num_iterations):
    A1, A2 = forward(X)

    # backprop
    dZ2 = A2 - Y
    dW2 = (1 / m) * dZ2 @ A1.T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)

    W1 = W1 - learning_rate * dW1
    b1 = b1 - learning_rate * db1
    W2 = W2 - learning_rate * dW2
    b2 = b2 - learning_rate * db2

    if i % 500 == 0:
        print(f"Cost after iteration {i}: {compute_cost(A2, Y):.5f}")

A1, A2 = forward(X)
predictions = (A2 > 0.5).astype(float)
print(f"final_loss={compute_cost(A2, Y):.5f}")
print(f"accuracy={np.mean(predictions == Y):.3f}")
