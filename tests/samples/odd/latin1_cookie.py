# -*- coding: latin-1 -*-
"""Odd input: a latin-1 source file with a coding cookie."""
import numpy as np

label = "café µm"
w = np.ones(2)
for i in range(3):
    w = w * 0.5
print(label, w, len(label))
