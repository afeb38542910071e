# which of 4 fabric types, from 6 reflectance readings in 0..1 (the sensor gives float32)
# small layer classes with forward/backward, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(3)

n_classes, n_feat, per_class = 4, 6, 150
centres = rng.uniform(0.2, 0.8, size=(n_classes, n_feat)).astype(np.float32)
labels = np.repeat(np.arange(n_classes), per_class)          # integer class ids 0..3
X = np.clip(centres[labels] + rng.normal(0, 0.08, (len(labels), n_feat)), 0, 1).astype(np.float32)


class Dense:
    def __init__(self, n_in, n_out):
        limit = np.sqrt(6 / (n_in + n_out))
        # uniform init in [-limit, limit]
        self.W = ((rng.random((n_in, n_out)) - 1) * limit).astype(np.float32)
        self.b = np.zeros(n_out, dtype=np.float32)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad, lr):
        grad_x = grad @ self.W.T
        self.W -= lr * (self.x.T @ grad)
        self.b -= lr * grad.sum(axis=0)
        return grad_x


class ReLU:
    def forward(self, x):
        self.mask = (x > 0).astype(np.float32)
        return x * self.mask

    def backward(self, grad, lr):
        return grad * self.mask


layers = [Dense(n_feat, 32), ReLU(), Dense(32, n_classes)]


def run(x):
    for layer in layers:
        x = layer.forward(x)
    return x


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def loss_and_probs():
    p = softmax(run(X))
    return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-7)), p


lr = 0.5
loss, p = loss_and_probs()
print(f"first_loss={loss:.4f}")
for step in range(600):
    loss, p = loss_and_probs()
    grad = p.copy()
    grad[np.arange(len(labels)), labels] -= 1
    grad /= len(labels)
    for layer in reversed(layers):
        grad = layer.backward(grad, lr)
    if step % 100 == 0:
        print(f"step {step}: loss {loss:.4f}")

loss, p = loss_and_probs()
print(f"final_loss={loss:.4f}")
print(f"accuracy={np.mean(p.argmax(axis=1) == labels):.3f}")
