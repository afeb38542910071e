# two-layer regression net, columns are samples (course notation: A0 is n_x by m)
import numpy as np

rng = np.random.default_rng(7)
n_feat, n_obs, n_hid = 3, 200, 8
inputs = rng.normal(size=(n_feat, n_obs)).astype(np.float32)
target = (np.sin(inputs[0:1]) + 0.5 * inputs[1:2] * inputs[2:3]).astype(np.float32)

net = {
    "W1": (rng.normal(size=(n_hid, n_feat)) * 0.5).astype(np.float32),
    "b1": np.zeros((n_hid, 1), np.float32),
    "W2": (rng.normal(size=(1, n_hid)) * 0.5).astype(np.float32),
    "b2": np.zeros((1, 1), np.float32),
}
alpha = np.float32(0.1)  # step size


def forward(params, A0):
    Z1 = params["W1"] @ A0 + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    return A1, Z2


for it in range(400):
    A1, out = forward(net, inputs)
    diff = out - target
    cost = float(np.mean(diff ** 2))
    if it == 0:
        print(f"first_loss={cost:.4f}")
    # backprop, m = n_obs
    dZ2 = 2 * diff / n_obs
    dW2 = dZ2 @ A1.T
    db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = (net["W2"].T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ inputs.T
    db1 = dZ1.sum(axis=1, keepdims=True)
    for key, grad in (("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)):
        net[key] -= alpha * grad
    if it % 100 == 0:
        print(f"iter={it} cost={cost:.4f}")

print(f"final_loss={cost:.4f}")
