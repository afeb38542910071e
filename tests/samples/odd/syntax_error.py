import numpy as np
w = np.ones(3)
for i in range(3)
    w = w * 2
