import numpy as np

rng = np.random.default_rng(4)


def two_circles(n):
    r = np.r_[rng.uniform(0, 1, n), rng.uniform(1.5, 2.5, n)]
    t = rng.uniform(0, 2 * np.pi, 2 * n)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    y = np.r_[np.zeros(n), np.ones(n)]
    return X, y


X, y = two_circles(200)
params = {
    "W1": rng.normal(0, 1.0, (2, 16)),
    "b1": np.zeros(16),
    "W2": rng.normal(0, 0.25, (16, 1)),
    "b2": np.zeros(1),
}
opt_state = {"m": {k: np.zeros_like(v) for k, v in params.items()},
             "v": {k: np.zeros_like(v) for k, v in params.items()},
             "t": 0}
config = {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def forward(X):
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.where(z1 > 0, z1, 0.0)
    logits = (a1 @ params["W2"] + params["b2"]).ravel()
    return z1, a1, logits


def loss_and_grads():
    z1, a1, logits = forward(X)
    p = 1 / (1 + np.exp(-logits))
    loss = np.mean(np.logaddexp(0, logits) - y * logits)
    dlogits = ((p - y) / len(y))[:, None]
    grads = {"W2": a1.T @ dlogits, "b2": dlogits.sum(0)}
    dz1 = dlogits @ params["W2"].T * (z1 > 0)
    grads["W1"] = X.T @ dz1
    grads["b1"] = dz1.sum(0)
    return loss, grads


def adam_update(grads):
    opt_state["t"] += 1
    t = opt_state["t"]
    for k in params:
        opt_state["m"][k] = config["beta1"] * opt_state["m"][k] + (1 - config["beta1"]) * grads[k]
        opt_state["v"][k] = config["beta2"] * opt_state["v"][k] + (1 - config["beta2"]) * grads[k] ** 2
        m_hat = opt_state["m"][k] / (1 - config["beta1"] ** t)
        v_hat = opt_state["v"][k] / (1 - config["beta2"] ** t)
        params[k] -= 1e-5 * m_hat / (np.sqrt(v_hat) + config["eps"])


history = []
for step in range(600):
    loss, grads = loss_and_grads()
    history.append(loss)
    adam_update(grads)

_, _, logits = forward(X)
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
print(f"accuracy={np.mean((logits > 0) == (y == 1))}")
