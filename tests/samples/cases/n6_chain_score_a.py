# Log-partition of a 4-state chain model over a long sequence (forward recursion), then per-position marginals.
import numpy as np


def log_sum_exp(v, axis):
    return np.log(np.sum(np.exp(v), axis=axis))


def forward(unary, pair):
    alpha = unary[0].copy()
    alphas = [alpha]
    for t in range(1, len(unary)):
        alpha = log_sum_exp(alpha[:, None] + pair, axis=0) + unary[t]
        alphas.append(alpha)
    return np.array(alphas)


def backward(unary, pair):
    beta = np.zeros(unary.shape[1])
    betas = [beta]
    for t in range(len(unary) - 1, 0, -1):
        beta = log_sum_exp(pair + (unary[t] + beta)[None, :], axis=1)
        betas.append(beta)
    return np.array(betas[::-1])


gen = np.random.default_rng(2)
n_pos, n_states = 300, 4
unary = gen.normal(2.5, 1.0, (n_pos, n_states))       # positive evidence scores
pair = np.array([[1.0, 0.2, 0.0, 0.1], [0.2, 1.0, 0.2, 0.0], [0.0, 0.2, 1.0, 0.2], [0.1, 0.0, 0.2, 1.0]])

a = forward(unary, pair)
b = backward(unary, pair)
log_z = log_sum_exp(a[-1], axis=0)
marg = np.exp(a + b - log_z)
print(f"log_partition={float(log_z):.3f}")
print(f"marginal_sum_min={float(marg.sum(axis=1).min()):.4f}")
print(f"marginal_sum_max={float(marg.sum(axis=1).max()):.4f}")
