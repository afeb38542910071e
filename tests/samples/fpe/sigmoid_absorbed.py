# exp overflows inside the sigmoid (absorbed: the sigmoid still returns 0.0), and later the
# cross-entropy gradient divides by that exact 0.0: the 0/0 is the real origin of the NaN.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


z = np.array([[-800.0], [2.0], [-1.0], [-750.0]])
y = np.array([[0.0], [1.0], [0.0], [0.0]])
a = sigmoid(z)
print("activations:", a.ravel())
dl = -y / a + (1 - y) / (1 - a)
print("gradient:", dl.ravel())
