# The author asked numpy to raise on every floating-point error; the division by zero ends the run.
import numpy as np

np.seterr(all="raise")
rates = np.array([0.5, 0.25, 0.0, 0.125])
budget = np.array([10.0, 20.0, 30.0, 40.0])
print("start")
periods = budget / rates
print("never printed", periods)
