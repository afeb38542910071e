# The script sees exactly its own numpy error state: np.geterr(), np.geterrcall(), and what seterr and
# seterrcall hand back, before and after a flagged operation.
import numpy as np

print(sorted(np.geterr().items()), np.geterrcall())
old = np.seterr(all="ignore")
print(sorted(old.items()))
print(np.seterrcall(None))
q = np.array([1.0, 0.0]) / np.array([0.0, 0.0])
print(q, sorted(np.geterr().items()), np.geterrcall())
np.seterr(**old)
print(sorted(np.geterr().items()))
with np.errstate(over="raise", divide="ignore"):
    print(sorted(np.geterr().items()))
print(sorted(np.geterr().items()), np.getbufsize())
