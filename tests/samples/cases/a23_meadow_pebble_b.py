# Five-layer ReLU network on two interleaved spirals, full-batch gradient descent
import numpy as np

np.random.seed(11)


def load_spirals(m):
    half = m // 2
    t = np.sqrt(np.random.rand(half)) * 3 * np.pi
    x_a = np.vstack([t * np.cos(t), t * np.sin(t)]) / 10
    x_b = -x_a
    X = np.hstack([x_a, x_b]) + 0.05 * np.random.randn(2, 2 * half)
    Y = np.hstack([np.zeros((1, half)), np.ones((1, half))])
    perm = np.random.permutation(2 * half)
    return X[:, perm], Y[:, perm]


def initialize_parameters(layer_dims):
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def relu(Z):
    return np.maximum(0, Z)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagation(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
        A = relu(Z)
        caches.append((A_prev, Z))
    ZL = parameters["W" + str(L)] @ A + parameters["b" + str(L)]
    AL = sigmoid(ZL)
    caches.append((A, ZL))
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    AL = np.clip(AL, 1e-10, 1 - 1e-10)
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(cost)


def backward_propagation(AL, Y, caches, parameters):
    grads = {}
    L = len(caches)
    m = Y.shape[1]
    dZ = AL - Y
    for l in reversed(range(1, L + 1)):
        A_prev, Z = caches[l - 1]
        if l < L:
            dZ = dA * (Z > 0)
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = parameters["W" + str(l)].T @ dZ
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters


X, Y = load_spirals(600)
X_test, Y_test = load_spirals(300)
layers_dims = [2, 24, 24, 24, 24, 1]
parameters = initialize_parameters(layers_dims)
learning_rate = 0.3
costs = []
for i in range(2500):
    AL, caches = forward_propagation(X, parameters)
    cost = compute_cost(AL, Y)
    grads = backward_propagation(AL, Y, caches, parameters)
    parameters = update_parameters(parameters, grads, learning_rate)
    costs.append(cost)
    if i % 500 == 0:
        print(f"iteration {i}: cost {cost:.4f}")

AL_test, _ = forward_propagation(X_test, parameters)
accuracy = float(np.mean((AL_test > 0.5) == Y_test))
print(f"first_loss={costs[0]:.4f}")
print(f"final_loss={costs[-1]:.4f}")
print(f"accuracy={accuracy:.4f}")
