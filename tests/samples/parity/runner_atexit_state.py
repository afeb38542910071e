"""Runner parity: sys.argv, __main__ and __file__ stay the script's while its atexit handlers run."""
# parity-args: alpha beta
import atexit
import inspect
import os
import sys


def gen():
    for i in range(3):
        yield len(inspect.stack())


g = gen()
print("first", next(g))


@atexit.register
def at_exit():
    main = sys.modules["__main__"]
    print("argv", sys.argv[1:], os.path.basename(sys.argv[0]))
    print("main is ours", main.__dict__.get("g") is g, getattr(main, "__file__", "no __file__ after the script"))
    print("resumed generator depth", next(g))
    print("frames", [f.function for f in inspect.stack()])
