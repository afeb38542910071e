# einsum raises no floating-point flag: its overflow is found by the value backstop.
import numpy as np

A = np.array([[1e200, 1.0], [2.0, 3.0]])
B = np.array([[1e200, 0.0], [1.0, 1.0]])
C = np.einsum("ij,jk->ik", A, B)
print("C:", C)
