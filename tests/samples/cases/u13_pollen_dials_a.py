# germination rate (% of seeds that sprouted) from 5 standardised soil/climate readings
# net: 5 -> 16 relu -> 1 sigmoid (a rate can't go below 0 or above 100%)
# shuffled minibatches + adam
import numpy as np

rng = np.random.default_rng(58)
N, D, H = 800, 5, 16

readings = rng.normal(size=(N, D))
true_w = np.array([1.1, -0.8, 0.6, 0.0, 0.4])
logit = readings @ true_w + 0.5 * np.sin(2 * readings[:, 0]) - 0.3
sprouted_pct = 100 / (1 + np.exp(-logit)) + rng.normal(scale=3.0, size=N)
sprouted_pct = np.clip(sprouted_pct, 0, 100)

X = readings
y = sprouted_pct.reshape(-1, 1)

params = {
    "W1": rng.normal(scale=np.sqrt(2 / D), size=(D, H)),
    "b1": np.zeros((1, H)),
    "W2": rng.normal(scale=np.sqrt(1 / H), size=(H, 1)),
    "b2": np.zeros((1, 1)),
}
adam = {"m": {k: np.zeros_like(v) for k, v in params.items()},
        "v": {k: np.zeros_like(v) for k, v in params.items()},
        "t": 0}
config = {"lr": 0.005, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "batch": 32, "epochs": 40}


def forward(xb):
    z1 = xb @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    z2 = a1 @ params["W2"] + params["b2"]
    out = 1 / (1 + np.exp(-z2))
    return z1, a1, out


def mse(xb, yb):
    return float(np.mean((forward(xb)[2] - yb) ** 2))


def gradients(xb, yb):
    z1, a1, out = forward(xb)
    n = xb.shape[0]
    d_out = 2 * (out - yb) / n
    d_z2 = d_out * out * (1 - out)
    g = {"W2": a1.T @ d_z2, "b2": d_z2.sum(axis=0, keepdims=True)}
    d_a1 = d_z2 @ params["W2"].T
    d_z1 = d_a1 * (z1 > 0)
    g["W1"] = xb.T @ d_z1
    g["b1"] = d_z1.sum(axis=0, keepdims=True)
    return g


def adam_step(g):
    adam["t"] += 1
    t = adam["t"]
    for k in params:
        adam["m"][k] = config["beta1"] * adam["m"][k] + (1 - config["beta1"]) * g[k]
        adam["v"][k] = config["beta2"] * adam["v"][k] + (1 - config["beta2"]) * g[k] ** 2
        m_hat = adam["m"][k] / (1 - config["beta1"] ** t)
        v_hat = adam["v"][k] / (1 - config["beta2"] ** t)
        params[k] -= config["lr"] * m_hat / (np.sqrt(v_hat) + config["eps"])


print(f"first_loss={mse(X, y):.5f}")
for epoch in range(config["epochs"]):
    perm = rng.permutation(N)
    for i in range(0, N, config["batch"]):
        idx = perm[i:i + config["batch"]]
        adam_step(gradients(X[idx], y[idx]))
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: mse {mse(X, y):.5f}")

pred = forward(X)[2]
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"final_loss={mse(X, y):.5f}")
print(f"r2={r2:.3f}")
