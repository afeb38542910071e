# Standardising features: a constant column has zero spread, so x / std divides by 0.
import numpy as np

X = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 0.5], [3.0, 5.0, 1.0], [4.0, 5.0, 3.0]])
centered = X - X.mean(axis=0) + np.array([0.0, 1.0, 0.0])
spread = X.std(axis=0)
Z = centered / spread
print("standardised max:", np.abs(Z).max())
