# Masked softmax: a row whose every position is masked subtracts -inf from -inf.
import numpy as np

logits = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [1.5, 0.2, 0.1]])
valid = np.array([[True, True, False], [False, False, False], [True, False, True]])
mask = np.where(valid, 0.0, -np.inf)
scores = logits + mask
shifted = scores - scores.max(axis=1, keepdims=True)
weights = np.exp(shifted)
probs = weights / weights.sum(axis=1, keepdims=True)
print("probabilities:", np.round(probs, 3).tolist())
