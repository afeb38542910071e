# Small autoencoder (10 -> 16 -> 2 -> 16 -> 10) on data from a 2-D latent space, minibatch SGD
import numpy as np

rng = np.random.default_rng(314)

# 2 hidden factors mixed into 10 observed signals
n = 900
latent = rng.uniform(-1, 1, (n, 2))
mix = rng.normal(0, 1, (2, 10))
data = np.tanh(latent @ mix) + 0.05 * rng.normal(size=(n, 10))
data = data - data.mean(axis=0)

ACT = {
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "lin": (lambda z: z, lambda z: np.ones_like(z)),
}

spec = [(10, 16, "tanh"), (16, 2, "lin"), (2, 16, "tanh"), (16, 10, "lin")]
model = [{"W": rng.normal(0, 1 / np.sqrt(a), (a, b)), "b": np.zeros(b), "f": f} for a, b, f in spec]


def encode_decode(x):
    steps = []
    h = x
    for L in model:
        z = h @ L["W"] + L["b"]
        steps.append((h, z))
        h = ACT[L["f"]][0](z)
    return h, steps


def recon_loss(x):
    out, _ = encode_decode(x)
    return float(np.mean(np.sum((out - x) ** 2, axis=1)))


learning_rate = 0.05
epochs = 150
print(f"first_loss={recon_loss(data):.4f}")

for epoch in range(epochs):
    shuffled = rng.permutation(n)
    for part in np.array_split(shuffled, 30):
        xb = data[part]
        out, steps = encode_decode(xb)
        grad = 2.0 * (out - xb) / len(part)
        for L, (h_in, z) in zip(model[::-1], steps[::-1]):
            grad = grad * ACT[L["f"]][1](z)
            gW = h_in.T @ grad
            gb = grad.sum(axis=0)
            grad = grad @ L["W"].T
            L["W"] -= learning_rate * gW
            L["b"] -= learning_rate * gb
    if epoch % 25 == 0:
        print(f"epoch {epoch}: recon {recon_loss(data):.4f}")

final = recon_loss(data)
baseline = float(np.mean(np.sum(data ** 2, axis=1)))
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / baseline:.4f}")
