"""Runner parity: a sys.excepthook that itself raises: Python prints both."""
import sys


def hook(kind, value, tb):
    raise TypeError("hook broke")


sys.excepthook = hook
raise ValueError("original")
