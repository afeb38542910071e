"""Runner parity: sys.exit(True) and None-like codes."""
import sys

print("bye")
sys.exit(True)
