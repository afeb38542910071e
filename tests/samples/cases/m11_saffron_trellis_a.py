# 2-layer neural network (relu -> sigmoid) for a yes/no label, course-style
# X has shape (n_x, m): one column per example
import numpy as np


def load_data(m=300, n_x=12, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    w_true = rng.normal(0, 1, n_x)
    Y = ((w_true @ X) + 0.5 * np.sin(3 * X[0]) > 0).astype(float).reshape(1, m)
    return X, Y, rng


def initialize_parameters(n_x, n_h, n_y, rng):
    parameters = {
        "W1": rng.standard_normal((n_h, n_x)) * np.sqrt(2.0 / n_x),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * np.sqrt(1.0 / n_h),
        "b2": np.zeros((n_y, 1)),
    }
    return parameters


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = Y * np.log(A2 + 1e-12) + (1 - Y) * np.log(1 - A2 + 1e-12)
    return float(-np.sum(logprobs) / m)


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (parameters["W2"].T @ dZ2) * (cache["Z1"] > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    for l in ("1", "2"):
        parameters["W" + l] = parameters["W" + l] - learning_rate * grads["dW" + l]
        parameters["b" + l] = parameters["b" + l] - learning_rate * grads["db" + l]
    return parameters


def nn_model(X, Y, n_h, num_iterations, learning_rate, rng, print_cost=True):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng)
    costs = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        if i == 0:
            print(f"first_loss={cost:.5f}")
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 250 == 0:
            print(f"Cost after iteration {i}: {cost:.5f}")
        costs.append(cost)
    return parameters, costs


X, Y, rng = load_data()
parameters, costs = nn_model(X, Y, n_h=16, num_iterations=2500, learning_rate=0.3, rng=rng)
A2, _ = forward_propagation(X, parameters)
print(f"final_loss={compute_cost(A2, Y):.5f}")
print(f"accuracy={np.mean((A2 > 0.5) == Y):.3f}")
