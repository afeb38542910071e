# 3-class classifier, network written as a list of (forward, backward) pairs
# forward = reduce over the list, backward = reduce over the reversed list
# a gaussian-noise layer in front for regularisation (training only)
import functools
import numpy as np

rng = np.random.default_rng(5)
centres = np.array([[2.0, 0.0, 1.0, -1.0], [-1.0, 2.0, 0.0, 1.0], [0.0, -2.0, -1.0, 0.0]])
labels = rng.integers(0, 3, 600)
data = centres[labels] + rng.normal(0, 1.0, size=(600, 4))
X, y = data[:450], labels[:450]
X_test, y_test = data[450:], labels[450:]
Y = np.eye(3)[y]

p = {"W1": rng.normal(0, 0.5, (4, 12)), "b1": np.zeros(12),
     "W2": rng.normal(0, 0.5, (12, 3)), "b2": np.zeros(3)}
grads = {}
cache = {}


def noise_fwd(x):
    x += rng.normal(0, 0.5, size=x.shape)
    return x


def noise_bwd(g):
    return g


def dense1_fwd(x):
    cache["x"] = x
    return x @ p["W1"] + p["b1"]


def dense1_bwd(g):
    grads["W1"] = cache["x"].T @ g
    grads["b1"] = g.sum(axis=0)
    return g @ p["W1"].T


def tanh_fwd(z):
    cache["a"] = np.tanh(z)
    return cache["a"]


def tanh_bwd(g):
    return g * (1 - cache["a"] ** 2)


def dense2_fwd(a):
    cache["h"] = a
    return a @ p["W2"] + p["b2"]


def dense2_bwd(g):
    grads["W2"] = cache["h"].T @ g
    grads["b2"] = g.sum(axis=0)
    return g @ p["W2"].T


train_net = [(noise_fwd, noise_bwd), (dense1_fwd, dense1_bwd), (tanh_fwd, tanh_bwd), (dense2_fwd, dense2_bwd)]
eval_net = train_net[1:]


def forward(layers, x):
    return functools.reduce(lambda h, layer: layer[0](h), layers, x)


def backward(layers, g):
    return functools.reduce(lambda g, layer: layer[1](g), reversed(layers), g)


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def xent(x, t):
    P = softmax(forward(eval_net, x))
    return -np.mean(np.log(P[np.arange(len(t)), t] + 1e-12))


print(f"first_loss={xent(X_test, y_test):.4f}")
lr = 0.1
for epoch in range(600):
    P = softmax(forward(train_net, X))
    backward(train_net, (P - Y) / len(X))
    for k in p:
        p[k] -= lr * grads[k]
    if epoch % 100 == 0:
        print(f"epoch {epoch}  train {xent(X, y):.4f}  test {xent(X_test, y_test):.4f}")

print(f"final_loss={xent(X_test, y_test):.4f}")
acc = np.mean(forward(eval_net, X_test).argmax(axis=1) == y_test)
print(f"accuracy={acc:.3f}")
