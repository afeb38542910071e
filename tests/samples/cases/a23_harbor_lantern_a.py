# Two-layer net predicting loan default from income, age and balance, batch gradient descent
import numpy as np

np.random.seed(3)


def make_data(m):
    income = np.random.uniform(18000, 140000, m)
    age = np.random.uniform(19, 75, m)
    balance = np.random.uniform(0, 25000, m)
    score = -(income - 70000) / 25000 + (balance - 12000) / 5000 - (age - 45) / 20
    score = score + 0.8 * np.sin(balance / 4000)
    Y = (score + 0.3 * np.random.randn(m) > 0).astype(float).reshape(1, m)
    X = np.vstack([income, age, balance])
    return X, Y


def initialize_parameters(n_x, n_h, n_y):
    parameters = {
        "W1": np.random.randn(n_h, n_x) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_y, n_h) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }
    return parameters


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = Y * np.log(A2) + (1 - Y) * np.log(1 - A2)
    cost = -np.sum(logprobs) / m
    return float(cost)


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    A1 = cache["A1"]
    A2 = cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads


def update_parameters(parameters, grads, learning_rate):
    for key in ("W1", "b1", "W2", "b2"):
        parameters[key] = parameters[key] - learning_rate * grads["d" + key]
    return parameters


X_train, Y_train = make_data(800)
X_test, Y_test = make_data(300)

# scale each feature with the training statistics
mu = X_train.mean(axis=1, keepdims=True)
sigma = X_train.std(axis=1, keepdims=True)
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma

parameters = initialize_parameters(X_train.shape[0], 8, 1)
learning_rate = 1.2
costs = []
for i in range(3000):
    A2, cache = forward_propagation(X_train, parameters)
    cost = compute_cost(A2, Y_train)
    grads = backward_propagation(parameters, cache, X_train, Y_train)
    parameters = update_parameters(parameters, grads, learning_rate)
    costs.append(cost)
    if i % 500 == 0:
        print(f"iteration {i}: cost {cost:.4f}")

A2_test, _ = forward_propagation(X_test, parameters)
predictions = (A2_test > 0.5).astype(float)
accuracy = float(np.mean(predictions == Y_test))
print(f"first_loss={costs[0]:.4f}")
print(f"final_loss={costs[-1]:.4f}")
print(f"accuracy={accuracy:.4f}")
