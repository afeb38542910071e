# logistic regression: is the valve faulty? trained with shuffled minibatches
import numpy as np


def iterate_minibatches(inputs, targets, batchsize, shuffle=False, rng=None):
    assert len(inputs) == len(targets)
    indices = np.arange(len(inputs))
    if shuffle:
        rng.shuffle(indices)
    for start in range(0, len(inputs) - batchsize + 1, batchsize):
        excerpt = indices[start:start + batchsize]
        yield inputs[excerpt], targets[excerpt]


class LogReg:
    def __init__(self, n_in, lr):
        self.w = np.zeros(n_in)
        self.b = 0.0
        self.lr = lr

    def proba(self, X):
        return 1.0 / (1.0 + np.exp(-(X @ self.w + self.b)))

    def loss(self, X, y):
        p = np.clip(self.proba(X), 1e-12, 1 - 1e-12)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def train_step(self, X, y):
        p = self.proba(X)
        diff = p - y
        self.w -= self.lr * X.T @ diff / len(y)
        self.b -= self.lr * diff.mean()


# two gauges on the same pipe: they mostly see the shared line pressure,
# a faulty valve shows up as a small gap between them. plus three unrelated readings
rng = np.random.default_rng(7)
n_per_class = 600


def make_readings(faulty):
    shift = 1.0 if faulty else -1.0
    line_pressure = rng.normal(0.0, 3.0, size=n_per_class)
    gauge_a = line_pressure + rng.normal(0.0, 0.3, size=n_per_class) + 0.4 * shift
    gauge_b = line_pressure + rng.normal(0.0, 0.3, size=n_per_class) - 0.1 * shift
    other = rng.normal(0.0, 1.0, size=(n_per_class, 3))
    return np.column_stack([gauge_a, gauge_b, other])


X = np.vstack([make_readings(True), make_readings(False)])
y = np.concatenate([np.ones(n_per_class), np.zeros(n_per_class)])
X = (X - X.mean(axis=0)) / X.std(axis=0)

model = LogReg(X.shape[1], lr=0.5)
print(f"first_loss={model.loss(X, y):.4f}")

for epoch in range(30):
    for xb, yb in iterate_minibatches(X, y, 32, shuffle=True, rng=rng):
        model.train_step(xb, yb)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} loss {model.loss(X, y):.4f}")

print(f"final_loss={model.loss(X, y):.4f}")
acc = np.mean((model.proba(X) > 0.5) == y)
print(f"accuracy={acc:.3f}")
