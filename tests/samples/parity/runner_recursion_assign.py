"""Runner parity: a recursion whose deepest frame assigns a recorded value fails at the same depth as under python."""
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
