import numpy as np

# 4-layer sigmoid network, course notation: A[l] has shape (units, m)
np.random.seed(12)
m = 400
X = np.random.randn(3, m)
Y = ((X[0] * X[1] > 0) ^ (X[2] > 0.5)).astype(float).reshape(1, m)

layer_dims = [3, 20, 20, 20, 1]
params = {}
for l in range(1, len(layer_dims)):
    params["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.001
    params["b" + str(l)] = np.zeros((layer_dims[l], 1))
L = len(layer_dims) - 1


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def cost(AL):
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


costs = []
for it in range(1500):
    A = {0: X}
    for l in range(1, L + 1):
        A[l] = sigmoid(params["W" + str(l)] @ A[l - 1] + params["b" + str(l)])
    costs.append(cost(A[L]))
    dZ = A[L] - Y
    for l in range(L, 0, -1):
        dW = dZ @ A[l - 1].T / m
        db = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            dZ = (params["W" + str(l)].T @ dZ) * A[l - 1] * (1 - A[l - 1])
        params["W" + str(l)] -= 1.0 * dW
        params["b" + str(l)] -= 1.0 * db

acc = np.mean((A[L] > 0.5) == Y)
print(f"first_loss={costs[0]}")
print(f"final_loss={costs[-1]}")
print(f"accuracy={acc}")
