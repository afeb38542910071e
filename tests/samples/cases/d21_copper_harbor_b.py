# Three-arm spiral classifier: Dense/ReLU layers, softmax cross-entropy, SGD with momentum
import numpy as np

np.random.seed(3)

K = 3
per_class = 150
pts, labels = [], []
for c in range(K):
    r = np.linspace(0.05, 1.0, per_class)
    theta = np.linspace(c * 4.2, c * 4.2 + 4.0, per_class) + np.random.randn(per_class) * 0.18
    pts.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
    labels.append(np.full(per_class, c))
X = np.vstack(pts)
y = np.concatenate(labels)
N = len(y)


class Layer:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return x

    def backward(self, g):
        return g


class Dense(Layer):
    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.params['W'] = np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)
        self.params['b'] = np.zeros((1, fan_out))

    def forward(self, x):
        self.inp = x
        return x @ self.params['W'] + self.params['b']

    def backward(self, g):
        self.grads['W'] = self.inp.T @ g
        self.grads['b'] = g.sum(axis=0, keepdims=True)
        return g @ self.params['W'].T


class ReLU(Layer):
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, g):
        return g * self.mask


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for l in self.layers:
            x = l.forward(x)
        return x

    def backward(self, g):
        for l in self.layers[::-1]:
            g = l.backward(g)

    def named_params(self):
        out = []
        for i, l in enumerate(self.layers):
            for name, p in l.params.items():
                out.append((f"{i}.{name}", p, l.grads[name]))
        return out


class SoftmaxCrossEntropy:
    def __call__(self, logits, y):
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        self.probs = e / e.sum(axis=1, keepdims=True)
        self.target = y.reshape(-1, 1)
        n = len(y)
        return -np.log(self.probs[np.arange(n), y] + 1e-12).mean()

    def backward(self):
        return (self.probs - self.target) / len(self.probs)


class Momentum:
    def __init__(self, lr, mu=0.9):
        self.lr = lr
        self.mu = mu
        self.vel = {}

    def step(self, named):
        for name, p, g in named:
            v = self.vel.get(name, np.zeros_like(p))
            v = self.mu * v - self.lr * g
            self.vel[name] = v
            p += v


model = Sequential([Dense(2, 64), ReLU(), Dense(64, 64), ReLU(), Dense(64, K)])
criterion = SoftmaxCrossEntropy()
opt = Momentum(lr=0.05)

history = []
for it in range(1500):
    batch = np.random.choice(N, 64, replace=False)
    out = model(X[batch])
    loss = criterion(out, y[batch])
    model.backward(criterion.backward())
    opt.step(model.named_params())
    history.append(loss)
    if it % 300 == 0:
        print("iter", it, "loss", round(float(loss), 4))

full_logits = model(X)
accuracy = np.mean(full_logits.argmax(axis=1) == y)
print(f"first_loss={history[0]:.4f}")
print(f"final_loss={np.mean(history[-50:]):.4f}")
print(f"accuracy={accuracy:.4f}")
