"""Runner parity: a recursion whose deepest frame assigns: the recording hook's call is one more level."""
import atexit
import sys

atexit.register(sys.setrecursionlimit, 1000)  # the parity dumper imports numpy at exit

sys.setrecursionlimit(60)
deepest = 0


def down(n):
    global deepest
    deepest = n
    return down(n + 1)


try:
    down(1)
except RecursionError as e:
    print("RecursionError at", deepest, e)
del deepest  # the depth differs (the known divergence above); the printed line shows it
