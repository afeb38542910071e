# linear regression: predict daily energy use of a building from 6 sensor readings
# gradient descent with momentum (velocity arrays), whole dataset every step
import numpy as np

np.random.seed(0)

n = 1500
features = ["temp", "humidity", "occupancy", "lights", "wind", "hour"]
X = np.random.randn(n, len(features))
X[:, 2] = np.abs(X[:, 2]) * 2.0          # occupancy is never negative
true_w = np.array([3.0, -1.2, 4.5, 0.8, -0.5, 1.7])
y = np.dot(X, true_w) + 12.0 + np.random.randn(n) * 0.8

# standardise the inputs
X = (X - X.mean(axis=0)) / X.std(axis=0)

w = np.zeros(X.shape[1])
b = 0.0
v_w = np.zeros_like(w)
v_b = 0.0
lr = 0.01
beta = 0.9


def cost(w, b):
    err = np.dot(X, w) + b - y
    return np.mean(err ** 2)


print("first_loss=%.4f" % cost(w, b))

for epoch in range(300):
    err = np.dot(X, w) + b - y
    grad_w = 2 * np.dot(X.T, err) / n
    grad_b = 2 * np.mean(err)

    v_w = beta * v_w - lr * grad_w
    v_b = beta * v_b - lr * grad_b
    w = w + v_w
    b = b + v_b

    if epoch % 50 == 0:
        print("epoch", epoch, "mse", cost(w, b))

final = cost(w, b)
print("final_loss=%.4f" % final)
print("r2=%.4f" % (1 - final / np.var(y)))
print("weights:", np.round(w, 2), "bias:", round(float(b), 2))
