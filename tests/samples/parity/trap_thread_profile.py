# No profile hook is installed for the script's threads: threading.getprofile() and, inside a new
# thread, sys.getprofile() read what plain Python reads, and a flagged operation there behaves the same.
import sys
import threading

import numpy as np

seen = {}


def work():
    seen["profile"] = sys.getprofile()
    seen["q"] = np.array([1.0]) / np.array([0.0])


print(threading.getprofile() if hasattr(threading, "getprofile") else "n/a")
t = threading.Thread(target=work)
t.start()
t.join()
print(seen)
