# bridge span deflection from 3 measurements, small tanh net
# columns are samples (X is features x samples), Adam written out by hand
import numpy as np

np.random.seed(5)
m = 400
X = np.random.uniform(-2, 2, size=(3, m))
Y = (np.sin(X[0:1]) + 0.5 * X[1:2] * X[2:3] - 0.3 * X[2:3]).reshape(1, m)
Y = Y + 0.05 * np.random.randn(1, m)

n_h = 16
W1 = np.random.randn(n_h, 3) * np.sqrt(1.0 / 3)
b1 = np.zeros((n_h, 1))
W2 = np.random.randn(1, n_h) * np.sqrt(1.0 / n_h)
b2 = np.zeros((1, 1))
params = [W1, b1, W2, b2]

alpha = 1e-5
beta1, beta2, eps = 0.9, 0.999, 1e-8
M = [np.zeros_like(p) for p in params]
V = [np.zeros_like(p) for p in params]


def forward(X):
    Z1 = params[0] @ X + params[1]
    A1 = np.tanh(Z1)
    Yhat = params[2] @ A1 + params[3]
    return A1, Yhat


def cost(Yhat, Y):
    return np.mean((Yhat - Y) ** 2)


A1, Yhat = forward(X)
print("first_loss=%.5f" % cost(Yhat, Y))

for t in range(1, 1501):
    A1, Yhat = forward(X)
    dY = 2 * (Yhat - Y) / m
    dW2 = dY @ A1.T
    db2 = np.sum(dY, axis=1, keepdims=True)
    dA1 = params[2].T @ dY
    dZ1 = dA1 * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    grads = [dW1, db1, dW2, db2]

    for i in range(len(params)):
        M[i] = beta1 * M[i] + (1 - beta1) * grads[i]
        V[i] = beta2 * V[i] + (1 - beta2) * grads[i] ** 2
        m_hat = M[i] / (1 - beta1 ** t)
        v_hat = V[i] / (1 - beta2 ** t)
        params[i] -= alpha * m_hat / (np.sqrt(v_hat) + eps)

    if t % 300 == 0:
        print("iter", t, "mse", round(float(cost(Yhat, Y)), 5))

A1, Yhat = forward(X)
final = cost(Yhat, Y)
r2 = 1 - np.sum((Yhat - Y) ** 2) / np.sum((Y - Y.mean()) ** 2)
print("final_loss=%.5f" % final)
print("r2=%.4f" % r2)
