# Autoencoder: squeeze 16 colour-chart measurements through a 4 unit sigmoid code and rebuild them.
import numpy as np

rng = np.random.default_rng(2024)

# the 16 measurements really only depend on 4 hidden factors
n, d, k = 1500, 16, 4
factors = rng.uniform(-1.0, 1.0, size=(n, k))
mixing = rng.normal(0.0, 1.0, size=(k, d))
data = np.tanh(factors @ mixing) + 0.05 * rng.normal(size=(n, d))
data = (data - data.mean(axis=0)) / data.std(axis=0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(s):
    return s * (1.0 - s)


def init_params(n_in, n_code):
    return {
        "W_enc": rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_code)),
        "b_enc": np.zeros(n_code),
        "W_dec": rng.normal(0.0, 1.0 / np.sqrt(n_code), size=(n_code, n_in)),
        "b_dec": np.zeros(n_in),
    }


def forward(params, x):
    z_code = x @ params["W_enc"] + params["b_enc"]
    code = sigmoid(z_code)
    recon = code @ params["W_dec"] + params["b_dec"]
    return z_code, code, recon


def reconstruction_error(params, x):
    return float(np.mean((forward(params, x)[2] - x) ** 2))


def backward(params, x):
    z_code, code, recon = forward(params, x)
    d_recon = 2.0 * (recon - x) / x.shape[0]
    grads = {"W_dec": code.T @ d_recon, "b_dec": d_recon.sum(axis=0)}
    d_code = d_recon @ params["W_dec"].T
    d_z = d_code * sigmoid_prime(z_code)
    grads["W_enc"] = x.T @ d_z
    grads["b_enc"] = d_z.sum(axis=0)
    return grads


params = init_params(d, k)
print(f"first_loss={reconstruction_error(params, data):.5f}")

lr = 0.05
batch_size = 50
for epoch in range(80):
    perm = rng.permutation(n)
    for s in range(0, n, batch_size):
        xb = data[perm[s:s + batch_size]]
        grads = backward(params, xb)
        for name in params:
            params[name] -= lr * grads[name]
    if epoch % 10 == 0:
        print(f"epoch {epoch}: reconstruction mse = {reconstruction_error(params, data):.5f}")

final = reconstruction_error(params, data)
recon = forward(params, data)[2]
r2 = 1.0 - np.sum((recon - data) ** 2) / np.sum((data - data.mean(axis=0)) ** 2)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
