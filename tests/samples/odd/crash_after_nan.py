"""Odd input: a NaN in the weights makes np.random.choice crash later (ValueError: probabilities contain NaN)."""
import numpy as np

rng = np.random.RandomState(0)
logits = np.array([1.0, 2.0, 3.0])
for step in range(10):
    logits = logits * 80.0
    p = np.exp(logits) / np.exp(logits).sum()
    token = rng.choice(3, p=p)
    print(step, token)
