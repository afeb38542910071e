# A penalty of +inf marks infeasible choices; a zero weight on one of them gives 0 * inf.
import numpy as np

penalty = np.where(np.array([True, False, True, False]), 0.0, np.inf)
weights = np.array([0.5, 0.0, 0.25, 0.25])
cost = weights * penalty
print("total cost:", cost.sum())
