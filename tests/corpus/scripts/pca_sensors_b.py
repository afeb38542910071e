import numpy as np

rng = np.random.default_rng(2024)

# 6 sensor channels, 300 readings; channel 4 is a status flag that never changed in this log
n = 300
latent = rng.normal(size=(n, 2))
mixing = rng.normal(size=(2, 6))
readings = latent @ mixing + 0.1 * rng.normal(size=(n, 6))
readings[:, 4] = 1.0

mean = readings.mean(axis=0)
std = readings.std(axis=0)
Z = (readings - mean) / std

cov = Z.T @ Z / (n - 1)
eigvals, eigvecs = np.linalg.eigh(cov)
order = np.argsort(eigvals)[::-1]
eigvals = eigvals[order]
eigvecs = eigvecs[:, order]

explained = eigvals[:2].sum() / eigvals.sum()
projected = Z @ eigvecs[:, :2]
reconstruction = projected @ eigvecs[:, :2].T
err = np.mean((Z - reconstruction) ** 2)
print("eigenvalues", eigvals)
print(f"explained={explained}")
print(f"final_loss={err}")
