# flat rent model: small 1-hidden-layer net (tanh) trained with full batch gradient descent
# data layout like in Andrew Ng's course: X is (n_features, m), every column is one flat
import numpy as np

np.random.seed(4)
m = 500

area = np.random.uniform(25, 160, m)          # square metres
built = np.random.uniform(1930, 2022, m)      # year of construction
floor = np.random.randint(0, 12, m).astype(float)
dist = np.random.uniform(0.3, 25.0, m)        # km to the centre

rent = 9.0 * area + 3.0 * (built - 1930) + 15.0 * floor - 180.0 * np.log(dist) + 0.02 * (area - 90) ** 2
rent = rent + np.random.normal(0, 40.0, m)

feats = [area, built, floor, dist]
X = np.vstack(feats)
Y = ((rent - rent.mean()) / rent.std()).reshape(1, m)
print("X", X.shape, "Y", Y.shape)

n_x, n_h, n_y = X.shape[0], 12, 1
W1 = np.random.randn(n_h, n_x) * 0.5
b1 = np.zeros((n_h, 1))
W2 = np.random.randn(n_y, n_h) * 0.5
b2 = np.zeros((n_y, 1))
params = [W1, b1, W2, b2]

alpha = 0.05
beta = 0.9
velocity = [np.zeros_like(p) for p in params]


def forward(X):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    return A1, Z2


def cost(Yhat, Y):
    return np.sum((Yhat - Y) ** 2) / (2 * Y.shape[1])


A1, Yhat = forward(X)
print(f"first_loss={cost(Yhat, Y):.5f}")

for it in range(1500):
    A1, Yhat = forward(X)
    dZ2 = (Yhat - Y) / m
    dW2 = dZ2 @ A1.T
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    grads = [dW1, db1, dW2, db2]
    for p, v, g in zip(params, velocity, grads):
        v *= beta
        v -= alpha * g
        p += v
    if it % 300 == 0:
        print(f"iter {it:4d}  cost {cost(Yhat, Y):.5f}")

A1, Yhat = forward(X)
J = cost(Yhat, Y)
print(f"final_loss={J:.5f}")
r2 = 1 - np.sum((Yhat - Y) ** 2) / np.sum((Y - Y.mean()) ** 2)
print(f"r2={r2:.4f}")
