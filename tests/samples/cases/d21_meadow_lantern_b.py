# Small tanh network predicting a growth index from soil readings, Adam on minibatches
import numpy as np

rng = np.random.default_rng(7)

# --- fake field data -------------------------------------------------------
n_plots = 600
moisture = rng.uniform(10, 40, n_plots)
ph = rng.normal(6.5, 0.6, n_plots)
nitrogen = rng.gamma(3.0, 12.0, n_plots)
sunlight = rng.uniform(4, 12, n_plots)
temp = rng.normal(21, 4, n_plots)
X = np.column_stack([moisture, ph, nitrogen, sunlight, temp])

growth = (0.08 * moisture - 0.9 * (ph - 6.4) ** 2 + 0.6 * np.log1p(nitrogen)
          + 0.25 * sunlight - 0.01 * (temp - 22) ** 2)
y = (growth + rng.normal(0, 0.15, n_plots)).reshape(-1, 1)

# some probes failed in the field, those readings are missing
missing = rng.random(X.shape) < 0.03
X[missing] = np.nan
print("missing readings:", int(missing.sum()))

mu = np.nanmean(X, axis=0)
sd = np.nanstd(X, axis=0)
X = np.where(np.isnan(X), 0.0, (X - mu) / sd)
y_mean, y_std = y.mean(), y.std()
y = (y - y_mean) / y_std

split = 480
X_train, y_train = X[:split], y[:split]
X_test, y_test = X[split:], y[split:]


# --- tiny layer library ----------------------------------------------------
class Layer:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.params["W"] = rng.normal(0, np.sqrt(1.0 / n_in), (n_in, n_out))
        self.params["b"] = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad):
        self.grads["W"] = self.x.T @ grad
        self.grads["b"] = grad.sum(axis=0)
        return grad @ self.params["W"].T


class Tanh(Layer):
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out ** 2)


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def parameters(self):
        for layer in self.layers:
            for k in layer.params:
                yield layer.params[k], layer.grads[k]


class Adam:
    def __init__(self, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.m = {}
        self.v = {}
        self.t = 0

    def step(self, pairs):
        self.t += 1
        for p, g in pairs:
            key = id(p)
            if key not in self.m:
                self.m[key] = np.zeros_like(p)
                self.v[key] = np.zeros_like(p)
            self.m[key] = self.b1 * self.m[key] + (1 - self.b1) * g
            self.v[key] = self.b2 * self.v[key] + (1 - self.b2) * g * g
            m_hat = self.m[key] / (1 - self.b1 ** self.t)
            v_hat = self.v[key] / (1 - self.b2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def mse(pred, target):
    diff = pred - target
    return np.mean(diff ** 2), 2 * diff / len(diff)


# --- training --------------------------------------------------------------
net = Sequential(Dense(5, 32), Tanh(), Dense(32, 16), Tanh(), Dense(16, 1))
opt = Adam(lr=0.003)
batch = 32
epochs = 60

first_loss = None
for epoch in range(epochs):
    order = rng.permutation(split)
    losses = []
    for start in range(0, split, batch):
        idx = order[start:start + batch]
        pred = net(X_train[idx])
        loss, dpred = mse(pred, y_train[idx])
        net.backward(dpred)
        opt.step(net.parameters())
        losses.append(loss)
        if first_loss is None:
            first_loss = loss
    if epoch % 15 == 0:
        print(f"epoch {epoch:3d}  train mse {np.mean(losses):.4f}")

final_loss = np.mean(losses)
test_pred = net(X_test)
ss_res = np.sum((test_pred - y_test) ** 2)
ss_tot = np.sum((y_test - y_test.mean()) ** 2)
r2 = 1 - ss_res / ss_tot

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
