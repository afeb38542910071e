"""Runner parity: an uncaught RecursionError under a low limit: same traceback, same depth."""
import atexit
import sys

atexit.register(sys.setrecursionlimit, 1000)  # the parity dumper imports numpy at exit

sys.setrecursionlimit(60)


def down(n):
    return down(n + 1)


down(0)
