"""Runner parity: SystemExit with a string code: printed to stderr, status 1; atexit still runs."""
import atexit
import sys

atexit.register(lambda: print("atexit:", sys.argv[0].endswith("runner_exit_str.py"), __name__))
sys.exit("stopping: a message")
