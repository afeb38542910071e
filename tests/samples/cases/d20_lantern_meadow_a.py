# Tied-weight autoencoder compressing 10 sensor channels to 3 codes, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

# 10 sensor readings driven by 3 hidden factors
n, d, k = 800, 10, 3
factors = rng.normal(size=(n, k))
mixing = rng.normal(size=(k, d))
readings = 50.0 + 6.0 * np.tanh(factors @ mixing) + rng.normal(scale=0.4, size=(n, d))

n_train = 600
X_tr, X_va = readings[:n_train], readings[n_train:]

# scaling numbers come from the training part only
shift, span = X_tr.min(0), X_tr.max(0) - X_tr.min(0)
S_tr = (X_tr - shift) / span
S_va = (X_va - shift) / span


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


W = rng.normal(scale=0.3, size=(d, k))   # shared by encoder and decoder
b_enc = np.zeros(k)
b_dec = np.zeros(d)
lr = 2.0
epochs = 1500


def reconstruct(S):
    code = np.tanh(S @ W + b_enc)
    return code, sigmoid(code @ W.T + b_dec)


for ep in range(epochs):
    code, out = reconstruct(S_tr)
    diff = out - S_tr
    loss = np.mean(np.sum(diff ** 2, axis=1))
    if ep == 0:
        print(f"first_loss={loss:.6f}")

    # backprop through decoder then encoder, W gets both contributions
    g_out = 2.0 * diff / n_train * out * (1.0 - out)
    g_W = g_out.T @ code
    g_bdec = g_out.sum(0)
    g_code = g_out @ W
    g_pre = g_code * (1.0 - code ** 2)
    g_W += S_tr.T @ g_pre
    g_benc = g_pre.sum(0)

    W -= lr * g_W
    b_enc -= lr * g_benc
    b_dec -= lr * g_bdec

    if ep % 300 == 0:
        print(f"epoch {ep} loss {loss:.6f}")

_, out_va = reconstruct(S_va)
val_loss = np.mean(np.sum((out_va - S_va) ** 2, axis=1))
back = out_va * span + shift
r2 = 1.0 - np.sum((X_va - back) ** 2) / np.sum((X_va - X_tr.mean(0)) ** 2)
print(f"final_loss={loss:.6f}")
print(f"val_loss={val_loss:.6f}")
print(f"r2={r2:.4f}")
