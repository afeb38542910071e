# predict two daily energy numbers (kWh) for a building from 4 standardised weather features
# outputs go through softplus so the model never predicts negative energy
# forward/backward done with np.einsum (practising index notation)
import numpy as np

rng = np.random.default_rng(5)

n_days, n_feat, n_out = 300, 4, 2
X = rng.standard_normal((n_days, n_feat))
true_W = np.array([[120.0, 0.0],
                   [-80.0, 60.0],
                   [40.0, 0.0],
                   [0.0, 90.0]])
true_b = np.array([450.0, 200.0])
Y = np.einsum("nf,fk->nk", X, true_W) + true_b + rng.normal(0, 20.0, (n_days, n_out))
Y = np.maximum(Y, 1.0)


def softplus(z):
    return np.logaddexp(0.0, z)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


W = np.zeros((n_feat, n_out))
b = Y.mean(axis=0).copy()          # start the output at the average usage
lr = 0.1
steps = 300


def predict(X):
    z = np.einsum("nf,fk->nk", X, W) + b
    return z, softplus(z)


z, pred = predict(X)
print(f"first_loss={np.mean((pred - Y) ** 2):.3f}")

for step in range(steps):
    z, pred = predict(X)
    err = pred - Y
    loss = np.mean(err ** 2)
    dz = 2.0 * err * sigmoid(z) / err.size
    gW = np.einsum("nf,nk->fk", X, dz)
    gb = np.einsum("nk->k", dz)
    W -= lr * gW
    b -= lr * gb
    if step % 50 == 0:
        print(f"step {step:3d}  mse {loss:.3f}")

z, pred = predict(X)
final = np.mean((pred - Y) ** 2)
print(f"final_loss={final:.3f}")
r2 = 1.0 - np.sum((pred - Y) ** 2) / np.sum((Y - Y.mean(axis=0)) ** 2)
print(f"r2={r2:.4f}")
