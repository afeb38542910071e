# Machine fault detection from four vibration channels; channel 3 was stuck at one reading during the whole
# recording. Notebook-style cells: load, z-score every channel, fit a logistic model by gradient descent.
# Run: python i3_stuck_sensor_zscore.py
import numpy as np

# %% load
rec = np.random.RandomState(17)
samples = 240
channels = rec.normal([4.0, 12.0, 7.5, 0.0], [1.0, 3.0, 2.0, 1.0], (samples, 4))
channels[:, 2] = 7.5
fault = (channels[:, 0] - 4.0 + 0.3 * (channels[:, 1] - 12.0) + rec.normal(0, 0.3, samples) > 0).astype(float)

# %% scale
mean_c = channels.mean(axis=0)
std_c = channels.std(axis=0)
zs = (channels - mean_c) / std_c

# %% fit
coef = np.zeros(4)
bias = 0.0
for rnd in range(400):
    prob = 1 / (1 + np.exp(-(zs @ coef + bias)))
    coef -= 0.5 * zs.T @ (prob - fault) / samples
    bias -= 0.5 * np.mean(prob - fault)
    if rnd % 80 == 0 or rnd == 399:
        loss = -np.mean(fault * np.log(prob + 1e-12) + (1 - fault) * np.log(1 - prob + 1e-12))
        print(f"round {rnd:3d}  loss {loss:.4f}  acc {np.mean((prob > 0.5) == fault):.3f}  coef {np.round(coef, 3)}")
