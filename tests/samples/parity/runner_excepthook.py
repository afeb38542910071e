"""Runner parity: the script's own sys.excepthook gets the uncaught exception, with only its frames."""
import sys
import traceback


def hook(kind, value, tb):
    print("hook:", kind.__name__, value, [fs.name for fs in traceback.extract_tb(tb)])
    print("last:", sys.last_type.__name__, sys.last_value is value)


sys.excepthook = hook


def fail():
    raise LookupError("from fail")


fail()
