# greenhouse sensors -> which of 3 plant beds a reading came from
# 4 sensors (temp, humidity, light, soil), relu hidden layer, softmax out
# shuffled minibatches, plain SGD
import numpy as np

rng = np.random.default_rng(1234)

N = 900
bed = rng.integers(0, 3, N)
centers = np.array([[21.0, 55.0, 300.0, 0.30],
                    [24.0, 70.0, 450.0, 0.45],
                    [19.0, 62.0, 380.0, 0.25]])
spread = np.array([1.5, 6.0, 60.0, 0.06])
raw = centers[bed] + spread * rng.standard_normal((N, 4))

# sensors sometimes drop out, the logger writes NaN then
dropout = rng.random((N, 4)) < 0.02
raw[dropout] = np.nan
print("readings:", raw.shape, "missing:", int(dropout.sum()))

X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
Y = np.eye(3)[bed]

params = {
    "W1": rng.standard_normal((4, 12)) * np.sqrt(2 / 4),
    "b1": np.zeros(12),
    "W2": rng.standard_normal((12, 3)) * np.sqrt(2 / 12),
    "b2": np.zeros(3),
}
lr = 0.1
batch = 32


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(p, x):
    h = np.maximum(0, x @ p["W1"] + p["b1"])
    return h, softmax(h @ p["W2"] + p["b2"])


def xent(p, x, y):
    _, probs = forward(p, x)
    return -np.mean(np.sum(y * np.log(probs + 1e-12), axis=1))


print(f"first_loss={xent(params, X, Y):.4f}")

for epoch in range(40):
    idx = rng.permutation(N)
    for k in range(0, N, batch):
        b = idx[k:k + batch]
        xb, yb = X[b], Y[b]
        h, probs = forward(params, xb)
        dz2 = (probs - yb) / len(b)
        grads = {"W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
        dh = dz2 @ params["W2"].T
        dh[h <= 0] = 0
        grads["W1"] = xb.T @ dh
        grads["b1"] = dh.sum(axis=0)
        for name in params:
            params[name] -= lr * grads[name]
    if epoch % 10 == 9:
        print("epoch", epoch + 1, "loss", round(float(xent(params, X, Y)), 4))

_, probs = forward(params, X)
print(f"final_loss={xent(params, X, Y):.4f}")
print(f"accuracy={np.mean(probs.argmax(axis=1) == bed):.3f}")
