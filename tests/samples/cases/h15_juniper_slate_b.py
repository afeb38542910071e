# small tanh network for a smooth regression problem (8 inputs -> 1 output)
# each layer is an object with forward() and backward(), the net is just a list of them
import numpy as np

rng = np.random.default_rng(2024)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.standard_normal((n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1.0 - self.out ** 2)

    def step(self, lr):
        pass


# fake data: target is a smooth nonlinear function of the inputs plus a bit of noise
n_samples, n_features = 400, 8
X = rng.uniform(-2, 2, size=(n_samples, n_features))
y = (np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] - np.cos(X[:, 3]) + 0.3 * X[:, 4]).reshape(-1, 1)
y += 0.05 * rng.standard_normal(y.shape)
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = (y - y.mean()) / y.std()
X_train, y_train = X[:300], y[:300]
X_test, y_test = X[300:], y[300:]

net = [Dense(n_features, 16), Tanh(), Dense(16, 16), Tanh(), Dense(16, 1)]


def predict(x):
    for layer in net:
        x = layer.forward(x)
    return x


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


lr = 0.05
print(f"first_loss={mse(predict(X_train), y_train):.4f}")

for epoch in range(800):
    pred = predict(X_train)
    grad = 2 * (pred - y_train) / len(y_train)
    for layer in reversed(net):
        grad = layer.backward(grad)
    for layer in net:
        layer.step(lr)
    if epoch % 100 == 0:
        print(f"epoch {epoch:3d}  train mse {mse(pred, y_train):.4f}")

final = mse(predict(X_train), y_train)
test = mse(predict(X_test), y_test)
print(f"final_loss={final:.4f}")
print(f"test_mse={test:.4f}")
print(f"r2={1 - test / np.var(y_test):.3f}")
