"""Run a script as `__main__` exactly as `python SCRIPT ARGS` would, compiled through the tracer."""

# How `nandoctor run` keeps the patient unchanged (README "Run a script", "When the script ends badly"):
# the command is a thin parent that starts the traced script in a child interpreter (the same
# executable, interpreter flags, environment, working folder and file descriptors) and waits for it.
# The child does only what `python SCRIPT` does, plus tracing: a `__main__` module as Python builds
# it, the script's module frame with no frame below it (`_runmain.c`), the script's own
# `sys.excepthook` for an uncaught exception, Python's own handling of `SystemExit`, and death by
# SIGINT after finalization for an uncaught Ctrl-C. It installs no signal handler. Its session is
# flushed as it runs and for the last time by an atexit handler registered before the script runs
# (so it runs after the script's own). The parent renders the report from the session folder, so a
# crash, `os._exit()`, SIGTERM or SIGKILL of the child still gets one, then leaves with the child's
# status or dies by the same signal.

from __future__ import annotations

import atexit
import importlib.machinery
import os
import re
import signal
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass

from . import PACKAGE_DIR


class NoScript(Exception):
    """The script to run does not exist or is not a file."""

    def __init__(self, message: str, python_words: bool = False):
        super().__init__(message)
        self.python_words = python_words  # printed as is, not as a `nandoctor:` line


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
        try:
            signal.signal(signum, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL and SIGSTOP have no handler to reset
            pass
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


def read_source(path: str) -> bytes:
    if not os.path.exists(path):
        # Python's own words (`python: can't open file ...`), so stderr matches a plain run
        raise NoScript(f"{sys.orig_argv[0] if sys.orig_argv else sys.executable}: can't open file "
                       f"{os.path.abspath(path)!r}: [Errno 2] No such file or directory", python_words=True)
    if os.path.isdir(path):
        raise NoScript(f"{path!r} is a directory, not a script (a folder with __main__.py is not supported yet)")
    with open(path, "rb") as f:
        return f.read()


def _c_runner():
    """The C helper when it is built and supports this Python, else None (README "Known limits")."""
    try:
        from . import _runmain
    except ImportError:
        return None
    return _runmain if _runmain.supported else None


def _run_code():
    """`run_code(code, globals)`: the C runner when built for this Python, else exec()."""
    c = _c_runner()
    if c is not None:
        return c.run_code
    return lambda code, namespace: exec(code, namespace)  # frames below the module: README "Known limits"


def _call_detached(fn, *args):
    """Call `fn` as the interpreter calls sys.excepthook: from C, no frame below it."""
    c = _c_runner()
    return c.run_call(fn, args) if c is not None else fn(*args)


def _safe_message(exc: BaseException) -> str:
    """The exception's message, without running any of the script's code (a custom __str__ runs once,
    when Python's own excepthook prints it)."""
    cls = type(exc)
    if getattr(cls.__str__, "__objclass__", None) is None:  # a __str__ written in Python
        return "<message not rendered: the exception class defines its own __str__>"
    if not all(type(a) in (str, int, float, bool, complex, type(None)) for a in exc.args):
        return "<message not rendered: its arguments are objects of the script>"
    try:
        return str(exc)
    except Exception:  # noqa: BLE001
        return "<exception str() failed>"


def _user_tb(exc: BaseException, code, user_files=()):
    """The traceback from the script's module frame on (the frames that called it are nandoctor's), without
    a tail in nandoctor's hooks: a Ctrl-C that lands while a hook runs shows where the script was, as Python
    would have shown it."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    if tb is None:
        return exc.__traceback__
    last_user, entry = None, tb
    while entry is not None:
        filename = entry.tb_frame.f_code.co_filename
        if filename.startswith(PACKAGE_DIR):
            break
        last_user = entry
        entry = entry.tb_next
    rest = entry
    while rest is not None and rest.tb_frame.f_code.co_filename not in user_files:
        rest = rest.tb_next
    if entry is not None and last_user is not None and rest is None:
        last_user.tb_next = None  # the hook's frames, and what they called, are not the script's
    return tb


def _renders_safely(exc: BaseException, seen=None) -> bool:
    """True when formatting this exception, its causes and contexts runs none of the script's code."""
    seen = set() if seen is None else seen
    if exc is None or id(exc) in seen:
        return True
    seen.add(id(exc))
    if _safe_message(exc).startswith("<"):
        return False
    inner = getattr(exc, "exceptions", None)  # an exception group's members
    if inner is not None and not (type(inner) is tuple and all(_renders_safely(x, seen) for x in inner)):
        return False
    return _renders_safely(exc.__cause__, seen) and _renders_safely(exc.__context__, seen)


def _traceback_text(exc: BaseException, tb) -> str:
    """For the session: the traceback as Python prints it, or, where printing it would run the
    script's code (a custom __str__), its frames and the exception's type."""
    if _renders_safely(exc):
        try:
            return "".join(traceback.format_exception(type(exc), exc, tb))
        except Exception:  # noqa: BLE001 -- then the plain form below
            pass
    lines = ["Traceback (most recent call last):\n"] if tb is not None else []
    lines += traceback.format_list(traceback.extract_tb(tb))
    name = type(exc).__qualname__
    mod = type(exc).__module__
    if mod not in ("builtins", "__main__"):
        name = f"{mod}.{name}"
    msg = _safe_message(exc)
    lines.append(f"{name}: {msg}\n" if msg else f"{name}\n")
    return "".join(lines)


def _main_module(abspath: str) -> types.ModuleType:
    """`__main__` with the names, order and values `python SCRIPT` gives it."""
    import builtins

    main = types.ModuleType("__main__")  # __name__, __doc__, __package__, __loader__, __spec__
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", abspath)
    main.__annotations__ = {}
    main.__builtins__ = builtins
    main.__file__ = abspath
    main.__cached__ = None
    return main


def run_script(path: str, args: list[str], tracer, on_signal=None) -> Outcome:
    """Execute the script in this process under `tracer` (already started). Never raises for what the
    script does. For the Python API and tests: `nandoctor run` runs the script in a child interpreter
    (`child_main`), where nothing is restored afterwards, as under Python. `on_signal` is accepted for
    compatibility and ignored: no signal handler is installed.

    A child the script forked (`os.fork()`) that ends by returning through here leaves as Python
    would have it leave (its traceback, its exit status, its atexit handlers), without a report.
    """
    pid = os.getpid()
    outcome = _run_script(path, args, tracer, pid)
    if os.getpid() != pid:
        if outcome.traceback_text:
            sys.stderr.write(outcome.traceback_text)
        if outcome.signal is not None:
            die_by_signal(outcome.signal)
        raise SystemExit(outcome.exit_code)
    return outcome


def _run_script(path: str, args: list[str], tracer, pid: int) -> Outcome:
    global _late_exit_registered
    source = read_source(path)
    abspath = os.path.abspath(path)  # since 3.9 the main script's __file__ is absolute; argv[0] as given
    main = _main_module(abspath)
    old_main = sys.modules.get("__main__")
    old_argv = sys.argv[:]
    old_path0 = sys.path[0] if sys.path else None
    sys.modules["__main__"] = main
    sys.argv = [path] + list(args)
    script_dir = os.path.dirname(abspath)
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    user_files = tracer.registry.sources  # filled as files are instrumented
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
        try:
            _run_code()(code, main.__dict__)
        except SystemExit as e:
            return Outcome(exit_code=_exit_code(e), exception=e, namespace=main.__dict__)
        except KeyboardInterrupt as e:
            tb = _user_tb(e, code, user_files)
            return Outcome(exit_code=130, exception=e, traceback_text="".join(traceback.format_exception(type(e), e, tb)),
                           interrupted=True, signal=signal.SIGINT, where=_where(tb, user_files),
                           namespace=main.__dict__)
        except BaseException as e:  # noqa: BLE001 -- the script's crash is evidence, not ours to raise
            _note_exception(tracer, e)
            tb = _user_tb(e, code, user_files)
            try:
                text = "".join(traceback.format_exception(type(e), e, tb))
            except Exception:  # noqa: BLE001 -- a __str__ that raises: what Python's hook would not hit
                text = _traceback_text(e, tb)
            return Outcome(exit_code=1, exception=e, traceback_text=text, where=_where(tb, user_files),
                           namespace=main.__dict__)
        return Outcome(namespace=main.__dict__)
    finally:
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


def _exit_code(e: SystemExit) -> int:
    """The process exit status Python would give for this SystemExit (printing its message as Python does)."""
    code = e.code
    if code is None:
        return 0
    if isinstance(code, bool):
        return int(code)
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:  # noqa: BLE001
        pass
    return 1


# -- `nandoctor run`: the traced child and the parent that waits for it ----------------------------

# The child's whole `-c` program: it binds no name in the `__main__` it is about to replace.
CHILD_CODE = "__import__('nandoctor.trace.runner', fromlist=['child_main']).child_main()"
# Signals the parent passes on to the child, besides SIGINT.
FORWARDED = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def child_command(script: str, args: list[str], spec: dict) -> list[str]:
    """The child's command line: this interpreter, its flags, and the script's arguments last."""
    import json
    import subprocess

    flags = subprocess._args_from_interpreter_flags()
    spec = dict(spec, nflags=len(flags), parent=os.getpid(), shown_flags=_given_flags(sys.orig_argv))
    return [sys.executable, *flags, "-c", CHILD_CODE, json.dumps(spec), script, *args]


def _given_flags(orig_argv: list[str]) -> list[str]:
    """The interpreter options this process was started with, as typed (for the child's sys.orig_argv)."""
    flags, k = [], 1
    while k < len(orig_argv):
        arg = orig_argv[k]
        if arg in ("-c", "-m") or not arg.startswith("-") or arg == "-":
            break
        flags.append(arg)
        if arg in ("-W", "-X") and k + 1 < len(orig_argv):
            flags.append(orig_argv[k + 1])
            k += 1
        k += 1
    return flags


def run_child(script: str, args: list[str], spec: dict) -> int:
    """Start the traced child and wait for it; its return code as subprocess gives it (-N: signal N).

    While it runs, SIGINT, SIGTERM and SIGHUP sent to this process by another process (`kill`,
    a supervisor, a test) are passed on to the child, so the script ends as it would have and this
    process lives to write the report. A Ctrl-C typed at the terminal reaches the child directly
    (the terminal signals the whole foreground process group) and is not passed on a second time."""
    import subprocess

    # close_fds=False: the child inherits what this process inherited (Python's own fds are not inheritable).
    proc = subprocess.Popen(child_command(script, args, spec), close_fds=False)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "sigtimedwait"):
        return _wait_plainly(proc)
    watched = {signum for signum in (signal.SIGINT, *FORWARDED) if signal.getsignal(signum) is not signal.SIG_IGN}
    watched.add(signal.SIGCHLD)
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    held = None  # (signal, deadline, chunks on disk when it came): a SIGTERM or SIGHUP not passed on yet
    try:
        while proc.poll() is None:
            info = signal.sigtimedwait(watched, 0.05 if held else 0.5)
            if held is not None and (time.monotonic() >= held[1] or _chunks(spec) > held[2]):
                _send(proc, held[0])
                held = None
            if info is None or info.si_signo == signal.SIGCHLD:
                continue
            if info.si_code == _SI_KERNEL:  # from the terminal: the child has it already
                continue
            if info.si_signo == signal.SIGINT or held is not None:  # a second one is not held
                _send(proc, info.si_signo)
                held = None
            else:
                # The child dies at once by it, as Python does; held until the child's next flush (at
                # most one flush period), so the report covers the run up to the signal.
                held = (info.si_signo, time.monotonic() + _flush_period() + 0.25, _chunks(spec))
        return proc.returncode
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def _send(proc, signum: int) -> None:
    try:
        proc.send_signal(signum)
    except OSError:
        pass


