# Customer churn from usage features (already standardized), logistic model trained in minibatches of 40.
# The scores of each minibatch are computed in the training cell.
# Run: python i3_churn_scores_fresh.py
import numpy as np

box = np.random.default_rng(9)
usage = box.normal(0, 1, (400, 4))
left = (usage @ np.array([1.2, -0.8, 0.5, 0.0]) + box.normal(0, 0.5, 400) > 0).astype(float)
theta = np.zeros(4)
b0 = 0.0

# %% training
print(f"start     loss {np.log(2):.4f}")
for sweep in range(30):
    for lo in range(0, 400, 40):
        part = slice(lo, lo + 40)
        scores = 1 / (1 + np.exp(-(usage[part] @ theta + b0)))
        gap = scores - left[part]
        theta = theta - 0.5 * usage[part].T @ gap / 40
        b0 = b0 - 0.5 * gap.mean()
    if sweep % 5 == 0 or sweep == 29:
        p = 1 / (1 + np.exp(-(usage @ theta + b0)))
        loss = -np.mean(left * np.log(p + 1e-12) + (1 - left) * np.log(1 - p + 1e-12))
        print(f"sweep {sweep:2d}  loss {loss:.4f}  acc {np.mean((p > 0.5) == left):.3f}")
