# tiny autoencoder: squeeze 12 correlated signals through 3 tanh units and rebuild them
# weights kept in a plain list, Adam written by hand like in the lecture notes
import numpy as np

np.random.seed(4)

n, d, k = 400, 12, 3
latent = np.random.randn(n, k)
mix = np.random.randn(k, d)
X = np.tanh(0.5 * latent @ mix) + 0.05 * np.random.randn(n, d)
X = 0.8 * (X - X.mean(axis=0))


class Adam:
    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params = params
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t)
            v_hat = self.v[i] / (1 - self.beta2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


W_enc = np.random.randn(d, k) * np.sqrt(1.0 / d)
b_enc = np.zeros(k)
W_dec = np.random.randn(k, d) * np.sqrt(1.0 / k)
b_dec = np.zeros(d)
params = [W_enc, b_enc, W_dec, b_dec]


def forward(X):
    code = np.tanh(X @ W_enc + b_enc)
    recon = np.tanh(code @ W_dec + b_dec)
    return code, recon


def backward(X, code, recon):
    d_recon = 2 * (recon - X) / X.size * (1 - recon ** 2)
    g_Wdec = code.T @ d_recon
    g_bdec = d_recon.sum(axis=0)
    d_code = d_recon @ W_dec.T * (1 - code ** 2)
    g_Wenc = X.T @ d_code
    g_benc = d_code.sum(axis=0)
    return [g_Wenc, g_benc, g_Wdec, g_bdec]


def mse(X):
    return np.mean((forward(X)[1] - X) ** 2)


opt = Adam(params, lr=2.0)
print(f"first_loss={mse(X):.5f}")
for it in range(400):
    code, recon = forward(X)
    opt.step(backward(X, code, recon))
    if it % 50 == 0:
        print(f"iter {it:3d}  mse {mse(X):.5f}")

final = mse(X)
print(f"final_loss={final:.5f}")
print(f"r2={1 - final / np.mean(X ** 2):.3f}")
