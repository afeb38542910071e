# A deep stack of 12 hidden layers of 16 units sorting points of five features into
# three classes with a softmax output; layers kept in a list of dicts, full-batch descent.
# Run: python deep_stack_a.py
import numpy as np

rng = np.random.default_rng(8)
X = rng.normal(0, 1, (200, 5))
score = X[:, 0] * X[:, 1] + np.sin(X[:, 2])
labels = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
Y = np.eye(3)[labels]

depth, width = 12, 16
dims = [5] + [width] * depth + [3]
layers = []
for fan_in, fan_out in zip(dims[:-1], dims[1:]):
    layers.append({"W": rng.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)), "b": np.zeros(fan_out)})


def act(z):
    return np.maximum(z, 0.0)


def act_grad(a):
    return (a > 0).astype(float)


lr = 0.1
history = []
for step in range(300):
    outs = [X]
    for layer in layers[:-1]:
        outs.append(act(outs[-1] @ layer["W"] + layer["b"]))
    logits = outs[-1] @ layers[-1]["W"] + layers[-1]["b"]
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1)))
    history.append(loss)
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss:.6g}")
    delta = (probs - Y) / len(X)
    for i in range(len(layers) - 1, -1, -1):
        gW = outs[i].T @ delta
        gb = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ layers[i]["W"].T) * act_grad(outs[i])
        layers[i]["W"] -= lr * gW
        layers[i]["b"] -= lr * gb
print(f"final loss {history[-1]}")
print(f"accuracy {np.mean(probs.argmax(axis=1) == labels):.3f}")
