# %% Poisson regression of visit counts (log link) with L2 weight decay, notebook cells at top level.
import numpy as np

# %%
rng = np.random.default_rng(17)
covars = rng.normal(0.0, 1.0, (500, 3))
true_rate = np.exp(0.4 * covars[:, 0] - 0.3 * covars[:, 1] + 0.2 * covars[:, 2] + 1.0)
visits = rng.poisson(true_rate).astype(float)

# %%
theta = np.zeros(3)
base = 0.0
alpha = 1.5
l2 = 1e-3

# %%
for it in range(600):
    eta = covars @ theta + base
    mu = np.exp(eta)
    deviance = np.mean(mu - visits * eta)
    theta -= alpha * (covars.T @ (mu - visits) / len(visits) + l2 * theta)
    base -= alpha * np.mean(mu - visits)
    if it % 100 == 0 or it == 599:
        print(f"it {it} poisson nll {deviance:.4f}")

# %%
print("theta", np.round(theta, 3), "base", round(base, 3))
