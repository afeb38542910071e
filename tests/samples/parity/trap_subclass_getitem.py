# An ndarray subclass with a counting __getitem__: the script's operations call it exactly as often as
# plain Python does, also where numpy flags the result (nandoctor must not read the operands again).
import numpy as np


class Counted(np.ndarray):
    reads = 0

    def __getitem__(self, key):
        Counted.reads += 1
        return super().__getitem__(key)


m = np.array([[1.0, 0.0], [0.0, 2.0]]).view(Counted)
zero = np.zeros(2)
r = m[0] / zero
s = np.log(m[1] - m[1])
print(Counted.reads, np.asarray(r), np.asarray(s))
