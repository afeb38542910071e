"""Runner parity: an uncaught KeyboardInterrupt prints its traceback, runs atexit, and dies by SIGINT."""
import atexit


def loop():
    raise KeyboardInterrupt


atexit.register(lambda: print("atexit ran"))
loop()
