"""Runner parity: an uncaught KeyboardInterrupt prints its traceback, runs atexit, and dies by SIGINT."""
import atexit

import numpy as np  # a training script has numpy loaded when it is interrupted


def loop():
    raise KeyboardInterrupt


atexit.register(lambda: print("atexit ran"))
loop()
