# Three-class tanh network on 2-D points, layer dicts in a list, shuffled minibatches.
import numpy as np

# 4 classes of points on two interleaved spirals-ish arms, 2 hidden layers
cfg = {"lr": 0.3, "epochs": 40, "batch": 32, "sizes": [2, 32, 32, 4], "seed": 5}
rng = np.random.default_rng(cfg["seed"])


def make_data(per_class=150, k=4):
    xs, ys = [], []
    for c in range(k):
        t = np.linspace(0.1, 1.0, per_class)
        ang = t * 3.0 + c * 2 * np.pi / k + rng.normal(0, 0.15, per_class)
        xs.append(np.c_[t * np.cos(ang), t * np.sin(ang)])
        ys.append(np.full(per_class, c))
    return np.vstack(xs), np.concatenate(ys)


X, y = make_data()
Y = np.eye(cfg["sizes"][-1])[y]

layers = []
for fan_in, fan_out in zip(cfg["sizes"][:-1], cfg["sizes"][1:]):
    layers.append({
        "W": rng.normal(0, 1, (fan_in, fan_out)) * np.sqrt(1.0 / fan_in),
        "b": np.zeros(fan_out),
    })


def forward(xb):
    acts = [xb]
    a = xb
    for i, L in enumerate(layers):
        z = a @ L["W"] + L["b"]
        if i < len(layers) - 1:
            a = np.tanh(z)
        else:
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            a = e / e.sum(axis=1, keepdims=True)
        acts.append(a)
    return acts


def backward(acts, yb):
    delta = (acts[-1] - yb) / len(yb)
    for i in reversed(range(len(layers))):
        L = layers[i]
        L["dW"] = acts[i].T @ delta
        L["db"] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ L["W"].T) * (1 - acts[i] ** 2)


def sgd(layers, lr=1e-3):
    for L in layers:
        L["W"] -= lr * L["dW"]
        L["b"] -= lr * L["db"]


def cross_entropy(xb, yb):
    p = forward(xb)[-1]
    return -np.mean(np.sum(yb * np.log(p + 1e-12), axis=1))


print("data:", X.shape, "classes:", np.bincount(y))
print(f"first_loss={cross_entropy(X, Y):.4f}")

n = len(X)
for ep in range(cfg["epochs"]):
    idx = rng.permutation(n)
    for s in range(0, n, cfg["batch"]):
        bi = idx[s:s + cfg["batch"]]
        acts = forward(X[bi])
        backward(acts, Y[bi])
        sgd(layers, cfg["lr"])
    if ep % 10 == 0 or ep == cfg["epochs"] - 1:
        print(f"ep {ep:3d} loss {cross_entropy(X, Y):.4f}")

pred = forward(X)[-1].argmax(axis=1)
print(f"final_loss={cross_entropy(X, Y):.4f}")
print(f"accuracy={np.mean(pred == y):.3f}")
