# Row-normalising co-occurrence counts: a row with no counts divides 0 by 0.
import numpy as np

counts = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0], [2.0, 2.0, 4.0], [0.0, 0.0, 0.0]])
totals = counts.sum(axis=1, keepdims=True)
probs = counts / totals
print("row sums:", np.round(probs.sum(axis=1), 3))
