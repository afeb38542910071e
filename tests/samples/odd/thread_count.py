"""Odd input: a script that counts and names its threads while it trains for over a second."""
import threading
import time
import numpy as np

w = np.zeros(3)
counts = set()
for i in range(30):
    w = w + 1
    time.sleep(0.05)
    counts.add(threading.active_count())
names = sorted(t.name for t in threading.enumerate())
print(counts, names, threading.current_thread().name)
