# seed type classifier (3 kinds) from 4 kernel measurements
# trying a deeper net this time -- every layer is an object with forward/backward
import numpy as np

np.random.seed(3)

# fake data: 3 blobs bent around so a straight line is not enough
n_per = 150
X_parts, y_parts = [], []
for k in range(3):
    ang = np.random.rand(n_per) * 1.6 + k * 2.1
    rad = 1.0 + 0.3 * np.random.randn(n_per)
    extra = np.random.randn(n_per, 2) * 0.5
    X_parts.append(np.column_stack([rad * np.cos(ang), rad * np.sin(ang), extra]))
    y_parts.append(np.full(n_per, k))
X = np.vstack(X_parts)
y = np.concatenate(y_parts)
Y = np.eye(3)[y]


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad, lr):
        dW = self.x.T @ grad
        db = grad.sum(axis=0)
        dx = grad @ self.W.T
        self.W -= lr * dW
        self.b -= lr * db
        return dx


class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, grad, lr):
        return grad * self.out * (1.0 - self.out)


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad, lr):
        return grad * (1.0 - self.out ** 2)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


sizes = [4, 24, 24, 24, 24, 24, 24, 24, 24]
layers = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    layers.append(Dense(n_in, n_out))
    layers.append(Tanh())
layers.append(Dense(sizes[-1], 3))


def predict(x):
    for layer in layers:
        x = layer.forward(x)
    return softmax(x)


def cross_entropy(p, Y):
    return -np.mean(np.sum(Y * np.log(p + 1e-12), axis=1))


lr = 0.2
print("first_loss=%.4f" % cross_entropy(predict(X), Y))
for epoch in range(400):
    p = predict(X)
    grad = (p - Y) / len(X)
    for layer in reversed(layers):
        grad = layer.backward(grad, lr)
    if epoch % 100 == 0:
        print("epoch", epoch, "loss", round(cross_entropy(p, Y), 4))

p = predict(X)
print("final_loss=%.4f" % cross_entropy(p, Y))
print("accuracy=%.3f" % np.mean(p.argmax(axis=1) == y))
