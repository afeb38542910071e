# Deep net on the checkerboard toy problem: 7 hidden layers, each layer is a small dict.
import numpy as np

rng = np.random.default_rng(21)
pts = rng.uniform(-1, 1, (512, 2))
cls = ((pts[:, 0] > 0) ^ (pts[:, 1] > 0)).astype(float).reshape(-1, 1)

sizes = [2] + [16] * 7 + [1]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    layers.append({"w": rng.normal(0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out)), "b": np.zeros((1, fan_out))})


def squash(z):
    return 1.0 / (1.0 + np.exp(-z))


def squash_slope(a):
    return a * (1.0 - a)


def tanh_slope(a):
    return 1.0 - a * a


hidden_act, hidden_slope = np.tanh, tanh_slope


def forward(batch):
    acts = [batch]
    for i, layer in enumerate(layers):
        z = acts[-1] @ layer["w"] + layer["b"]
        acts.append(squash(z) if i == len(layers) - 1 else hidden_act(z))
    return acts


def logloss(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


print(f"first_loss={logloss(forward(pts)[-1], cls):.6f}")
eta = 0.5
for epoch in range(150):
    order = rng.permutation(len(pts))
    for s in range(0, len(pts), 64):
        idx = order[s:s + 64]
        acts = forward(pts[idx])
        delta = (acts[-1] - cls[idx]) / len(idx)
        for i in reversed(range(len(layers))):
            gw = acts[i].T @ delta
            gb = delta.sum(axis=0, keepdims=True)
            if i > 0:
                delta = (delta @ layers[i]["w"].T) * hidden_slope(acts[i])
            layers[i]["w"] -= eta * gw
            layers[i]["b"] -= eta * gb
    if epoch % 30 == 0:
        print(f"epoch={epoch} loss={logloss(forward(pts)[-1], cls):.6f}")

p = forward(pts)[-1]
print(f"final_loss={logloss(p, cls):.6f}")
print(f"accuracy={float(np.mean((p > 0.5) == (cls > 0.5))):.4f}")
