"""Odd input: leaves with sys.exit and a message after training a little."""
import sys
import numpy as np

w = np.ones(3)
for i in range(5):
    w = w * 0.9
print(w)
if w.sum() < 10:
    sys.exit("weights too small: stopping")
