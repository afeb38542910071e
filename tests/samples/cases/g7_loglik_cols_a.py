# Logistic regression by maximum likelihood (the way my stats course writes it):
# theta collects the coefficients, one column per observation in `obs`.
import numpy as np

rng = np.random.default_rng(31)
n_obs = 500
obs = np.vstack([np.ones(n_obs), rng.normal(0, 1, n_obs), rng.normal(0, 1, n_obs)])  # 3 x n, first row = intercept
true_theta = np.array([-0.5, 2.0, -1.0])
outcome = (rng.random(n_obs) < 1.0 / (1.0 + np.exp(-true_theta @ obs))).astype(float)

theta = np.zeros(3)
rate = 0.5


def log_likelihood(th):
    s = th @ obs
    return float(np.sum(outcome * s - np.logaddexp(0.0, s)) / n_obs)


print(f"first_loglik={log_likelihood(theta):.6f}")
for it in range(200):
    p = 1.0 / (1.0 + np.exp(-(theta @ obs)))
    score = obs @ (outcome - p) / n_obs   # gradient of the average log-likelihood
    theta = theta + rate * score
    if it % 40 == 0:
        print(f"iter={it} loglik={log_likelihood(theta):.6f}")

p = 1.0 / (1.0 + np.exp(-(theta @ obs)))
print(f"final_loglik={log_likelihood(theta):.6f}")
print(f"accuracy={float(np.mean((p > 0.5) == (outcome > 0.5))):.4f}")
print(f"theta={np.round(theta, 3).tolist()}")
