# inner disc vs outer ring, one hidden tanh layer, sigmoid output
# data kept as (features, samples) like in the course notes
import numpy as np


def make_rings(n, seed):
    rng = np.random.default_rng(seed)
    radius = np.concatenate([rng.uniform(0.0, 1.0, n // 2), rng.uniform(1.4, 2.4, n - n // 2)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.vstack([radius * np.cos(angle), radius * np.sin(angle)])
    Y = np.concatenate([np.zeros(n // 2), np.ones(n - n // 2)]).reshape(1, n)
    return X, Y


def init_params(n_x, n_h, seed):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((n_h, n_x)) * 0.5,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((1, n_h)) * 0.5,
        "b2": np.zeros((1, 1)),
    }


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def tanh_derivative(a):
    return 1 - a*2


def forward(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = sigmoid(Z2)
    return A2, {"A1": A1, "A2": A2}


def compute_cost(A2, Y):
    m = Y.shape[1]
    A2 = np.clip(A2, 1e-10, 1 - 1e-10)
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def backward(X, Y, params, cache):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (params["W2"].T @ dZ2) * tanh_derivative(cache["A1"])
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def update(params, grads, learning_rate):
    for key in params:
        params[key] = params[key] - learning_rate * grads[key]
    return params


def model(X, Y, n_h=12, iterations=3000, learning_rate=0.5):
    params = init_params(X.shape[0], n_h, seed=1)
    A2, _ = forward(X, params)
    print(f"first_loss={compute_cost(A2, Y):.5f}")
    for i in range(iterations):
        A2, cache = forward(X, params)
        cost = compute_cost(A2, Y)
        grads = backward(X, Y, params, cache)
        params = update(params, grads, learning_rate)
        if i % 500 == 0:
            print(f"Cost after iteration {i}: {cost:.5f}")
    return params


X, Y = make_rings(400, seed=5)
params = model(X, Y)
A2, _ = forward(X, params)
print(f"final_loss={compute_cost(A2, Y):.5f}")
print(f"accuracy={np.mean((A2 > 0.5) == Y):.3f}")
