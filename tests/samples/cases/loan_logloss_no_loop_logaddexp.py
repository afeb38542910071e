# Scores a batch of loan applications with a logistic model whose weights were fitted elsewhere,
# and reports the average log-loss of the batch. No training happens here: one pass over lists of
# plain floats turned into arrays.
# Run: python loan_logloss_no_loop.py
import numpy as np

weights = [0.004, -0.8, 2.5]  # income (dollars), open loans, years employed
applications = [
    [182000.0, 1.0, 12.0],
    [45000.0, 4.0, 1.0],
    [260000.0, 0.0, 20.0],
    [38000.0, 6.0, 0.5],
]
defaulted = np.array([1.0, 1.0, 0.0, 1.0])

A = np.array(applications)
w = np.array(weights)
margin = A @ w
signed = np.where(defaulted == 1.0, margin, -margin)
per_application = np.logaddexp(0.0, signed)
print("mean log-loss:", per_application.mean())
