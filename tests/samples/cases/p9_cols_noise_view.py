# Logistic regression, samples in columns, trained in a function with jitter added to each minibatch.
import numpy as np


def make_blobs(seed):
    g = np.random.default_rng(seed)
    pos = g.normal(0.8, 0.5, (2, 100))
    neg = g.normal(-0.8, 0.5, (2, 100))
    X = np.hstack([pos, neg])                 # 2 x 200
    Y = np.r_[np.ones(100), np.zeros(100)][None, :]
    order = g.permutation(200)
    return X[:, order], Y[:, order]


def train(X, Y, epochs=80, bs=40, step=0.5, seed=0):
    g = np.random.default_rng(seed)
    w = np.zeros((1, 2))
    b = 0.0
    costs = []
    for ep in range(epochs):
        total = 0.0
        for j in range(0, X.shape[1], bs):
            batch = X[:, j:j + bs]
            batch += g.normal(0.0, 0.2, batch.shape)     # jitter
            t = Y[:, j:j + bs]
            a = 1.0 / (1.0 + np.exp(-(w @ batch + b)))
            total += float(-np.sum(t * np.log(a + 1e-9) + (1 - t) * np.log(1 - a + 1e-9)))
            dz = (a - t) / bs
            w -= step * dz @ batch.T
            b -= step * float(dz.sum())
        costs.append(total / X.shape[1])
    return w, b, costs


X, Y = make_blobs(9)
clean = X.copy()
w, b, costs = train(X, Y)
acc = float(np.mean(((w @ clean + b) > 0) == (Y > 0.5)))
for ep in range(0, 80, 20):
    print(f"epoch {ep}: xent {costs[ep]:.4f}")
print(f"first_loss={costs[0]:.4f}")
print(f"final_loss={costs[-1]:.4f}")
print(f"accuracy={acc:.3f}")
print(f"data_spread={X.std():.3f}")
