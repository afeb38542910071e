"""Capture: AST instrumentation of user code, the hot-path recorder and the script runner."""
