# Swish hidden units (z * sigmoid(z)), Adam optimiser, parameters kept in one dict.
import numpy as np

rng = np.random.default_rng(4)
inputs = rng.uniform(-3, 3, (256, 2))
outputs = (np.abs(inputs[:, :1]) - 0.5 * inputs[:, 1:] ** 2 / 3.0)


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def swish(z):
    return z * sig(z)


def swish_grad(z):
    s = sig(z)
    return s * (1.0 - s)


prm = {"Wa": rng.normal(0, 0.7, (2, 20)), "ba": np.zeros(20), "Wb": rng.normal(0, 0.2, (20, 1)), "bb": np.zeros(1)}
mom = {k: np.zeros_like(v) for k, v in prm.items()}
sq = {k: np.zeros_like(v) for k, v in prm.items()}
opt = {"lr": 0.01, "b1": 0.9, "b2": 0.999, "eps": 1e-8}


def loss_of(p):
    hid = swish(inputs @ p["Wa"] + p["ba"])
    return float(np.mean((hid @ p["Wb"] + p["bb"] - outputs) ** 2))


print(f"first_loss={loss_of(prm):.6f}")
for t in range(1, 401):
    pre = inputs @ prm["Wa"] + prm["ba"]
    hid = swish(pre)
    res = hid @ prm["Wb"] + prm["bb"] - outputs
    d_out = 2.0 * res / len(inputs)
    d_pre = (d_out @ prm["Wb"].T) * swish_grad(pre)
    grads = {"Wa": inputs.T @ d_pre, "ba": d_pre.sum(axis=0), "Wb": hid.T @ d_out, "bb": d_out.sum(axis=0)}
    for k in prm:
        mom[k] = opt["b1"] * mom[k] + (1 - opt["b1"]) * grads[k]
        sq[k] = opt["b2"] * sq[k] + (1 - opt["b2"]) * grads[k] ** 2
        m_hat = mom[k] / (1 - opt["b1"] ** t)
        v_hat = sq[k] / (1 - opt["b2"] ** t)
        prm[k] -= opt["lr"] * m_hat / (np.sqrt(v_hat) + opt["eps"])
    if t % 100 == 0:
        print(f"step={t} mse={loss_of(prm):.6f}")

print(f"final_loss={loss_of(prm):.6f}")
