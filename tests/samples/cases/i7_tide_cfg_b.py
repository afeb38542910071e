# %% settings -- everything I tune lives in one dict
import numpy as np

cfg = {"hidden": 12, "lr": 0.6, "momentum": 0.9, "epochs": 200, "seed": 9}

# %% data: tide height over a day (two harmonics), time scaled to [-1, 1]
rng = np.random.default_rng(cfg["seed"])
hours = np.linspace(-1, 1, 120)[:, None]
tide = 1.5 * np.sin(3 * hours) + 0.6 * np.cos(7 * hours) + rng.normal(0, 0.05, hours.shape)

# %% model: 1 -> hidden (tanh) -> 1
weights = {
    "in": rng.normal(0, 1.0, (1, cfg["hidden"])),
    "in_b": np.zeros(cfg["hidden"]),
    "out": rng.normal(0, 1.0 / np.sqrt(cfg["hidden"]), (cfg["hidden"], 1)),
    "out_b": np.zeros(1),
}
moment = {k: np.zeros_like(v) for k, v in weights.items()}

# %% train (full batch)
for ep in range(cfg["epochs"]):
    h = np.tanh(hours @ weights["in"] + weights["in_b"])
    pred = h @ weights["out"] + weights["out_b"]
    err = pred - tide
    loss = np.mean(err ** 2)
    if ep == 0:
        print(f"first_loss={loss:.4f}")
    d_pred = 2 * err / len(err)
    d_h = (d_pred @ weights["out"].T) * (1 - h ** 2)
    g = {"out": h.T @ d_pred, "out_b": d_pred.sum(0), "in": hours.T @ d_h, "in_b": d_h.sum(0)}
    for k in weights:
        moment[k] = cfg["momentum"] * moment[k] + g[k]
        weights[k] -= cfg["lr"] * moment[k]
    if ep % 50 == 0:
        print(f"epoch={ep} loss={loss:.4f}")

# %% result
h = np.tanh(hours @ weights["in"] + weights["in_b"])
final = np.mean((h @ weights["out"] + weights["out_b"] - tide) ** 2)
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / np.var(tide):.3f}")