def _chunks(spec: dict) -> int:
    try:
        return sum(1 for name in os.listdir(os.path.join(spec["out"], "chunks")) if ".tmp" not in name)
    except OSError:
        return 0


def _flush_period() -> float:
    from .recorder import FLUSH_SECONDS
    from .tracer import _flush_seconds

    return _flush_seconds(FLUSH_SECONDS)


# si_code of a signal the kernel generated (a terminal's Ctrl-C), as opposed to kill() by a process.
_SI_KERNEL = 0x80


def _wait_plainly(proc) -> int:
    """Not the main thread (signals cannot be managed here): just wait, Ctrl-C goes to the child."""
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def _die_with_parent(parent: int) -> None:
    """SIGKILL of `nandoctor run` cannot be passed on: the kernel kills the child with it (Linux)."""
    try:
        from . import _runmain

        armed = _runmain.parent_death_signal(signal.SIGKILL)
    except ImportError:
        armed = False
    if armed and os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(128 + signal.SIGKILL)


class _ChildRun:
    """The child's tracing: writer, tracer and progress line, and their last flush at exit."""

    def __init__(self, spec: dict, script: str):
        self.spec = spec
        self.raise_errors = bool(spec.get("raise_errors"))
        self.writer = None
        self.tracer = Untraced()
        self.traced = False
        self.progress = None
        meta = dict(spec.get("meta") or {})
        try:
            import numpy

            from ..store import SessionWriter
            from .tracer import Tracer

            meta["numpy"] = numpy.__version__
            self.writer = SessionWriter(spec["out"], meta)
            script_dir = os.path.dirname(os.path.abspath(script))
            tracer = Tracer(writer=self.writer, include_roots=(script_dir, *spec.get("include", ())),
                            exclude=tuple(spec.get("exclude", ())), step_loop=spec.get("step_loop"), meta=meta,
                            raise_errors=self.raise_errors, sources=spec.get("sources"))
            tracer.start()
            self.tracer, self.traced = tracer, True
            self.writer.update_meta(hooks=tracer.recorder.hooks_impl, large_arrays=tracer.recorder.big.mode())
            tracer.meta = dict(self.writer.meta)
        except Exception as e:  # noqa: BLE001 -- a broken nandoctor must not cost the user their run
            if self.raise_errors:
                raise
            _say(f"internal error, running the script untraced: {type(e).__name__}: {e}")
            return
        if spec.get("seed") is not None:
            # A re-run of a script that does not seed its random numbers: every re-run draws the same ones.
            import random

            random.seed(int(spec["seed"]))
            numpy.random.seed(int(spec["seed"]))
        if spec.get("max_steps") and spec.get("budget_loop"):
            cap_steps(tracer, int(spec["max_steps"]), tuple(spec["budget_loop"]))
        if spec.get("scale_updates"):
            scale_updates(tracer, float(spec["scale_updates"]["factor"]),
                          [tuple(w) for w in spec["scale_updates"]["where"]])
        if spec.get("progress"):
            try:
                from ..progress import Progress

                self.progress = Progress(self.tracer, sys.stderr).start()
            except Exception as e:  # noqa: BLE001
                if self.raise_errors:
                    raise
                _say(f"internal error, no progress line: {type(e).__name__}: {e}")

    def compile(self, source: bytes, abspath: str):
        try:
            return self.tracer.compile(source, abspath)
        except SyntaxError:
            raise
        except Exception as e:  # noqa: BLE001 -- the rewriter failed: run the script as Python compiles it
            if self.raise_errors:
                raise
            _say(f"internal error, running the script untraced: {type(e).__name__}: {e}")
            return compile(source, abspath, "exec", dont_inherit=True)

    def note_crash(self, exc: BaseException, tb) -> None:
        """Put the crash in the session at once (the process may be killed before it exits)."""
        if not self.traced:
            return
        try:
            _note_exception(self.tracer, exc)
            self.writer.update_meta(exception=f"{type(exc).__name__}: {_safe_message(exc)}",
                                    traceback=_traceback_text(exc, tb),
                                    where=_where(tb, self.tracer.registry.sources))
        except Exception as e:  # noqa: BLE001
            self._internal(e)

    def finish(self) -> None:
        """The last atexit handler: the final flush (hooks stay installed for code that runs later)."""
        try:
            if self.progress is not None:
                self.progress.stop()
            if self.traced:
                flusher = getattr(self.tracer, "_flusher", None)
                if flusher is not None:
                    flusher.stop()
                    self.tracer._flusher = None
                self.tracer.recorder.flush(final=True)
                self.tracer._write_side_files()
                from .importhook import coverage_meta

                self.writer.update_meta(finished=True, elapsed=round(time.monotonic() - self.tracer.t0, 3),
                                        **coverage_meta(self.tracer))
        except Exception as e:  # noqa: BLE001
            self._internal(e)

    def _internal(self, e: Exception) -> None:
        if self.raise_errors:
            raise e
        try:
            self.tracer.recorder.internal_error(e)
        except Exception:  # noqa: BLE001
            _say(f"internal error: {type(e).__name__}: {e}")


