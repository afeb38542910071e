# Poisson regression fitted by maximising the average log-likelihood (a GLM, not a neural net).
import math
import numpy as np

rng = np.random.default_rng(3)
counts_x = rng.uniform(0.0, 2.0, size=(400, 1))
true_rate = np.exp(0.4 + 0.9 * counts_x[:, 0])
events = rng.poisson(true_rate).astype(float)

def avg_loglik(coef, icpt):
    eta = counts_x[:, 0] * coef + icpt
    return float(np.mean(events * eta - np.exp(eta) - np.array([math.lgamma(k + 1) for k in events])))

coef, icpt = 0.0, 0.0
step = 0.05
history = []
for sweep in range(250):
    eta = counts_x[:, 0] * coef + icpt
    resid = events - np.exp(eta)              # d loglik / d eta
    g_coef = float(np.mean(resid * counts_x[:, 0]))
    g_icpt = float(np.mean(resid))
    coef -= step * g_coef
    icpt -= step * g_icpt
    history.append(avg_loglik(coef, icpt))

print(f"loglik start {history[0]:.4f} end {history[-1]:.4f}")
print(f"coef={coef:.3f} icpt={icpt:.3f}")
