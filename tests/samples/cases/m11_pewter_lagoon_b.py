# tiny autoencoder: squeeze 8 correlated gauge readings into a 3-number code and back
# tanh encoder, linear decoder, full-batch gradient descent
import numpy as np

rng = np.random.RandomState(21)
n_rows = 250
latent = rng.randn(n_rows, 3)
mixing = rng.randn(3, 8)
data = np.tanh(0.5 * latent @ mixing) + 0.05 * rng.randn(n_rows, 8)
data = (data - data.mean(axis=0)) / data.std(axis=0)


class Autoencoder:
    def __init__(self, n_in, n_code, seed=0):
        r = np.random.RandomState(seed)
        self.W_enc = r.randn(n_in, n_code) * np.sqrt(1.0 / n_in)
        self.b_enc = np.zeros(n_code)
        self.W_dec = r.randn(n_code, n_in) * np.sqrt(1.0 / n_code)
        self.b_dec = np.zeros(n_in)

    def forward(self, X):
        self.X = X
        self.code = np.tanh(X @ self.W_enc + self.b_enc)
        self.recon = self.code @ self.W_dec + self.b_dec
        return self.recon

    def loss(self, recon, X):
        return np.mean((recon - X) ** 2)

    def backward(self, X):
        d_recon = 2.0 * (self.recon - X) / X.size
        self.dW_dec = self.code.T @ d_recon
        self.db_dec = d_recon.sum(axis=0)
        d_code = (d_recon @ self.W_dec.T) * (1.0 - self.code ** 2)
        self.dW_enc = self.X.T @ d_code
        self.db_enc = d_code.sum(axis=0)

    def step(self, lr):
        self.W_enc -= lr * self.dW_enc
        self.b_enc -= lr * self.db_enc
        self.W_dec -= lr * self.dW_dec
        self.b_dec -= lr * self.db_dec


ae = Autoencoder(8, 3)
lr = 0.3
recon = ae.forward(data)
print(f"first_loss={ae.loss(recon, data):.4f}")

for epoch in range(600):
    loss = ae.loss(ae.forward(data), data)
    ae.backward(data)
    ae.step(lr)
    if epoch % 100 == 0:
        print(f"epoch {epoch}: reconstruction mse {loss:.4f}")

recon = ae.forward(data)
final = ae.loss(recon, data)
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / np.mean(data ** 2):.3f}")
