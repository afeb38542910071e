"""Runner parity: exit codes outside 0-255 wrap as the OS takes them."""
import sys

sys.exit(300)