class StepBudgetReached(BaseException):
    """Ends a re-run (nandoctor/verify.py) once its step loop has run the iterations its budget allows.
    A BaseException, so the script's own `except Exception` does not swallow it."""


def cap_steps(tracer, max_steps: int, where: tuple[str, int]) -> None:
    """Stop the script when the loop at `where` (file name, line) starts iteration `max_steps + 1`.

    The loop-iteration hook is wrapped (the tracer puts the original back when it stops); a loop is
    matched once, when it first iterates, so other loops pay one dictionary lookup."""
    import builtins

    from .instrument import ITER

    orig = builtins.__dict__.get(ITER)
    if orig is None:
        return
    name, line = os.path.basename(where[0]), int(where[1])
    loops = tracer.registry.loops
    matched: dict[int, bool] = {}
    count = [0]

    def capped_iter(lid):
        hit = matched.get(lid)
        if hit is None:
            lp = loops[lid]
            hit = matched[lid] = os.path.basename(lp.file) == name and lp.line == line
        if hit:
            count[0] += 1
            if count[0] > max_steps:
                raise StepBudgetReached(f"the re-run's budget of {max_steps} steps is spent")
        return orig(lid)

    builtins.__dict__[ITER] = capped_iter


def scale_updates(tracer, factor: float, where: list[tuple[str, int]]) -> None:
    """Multiply the step of every parameter update at `where` ((file name, line) pairs) by `factor`: a probe's
    re-run (nandoctor/probes.py) changes the effective learning rate without finding it in the source.

    `w -= step` is handed `factor * step`; `w = w - step` binds `old + factor * (new - old)`, from the old value
    the statement read. Only floating values are scaled (numpy arrays and scalars, Python floats); anything else
    passes as it is. The hooks are wrapped as cap_steps wraps its own (the tracer puts the originals back)."""
    import builtins

    import numpy

    from .instrument import DELTA, OLD, UPDV

    hooks = {name: builtins.__dict__.get(name) for name in (DELTA, OLD, UPDV)}
    if any(h is None for h in hooks.values()):
        return
    places = {(os.path.basename(file), int(line)) for file, line in where}
    sites = tracer.registry.sites
    matched: dict[int, bool] = {}
    stash: dict[int, object] = {}

    def hit(sid) -> bool:
        got = matched.get(sid)
        if got is None:
            try:
                site = sites[sid]
                got = (os.path.basename(site.file), site.line) in places
            except (IndexError, TypeError, AttributeError):
                got = False
            matched[sid] = got
        return got

    def floating(value) -> bool:
        if type(value) is float:
            return True
        dtype = getattr(value, "dtype", None)
        return isinstance(value, (numpy.ndarray, numpy.floating)) and dtype is not None and dtype.kind == "f"

    def scaled_delta(sid, value, _orig=hooks[DELTA]):
        value = _orig(sid, value)
        return value * factor if hit(sid) and floating(value) else value

    def stashed_old(sid, value, _orig=hooks[OLD]):
        if hit(sid):
            stash[sid] = value
        return _orig(sid, value)

    def scaled_new(sid, new, _orig=hooks[UPDV]):
        new = _orig(sid, new)
        old = stash.pop(sid, None) if hit(sid) else None
        if old is not None and floating(new) and floating(old) and getattr(old, "shape", ()) == getattr(new, "shape", ()):
            return old + factor * (new - old)
        return new

    builtins.__dict__[DELTA] = scaled_delta
    builtins.__dict__[OLD] = stashed_old
    builtins.__dict__[UPDV] = scaled_new


