"""Runner parity: an uncaught RecursionError under a low limit: same traceback, same depth."""
import sys

sys.setrecursionlimit(60)


def down(n):
    return down(n + 1)


down(0)
