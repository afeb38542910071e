# NaN already in the input data: a missing value in the CSV becomes NaN and poisons training.
import io

import numpy as np

CSV = "x1,x2,y\n0.5,1.0,1\n1.5,,0\n-0.5,2.0,1\n2.0,0.1,0\n"
data = np.genfromtxt(io.StringIO(CSV), delimiter=",", skip_header=1)
X, y = data[:, :2], data[:, 2]
w = np.zeros(2)
for step in range(20):
    p = 1 / (1 + np.exp(-(X @ w)))
    w = w - 0.1 * X.T @ (p - y)
print("w:", w)
