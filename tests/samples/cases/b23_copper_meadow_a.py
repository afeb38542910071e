# Tanh network regressing a bumpy 1-D curve from 3 input features, momentum SGD on minibatches
import numpy as np

np.random.seed(11)


class Dense:
    def __init__(self, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        self.W = np.random.uniform(-limit, limit, (fan_in, fan_out))
        self.b = np.zeros((1, fan_out))
        self.grads = {}

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.W + self.b

    def backward(self, d_out):
        self.grads["W"] = self.inputs.T @ d_out
        self.grads["b"] = d_out.sum(axis=0, keepdims=True)
        return d_out @ self.W.T


class Tanh:
    def forward(self, inputs):
        self.act = np.tanh(inputs)
        return self.act

    def backward(self, d_out):
        return d_out * (1.0 - self.act ** 2)


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, d_out):
        for layer in self.layers[::-1]:
            d_out = layer.backward(d_out)

    def dense_layers(self):
        return [l for l in self.layers if isinstance(l, Dense)]


class MSE:
    def __call__(self, pred, target):
        self.diff = pred - target
        return float(np.mean(self.diff ** 2))

    def grad(self):
        # d/dpred of the mean squared error
        return 2.0 * self.diff / self.diff.shape[0]


class SGDMomentum:
    def __init__(self, layers, lr=0.01, beta=0.9):
        self.layers = layers
        self.lr = lr
        self.beta = beta
        self.vel = [{"W": np.zeros_like(l.W), "b": np.zeros_like(l.b)} for l in layers]

    def step(self):
        for layer, v in zip(self.layers, self.vel):
            for name in ("W", "b"):
                v[name] = self.beta * v[name] + layer.grads[name]
                param = getattr(layer, name)
                param -= self.lr * v[name]


def minibatches(X, Y, batch_size):
    order = np.random.permutation(X.shape[0])
    for i in range(0, len(order), batch_size):
        j = order[i:i + batch_size]
        yield X[j], Y[j]


N = 1000
X = np.random.uniform(-2, 2, size=(N, 3))
Y = (np.sin(2 * X[:, :1]) + 0.5 * X[:, 1:2] * X[:, 2:3] + 0.3 * X[:, 2:3]) + np.random.normal(0, 0.05, (N, 1))

net = Sequential(Dense(3, 64), Tanh(), Dense(64, 64), Tanh(), Dense(64, 1))
criterion = MSE()
optim = SGDMomentum(net.dense_layers(), lr=0.02, beta=0.9)

first_loss = criterion(net(X), Y)
for epoch in range(60):
    for xb, yb in minibatches(X, Y, 250):
        out = net(xb)
        criterion(out, yb)
        net.backward(criterion.grad())
        optim.step()
    if epoch % 15 == 0:
        print("epoch", epoch, "train mse", round(criterion(net(X), Y), 5))

pred = net(X)
final_loss = criterion(pred, Y)
r2 = 1.0 - np.sum((Y - pred) ** 2) / np.sum((Y - Y.mean()) ** 2)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
