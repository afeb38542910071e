# Two interleaved half moons, classified with my own little layer classes (row = one sample).
# Minibatches of 32, sigmoid hidden layer, sigmoid output with cross-entropy.
import numpy as np

rng = np.random.default_rng(21)


def half_moons(count):
    angle = rng.uniform(0, np.pi, count)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    pts = np.concatenate([upper, lower]) + rng.normal(0, 0.1, (2 * count, 2))
    lab = np.concatenate([np.zeros(count), np.ones(count)])
    return pts - pts.mean(axis=0), lab[:, None]


class Dense:
    def __init__(self, fan_in, fan_out):
        self.weight = rng.normal(0.0, 1.0, (fan_in, fan_out)) / np.sqrt(fan_in)
        self.shift = np.zeros(fan_out)

    def forward(self, inp):
        self.inp = inp
        self.out = 1.0 / (1.0 + np.exp(-(inp @ self.weight + self.shift)))
        return self.out

    def backward(self, grad_out, pace):
        grad_pre = grad_out * self.out * (1.0 - self.out)
        grad_in = grad_pre @ self.weight.T
        self.weight -= pace * self.inp.T @ grad_pre
        self.shift -= pace * grad_pre.sum(axis=0)
        return grad_in


points, labels = half_moons(200)
stack = [Dense(2, 12), Dense(12, 1)]
pace = 1.0


def predict(batch):
    for layer in stack:
        batch = layer.forward(batch)
    return batch


def bce(prob, lab):
    prob = np.clip(prob, 1e-9, 1 - 1e-9)
    return float(-np.mean(lab * np.log(prob) + (1 - lab) * np.log(1 - prob)))


print(f"first_loss={bce(predict(points), labels):.4f}")
for epoch in range(120):
    order = rng.permutation(len(points))
    for lo in range(0, len(points), 32):
        idx = order[lo:lo + 32]
        prob = predict(points[idx])
        # derivative of mean cross-entropy w.r.t. the output (sigmoid term is undone in backward)
        grad = (prob - labels[idx]) / (prob * (1 - prob) + 1e-12) / len(idx)
        for layer in reversed(stack):
            grad = layer.backward(grad, pace)

prob = predict(points)
print(f"final_loss={bce(prob, labels):.4f}")
print(f"accuracy={np.mean((prob > 0.5) == labels):.3f}")
