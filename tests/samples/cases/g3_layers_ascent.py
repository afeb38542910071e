# Three-class tanh network built from layer objects, each layer updating its own weights.
import numpy as np

gen = np.random.default_rng(8)
centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
labels = np.repeat(np.arange(3), 100)
points = centers[labels] + gen.normal(0.0, 0.7, (300, 2))
onehot = np.eye(3)[labels]


class Dense:
    def __init__(self, fan_in, fan_out, step):
        self.weights = gen.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
        self.offset = np.zeros(fan_out)
        self.step = step

    def forward(self, feed):
        self.feed = feed
        return feed @ self.weights + self.offset

    def backward(self, upstream):
        self.d_weights = self.feed.T @ upstream
        self.d_offset = upstream.sum(axis=0)
        return upstream @ self.weights.T

    def apply(self):
        self.weights += self.step * self.d_weights
        self.offset += self.step * self.d_offset


class Tanh:
    def forward(self, feed):
        self.out = np.tanh(feed)
        return self.out

    def backward(self, upstream):
        return upstream * (1.0 - self.out ** 2)

    def apply(self):
        pass


stack = [Dense(2, 12, 0.1), Tanh(), Dense(12, 3, 0.1)]
for epoch in range(200):
    signal = points
    for part in stack:
        signal = part.forward(signal)
    shifted = signal - signal.max(axis=1, keepdims=True)
    log_prob = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(np.sum(onehot * log_prob, axis=1))
    upstream = (np.exp(log_prob) - onehot) / len(points)
    for part in reversed(stack):
        upstream = part.backward(upstream)
    for part in stack:
        part.apply()
    if epoch % 40 == 0 or epoch == 199:
        print(f"epoch {epoch} loss {loss:.4f} accuracy {np.mean(log_prob.argmax(axis=1) == labels):.3f}")
