"""Run a script as `__main__` exactly as `python SCRIPT ARGS` would, but compiled through the tracer.

Modelled on coverage.py's execfile.py: a fresh `__main__` module, `sys.argv` and `sys.path[0]` as
Python sets them, the script compiled by us, and the outcome (exit code, exception) handed back
instead of acted on, so the caller can write the report first.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import traceback
import types
from dataclasses import dataclass


class NoScript(Exception):
    """The script to run does not exist or is not a file."""


@dataclass
class Outcome:
    """How the script ended: its exit code and, for a crash, the exception and the traceback text."""

    exit_code: int = 0
    exception: BaseException | None = None
    traceback_text: str = ""
    interrupted: bool = False


def _user_traceback(exc: BaseException, script: str) -> str:
    """The traceback as Python prints it, with nandoctor's own frames cut from the top."""
    tb = exc.__traceback__
    ours = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(ours):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def read_source(path: str) -> bytes:
    if not os.path.exists(path):
        raise NoScript(f"No such file: {path!r}")
    if os.path.isdir(path):
        raise NoScript(f"{path!r} is a directory, not a script (a folder with __main__.py is not supported yet)")
    with open(path, "rb") as f:
        return f.read()


def run_script(path: str, args: list[str], tracer) -> Outcome:
    """Execute the script under `tracer` (already started). Never raises for what the script does."""
    source = read_source(path)
    # Since Python 3.9 the main script's __file__ and code filenames are absolute; argv[0] is as given.
    abspath = os.path.abspath(path)
    main = types.ModuleType("__main__")
    main.__file__ = abspath
    main.__builtins__ = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", abspath)
    main.__spec__ = None
    main.__package__ = None
    main.__cached__ = None

    old_main = sys.modules.get("__main__")
    old_argv = sys.argv[:]
    old_path0 = sys.path[0] if sys.path else None
    sys.modules["__main__"] = main
    sys.argv = [path] + list(args)
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    try:
        try:
            code = tracer.compile(source, abspath)
        except SyntaxError as e:
            text = "".join(traceback.format_exception_only(type(e), e))
            return Outcome(exit_code=1, exception=e, traceback_text=text)
        try:
            exec(code, main.__dict__)
        except SystemExit as e:
            return Outcome(exit_code=_exit_code(e), exception=e)
        except KeyboardInterrupt as e:
            return Outcome(exit_code=130, exception=e, traceback_text=_user_traceback(e, path), interrupted=True)
        except BaseException as e:  # noqa: BLE001 -- the script's crash is evidence, not ours to raise
            return Outcome(exit_code=1, exception=e, traceback_text=_user_traceback(e, path))
        return Outcome()
    finally:
        sys.argv = old_argv
        if old_path0 is not None and sys.path:
            sys.path[0] = old_path0
        if old_main is not None:
            sys.modules["__main__"] = old_main


def _exit_code(e: SystemExit) -> int:
    """The process exit status Python would give for this SystemExit (printing its message as Python does)."""
    code = e.code
    if code is None:
        return 0
    if isinstance(code, bool):
        return int(code)
    if isinstance(code, int):
        return code & 0xFF if code >= 0 else code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:  # noqa: BLE001
        pass
    return 1
