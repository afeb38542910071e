# 3 kinds of machine fault from 64 vibration channels
# small network: 64 -> 32 tanh -> 3 softmax, momentum SGD on minibatches
import numpy as np

np.random.seed(316)
n_feat, n_cls = 64, 3
radius = np.random.uniform(0, 3, 600)
angle = np.random.uniform(0, 2 * np.pi, 600)
labels = np.digitize(radius, [1.0, 2.0])       # fault type depends on how far out the first two channels sit
readings = np.random.randn(600, n_feat)
readings[:, 0] = radius * np.cos(angle)
readings[:, 1] = radius * np.sin(angle)
readings = (readings - readings.mean(axis=0)) / readings.std(axis=0)
targets = np.eye(n_cls)[labels]


class FaultNet:
    def __init__(self, n_in, n_hidden, n_out):
        self.W1 = np.random.randn(n_in, n_hidden) * np.sqrt(1.0 / n_in)
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_out) * np.sqrt(1.0 / n_hidden)
        self.b2 = np.zeros(n_out)
        self.vel = [np.zeros_like(p) for p in (self.W1, self.b1, self.W2, self.b2)]

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        s = self.h @ self.W2 + self.b2
        s = s - s.max(axis=1, keepdims=True)
        e = np.exp(s)
        self.p = e / e.sum(axis=1, keepdims=True)
        return self.p

    def loss(self, X, T):
        p = self.forward(X)
        return -np.mean(np.sum(T * np.log(p + 1e-12), axis=1))

    def backward(self, T):
        n = len(T)
        ds = (self.p - T) / n
        dW2 = self.h.T @ ds
        db2 = ds.sum(axis=0)
        dh = ds @ self.W2.T * (1 - self.h ** 2)
        dW1 = self.X.T @ dh
        db1 = dh.sum(axis=0)
        return [dW1, db1, dW2, db2]

    def step(self, grads, lr, mu):
        params = [self.W1, self.b1, self.W2, self.b2]
        for p, g, v in zip(params, grads, self.vel):
            v *= mu
            v -= lr * g
            p += v


net = FaultNet(n_feat, 32, n_cls)
lr, mu, batch = 0.04, 0.9, 60
print(f"first_loss={net.loss(readings, targets):.4f}")

epoch = 0
while True:
    order = np.random.permutation(len(readings))
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        net.forward(readings[idx])
        net.step(net.backward(targets[idx]), lr, mu)
    epoch += 1
    loss = net.loss(readings, targets)
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss {loss:.4f}")
    if loss < 0.05 or epoch >= 50:
        break

print(f"stopped after {epoch} epochs")
print(f"final_loss={loss:.4f}")
acc = np.mean(net.forward(readings).argmax(axis=1) == labels)
print(f"accuracy={acc:.3f}")
