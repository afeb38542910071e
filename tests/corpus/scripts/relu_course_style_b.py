import numpy as np

# course-style: X has shape (n_x, m), one column per example
np.random.seed(2)
m = 500
X = np.random.randn(2, m)
Y = (X[0:1, :] ** 2 + X[1:2, :] ** 2 > 1.2).astype(float)


def initialize_parameters(n_x, n_h, n_y):
    parameters = {
        "W1": np.random.randn(n_h, n_x) * np.sqrt(2.0 / n_x),
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_y, n_h) * np.sqrt(1.0 / n_h),
        "b2": np.zeros((n_y, 1)),
    }
    return parameters


def relu(Z):
    return np.maximum(0, Z)


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = relu(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, (Z1, A1, Z2, A2)


def compute_cost(A2, Y):
    A2 = np.clip(A2, 1e-10, 1 - 1e-10)
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def backward_propagation(parameters, cache, X, Y):
    Z1, A1, Z2, A2 = cache
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = parameters["W2"].T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    for key in ("W1", "b1", "W2", "b2"):
        parameters[key] = parameters[key] - learning_rate * grads["d" + key]
    return parameters


def model(X, Y, n_h, num_iterations, learning_rate):
    parameters = initialize_parameters(X.shape[0], n_h, 1)
    costs = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        costs.append(compute_cost(A2, Y))
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


parameters, costs = model(X, Y, n_h=16, num_iterations=2000, learning_rate=0.5)
A2, _ = forward_propagation(X, parameters)
print(f"first_loss={costs[0]}")
print(f"final_loss={costs[-1]}")
print(f"accuracy={np.mean((A2 > 0.5) == Y)}")
