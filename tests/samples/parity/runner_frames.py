"""Runner parity: no frame below the script's module frame (inspect, print_stack, _getframe, stacklevel)."""
import inspect
import sys
import traceback
import warnings

print(len(inspect.stack()), [f.function for f in inspect.stack()])
traceback.print_stack(file=sys.stdout)
try:
    sys._getframe(1)
except ValueError as e:
    print("no caller:", e)
print(sys._getframe().f_back)
warnings.warn("module-level warning", stacklevel=2)


def helper():
    warnings.warn("two up from helper", stacklevel=3)
    return len(inspect.stack())


print(helper())
print([fs.name for fs in traceback.extract_stack()])
