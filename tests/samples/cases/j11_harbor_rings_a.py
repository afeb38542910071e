# two rings of buoys around a harbour: outer ring = 1, inner ring = 0
# one hidden layer (relu) + sigmoid output, columns are samples, float32, Adam
import numpy as np

rng = np.random.default_rng(5)
m = 400
angle = rng.uniform(0, 2 * np.pi, m)
label = (rng.random(m) < 0.5).astype(np.float32)
radius = np.where(label == 1, 3.0, 1.0) + rng.normal(0, 0.15, m)
X = np.vstack([radius * np.cos(angle), radius * np.sin(angle)]).astype(np.float32)   # 2 x m
Y = label.reshape(1, m)

n_h = 10
P = {
    "W1": (rng.standard_normal((n_h, 2)) * 0.5).astype(np.float32),
    "b1": np.zeros((n_h, 1), dtype=np.float32),
    "W2": (rng.standard_normal((1, n_h)) * 0.5).astype(np.float32),
    "b2": np.zeros((1, 1), dtype=np.float32),
}
M = {k: np.zeros_like(v) for k, v in P.items()}
V = {k: np.zeros_like(v) for k, v in P.items()}
lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8

for t in range(1, 1001):
    # forward
    Z1 = P["W1"] @ X + P["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = P["W2"] @ A1 + P["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    A2c = np.clip(A2, 1e-7, 1 - 1e-7)
    cost = -np.mean(Y * np.log(A2c) + (1 - Y) * np.log(1 - A2c))
    if t == 1:
        print("first_loss=" + str(cost))

    # backward
    dZ2 = A2 - Y
    dZ1 = (P["W2"].T @ dZ2) * (Z1 > 0)
    G = {
        "W2": dZ2 @ A1.T / m,
        "b2": np.sum(dZ2, axis=1, keepdims=True) / m,
        "W1": dZ1 @ X.T / m,
        "b1": np.sum(dZ1, axis=1, keepdims=True) / m,
    }

    # adam
    for k in P:
        M[k] = beta1 * M[k] + (1 - beta1) * G[k]
        V[k] = beta2 * V[k] + (1 - beta2) * G[k] ** 2
        m_hat = M[k] / (1 - beta1 ** t)
        v_hat = V[k] / (1 - beta2 ** t)
        P[k] = P[k] - lr * m_hat / (np.sqrt(v_hat) + eps)

    if t % 100 == 0:
        print("step", t, "cost", cost)

print("final_loss=" + str(cost))
pred = (A2 > 0.5).astype(np.float32)
print("accuracy=" + str(np.mean(pred == Y)))
