"""Odd input: imports its own helper module and package (the import hook instruments them), reloads one."""
import importlib
import os
import numpy as np
import _odd_helper as helper
from _odd_pkg import layers
from _odd_pkg.layers import dense

w = np.ones((3, 2))
for i in range(5):
    h = dense(np.arange(3.0), w)
    w = helper.update(w, h)
helper = importlib.reload(helper)
w2 = helper.update(w, h)
print(w, w2, helper.__name__, layers.__name__, dense.__module__, os.path.basename(helper.__file__))
