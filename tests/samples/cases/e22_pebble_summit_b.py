# Autoencoder with a two-layer encoder and two-layer decoder (24-12-4-12-24, tanh), full-batch gradient descent
import numpy as np

rng = np.random.default_rng(5)

n, d = 500, 24
latent = rng.normal(size=(n, 4))
mixing = rng.normal(size=(4, d))
readings = np.tanh(0.6 * latent @ mixing) + 0.05 * rng.normal(size=(n, d))
X = (readings - readings.mean(axis=0)) / readings.std(axis=0)

sizes = [d, 12, 4, 12, d]

def init_layer(n_in, n_out):
    W = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
    b = np.zeros(n_out)
    return W, b

params = [init_layer(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

def forward(X):
    acts = [X]
    for k, (W, b) in enumerate(params):
        z = acts[-1] @ W + b
        acts.append(z if k == len(params) - 1 else np.tanh(z))
    return acts

lr = 0.02
epochs = 400
first_loss = None
for epoch in range(epochs):
    acts = forward(X)
    diff = acts[-1] - X
    loss = np.mean(np.sum(diff ** 2, axis=1))
    if first_loss is None:
        first_loss = loss
    g = 2 * diff / n
    grads = []
    for k in reversed(range(len(params))):
        W, b = params[k]
        gW = acts[k].T @ g
        gb = g.sum(axis=0)
        grads.append((gW, gb))
        if k > 0:
            g = (g @ W.T) * (1 - acts[k] ** 2)
    grads.reverse()
    for (W, b), (gW, gb) in zip(params, grads):
        W -= lr * gW
        b -= lr * gb
    if epoch % 50 == 0:
        print(f"epoch {epoch} recon {loss:.4f}")

out = forward(X)[-1]
final_loss = np.mean(np.sum((out - X) ** 2, axis=1))
r2 = 1 - np.sum((out - X) ** 2) / np.sum(X ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
