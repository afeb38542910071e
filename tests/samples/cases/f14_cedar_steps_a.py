# deep fully connected classifier: ring vs centre points in 2d
# wanted to try a "deep" net, 7 hidden layers of 16 units each
import numpy as np

rng = np.random.default_rng(7)
n = 300
r = np.concatenate([rng.uniform(0, 1.0, n // 2), rng.uniform(1.6, 2.6, n // 2)])
ang = rng.uniform(0, 2 * np.pi, n)
X = np.stack([r * np.cos(ang), r * np.sin(ang)], axis=1)
y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).reshape(-1, 1)


class Hidden:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        self.z = x @ self.W + self.b
        self.out = 1 / (1 + np.exp(-self.z))
        return self.out

    def backward(self, grad, lr):
        dz = grad * self.out * (1 - self.out)
        dx = dz @ self.W.T
        self.W -= lr * self.x.T @ dz
        self.b -= lr * dz.sum(axis=0)
        return dx


class Output:
    def __init__(self, n_in):
        self.W = rng.normal(0, np.sqrt(1.0 / n_in), size=(n_in, 1))
        self.b = np.zeros(1)

    def forward(self, x):
        self.x = x
        self.p = 1 / (1 + np.exp(-(x @ self.W + self.b)))
        return self.p

    def backward(self, target, lr):
        dz = (self.p - target) / len(target)
        dx = dz @ self.W.T
        self.W -= lr * self.x.T @ dz
        self.b -= lr * dz.sum(axis=0)
        return dx


layers = [Hidden(2, 16)] + [Hidden(16, 16) for _ in range(6)]
head = Output(16)


def predict(x):
    for layer in layers:
        x = layer.forward(x)
    return head.forward(x)


def bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


learning_rate = 0.1
print(f"first_loss={bce(predict(X), y):.4f}")
for epoch in range(300):
    p = predict(X)
    g = head.backward(y, learning_rate)
    for layer in reversed(layers):
        g = layer.backward(g, learning_rate)
    if epoch % 50 == 0:
        print(f"epoch {epoch}: loss {bce(p, y):.4f}")

p = predict(X)
print(f"final_loss={bce(p, y):.4f}")
print(f"accuracy={np.mean((p > 0.5) == y):.3f}")
