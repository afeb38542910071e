# Two-hidden-layer net (tanh, relu) on noisy concentric rings, sigmoid output trained with squared error
import numpy as np

rng = np.random.default_rng(5)


class Dense:
    def __init__(self, n_in, n_out, scale=None):
        scale = scale if scale is not None else np.sqrt(1.0 / n_in)
        self.weight = rng.standard_normal((n_in, n_out)) * scale
        self.bias = np.zeros((1, n_out))

    def forward(self, inp):
        self.inp = inp
        return inp @ self.weight + self.bias

    def backward(self, grad_out):
        self.grad_weight = self.inp.T @ grad_out
        self.grad_bias = np.sum(grad_out, axis=0, keepdims=True)
        return grad_out @ self.weight.T


class Tanh:
    def forward(self, inp):
        self.out = np.tanh(inp)
        return self.out

    def backward(self, grad_out):
        return grad_out * (1 - self.out * self.out)


class ReLU:
    def forward(self, inp):
        self.positive = inp > 0
        return inp * self.positive

    def backward(self, grad_out):
        return grad_out * self.positive


class Sigmoid:
    def forward(self, inp):
        self.out = 1.0 / (1.0 + np.exp(-inp))
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out * (1.0 - self.out)


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g


class SquaredError:
    def forward(self, pred, target):
        self.pred = pred
        self.target = target
        return np.mean((pred - target) ** 2)

    def backward(self):
        diff = self.pred
        diff -= self.target
        return 2.0 * diff / diff.size


class SGD:
    """plain SGD with momentum, one velocity buffer per weight/bias"""

    def __init__(self, model, lr=0.1, momentum=0.9):
        self.dense = [l for l in model.layers if isinstance(l, Dense)]
        self.lr = lr
        self.momentum = momentum
        self.buffers = [(np.zeros_like(l.weight), np.zeros_like(l.bias)) for l in self.dense]

    def step(self):
        for layer, (vw, vb) in zip(self.dense, self.buffers):
            vw[:] = self.momentum * vw - self.lr * layer.grad_weight
            vb[:] = self.momentum * vb - self.lr * layer.grad_bias
            layer.weight += vw
            layer.bias += vb


def iterate_minibatches(X, y, batch_size, shuffle=True):
    indices = np.arange(len(X))
    if shuffle:
        rng.shuffle(indices)
    for start in range(0, len(X) - batch_size + 1, batch_size):
        excerpt = indices[start:start + batch_size]
        yield X[excerpt], y[excerpt]


def rings(n):
    r = np.concatenate([rng.normal(1.0, 0.15, n // 2), rng.normal(2.2, 0.15, n - n // 2)])
    theta = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    y = np.concatenate([np.zeros(n // 2), np.ones(n - n // 2)])[:, None]
    return X, y


X, y = rings(600)

net = Sequential([
    Dense(2, 24), Tanh(),
    Dense(24, 24), ReLU(),
    Dense(24, 1), Sigmoid(),
])
loss = SquaredError()
optimizer = SGD(net, lr=0.2, momentum=0.9)

history = []
for epoch in range(80):
    running = []
    for xb, yb in iterate_minibatches(X, y, 30):
        out = net.forward(xb)
        running.append(loss.forward(out, yb))
        net.backward(loss.backward())
        optimizer.step()
    history.append(np.mean(running))
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}  loss {history[-1]:.5f}")

pred = net.forward(X)
final_loss = loss.forward(pred, y)
accuracy = np.mean((pred > 0.5).astype(float) == y)
print(f"first_loss={history[0]:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
