"""Runner parity: a negative exit code."""
import sys

sys.exit(-1)
