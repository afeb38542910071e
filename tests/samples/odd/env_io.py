"""Odd input: reads stdin, uses __file__, changes directory, and sets numpy's error handling itself."""
# parity-stdin: 1.5 -2 0.25
# parity-args: --alpha 3 "two words"
import os
import sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
name = os.path.basename(__file__)
text = sys.stdin.read()
values = np.array([float(t) for t in text.split()]) if text.strip() else np.array([1.0, 0.0, -1.0])
os.chdir(here)
cwd_ok = os.getcwd() == here
os.chdir(os.path.dirname(here))
listing_ok = os.path.isdir(os.path.basename(here))

old = np.seterr(all="raise")
try:
    r = values / 0.0
except FloatingPointError as e:
    raised = str(e)
np.seterr(all="ignore")
quiet = values / 0.0
np.seterr(**old)
with np.errstate(over="raise"):
    try:
        big = np.exp(np.array([1000.0]))
    except FloatingPointError as e:
        over = str(e)
with np.errstate(divide="warn"):
    warned = np.log(np.array([0.0, 1.0]))
state = np.geterr()
loud = values / 0.0
print(name, cwd_ok, listing_ok, values, raised, quiet, over, warned, state, loud, sys.argv[1:], sep="\n")
