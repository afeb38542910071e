"""Runner parity: a sys.excepthook that calls sys.exit picks the status."""
import sys


def hook(kind, value, tb):
    print("hook saw", value)
    sys.exit(7)


sys.excepthook = hook
raise ValueError("original")
