# np.errstate as the script sets it: nested contexts, what each one reads, and numpy's warnings (or
# their absence, or the FloatingPointError) inside each.
import numpy as np

x = np.array([1.0, 0.0, -1.0])
with np.errstate(divide="ignore"):
    print("outer", sorted(np.geterr().items()))
    y = 1.0 / x
    with np.errstate(divide="warn", invalid="raise"):
        print("inner", sorted(np.geterr().items()))
        z = np.log(x[:2])
        try:
            w = np.sqrt(x)
        except FloatingPointError as e:
            print("raised:", e)
    print("back", sorted(np.geterr().items()))
with np.errstate(all="print"):
    v = x / 0.0
with np.errstate(all="ignore"):
    u = np.log(x)
print(y, z, v, u)
