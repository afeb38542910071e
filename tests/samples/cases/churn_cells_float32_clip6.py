# %% [markdown]
# Customer churn from three usage numbers, fitted the way it was explored in a notebook:
# one cell per stage, float32 arrays throughout to match the warehouse export.
# Run: python churn_cells_float32.py

# %%
import numpy as np

rng = np.random.default_rng(21)
n = 200
usage = rng.normal(size=(n, 3)).astype(np.float32)
churned = (usage @ np.array([2.0, -1.5, 1.0]) > 0).astype(np.float32)

# %%
coef = np.zeros(3, dtype=np.float32)
step = np.float32(4.0)
losses = []

# %%
for it in range(300):
    prob = 1.0 / (1.0 + np.exp(-(usage @ coef)))
    prob = np.clip(prob, 1e-6, 1 - 1e-6)
    loss = -np.mean(churned * np.log(prob) + (1 - churned) * np.log(1 - prob))
    losses.append(float(loss))
    coef -= step * usage.T @ (prob - churned) / n

# %%
print("loss first/last:", losses[0], losses[-1])
print("coefficients:", coef)
