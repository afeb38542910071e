"""Runner parity: a recursion whose deepest frame assigns: the recording hook's call is one more level."""
import sys

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
