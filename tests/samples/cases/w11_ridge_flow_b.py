# will the pump trip? binary label from 5 sensor readings, small relu net in float32
import numpy as np

rng = np.random.default_rng(8)
N = 800
raw = rng.normal(size=(N, 5)).astype(np.float32)
# squash every sensor into 0..1 like the datasheet says
sensors = (raw - raw.min(axis=0)) / (raw.max(axis=0) - raw.min(axis=0))
c = sensors - 0.5
score = np.sin(5 * c[:, 0]) + 3 * c[:, 1] * c[:, 2] - np.abs(c[:, 3]) + c[:, 4] + 0.2
tripped = (score > 0).astype(np.float32).reshape(-1, 1)


class Dense:
    def __init__(self, n_in, n_out, relu=True):
        self.W = (rng.normal(size=(n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        self.b = np.zeros((1, n_out), dtype=np.float32)
        self.relu = relu

    def forward(self, x):
        self.x = x
        self.z = x @ self.W + self.b
        if self.relu:
            return np.maximum(self.z, 0)
        return self.z

    def backward(self, g):
        if self.relu:
            g = g * (self.z > 0)
        self.dW = self.x.T @ g
        self.db = g.sum(axis=0, keepdims=True)
        return g @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


net = [Dense(5, 32), Dense(32, 32), Dense(32, 1, relu=False)]


def forward(x):
    for layer in net:
        x = layer.forward(x)
    return 1 / (1 + np.exp(-x))


def bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


lr = 2.0
batch = 32
print("first_loss=" + str(round(bce(forward(sensors), tripped), 5)))
for epoch in range(40):
    idx = rng.permutation(N)
    for s in range(0, N, batch):
        bi = idx[s:s + batch]
        p = forward(sensors[bi])
        g = (p - tripped[bi]) / len(bi)
        for layer in reversed(net):
            g = layer.backward(g)
        for layer in net:
            layer.step(lr)
    if epoch % 10 == 0:
        print("epoch", epoch, "bce", round(bce(forward(sensors), tripped), 5))

p = forward(sensors)
print("final_loss=" + str(round(bce(p, tripped), 5)))
print("accuracy=" + str(round(float(np.mean((p > 0.5) == tripped)), 4)))
