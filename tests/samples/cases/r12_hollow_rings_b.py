# 2 layer net (tanh hidden, sigmoid out) on the "two rings" toy data
# columns are examples like in the deep learning course: X is (2, m), Y is (1, m)
# trained with Adam on the first 200 points, the other 200 are kept for testing
import numpy as np

np.random.seed(12)


def rings(m):
    r = np.where(np.random.rand(m) < 0.5, 1.0, 2.2)
    ang = np.random.rand(m) * 2 * np.pi
    X = np.vstack([r * np.cos(ang), r * np.sin(ang)]) + np.random.randn(2, m) * 0.25
    Y = (r > 1.5).astype(float).reshape(1, m)
    return X, Y


X_all, Y_all = rings(400)
X_train, Y_train = X_all[:, :200], Y_all[:, :200]
X_test, Y_test = X_all[:, 200:], Y_all[:, 200:]

n_x, n_h, n_y = 2, 8, 1
parameters = {
    "W1": np.random.randn(n_h, n_x) * 0.5,
    "b1": np.zeros((n_h, 1)),
    "W2": np.random.randn(n_y, n_h) * 0.5,
    "b2": np.zeros((n_y, 1)),
}
adam_m = {k: np.zeros_like(v) for k, v in parameters.items()}
adam_v = {k: np.zeros_like(v) for k, v in parameters.items()}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_propagation(X, parameters):
    A1 = np.tanh(parameters["W1"] @ X + parameters["b1"])
    A2 = sigmoid(parameters["W2"] @ A1 + parameters["b2"])
    return A1, A2


def compute_cost(A2, Y):
    A2 = np.clip(A2, 1e-10, 1 - 1e-10)
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def backward_propagation(X, Y, A1, A2, parameters):
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.mean(dZ2, axis=0, keepdims=True)
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.mean(dZ1, axis=1, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


learning_rate = 0.01
beta1, beta2 = 0.9, 0.999
_, A2_test = forward_propagation(X_test, parameters)
print(f"first_loss={compute_cost(A2_test, Y_test):.4f}")
for i in range(1, 1001):
    A1, A2 = forward_propagation(X_train, parameters)
    grads = backward_propagation(X_train, Y_train, A1, A2, parameters)
    for k in parameters:
        adam_m[k] = beta1 * adam_m[k] + (1 - beta1) * grads[k]
        adam_v[k] = beta2 * adam_v[k] + (1 - beta2) * grads[k] ** 2
        m_hat = adam_m[k] / (1 - beta1 ** i)
        v_hat = adam_v[k] / (1 - beta2 ** i)
        parameters[k] = parameters[k] - learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    if i % 200 == 0:
        _, A2_test = forward_propagation(X_test, parameters)
        print(f"iteration {i}: test cost {compute_cost(A2_test, Y_test):.4f}")

A1, A2 = forward_propagation(X_train, parameters)
print(f"train accuracy={np.mean((A2 > 0.5) == Y_train):.3f}")
_, A2_test = forward_propagation(X_test, parameters)
print(f"final_loss={compute_cost(A2_test, Y_test):.4f}")
print(f"accuracy={np.mean((A2_test > 0.5) == Y_test):.3f}")
