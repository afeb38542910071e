# Small regression net, one column per sample (like Andrew Ng's course layout).
# Activations kept in a table so I can swap them from the config.
import numpy as np

rng = np.random.default_rng(7)
n_in, n_hid, m = 3, 12, 240
feats = rng.uniform(-1.0, 1.0, size=(n_in, m))
target = np.sin(1.5 * feats[0:1]) + 0.5 * feats[1:2] * feats[2:3]

ACTS = {
    "tanh": (np.tanh, lambda out: 1.0 - out * out),
    "identity": (lambda z: z, lambda out: np.ones_like(out)),
}
config = {"hidden": "tanh", "alpha": 0.3, "epochs": 600}

net = {
    "W1": rng.normal(0.0, 0.6, size=(n_hid, n_in)),
    "b1": np.zeros((n_hid, 1)),
    "W2": rng.normal(0.0, 0.3, size=(1, n_hid)),
    "b2": np.zeros((1, 1)),
}
fwd, dfwd = ACTS[config["hidden"]]

for epoch in range(config["epochs"]):
    z1 = net["W1"] @ feats + net["b1"]
    a1 = fwd(z1)
    pred = net["W2"] @ a1 + net["b2"]
    err = pred - target
    cost = float(np.mean(err ** 2))
    if epoch == 0:
        print(f"first_loss={cost:.6f}")
    d_pred = 2.0 * err / m
    gW2 = d_pred @ a1.T
    gb2 = d_pred.sum(axis=1, keepdims=True)
    d_a1 = net["W2"].T @ d_pred
    d_z1 = d_a1 * dfwd(a1)
    gW1 = d_z1 @ feats.T
    gb1 = d_z1.sum(axis=1, keepdims=True)
    for key, g in (("W1", gW1), ("b1", gb1), ("W2", gW2), ("b2", gb2)):
        net[key] -= config["alpha"] * g
    if epoch % 150 == 0:
        print(f"epoch={epoch} mse={cost:.6f}")

pred = net["W2"] @ fwd(net["W1"] @ feats + net["b1"]) + net["b2"]
final = float(np.mean((pred - target) ** 2))
print(f"final_loss={final:.6f}")
print(f"r2={1.0 - final / float(np.var(target)):.4f}")
