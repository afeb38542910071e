# A NaN born in a matmul overflow: a layer's pre-activation overflows to inf in x @ W, and the
# normalisation that follows turns inf - inf into NaN.
import numpy as np

x = np.array([[1e154, 2e154, 0.5], [1.0, 2.0, 3.0]])
W = np.array([[3e154, 1.0], [2e154, -1.0], [0.1, 0.2]])
h = x @ W
centred = h - h.mean(axis=1, keepdims=True)
print("centred:", centred)
