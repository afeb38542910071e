# `python -W error` written in the script: numpy's RuntimeWarning becomes an exception whose traceback
# holds the script's frames only, printed here and then again by the uncaught one.
import traceback
import warnings

import numpy as np

warnings.simplefilter("error")


def normalise(v):
    return v / v.sum()


try:
    normalise(np.array([0.0, 0.0]))
except RuntimeWarning:
    traceback.print_exc()
    frames = traceback.extract_tb(__import__("sys").exc_info()[2])
    print([(f.name, f.lineno) for f in frames])
normalise(np.array([1.0, -1.0]))
