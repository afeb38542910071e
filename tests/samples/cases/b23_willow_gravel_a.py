# Logistic regression on synthetic customer records (integer features), Adam optimizer, minibatches
import numpy as np

rng = np.random.default_rng(2024)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, 0.01, size=(n_in, n_out))
        self.b = np.zeros(n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW = self.x.T @ g
        self.db = g.sum(0)
        return g @ self.W.T

    def parameters(self):
        return [("W", self.W, self.dW), ("b", self.b, self.db)]


class Sigmoid:
    def forward(self, x):
        self.y = 1 / (1 + np.exp(-x))
        return self.y

    def backward(self, g):
        return g * self.y * (1 - self.y)

    def parameters(self):
        return []


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for l in self.layers:
            x = l.forward(x)
        return x

    def backward(self, g):
        for l in reversed(self.layers):
            g = l.backward(g)


class LogLoss:
    eps = 1e-9

    def forward(self, p, t):
        self.p, self.t = p, t
        return float(-np.mean(t * np.log(p + self.eps) + (1 - t) * np.log(1 - p + self.eps)))

    def backward(self):
        p, t = self.p, self.t
        return (p - t) / ((p * (1 - p)) + self.eps) / len(t)


class Adam:
    def __init__(self, model, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
        self.model = model
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.m = {}
        self.v = {}
        self.t = 0

    def step(self):
        self.t += 1
        for li, layer in enumerate(self.model.layers):
            for name, p, g in layer.parameters():
                key = (li, name)
                if key not in self.m:
                    self.m[key] = np.zeros_like(p)
                    self.v[key] = np.zeros_like(p)
                self.m[key] = self.b1 * self.m[key] + (1 - self.b1) * g
                self.v[key] = self.b2 * self.v[key] + (1 - self.b2) * g * g
                mhat = self.m[key] / (1 - self.b1 ** self.t)
                vhat = self.v[key] / (1 - self.b2 ** self.t)
                p -= self.lr * mhat / (np.sqrt(vhat) + self.eps)


def get_batches(X, y, bs=64):
    perm = rng.permutation(len(X))
    for k in range(0, len(X), bs):
        part = perm[k:k + bs]
        yield X[part], y[part]


# columns: age, income (k), store visits per month, credit score
n = 1200
age = rng.integers(18, 75, n)
income = rng.integers(12, 160, n)
visits = rng.integers(0, 31, n)
score = rng.integers(350, 851, n)
raw = np.column_stack([age, income, visits, score])

logit = (-0.04 * (age - 46) + 0.03 * (income - 86) + 0.12 * (visits - 15)
         + 0.012 * (score - 600))
target = (logit + rng.logistic(0, 0.3, n) > 0).astype(float).reshape(-1, 1)

# standardize each column
X = raw.astype(float)
for j in range(X.shape[1]):
    mu = X[:, j].mean()
    sd = X[:, j].std()
    X[:, j] = (X[:, j] - mu) / sd

model = Sequential([Dense(4, 1), Sigmoid()])
loss_fn = LogLoss()
opt = Adam(model, lr=0.05)

first_loss = loss_fn.forward(model.forward(X), target)
for epoch in range(40):
    for xb, yb in get_batches(X, target):
        loss_fn.forward(model.forward(xb), yb)
        model.backward(loss_fn.backward())
        opt.step()
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", round(loss_fn.forward(model.forward(X), target), 4))

p = model.forward(X)
final_loss = loss_fn.forward(p, target)
accuracy = float(np.mean((p >= 0.5) == (target == 1)))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
