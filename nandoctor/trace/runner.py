"""Run a script as `__main__` exactly as `python SCRIPT ARGS` would, but compiled through the tracer.

Modelled on coverage.py's execfile.py: a fresh `__main__` module, `sys.argv` and `sys.path[0]` as
Python sets them, the script compiled by us, and the outcome (exit code, exception) handed back
instead of acted on, so the caller can write the report first.

Every way out ends as it would under Python, after the report is written (issue 7):
- `sys.exit(n)` and uncaught exceptions: the same status (the traceback is printed by the caller);
- Ctrl-C (KeyboardInterrupt): the traceback, then, after the script's atexit handlers, death by
  SIGINT as Python does since 3.8 (the shell shows 130; `subprocess` shows -2);
- SIGTERM: Python dies at once, running no `finally` or atexit. While the script runs we install a
  handler (only where the default was) that writes the session and report through `on_signal`, puts
  the default back and re-sends SIGTERM, so the process still dies by SIGTERM (143 in the shell). The
  script's own handler, if it installs one, replaces ours; the original is restored afterwards.
- the recursion limit is raised by the depth of nandoctor's own frames, so the script's recursion
  fails at the same depth as under Python (`sys.getrecursionlimit()` reads that much higher).
"""

from __future__ import annotations

import atexit
import importlib.machinery
import os
import re
import signal
import sys
import threading
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
    signal: int | None = None  # the process must die by this signal, as Python would (SIGINT, SIGTERM)
    where: dict | None = None  # innermost user frame of a crash or a signal: file, line, function
    namespace: dict | None = None  # the script's module globals, for parity checks


# Set when the process must end by a signal once the script's atexit handlers have run (Ctrl-C).
_pending_signal: int | None = None
_late_exit_registered = False


def _late_exit() -> None:
    """Registered before the script runs, so atexit calls it after the script's own handlers."""
    if _pending_signal is not None:
        die_by_signal(_pending_signal)


def die_by_signal(signum: int) -> None:
    """End the process by `signum` with its default action, as Python does after an uncaught Ctrl-C."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    try:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    finally:
        os._exit(128 + signum)  # only if the signal could not kill us


def exit_process(outcome: "Outcome") -> None:
    """Leave the process with the script's status: `sys.exit(code)`, or death by the signal it died of."""
    global _pending_signal
    if outcome.signal == signal.SIGINT and _late_exit_registered:
        _pending_signal = signal.SIGINT
    elif outcome.signal is not None:
        die_by_signal(outcome.signal)
    sys.exit(outcome.exit_code)


class Untraced:
    """A stand-in for the Tracer when nandoctor itself cannot start: the script runs, compiled by Python."""

    def __init__(self):
        self.registry = types.SimpleNamespace(sources={})

    def compile(self, source, filename: str, mode: str = "exec"):
        return compile(source, filename, mode, dont_inherit=True)


