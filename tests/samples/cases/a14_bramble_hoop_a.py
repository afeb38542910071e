# tiny net to tell if a point is inside a ring (2 features -> relu -> sigmoid)
# sgd one sample at a time
import numpy as np

rng = np.random.default_rng(11)

N = 300
pts = rng.uniform(-1.0, 1.0, size=(N, 2))
r = np.sqrt((pts ** 2).sum(axis=1))
labels = ((r > 0.35) & (r < 0.8)).astype(float)
# squash inputs into 0..1 like pixel values
X = (pts + 1.0) / 2.0
print("class balance:", labels.mean())


class RingNet:
    def __init__(self, n_in, n_hid):
        self.W1 = rng.normal(0, 0.5, size=(n_in, n_hid))
        # start the hidden biases a bit negative so the layer is sparse at the start
        self.b1 = np.full(n_hid, -1.0)
        self.W2 = rng.normal(0, np.sqrt(1.0 / n_hid), size=n_hid)
        self.b2 = 0.0

    def forward(self, x):
        self.x = x
        self.z = x @ self.W1 + self.b1
        self.h = np.maximum(self.z, 0)
        s = self.h @ self.W2 + self.b2
        self.p = 1.0 / (1.0 + np.exp(-s))
        return self.p

    def backward(self, y, lr):
        ds = self.p - y
        dW2 = ds * self.h
        db2 = ds
        dh = ds * self.W2
        dz = dh * (self.z > 0)
        dW1 = np.outer(self.x, dz)
        db1 = dz
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1


def bce(net):
    total = 0.0
    for i in range(N):
        p = net.forward(X[i])
        p = min(max(p, 1e-7), 1 - 1e-7)
        total += -(labels[i] * np.log(p) + (1 - labels[i]) * np.log(1 - p))
    return total / N


def acc(net):
    right = 0
    for i in range(N):
        right += int((net.forward(X[i]) > 0.5) == labels[i])
    return right / N


net = RingNet(2, 24)
print(f"first_loss={bce(net):.4f}")

lr = 0.1
for epoch in range(100):
    order = rng.permutation(N)
    for i in order:
        net.forward(X[i])
        net.backward(labels[i], lr)
    if epoch % 20 == 0:
        alive = (np.maximum(X @ net.W1 + net.b1, 0).sum(axis=0) > 0).sum()
        print(f"epoch {epoch}  loss {bce(net):.4f}  acc {acc(net):.3f}  active units {alive}")

print(f"final_loss={bce(net):.4f}")
print(f"accuracy={acc(net):.3f}")
