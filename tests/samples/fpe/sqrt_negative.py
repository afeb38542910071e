# Variance as E[x^2] - E[x]^2 cancels catastrophically and goes slightly negative: sqrt(<0).
import numpy as np

x = np.array([[3e7 + 0.1, 3e7 + 0.1, 3e7 + 0.1], [3.0, 4.0, 5.0]]).T
mean_sq = (x ** 2).mean(axis=0)
sq_mean = x.mean(axis=0) ** 2
var = mean_sq - sq_mean
std = np.sqrt(var)
print("std:", std)
