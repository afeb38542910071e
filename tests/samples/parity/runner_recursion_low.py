"""Runner parity: a script's low recursion limit fails at the same depth; the limit reads back as set."""
import inspect
import sys


def down(n):
    return down(n + 1)


def depth_reached(limit):
    sys.setrecursionlimit(limit)
    print(sys.getrecursionlimit())
    try:
        down(1)
    except RecursionError as e:
        tb, frames = e.__traceback__, 0
        while tb is not None:
            frames, tb = frames + 1, tb.tb_next
        return frames + len(inspect.stack()), str(e)


print(sys.getrecursionlimit())
print(depth_reached(60))
print(depth_reached(1000))
try:
    sys.setrecursionlimit(2)
except RecursionError as e:
    print(e)
