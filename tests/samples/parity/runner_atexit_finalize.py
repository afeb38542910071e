# Differs: plain python prints "late atexit 9.0" and "late finalize 9.0" at exit; under `nandoctor run`
# both callbacks are instrumented code that runs after the tracer removed its hooks:
# "Exception ignored in atexit callback ... NameError: name '__nd_rec__' is not defined".
import atexit
import weakref
import numpy as np
def late(tag):
    z = np.arange(3.0) * 2
    z += 1
    print("late", tag, z.sum())
class Res:
    pass
res = Res()
atexit.register(late, "atexit")
weakref.finalize(res, late, "finalize")
