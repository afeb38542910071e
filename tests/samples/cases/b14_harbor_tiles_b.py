# deep relu regression net built from layer objects
# Linear / ReLU classes with forward() and backward(), and a small Momentum optimizer class
import numpy as np

np.random.seed(7)

# toy target: y = sin(1.5 x0) + 0.5 x1^2 - x2
X = np.random.uniform(-2, 2, size=(256, 3))
y = np.sin(1.5 * X[:, :1]) + 0.5 * X[:, 1:2] ** 2 - X[:, 2:]


class Linear:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros((1, n_out))
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T

    def parameters(self):
        return [(self.W, self.dW), (self.b, self.db)]


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask

    def parameters(self):
        return []


class Momentum:
    def __init__(self, layers, lr=0.01, beta=0.9):
        self.layers = layers
        self.lr = lr
        self.beta = beta
        self.velocity = {}

    def step(self):
        for layer in self.layers:
            for k, (p, g) in enumerate(layer.parameters()):
                v = self.velocity.get((id(layer), k), np.zeros_like(p))
                v = self.beta * v - self.lr * g
                self.velocity[(id(layer), k)] = v
                p += v


model = [Linear(3, 32), ReLU(),
         Linear(32, 32), ReLU(),
         Linear(32, 32), ReLU(),
         Linear(32, 32), ReLU(),
         Linear(32, 1)]
opt = Momentum(model, lr=0.01)


def predict(x):
    for layer in model:
        x = layer.forward(x)
    return x


for epoch in range(300):
    out = predict(X)
    loss = np.mean((out - y) ** 2)
    if epoch == 0:
        print(f"first_loss={loss:.4f}")
    elif epoch % 50 == 0:
        print(f"epoch {epoch} mse {loss:.4f}")
    grad = 2 * (out - y) / len(X)
    for layer in reversed(model):
        grad = layer.backward(grad)
    opt.step()

out = predict(X)
mse = np.mean((out - y) ** 2)
print(f"final_loss={mse:.4f}")
print(f"r2={1 - mse / np.var(y):.4f}")
