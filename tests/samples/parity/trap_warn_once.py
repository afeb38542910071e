# numpy's RuntimeWarnings follow the script's warnings filters and the once-per-location registry:
# a warning in a loop prints once, another location prints again, "always" prints every time.
import warnings

import numpy as np


def ratio(a, b):
    return a / b


out = []
for i in range(5):
    out.append(ratio(np.array([1.0, 2.0]), np.array([0.0, 1.0])))
big = np.exp(np.array([1000.0]))
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    for i in range(3):
        ratio(np.array([0.0]), np.array([0.0]))
print([str(w.message) for w in seen], [w.lineno for w in seen], [w.filename == __file__ for w in seen])
for i in range(2):
    ratio(np.array([3.0]), np.array([0.0]))
registry = globals().get("__warningregistry__", {})
print(sorted(k[0] if isinstance(k, tuple) else k for k in registry))
print(np.var(np.array([np.inf, 1.0])))  # warned from numpy's own Python code: its location, not ours
warnings.simplefilter("once")
for i in range(2):
    ratio(np.array([2.0]), np.array([0.0]))
    np.log(np.array([0.0]))
print(out[-1], big)
