# 3-class softmax net, one hidden relu layer
# data stored as columns: X is (n_features, m)
import numpy as np

np.random.seed(11)
m = 1500
n_x, n_h, n_y = 4, 20, 3
labels = np.random.randint(0, n_y, m)
means = np.array([[2.0, 0.0, -1.0, 1.0], [-1.5, 1.5, 0.5, 0.0], [0.0, -2.0, 1.0, -1.0]]).T
X = means[:, labels] + 0.9 * np.random.randn(n_x, m)
Y = np.zeros((n_y, m))
Y[labels, np.arange(m)] = 1.0

parameters = {
    "W1": np.random.randn(n_h, n_x) * 0.1,
    "b1": np.zeros((n_h, 1)),
    "W2": np.random.randn(n_y, n_h) * 0.1,
    "b2": np.zeros((n_y, 1)),
}


def forward(params, X):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    Z2 = Z2 - Z2.max(axis=0, keepdims=True)
    A2 = np.exp(Z2) / np.exp(Z2).sum(axis=0, keepdims=True)
    return Z1, A1, A2


def loss_and_grads(params, X, Y):
    m = X.shape[1]
    Z1, A1, A2 = forward(params, X)
    loss = -np.sum(Y * np.log(A2 + 1e-12)) / m
    dZ2 = A2 - Y
    dW2 = (dZ2 @ A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (params["W2"].T @ dZ2) * (Z1 > 0)
    dW1 = (dZ1 @ X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


learning_rate = 0.5
costs = []
for i in range(200):
    cost, grads = loss_and_grads(parameters, X, Y)
    if i == 0:
        print(f"first_loss={cost:.4f}")
    for key in parameters:
        parameters[key] = parameters[key] - learning_rate * grads[key]
    costs.append(cost)
    if i % 40 == 0:
        print("cost after iteration %i: %f" % (i, cost))

cost, _ = loss_and_grads(parameters, X, Y)
pred = np.argmax(forward(parameters, X)[2], axis=0)
print(f"final_loss={cost:.4f}")
print(f"accuracy={np.mean(pred == labels):.3f}")
