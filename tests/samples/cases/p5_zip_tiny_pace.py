# Softplus regression in float32; parameters in a list, updated in place through the loop variables of zip().
import numpy as np


def softplus(v):
    return np.logaddexp(np.float32(0.0), v).astype(np.float32)


def fit(feats, yields, pace, rounds):
    gen = np.random.default_rng(8)
    params = [
        (gen.standard_normal((feats.shape[1], 8)) / np.sqrt(feats.shape[1])).astype(np.float32),
        np.zeros(8, dtype=np.float32),
        (gen.standard_normal((8, 1)) / np.sqrt(8.0)).astype(np.float32),
        np.zeros(1, dtype=np.float32),
    ]
    for rnd in range(rounds):
        w_in, b_in, w_out, b_out = params
        pre = feats @ w_in + b_in
        mid = softplus(pre)
        guess = (mid @ w_out + b_out).ravel()
        err = guess - yields
        mse = float(np.mean(err * err))
        g_guess = (2.0 / len(yields)) * err[:, None]
        g_mid = g_guess @ w_out.T
        g_pre = g_mid / (1.0 + np.exp(-pre))
        grads = [feats.T @ g_pre, g_pre.sum(axis=0), mid.T @ g_guess, g_guess.sum(axis=0)]
        for p, g in zip(params, grads):
            p -= pace * g.astype(np.float32)
        if rnd % 100 == 0:
            print(f"round {rnd} mse {mse:.5f}")
    return params, mse


gen = np.random.default_rng(2)
feats = gen.uniform(-1.0, 1.0, (256, 3)).astype(np.float32)
yields = (np.abs(feats[:, 0]) + feats[:, 1] * feats[:, 2]).astype(np.float32)
params, mse = fit(feats, yields, np.float32(4e-6), 600)
print(f"final mse {mse:.5f}")
