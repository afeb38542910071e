# Polynomial features of unscaled inputs: x ** degree overflows float64.
import numpy as np

x = np.array([0.5, 3.0, 40.0, 12.0])
degree = np.arange(1, 201)
features = x[:, None] ** degree[None, :]
print("feature max per row:", features.max(axis=1))
