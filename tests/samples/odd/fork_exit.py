"""Odd input: os.fork(); the child trains a little, prints and leaves with sys.exit(3); the parent waits."""
import os
import sys
import numpy as np

w = np.ones(3)
for i in range(4):
    w = w * 1.5
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    child = w - 1
    for i in range(3):
        child = child * 2
    print("child", child, flush=True)
    sys.exit(3)
_, status = os.waitpid(pid, 0)
print("parent", w, "child exit", os.waitstatus_to_exitcode(status))
del pid, status, _  # differ from run to run: not part of the parity comparison
