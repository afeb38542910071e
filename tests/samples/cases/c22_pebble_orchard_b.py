# Five-class blob classifier in float32, two hidden ReLU layers + softmax, minibatch SGD
import numpy as np

rng = np.random.default_rng(11)
n_classes, n_feat, n = 5, 6, 1000

centers = rng.normal(0, 2.5, (n_classes, n_feat))
y = rng.integers(0, n_classes, n)
X = centers[y] + rng.normal(0, 1.0, (n, n_feat))
X = (X - X.mean(axis=0)) / X.std(axis=0)
X = X.astype(np.float32)
onehot = np.eye(n_classes, dtype=np.float32)[y]

split = 800
X_train, Y_train, y_train = X[:split], onehot[:split], y[:split]
X_test, y_test = X[split:], y[split:]

ACT = {
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(np.float32)),
    "none": (lambda z: z, lambda z: np.ones_like(z)),
}

shape = [n_feat, 128, 128, n_classes]
kinds = ["relu", "relu", "none"]
params = [
    {"W": (rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32),
     "b": np.zeros(b, dtype=np.float32)}
    for a, b in zip(shape[:-1], shape[1:])
]


def softmax(logits):
    ex = np.exp(logits - logits.max(axis=1, keepdims=True))
    return ex / ex.sum(axis=1, keepdims=True)


def predict(x):
    cache = [x]
    out = x
    for p, k in zip(params, kinds):
        pre = out @ p["W"] + p["b"]
        out = ACT[k][0](pre)
        cache.append(pre)
        cache.append(out)
    return softmax(out), cache


def loss_fn(prob, target):
    return float(-(target * np.log(prob + 1e-7)).sum(axis=1).mean())


lr = np.float32(1.0)
prob, _ = predict(X_train)
print(f"first_loss={loss_fn(prob, Y_train):.4f}")

for ep in range(60):
    perm = rng.permutation(split)
    for chunk in np.array_split(perm, 8):
        prob, cache = predict(X_train[chunk])
        d = (prob - Y_train[chunk]) / len(chunk)
        for i in range(len(params) - 1, -1, -1):
            a_in, pre = cache[2 * i], cache[2 * i + 1]
            d = d * ACT[kinds[i]][1](pre)
            gW = a_in.T @ d
            gb = d.sum(axis=0)
            d = d @ params[i]["W"].T
            params[i]["W"] -= lr * gW
            params[i]["b"] -= lr * gb
    if ep % 15 == 0:
        prob, _ = predict(X_train)
        print(f"ep {ep}: loss {loss_fn(prob, Y_train):.4f}")

prob, _ = predict(X_train)
print(f"final_loss={loss_fn(prob, Y_train):.4f}")
test_prob, _ = predict(X_test)
print(f"accuracy={np.mean(test_prob.argmax(axis=1) == y_test):.4f}")