def _say(text: str) -> None:
    try:
        sys.stderr.write(f"nandoctor: {text}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 -- a closed stderr: nothing to say it on
        pass


def _print_uncaught(exc: BaseException, tb) -> None:
    """What Python does with an exception that leaves `__main__`: sys.last_*, then sys.excepthook."""
    sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, tb
    hook = getattr(sys, "excepthook", None)
    if hook is None:
        _stderr_write("sys.excepthook is missing\n")
        sys.__excepthook__(type(exc), exc, tb)
        return
    try:
        _call_detached(hook, type(exc), exc, tb)
    except SystemExit:
        raise  # Python leaves with the hook's exit code
    except BaseException as hook_error:  # noqa: BLE001 -- Python prints both
        hook_tb = hook_error.__traceback__
        while hook_tb is not None and hook_tb.tb_frame.f_code in _OUR_CODES:
            hook_tb = hook_tb.tb_next
        hook_error.__traceback__ = hook_tb  # the display prints the exception's own traceback
        _stderr_write("Error in sys.excepthook:\n")
        sys.__excepthook__(type(hook_error), hook_error, hook_tb)
        _stderr_write("\nOriginal exception was:\n")
        sys.__excepthook__(type(exc), exc, tb)


def _stderr_write(text: str) -> None:
    try:
        sys.stderr.write(text)
    except Exception:  # noqa: BLE001
        pass


def child_main() -> None:
    """The traced child: `python -c CHILD_CODE SPEC SCRIPT ARGS...` behaves as `python SCRIPT ARGS...`."""
    import json

    spec = json.loads(sys.argv[1])
    script, args = sys.argv[2], sys.argv[3:]
    _die_with_parent(spec["parent"])
    sys.argv = [script, *args]
    sys.orig_argv = [sys.orig_argv[0], *spec["shown_flags"], script, *args]
    abspath = os.path.abspath(script)
    if not sys.flags.safe_path:
        sys.path[0] = os.path.dirname(abspath)  # where `-c` put ''
    run = _ChildRun(spec, script)
    atexit.register(run.finish)  # before the script's own handlers, so it runs after them
    source = read_source(script)
    main = _main_module(abspath)
    sys.modules["__main__"] = main
    try:
        _check_encoding(source, abspath)
        code = run.compile(source, abspath)
    except SyntaxError as e:
        code, bad = None, e
    if code is None:  # printed by the hook as Python prints it, out of the except block
        bad.__traceback__ = None
        run.note_crash(bad, None)
        _print_uncaught(bad, None)
        raise SystemExit(1)
    del source
    crash = None
    try:
        _run_code()(code, main.__dict__)
    except SystemExit:
        raise  # Python itself prints a non-integer code and picks the status (and keeps __file__)
    except BaseException as e:  # noqa: BLE001 -- handed to the script's excepthook, as Python does
        crash = e
    if crash is not None:  # out of the except block: the hook runs with no exception being handled
        tb = _user_tb(crash, code, run.tracer.registry.sources)
        crash.__traceback__ = tb
        run.note_crash(crash, tb)
        _print_uncaught(crash, tb)
    # Python removes these once the script is over (not after a SystemExit, which leaves at once).
    main.__dict__.pop("__file__", None)
    main.__dict__.pop("__cached__", None)
    if isinstance(crash, KeyboardInterrupt):
        # Python itself must see it leave `__main__`: it then exits 1, or dies by SIGINT after
        # finalizing, as for `python SCRIPT` (its flag for that is reset by an exec() of a string).
        _reraise_printed(crash, tb)
    elif crash is not None:
        del crash, tb
        raise SystemExit(1)


_OUR_CODES = (_print_uncaught.__code__, _call_detached.__code__)


def _reraise_printed(exc: BaseException, tb) -> None:
    """Let `exc` leave the program for Python to act on, without printing it a second time: the next
    call of sys.excepthook (Python's, for this exception) only puts the script's hook back."""
    missing = object()
    script_hook = getattr(sys, "excepthook", missing)

    def already_printed(kind, value, value_tb):
        if script_hook is missing:
            del sys.excepthook
        else:
            sys.excepthook = script_hook
        value.__traceback__ = tb  # without the frames it just passed through
        sys.last_traceback = tb

    sys.excepthook = already_printed
    raise exc
