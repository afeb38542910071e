# Energy use from 5 building features with a 4-layer relu network; weights live in a dict keyed "w0".."w3".
# Rows are samples, minibatches of 40, plain SGD.
import numpy as np

rng = np.random.default_rng(11)
feats = rng.normal(0, 1, (400, 5))
usage = (np.abs(feats[:, 0]) + np.maximum(feats[:, 1], 0) * feats[:, 2] + 0.5 * feats[:, 3] ** 2)[:, None]
usage = (usage - usage.mean()) / usage.std()

sizes = [5, 32, 32, 32, 1]
model = {}
for i in range(4):
    model[f"w{i}"] = rng.standard_normal((sizes[i], sizes[i + 1])) * np.sqrt(2.0 / sizes[i])
    model[f"b{i}"] = np.zeros(sizes[i + 1])


def forward(inp):
    acts = [inp]
    for i in range(4):
        z = acts[-1] @ model[f"w{i}"] + model[f"b{i}"]
        acts.append(np.maximum(z, 0) if i < 3 else z)
    return acts


def backward(acts, target):
    grads = {}
    g = 2 * (acts[-1] - target) / len(target)
    for i in reversed(range(4)):
        grads[f"w{i}"] = acts[i].T @ g
        grads[f"b{i}"] = g.sum(axis=0)
        if i > 0:
            g = (g @ model[f"w{i}"].T) * (acts[i] > 0)
    return grads


print(f"first_loss={float(np.mean((forward(feats)[-1] - usage) ** 2)):.4f}")
for epoch in range(60):
    for lo in range(0, 400, 40):
        acts = forward(feats[lo:lo + 40])
        grads = backward(acts, usage[lo:lo + 40])
        for key in model:
            model[key] -= 0.05 * grads[key]
    if epoch % 20 == 0:
        print(f"epoch={epoch} loss={float(np.mean((forward(feats)[-1] - usage) ** 2)):.4f}")

final = float(np.mean((forward(feats)[-1] - usage) ** 2))
print(f"final_loss={final:.4f}")
print(f"r2={1 - final:.3f}")
