# Softmax (multinomial logistic) regression assigning rock samples to one of three
# mineral classes from four spectral band ratios. Arrays are features x samples; the
# descent stops once the gradient norm drops below a tolerance or the iteration cap is hit.
import numpy as np


def draw_samples(n_per_class, rng):
    centres = np.array([[1.0, 0.2, -0.5, 0.8],
                        [-0.6, 1.1, 0.4, -0.2],
                        [0.1, -0.9, 1.0, 0.3]]).T          # (features, classes)
    blocks, labels = [], []
    for c in range(centres.shape[1]):
        blocks.append(centres[:, [c]] + 0.55 * rng.standard_normal((4, n_per_class)))
        labels.append(np.full(n_per_class, c))
    return np.hstack(blocks), np.concatenate(labels)


def log_softmax_cols(Z):
    Zs = Z - Z.max(axis=0, keepdims=True)
    return Zs - np.log(np.exp(Zs).sum(axis=0, keepdims=True))


def objective(W, b, X, Y):
    n = X.shape[1]
    Z = np.einsum("kd,dn->kn", W, X) + b
    logP = log_softmax_cols(Z)
    loss = -np.einsum("kn,kn->", Y, logP) / n
    R = (np.exp(logP) - Y) / n
    gW = np.einsum("kn,dn->kd", R, X)
    gb = R.sum(axis=1, keepdims=True)
    return loss, gW, gb


def fit(X, Y, step=1e-3, tol=1e-3, max_iter=1000):
    k, d = Y.shape[0], X.shape[0]
    W = np.zeros((k, d))
    b = np.zeros((k, 1))
    history = []
    gnorm, it = 2.0 * tol, 0
    while gnorm > tol and it < max_iter:
        loss, gW, gb = objective(W, b, X, Y)
        gnorm = np.sqrt(np.linalg.norm(gW) ** 2 + np.linalg.norm(gb) ** 2)
        history.append(loss)
        if it % 50 == 0:
            print(f"iter {it:4d}  loss {loss:.6f}  |grad| {gnorm:.3e}")
        W -= step * gW
        b -= step * gb
        it += 1
    return W, b, history


rng = np.random.default_rng(5)
X_raw, labels = draw_samples(150, rng)
centre = X_raw.mean(axis=1, keepdims=True)
scale = X_raw.std(axis=1, keepdims=True)
X = (X_raw - centre) / scale
Y = np.eye(3)[:, labels]                                   # one-hot, (classes, samples)

step = 0.5
tol = 5e-3
W, b, history = fit(X, Y, step=step, tol=tol, max_iter=600)

pred = np.argmax(np.einsum("kd,dn->kn", W, X) + b, axis=0)
accuracy = np.mean(pred == labels)
print(f"iterations {len(history)}  weight norm {np.linalg.norm(W):.4f}")
print(f"first_loss={history[0]:.6f} final_loss={history[-1]:.6f}")
print(f"accuracy={accuracy:.4f}")
