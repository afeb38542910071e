# 2 -> 10 -> 1 net: will a seedling wilt, from soil moisture (%) and temperature (C)
# all weights live in one vector theta (like scipy.optimize wants), unpacked with slices
import numpy as np

rng = np.random.default_rng(7)

n = 300
moisture = rng.uniform(5, 60, n)
temp = rng.uniform(2, 35, n)
# wilts anywhere outside a comfortable moisture/temperature window
y = (((moisture - 32) / 16) ** 2 + ((temp - 19) / 10) ** 2 > 1.0).astype(float)

X = np.column_stack([moisture, temp])
X = (X - X.mean(axis=0)) / X.std(axis=0)

n_in, n_hid = 2, 10
sizes = [(n_in, n_hid), (n_hid,), (n_hid,), (1,)]
n_params = sum(int(np.prod(s)) for s in sizes)


def unpack(theta):
    parts = []
    start = 0
    for s in sizes:
        size = int(np.prod(s))
        parts.append(theta[start:start + size].reshape(s))
        start += size
    W1, b1, w2, b2 = parts
    return W1, b1, w2, b2[0]


def forward(theta, X):
    W1, b1, w2, b2 = unpack(theta)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    a_out = 1 / (1 + np.exp(-(h @ w2 + b2)))
    return z1, h, a_out


def cost(theta):
    a_out = forward(theta, X)[2]
    eps = 1e-12
    return -np.mean(y * np.log(a_out + eps) + (1 - y) * np.log(1 - a_out + eps))


def grad(theta):
    W1, b1, w2, b2 = unpack(theta)
    z1, h, a_out = forward(theta, X)
    # chain rule: dL/da * da/dz
    dz_out = (-(y / a_out) + (1 - y) / (1 - a_out)) * a_out * (1 - a_out)
    dz_out = dz_out / n
    g_w2 = h.T @ dz_out
    g_b2 = dz_out.sum()
    dz1 = np.outer(dz_out, w2) * (z1 > 0)
    g_W1 = X.T @ dz1
    g_b1 = dz1.sum(axis=0)
    return np.concatenate([g_W1.ravel(), g_b1, g_w2, [g_b2]])


theta = np.concatenate([rng.normal(0, 1, n_in * n_hid), np.zeros(n_hid),
                        rng.normal(0, 0.3, n_hid), np.zeros(1)])
velocity = np.zeros(n_params)
lr, mu = 0.3, 0.9

print(f"first_loss={cost(theta):.4f}")
for epoch in range(2000):
    velocity = mu * velocity - lr * grad(theta)
    theta = theta + velocity
    if epoch % 200 == 0:
        print(f"epoch {epoch}: loss {cost(theta):.4f}")

print(f"final_loss={cost(theta):.4f}")
pred = forward(theta, X)[2] > 0.5
print(f"accuracy={np.mean(pred == y):.3f}")
