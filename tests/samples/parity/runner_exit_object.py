"""Runner parity: SystemExit with an object code whose __str__ is the script's."""
import sys


class Code:
    def __str__(self):
        print("Code.__str__ ran")
        return "custom code"


sys.exit(Code())
