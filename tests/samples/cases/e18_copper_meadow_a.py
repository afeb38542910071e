# Denoising autoencoder (10 -> 3 -> 10, tanh code layer) on signals that live on a 3-d curve, minibatch SGD
import numpy as np

rng = np.random.default_rng(2024)

# build the dataset: 3 hidden factors mixed into 10 channels
n_samples = 800
factors = rng.uniform(-1, 1, size=(n_samples, 3))
mix = rng.normal(0, 1, size=(3, 10))
X = np.tanh(factors @ mix) + rng.normal(0, 0.02, size=(n_samples, 10))
X = X - X.mean(axis=0)

n_in = X.shape[1]
n_code = 3
noise_level = 0.3
lr = 0.05
batch = 40
epochs = 60

W_enc = rng.normal(0, 1 / np.sqrt(n_in), size=(n_in, n_code))
b_enc = np.zeros(n_code)
W_dec = rng.normal(0, 1 / np.sqrt(n_code), size=(n_code, n_in))
b_dec = np.zeros(n_in)


def encode(x):
    return np.tanh(x @ W_enc + b_enc)


def decode(h):
    return h @ W_dec + b_dec


def recon_loss(data):
    out = decode(encode(data))
    return np.mean(np.sum((out - data) ** 2, axis=1))


first_loss = recon_loss(X)
print("start loss", round(first_loss, 4))

for epoch in range(epochs):
    rng.shuffle(X)
    for i in range(0, n_samples, batch):
        xb = X[i:i + batch]
        # corrupt the input, the target stays the clean batch
        x_noisy = xb.copy()
        x_noisy += rng.normal(0, noise_level, size=xb.shape)

        h = np.tanh(x_noisy @ W_enc + b_enc)
        out = h @ W_dec + b_dec

        err = out - xb
        g_out = 2 * err / len(xb)
        gW_dec = h.T @ g_out
        gb_dec = g_out.sum(axis=0)
        g_h = g_out @ W_dec.T * (1 - h ** 2)
        gW_enc = x_noisy.T @ g_h
        gb_enc = g_h.sum(axis=0)

        W_dec -= lr * gW_dec
        b_dec -= lr * gb_dec
        W_enc -= lr * gW_enc
        b_enc -= lr * gb_enc

    if epoch % 10 == 0 or epoch == epochs - 1:
        print(f"epoch {epoch:2d} recon {recon_loss(X):.4f}")

final_loss = recon_loss(X)
# fraction of variance explained by the reconstruction
out = decode(encode(X))
r2 = 1 - np.sum((out - X) ** 2) / np.sum((X - X.mean(axis=0)) ** 2)

print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
