"""Capture: AST instrumentation of user code, the hot-path recorder and the script runner."""

import os as _os

# nandoctor's own folder (with a trailing separator): frames whose code lives here are the tracer's, not the script's.
PACKAGE_DIR = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))) + _os.sep
