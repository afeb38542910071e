"""Runner parity: the script closes sys.stdout; nothing crashes, the status is the script's."""
import sys

print("before close")
sys.stdout.close()
sys.stderr.write("stderr still open\n")
