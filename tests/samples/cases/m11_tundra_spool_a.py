# 3-class classifier for machine states (idle / normal / overload) from 5 sensor channels
# small relu net, layers kept as a list of dicts, SGD with momentum on minibatches
import numpy as np

np.random.seed(4)
n_per_class = 100
centres = np.array([[0.0, 0.0, 0.0, 0.0, 0.0],
                    [1.5, 1.0, -0.5, 0.0, 1.0],
                    [3.0, 0.5, 1.0, -1.0, 2.0]])
X = np.vstack([c + 0.8 * np.random.randn(n_per_class, 5) for c in centres])
y = np.repeat(np.arange(3), n_per_class)
X = (X - X.mean(axis=0)) / X.std(axis=0)
Y = np.eye(3)[y]

sizes = [5, 16, 3]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    layers.append({
        "W": np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in),
        "b": np.zeros(fan_out),
        "vW": np.zeros((fan_in, fan_out)),
        "vb": np.zeros(fan_out),
    })


def forward(xb):
    h = xb
    for i, layer in enumerate(layers):
        layer["inp"] = h
        z = h @ layer["W"] + layer["b"]
        if i < len(layers) - 1:
            layer["mask"] = z > 0
            h = z * layer["mask"]
        else:
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            h = e / e.sum(axis=1, keepdims=True)
    return h


def cross_entropy(probs, targets):
    return -np.mean(np.sum(targets * np.log(probs + 1e-12), axis=1))


def backward(probs, targets):
    m = len(targets)
    delta = probs - targets
    for i in reversed(range(len(layers))):
        layer = layers[i]
        layer["dW"] = layer["inp"].T @ delta / m
        layer["db"] = delta.sum(axis=0) / m
        if i > 0:
            delta = (delta @ layer["W"].T) * layers[i - 1]["mask"]


lr = 0.05
mu = 0.9
batch_size = 50
print("first_loss=%.4f" % cross_entropy(forward(X), Y))

for epoch in range(30):
    perm = np.random.permutation(len(X))
    Xs, Ys = X[perm], Y[perm]
    for b in range(int(np.ceil(len(X) / batch_size))):
        xb = Xs[b * batch_size:(b + 1) * batch_size]
        yb = Ys[b * batch_size:(b + 1) * batch_size]
        backward(forward(xb), yb)
        for layer in layers:
            layer["vW"] = mu * layer["vW"] - lr * layer["dW"]
            layer["vb"] = mu * layer["vb"] - lr * layer["db"]
            layer["W"] += layer["vW"]
            layer["b"] += layer["vb"]
    if epoch % 5 == 0:
        print("epoch", epoch, "loss", round(cross_entropy(forward(X), Y), 4))

probs = forward(X)
print("final_loss=%.4f" % cross_entropy(probs, Y))
print("accuracy=%.3f" % np.mean(probs.argmax(axis=1) == y))
