# deep tanh net for 4 kinds of signal from 6 readings, float32 all the way
# (trying out a "layer object" design like the big frameworks)
import numpy as np

np.random.seed(3)
n_per = 250
means = np.random.randn(4, 6) * 1.6
X = np.vstack([m + np.random.randn(n_per, 6) for m in means]).astype(np.float32)
labels = np.repeat(np.arange(4), n_per)
Y = np.eye(4, dtype=np.float32)[labels]


class Dense:
    def __init__(self, n_in, n_out, act=True):
        self.W = (np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)).astype(np.float32)
        self.b = np.zeros(n_out, dtype=np.float32)
        self.vW = np.zeros_like(self.W)
        self.vb = np.zeros_like(self.b)
        self.act = act

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b
        self.out = np.tanh(z) if self.act else z
        return self.out

    def backward(self, g):
        if self.act:
            g = g * (1.0 - self.out ** 2)
        self.dW = self.x.T @ g
        self.db = g.sum(axis=0)
        return g @ self.W.T

    def update(self, lr, mom):
        self.vW = mom * self.vW - lr * self.dW
        self.vb = mom * self.vb - lr * self.db
        self.W += self.vW
        self.b += self.vb


layers = [Dense(6, 48), Dense(48, 48), Dense(48, 48), Dense(48, 48), Dense(48, 4, act=False)]


def run(x):
    for layer in layers:
        x = layer.forward(x)
    return x


def softmax(s):
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def loss_on(x, y):
    p = softmax(run(x))
    return float(-np.mean(np.sum(y * np.log(p + 1e-7), axis=1)))


lr = np.float32(0.005)
mom = np.float32(0.9)
batch = 40
print(f"first_loss={loss_on(X, Y):.4f}")
for epoch in range(30):
    perm = np.random.permutation(len(X))
    for i in range(0, len(X), batch):
        idx = perm[i:i + batch]
        p = softmax(run(X[idx]))
        g = (p - Y[idx]) / len(idx)
        for layer in reversed(layers):
            g = layer.backward(g)
        for layer in layers:
            layer.update(lr, mom)
    if epoch % 5 == 0:
        print("epoch", epoch, "loss", round(loss_on(X, Y), 4))

print(f"final_loss={loss_on(X, Y):.4f}")
pred = run(X).argmax(axis=1)
print(f"accuracy={np.mean(pred == labels):.3f}")