def _where(tb, user_files) -> dict | None:
    """The innermost traceback frame in the user's instrumented code."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in user_files:
            found = {"file": code.co_filename, "line": tb.tb_lineno, "function": code.co_qualname}
        tb = tb.tb_next
    return found


def _frame_where(frame, user_files) -> dict | None:
    while frame is not None:
        code = frame.f_code
        if code.co_filename in user_files:
            return {"file": code.co_filename, "line": frame.f_lineno, "function": code.co_qualname}
        frame = frame.f_back
    return None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _check_encoding(source: bytes, abspath: str) -> None:
    """Python's own error for a non-UTF-8 file without a coding cookie (compile() words it differently)."""
    if source.startswith(b"\xef\xbb\xbf"):
        return
    for line in source.splitlines()[:2]:
        if _COOKIE.match(line):
            return  # a declared encoding: compile() decodes (or rejects) it as Python would
    for lineno, line in enumerate(source.splitlines(keepends=True), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SyntaxError(
                f"Non-UTF-8 code starting with '\\x{line[e.start]:02x}' in file {abspath} on line {lineno}, "
                "but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            ) from None


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


def run_script(path: str, args: list[str], tracer, on_signal=None) -> Outcome:
    """Execute the script under `tracer` (already started). Never raises for what the script does.

    `on_signal(outcome)`, if given, is called from the SIGTERM handler to write the report before the
    process dies by that signal.

    A child the script forked (`os.fork()`) that ends by returning through here leaves as Python
    would have it leave (its traceback, its exit status, its atexit handlers), without a report: the
    session and report belong to the traced process.
    """
    pid = os.getpid()
    outcome = _run_script(path, args, tracer, on_signal, pid)
    if os.getpid() != pid:
        if outcome.traceback_text:
            sys.stderr.write(outcome.traceback_text)
        if outcome.signal is not None:
            die_by_signal(outcome.signal)
        raise SystemExit(outcome.exit_code)
    return outcome


def _run_script(path: str, args: list[str], tracer, on_signal, pid: int) -> Outcome:
    global _late_exit_registered
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
    user_files = tracer.registry.sources  # filled as files are instrumented
    installed: dict = {}
    old_limit = sys.getrecursionlimit()
    try:
        try:
            _check_encoding(source, abspath)
            code = tracer.compile(source, abspath)
        except SyntaxError as e:
            text = "".join(traceback.format_exception_only(type(e), e))
            return Outcome(exit_code=1, exception=e, traceback_text=text)
        if not _late_exit_registered:
            atexit.register(_late_exit)
            _late_exit_registered = True
        if on_signal is not None:
            installed = _install_term_handler(on_signal, user_files, main.__dict__, pid)
        # Our frames below the script would otherwise count against its recursion limit.
        sys.setrecursionlimit(old_limit + _depth())
        try:
            exec(code, main.__dict__)
        except SystemExit as e:
            return Outcome(exit_code=_exit_code(e), exception=e, namespace=main.__dict__)
        except KeyboardInterrupt as e:
            return Outcome(exit_code=130, exception=e, traceback_text=_user_traceback(e, path), interrupted=True,
                           signal=signal.SIGINT, where=_where(e.__traceback__, user_files), namespace=main.__dict__)
        except BaseException as e:  # noqa: BLE001 -- the script's crash is evidence, not ours to raise
            _note_exception(tracer, e)
            return Outcome(exit_code=1, exception=e, traceback_text=_user_traceback(e, path),
                           where=_where(e.__traceback__, user_files), namespace=main.__dict__)
        return Outcome(namespace=main.__dict__)
    finally:
        sys.setrecursionlimit(old_limit)
        _restore_handlers(installed)
        sys.argv = old_argv
        if old_path0 is not None and sys.path:
            sys.path[0] = old_path0
        if old_main is not None:
            sys.modules["__main__"] = old_main


def _note_exception(tracer, exc: BaseException) -> None:
    """Let the tracer record where a crash came from (a FloatingPointError numpy raised itself)."""
    note = getattr(tracer, "record_exception", None)
    if note is not None:
        note(exc)


def _depth() -> int:
    """How many frames sit below the script's module frame (ours, click's, runpy's)."""
    n, f = 0, sys._getframe(1)
    while f is not None:
        n += 1
        f = f.f_back
    return n


def _install_term_handler(on_signal, user_files, namespace, pid) -> dict:
    """A SIGTERM handler that writes the report, then lets SIGTERM kill the process; {} if not installed."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    try:
        old = signal.getsignal(signal.SIGTERM)
    except (ValueError, OSError):
        return {}
    if old is not signal.SIG_DFL:
        return {}  # someone else (a test runner, an embedding app) owns SIGTERM: leave it alone

    def on_term(signum, frame):
        signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM kills at once, report or not
        if os.getpid() != pid:  # a forked child inherited the handler: it dies as it would have
            os.kill(os.getpid(), signum)
        outcome = Outcome(exit_code=128 + signum, interrupted=True, signal=signum,
                          where=_frame_where(frame, user_files), namespace=namespace)
        try:
            on_signal(outcome)
        finally:
            die_by_signal(signum)

    signal.signal(signal.SIGTERM, on_term)
    return {signal.SIGTERM: (old, on_term)}


def _restore_handlers(installed: dict) -> None:
    """Put back the handlers we replaced, unless the script has since installed its own."""
    for signum, (old, ours) in installed.items():
        try:
            if signal.getsignal(signum) is ours:
                signal.signal(signum, old)
        except (ValueError, OSError):
            pass


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
