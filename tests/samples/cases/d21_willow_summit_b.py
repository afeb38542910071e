# Binary classifier on two interleaved half-moons, tanh hidden layers, binary cross-entropy, Adam
import numpy as np

rng = np.random.default_rng(2024)


def make_moons(n, noise):
    half = n // 2
    t1 = rng.uniform(0, np.pi, half)
    t2 = rng.uniform(0, np.pi, n - half)
    upper = np.column_stack([np.cos(t1), np.sin(t1)])
    lower = np.column_stack([1 - np.cos(t2), 0.5 - np.sin(t2)])
    pts = np.vstack([upper, lower]) + rng.normal(0, noise, (n, 2))
    lab = np.concatenate([np.zeros(half), np.ones(n - half)])
    return pts, lab


X, y = make_moons(500, 0.12)
X = (X - X.mean(0)) / X.std(0)
y = y[:, None]
perm = rng.permutation(len(X))
X, y = X[perm], y[perm]
Xtr, ytr, Xte, yte = X[:400], y[:400], X[400:], y[400:]


class Layer:
    """base: subclasses fill params/grads and implement forward + backward"""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, d_in, d_out):
        super().__init__()
        limit = np.sqrt(6 / (d_in + d_out))
        self.params["w"] = rng.uniform(-limit, limit, (d_in, d_out))
        self.params["b"] = np.zeros(d_out)

    def forward(self, x):
        self.cache = x
        return x @ self.params["w"] + self.params["b"]

    def backward(self, dout):
        self.grads["w"] = self.cache.T @ dout
        self.grads["b"] = dout.sum(0)
        return dout @ self.params["w"].T


class Tanh(Layer):
    def forward(self, x):
        self.a = np.tanh(x)
        return self.a

    def backward(self, dout):
        return dout * (1 - self.a * self.a)


class Sigmoid(Layer):
    def forward(self, x):
        self.a = 1 / (1 + np.exp(-x))
        return self.a

    def backward(self, dout):
        return dout * self.a * (1 - self.a)


class Sequential(Layer):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout


class BCELoss:
    def forward(self, p, t):
        self.p, self.t = p, t
        eps = 1e-9
        return -np.mean(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps))

    def backward(self):
        eps = 1e-9
        return (self.p - self.t) / ((self.p * (1 - self.p)) + eps) / len(self.p)


class Adam:
    def __init__(self, layers, lr=0.01, beta1=0.9, beta2=0.999):
        self.layers = layers
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.state = {}
        self.k = 0

    def step(self):
        self.k += 1
        for i, layer in enumerate(self.layers):
            for name, p in layer.params.items():
                g = layer.grads[name]
                key = (i, name)
                m, v = self.state.get(key, (np.zeros_like(p), np.zeros_like(p)))
                m = self.beta1 * m + (1 - self.beta1) * g
                v = self.beta2 * v + (1 - self.beta2) * g ** 2
                self.state[key] = (m, v)
                mhat = m / (1 - self.beta1 ** self.k)
                vhat = v / (1 - self.beta2 ** self.k)
                p -= self.lr * mhat / (np.sqrt(vhat) + 1e-8)


model = Sequential([
    Dense(2, 24), Tanh(),
    Dense(24, 24), Tanh(),
    Dense(24, 1), Sigmoid(),
])
loss_fn = BCELoss()
optim = Adam(model.layers, lr=0.01)

losses = []
for step in range(400):
    p = model(Xtr)
    loss = loss_fn.forward(p, ytr)
    model.backward(loss_fn.backward())
    optim.step()
    losses.append(loss)
    if step % 100 == 0:
        print(f"step {step}: loss {loss:.4f}")

p_test = model(Xte)
accuracy = np.mean((p_test > 0.5) == (yte > 0.5))
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={accuracy:.4f}")
