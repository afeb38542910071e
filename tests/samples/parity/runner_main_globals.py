"""Runner parity: `__main__` as Python builds it for a script (builtins module, annotations, spec...)."""
# parity-args: --flag "two words" 3
import os
import sys
import types

limit: int = 3
print(sorted(k for k in globals() if k.startswith("__")))
print(type(__builtins__) is types.ModuleType, __builtins__ is __import__("builtins"))
print(__annotations__)
print(__spec__, __package__, __cached__, __name__, __doc__)
print(type(__loader__).__name__, __loader__.name, __loader__.path == __file__)
print(os.path.isabs(__file__), os.path.basename(__file__))
print(sys.argv[1:], os.path.basename(sys.argv[0]), os.path.isabs(sys.argv[0]))
print(sys.path[0] == os.path.dirname(__file__))
print([os.path.basename(a) if a.endswith(".py") else a for a in sys.orig_argv[1:]])
print(sys.modules["__main__"].__dict__ is globals())
print(list(globals())[:9])
