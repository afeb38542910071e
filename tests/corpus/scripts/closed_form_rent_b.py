import numpy as np

# rent (in euros) from area (m2) and distance to the centre (m): least squares with the normal equations
np.random.seed(4)
n = 80
area = np.random.randint(20, 120, n)
distance = np.random.randint(200, 9000, n)
rent = 9 * area - 0.04 * distance + 300 + np.random.normal(0, 25, n)

data = np.column_stack([np.ones(n, dtype=int), area, distance])
# area in hundreds of m2 and distance in km so the matrix is better conditioned
data[:, 1] = data[:, 1] / 100
data[:, 2] = data[:, 2] / 1000

w = np.linalg.solve(data.T @ data, data.T @ rent)
pred = data @ w
ss_res = np.sum((rent - pred) ** 2)
ss_tot = np.sum((rent - rent.mean()) ** 2)
print("coefficients:", w)
print(f"final_loss={ss_res / n}")
print(f"r2={1 - ss_res / ss_tot}")
