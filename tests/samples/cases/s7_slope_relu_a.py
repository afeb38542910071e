# small relu net for a falling curve: heating cost vs outside temperature (scaled)
import numpy as np

rng = np.random.default_rng(2)
temp = rng.uniform(0.5, 3.0, size=(300, 1))
cost = 5.0 - 2.0 * temp + 0.3 * np.sin(3 * temp) + 0.05 * rng.normal(size=(300, 1))

layers = [rng.normal(0, 1.0, (1, 16)), rng.normal(0, 0.25, (16, 1))]
step = 0.01


def relu(v):
    return np.maximum(v, 0)


def predict(t):
    return relu(t @ layers[0]) @ layers[1]


print(f"first_loss={np.mean((predict(temp) - cost) ** 2):.4f}")
for epoch in range(40):
    order = rng.permutation(300)
    for i in range(0, 300, 30):
        rows = order[i:i + 30]
        t, c = temp[rows], cost[rows]
        pre = t @ layers[0]
        hid = relu(pre)
        out = hid @ layers[1]
        g_out = 2 * (out - c) / len(rows)
        g1 = hid.T @ g_out
        g_hid = (g_out @ layers[1].T) * (pre > 0)
        g0 = t.T @ g_hid
        layers[1] -= step * g1
        layers[0] -= step * g0
    if epoch % 10 == 0:
        print(f"epoch={epoch} mse={np.mean((predict(temp) - cost) ** 2):.4f}")
mse = np.mean((predict(temp) - cost) ** 2)
print(f"final_loss={mse:.4f}")
print(f"r2={1 - mse / np.var(cost):.3f}")
