"""Build script for the compiled parts: the C common case of the recording hooks, and the runner's helper.

Everything else is declared in pyproject.toml. The extension is optional: where it cannot be built
(no compiler), the install still succeeds and nandoctor uses the pure-Python hooks, which behave
the same, only slower (see nandoctor/trace/_fasthooks.c).
"""

import sys

from setuptools import Extension, setup

# No fused multiply-add: the statistics rows computed in C must round every square as numpy does.
FLAGS = [] if sys.platform == "win32" else ["-ffp-contract=off"]

# _runmain: the traced script's module frame with no frame below it (nandoctor/trace/_runmain.c);
# without it the runner falls back to exec() (README "Known limits").
setup(ext_modules=[Extension("nandoctor.trace._fasthooks", ["nandoctor/trace/_fasthooks.c"],
                             extra_compile_args=FLAGS, optional=True),
                   Extension("nandoctor.trace._runmain", ["nandoctor/trace/_runmain.c"], optional=True)])
