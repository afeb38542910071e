# Fitting a bumpy surface z = sin(u) * cos(v) with a small tanh network.
# I keep samples as columns (features x samples) like in the lecture notes, params in a dict.
import numpy as np

rng = np.random.default_rng(3)
n = 240
grid = rng.uniform(-2.0, 2.0, size=(2, n))          # 2 features x n samples
height = np.sin(grid[0:1]) * np.cos(grid[1:2])       # 1 x n

units = 16
net = {
    "A": rng.normal(0.0, 0.7, size=(units, 2)),
    "a": np.zeros((units, 1)),
    "B": rng.normal(0.0, 0.25, size=(1, units)),
    "b": np.zeros((1, 1)),
}
step = 0.2

for it in range(600):
    act = np.tanh(net["A"] @ grid + net["a"])
    guess = net["B"] @ act + net["b"]
    diff = guess - height
    mse = np.mean(diff ** 2)
    if it == 0:
        print(f"first_loss={mse:.5f}")
    g_out = 2.0 * diff / n
    grads = {"B": g_out @ act.T, "b": g_out.sum(axis=1, keepdims=True)}
    g_hid = (net["B"].T @ g_out) * (1.0 - act ** 2)
    grads["A"] = g_hid @ grid.T
    grads["a"] = g_hid.sum(axis=1, keepdims=True)
    for name in net:
        net[name] -= step * grads[name]

act = np.tanh(net["A"] @ grid + net["a"])
guess = net["B"] @ act + net["b"]
resid = np.mean((guess - height) ** 2)
print(f"final_loss={resid:.5f}")
print(f"r2={1 - resid / np.var(height):.3f}")
