# The author silenced numpy around the loss gradient: no flag is raised, the backstop finds the NaN.
import numpy as np

a = np.array([[0.25], [1.0], [0.5], [1.0]])
y = np.array([[1.0], [1.0], [0.0], [0.0]])
with np.errstate(all="ignore"):
    dl = -y / a + (1 - y) / (1 - a)
print("gradient:", dl.ravel())
