# Gaussian mixture fitted by EM picks the centres of an RBF network, then a ridge solve for the output layer
import numpy as np

# %%
# make some fake sensor data: 6 channels, a few operating regimes
rng = np.random.default_rng(11)
n_regimes = 5
dim = 6
regime_centres = rng.uniform(-40, 40, size=(n_regimes, dim))
labels = rng.integers(0, n_regimes, size=600)
X = regime_centres[labels] + rng.normal(0, 3.0, size=(600, dim))
proj = rng.normal(0, 1, size=dim) / 20
y = np.sin(X @ proj) + 0.1 * X[:, 0] / 10 + rng.normal(0, 0.05, size=600)
print("X range", X.min().round(1), X.max().round(1))

# %%
# EM setup
K = 8
means = X[rng.choice(len(X), K, replace=False)].copy()
variances = np.ones((K, dim))
weights = np.full(K, 1.0 / K)
n_iter = 40

def log_gauss(X, mu, var):
    diff = X[:, None, :] - mu[None, :, :]
    return -0.5 * np.sum(diff ** 2 / var[None] + np.log(2 * np.pi * var[None]), axis=2)

# %%
nll_history = []
for it in range(n_iter):
    # E step
    log_p = log_gauss(X, means, variances) + np.log(weights)[None, :]
    m = log_p.max(axis=1, keepdims=True)
    log_norm = m + np.log(np.exp(log_p - m).sum(axis=1, keepdims=True))
    resp = np.exp(log_p - log_norm)
    nll = -log_norm.mean()
    nll_history.append(nll)

    # M step
    Nk = resp.sum(axis=0) + 1e-10
    weights = Nk / len(X)
    means = (resp.T @ X) / Nk[:, None]
    for k in range(K):
        d = X - means[k]
        variances[k] = (resp[:, k:k+1] * d ** 2).sum(axis=0) / Nk[k] + 1e-3
    if it % 10 == 0:
        print(f"em iter {it} nll={nll:.4f}")

print(f"first_loss={nll_history[0]:.4f}")
print(f"final_loss={nll_history[-1]:.4f}")

# %%
# RBF features, the mixture components are the centres (kept as they are)
def rbf_features(X):
    diff = X[:, None, :] - means[None, :, :]
    phi = np.exp(-0.5 * np.sum(diff ** 2 / (4.0 * variances[None]), axis=2))
    return np.hstack([phi, X, np.ones((len(X), 1))])

split = 450
Phi_tr = rbf_features(X[:split])
Phi_te = rbf_features(X[split:])
lam = 1e-3
A = Phi_tr.T @ Phi_tr + lam * np.eye(Phi_tr.shape[1])
w_out = np.linalg.solve(A, Phi_tr.T @ y[:split])

# %%
pred = Phi_te @ w_out
resid = y[split:] - pred
mse = np.mean(resid ** 2)
r2 = 1 - np.sum(resid ** 2) / np.sum((y[split:] - y[split:].mean()) ** 2)
print(f"rbf_test_mse={mse:.4f}")
print(f"r2={r2:.4f}")
