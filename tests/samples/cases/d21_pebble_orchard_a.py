# ReLU recurrent net (identity-initialised) reading noisy step sequences and predicting the final position
import numpy as np

rng = np.random.RandomState(11)

T = 30
n_seq = 512
steps = rng.normal(0.0, 1.0, (n_seq, T, 1))
steps[:, :, 0] += rng.normal(0.0, 0.5, (n_seq, 1))  # each sequence has a drift
target = steps.sum(axis=1)  # where the walker ends up
target = target / target.std()

train_X, train_y = steps[:448], target[:448]
val_X, val_y = steps[448:], target[448:]


class Layer:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        raise NotImplementedError

    def backward(self, d):
        raise NotImplementedError


class RNN(Layer):
    """h_t = relu(x_t U + h_{t-1} W + b), returns the last hidden state"""

    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.params["U"] = rng.randn(n_in, n_hidden) * 0.1
        self.params["W"] = np.eye(n_hidden)
        self.params["b"] = np.zeros(n_hidden)

    def forward(self, x):
        n, steps_, _ = x.shape
        H = self.params["W"].shape[0]
        self.x = x
        self.hs = [np.zeros((n, H))]
        self.pre = []
        for t in range(steps_):
            a = x[:, t] @ self.params["U"] + self.hs[-1] @ self.params["W"] + self.params["b"]
            self.pre.append(a)
            self.hs.append(np.maximum(a, 0))
        return self.hs[-1]

    def backward(self, d):
        for k in self.params:
            self.grads[k] = np.zeros_like(self.params[k])
        dh = d
        for t in reversed(range(self.x.shape[1])):
            da = dh * (self.pre[t] > 0)
            self.grads["U"] += self.x[:, t].T @ da
            self.grads["W"] += self.hs[t].T @ da
            self.grads["b"] += da.sum(axis=0)
            dh = da @ self.params["W"].T
        return None


class Dense(Layer):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.params["W"] = rng.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.params["b"] = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, d):
        self.grads["W"] = self.x.T @ d
        self.grads["b"] = d.sum(axis=0)
        return d @ self.params["W"].T


class Sequential:
    def __init__(self, *layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, d):
        for layer in reversed(self.layers):
            d = layer.backward(d)

    def param_list(self):
        return [(layer.params[k], layer.grads[k]) for layer in self.layers for k in layer.params]


class SGDMomentum:
    def __init__(self, lr=0.01, momentum=0.9, clip=None):
        self.lr = lr
        self.momentum = momentum
        self.clip = clip
        self.buf = {}

    def step(self, plist):
        grads = [g for _, g in plist]
        if self.clip is not None:
            total = np.sqrt(sum(np.sum(g * g) for g in grads))
            if total > self.clip:
                grads = [g * (self.clip / total) for g in grads]
        for (p, _), g in zip(plist, grads):
            b = self.buf.setdefault(id(p), np.zeros_like(p))
            b *= self.momentum
            b += g
            p -= self.lr * b


net = Sequential(RNN(1, 16), Dense(16, 1))
opt = SGDMomentum(lr=0.01, momentum=0.9, clip=1.0)
bs = 32

log = []
for epoch in range(25):
    idx = rng.permutation(len(train_X))
    total = 0.0
    for i in range(0, len(idx), bs):
        j = idx[i:i + bs]
        out = net(train_X[j])
        err = out - train_y[j]
        loss = np.mean(err ** 2)
        net.backward(2 * err / len(j))
        opt.step(net.param_list())
        total += loss * len(j)
        if not log:
            log.append(loss)
    log.append(total / len(idx))
    if epoch % 5 == 0:
        print(f"epoch {epoch}: train loss {log[-1]:.4f}")

val_pred = net(val_X)
r2 = 1 - np.sum((val_pred - val_y) ** 2) / np.sum((val_y - val_y.mean()) ** 2)
print(f"first_loss={log[0]:.4f}")
print(f"final_loss={log[-1]:.4f}")
print(f"r2={r2:.4f}")
