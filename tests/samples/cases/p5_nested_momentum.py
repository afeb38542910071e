# Notebook-style regression: a ReLU net whose weights live in a dict of per-layer dicts, with heavy-ball
# velocities in a matching dict; the updates walk both with .items().
import numpy as np

rs = np.random.RandomState(12)
inp = rs.uniform(0.0, 1.0, (200, 2))
out = (np.sqrt(inp[:, :1]) + inp[:, 1:] ** 2).astype(float)

# %% model
model = {
    "first": {"kernel": rs.randn(2, 24) * np.sqrt(2.0 / 2), "shift": np.zeros(24)},
    "last": {"kernel": rs.randn(24, 1) * np.sqrt(2.0 / 24), "shift": np.zeros(1)},
}
vel = {name: {key: np.zeros_like(arr) for key, arr in layer.items()} for name, layer in model.items()}
alpha, mu = 0.9, 0.9

# %% train
history = []
for ep in range(200):
    z1 = inp @ model["first"]["kernel"] + model["first"]["shift"]
    a1 = np.maximum(z1, 0.0)
    pred = a1 @ model["last"]["kernel"] + model["last"]["shift"]
    err = pred - out
    history.append(float(np.mean(err ** 2)))
    g_pred = 2.0 * err / len(inp)
    g_a1 = g_pred @ model["last"]["kernel"].T
    g_z1 = g_a1 * (z1 > 0)
    grads = {
        "first": {"kernel": inp.T @ g_z1, "shift": g_z1.sum(axis=0)},
        "last": {"kernel": a1.T @ g_pred, "shift": g_pred.sum(axis=0)},
    }
    for name, layer in model.items():
        for key in layer:
            vel[name][key] = mu * vel[name][key] - alpha * grads[name][key]
            layer[key] += vel[name][key]
    if ep % 40 == 0:
        print(ep, history[-1])
print("last mse", history[-1])
