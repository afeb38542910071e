"""The Tracer: owns one trace's registry, recorder and every hook it installs, and removes them all."""

from __future__ import annotations

import _thread
import builtins
import os
import platform
import sys
import threading
import time
import warnings

import numpy as np

from ..model import FpEvent
from ..recording import ROW_COLUMNS, Recording, empty_column
from .importhook import UserImportHook
from .instrument import HOOK_NAMES, ITER, NOOP_HOOKS, Registry
from .recorder import Recorder
from .stats import NonfiniteCount

_MISSING = object()
_active: list["Tracer"] = []


class TracerActiveError(RuntimeError):
    """Raised when a trace is started while another one is running."""


class Tracer:
    """Installs the recording hooks (as builtins) and the import hook; the numpy floating-point trap only
    when asked for (NANDOCTOR_FP_TRAP=1), since the script can see it."""

    def __init__(self, *, writer=None, include_roots=(), exclude=(), step_loop=None, meta=None, raise_errors=False,
                 sources=None):
        self.registry = Registry()
        self.sources = dict(sources or {})  # file -> the text compiled in its place (a re-run's patched files)
        self.writer = writer
        self.recorder = Recorder(self.registry, sink=self._sink if writer is not None else None)
        self.recorder.raise_errors = raise_errors
        self.include_roots = tuple(include_roots)
        self.exclude = tuple(exclude)
        self.step_loop = step_loop
        self.meta = dict(meta or {})
        self.events: list[FpEvent] = []
        self._saved_builtins: dict[str, object] = {}
        self._import_hook: UserImportHook | None = None
        self._fp = None
        self._screening = NonfiniteCount()
        self._noted: set[int] = set()  # exceptions already recorded post mortem
        self._step_marker: int | None = None
        self._flusher: _Flusher | None = None
        self.started = False
        self.t0 = 0.0

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "Tracer":
        if _active:
            raise TracerActiveError("a nandoctor trace is already running in this process; nest no traces")
        _active.append(self)
        self.t0 = time.monotonic()
        try:
            hooks = self.recorder.hooks()
            for name, fn in hooks.items():
                self._saved_builtins[name] = builtins.__dict__.get(name, _MISSING)
                setattr(builtins, name, fn)
            if self.include_roots:
                self._import_hook = UserImportHook(self, self.include_roots, self.exclude, self.sources)
                self._import_hook.install()
            self._fp = _make_fp_trap(self)
            if self._fp is not None:
                self._fp.install()
            self.recorder.arm(self._fp if self._fp is not None else self._screening)
            if self.writer is not None:
                self._flusher = _Flusher(self.recorder)
                self._flusher.start()
        except BaseException:
            self.stop()
            raise
        self.started = True
        return self

    def stop(self) -> None:
        """Remove every hook (the recording builtins become no-ops), restoring the rest; flush what was recorded."""
        try:
            if self._flusher is not None:
                try:
                    self._flusher.stop()
                finally:
                    self._flusher = None
            exc = sys.exc_info()[1]
            if exc is not None:  # `with trace():` ending in a FloatingPointError numpy raised
                self.record_exception(exc)
            try:
                if self._fp is not None:
                    self._fp.uninstall()
            finally:
                self._fp = None
                self.recorder.arm(None)
            if self._import_hook is not None:
                try:
                    self._import_hook.uninstall()
                finally:
                    self._import_hook = None
            # Code instrumented during the trace may run after it (an atexit handler, a finalizer, a
            # generator resumed later, an exception's __str__): the hooks stay bound, as no-ops.
            for name in HOOK_NAMES:
                if name in self._saved_builtins:
                    old = self._saved_builtins.pop(name)
                    setattr(builtins, name, NOOP_HOOKS[name] if old is _MISSING else old)
            clear_stash = getattr(self.recorder, "clear_stash", None)
            if clear_stash is not None:
                clear_stash()  # values left by statements an exception cut short: the script's, not ours
            self.recorder.flush(final=True)
            self._write_side_files()
        finally:
            if self in _active:
                _active.remove(self)
            self.started = False

    # -- recording -----------------------------------------------------------------------
    def compile(self, source, filename: str, mode: str = "exec"):
        from .instrument import compile_instrumented

        return compile_instrumented(source, filename, self.registry, mode)

    def current_seq(self) -> int:
        return self.recorder.base + len(self.recorder.log)

    def add_event(self, event: FpEvent) -> None:
        self.events.append(event)

    def record_exception(self, exc: BaseException) -> None:
        """Record where a crash came from, if numpy raised it (a user's `seterr(all='raise')`): from the
        traceback's code positions alone, so no frame's locals are read (see fpe.raised_event)."""
        if id(exc) in self._noted:
            return
        self._noted.add(id(exc))
        try:
            from .fpe import raised_event

            ev = raised_event(exc, self.registry, self.current_seq())
            if ev is not None:
                self.add_event(ev)
        except Exception as e:  # noqa: BLE001 -- the tracer never breaks the patient
            self.recorder.internal_error(e)

    def mark_step(self) -> None:
        """An explicit step boundary (nandoctor.step())."""
        if self._step_marker is None:
            self._step_marker = self.registry.add_loop(
                file="<nandoctor>", line=0, function="<nandoctor>", header="nandoctor.step()", targets=(), parent=None
            )
        builtins.__dict__[ITER](self._step_marker)

    def _sink(self, chunk, recorder) -> None:
        self._write_side_files()
        self.writer.write_chunk(chunk, list(recorder.shapes), list(recorder.dtypes))

    def _write_side_files(self) -> None:
        if self.writer is None:
            return
        self.writer.write_sites(self.registry.sites, self.registry.loops, self.registry.sources)
        self.writer.write_events(self.events, self.recorder.errors)

    # -- results -----------------------------------------------------------------------
    def recording(self) -> Recording:
        """What this trace recorded so far, as the Recording analysis reads (the same as a saved folder's)."""
        chunks = self.recorder.chunks
        if len(chunks) > 1:
            _consolidate(chunks)
        c0 = chunks[0] if chunks else None
        columns = {name: getattr(c0, name) if c0 is not None else empty_column(name) for name in ROW_COLUMNS}
        values: dict[int, list] = {}
        for sid, code, seq, data in (c0.values if c0 is not None else ()):
            values.setdefault(sid, []).append((code, seq, data))
        meta = dict(self.meta)
        meta.setdefault("python", platform.python_version())
        meta.setdefault("numpy", np.__version__)
        meta.setdefault("hooks", self.recorder.hooks_impl)
        meta.setdefault("large_arrays", self.recorder.big.mode())
        from .importhook import coverage_meta

        meta.update(coverage_meta(self))  # the user's files not traced, the object types not summarised
        return Recording(
            meta=meta, sites=self.registry.sites, loops=self.registry.loops, sources=dict(self.registry.sources),
            events=self.events, errors=self.recorder.errors, shapes=self.recorder.shapes, dtypes=self.recorder.dtypes,
            values=values, **columns,
        )

    def raw(self) -> dict:
        """Deprecated: the recording as the plain dict of earlier versions. Use `recording()`."""
        warnings.warn("Tracer.raw() is deprecated: use Tracer.recording()", DeprecationWarning, stacklevel=2)
        return self.recording().as_dict()


def _consolidate(chunks: list) -> None:
    """Replace the first chunks of the recorder's list by one chunk holding them all, in place.

    The recorded data then exists once: `recording()` hands out the merged chunk's arrays instead of copies of
    many chunks kept alongside them (see benchmarks/_memprofile.py). Column by column, the
    old chunks are re-pointed at views of the merged array as soon as it exists, so their buffers are
    freed at once and the peak is one column's size, not the whole history's; a chunk the flush thread
    appends meanwhile stays after the merged one. Small-site values are merged per (site, shape).
    """
    from .recorder import Chunk, _trim

    olds = chunks[:]
    if len(olds) <= 1:
        return
    merged = {}
    for name in ROW_COLUMNS:
        col = np.concatenate([getattr(c, name) for c in olds])
        merged[name] = col
        off = 0
        for c in olds:
            m = len(getattr(c, name))
            setattr(c, name, col[off:off + m])
            off += m
    groups: dict[tuple, list] = {}
    for ci, c in enumerate(olds):
        for ei, (sid, code, _seq, _data) in enumerate(c.values):
            groups.setdefault((sid, code), []).append((ci, ei))
    values = []
    for (sid, code), pos in groups.items():
        parts = [olds[ci].values[ei] for ci, ei in pos]
        seq = np.concatenate([p[2] for p in parts]) if len(parts) > 1 else parts[0][2]
        data = np.concatenate([p[3] for p in parts]) if len(parts) > 1 else parts[0][3]
        del parts
        if len(seq) > 1 and bool(np.any(seq[1:] < seq[:-1])):  # readers search the seqs: keep them sorted
            o = np.argsort(seq, kind="stable")
            values.append((sid, code, seq[o], data[o]))
            continue
        values.append((sid, code, seq, data))
        off = 0
        for ci, ei in pos:
            m = len(olds[ci].values[ei][2])
            olds[ci].values[ei] = (sid, code, seq[off:off + m], data[off:off + m])
            off += m
    chunks[:len(olds)] = [Chunk(**merged, values=values)]
    del olds
    _trim()  # the old chunks' buffers were small heap blocks: give the pages back


class _Flusher:
    """Cuts a chunk when the hot path has not for `flush_seconds`, so a killed run loses at most that much.

    The recorder flushes itself only from the loop hook; a script that sits in one long iteration, or
    has no loop at all, would otherwise keep everything in memory until it ends (issue 7). The thread
    is a bare `_thread` one, so the script's `threading.enumerate()` and `active_count()` (a common way
    to wait for workers) see exactly the threads they would see without nandoctor.
    """

    def __init__(self, recorder: Recorder):
        self.recorder = recorder
        self.period = max(0.01, _flush_seconds(recorder.flush_seconds))
        recorder.flush_seconds = self.period
        self.halt = threading.Event()
        self.done = threading.Event()

    def start(self) -> None:
        self.pid = os.getpid()
        _thread.start_new_thread(self._run, ())

    def _run(self) -> None:
        rec = self.recorder
        try:
            while not self.halt.wait(self.period / 4):
                if rec.log and time.monotonic() - rec.last_flush >= self.period:
                    try:
                        rec.flush()
                    except Exception as e:  # noqa: BLE001 -- flush records its own errors; this is a backstop
                        if len(rec.errors) < 100:
                            rec.errors.append(f"flush thread: {type(e).__name__}: {e}")
        finally:
            self.done.set()

    def stop(self) -> None:
        self.halt.set()
        if os.getpid() == self.pid:  # a forked child has no copy of the thread to wait for
            self.done.wait(timeout=60)  # a flush in progress finishes first


def _flush_seconds(default: float) -> float:
    """The bound on what a kill can lose, in seconds: NANDOCTOR_FLUSH_SECONDS, else the recorder's."""
    try:
        return float(os.environ.get("NANDOCTOR_FLUSH_SECONDS", default))
    except ValueError:
        return default


def active_tracer() -> Tracer | None:
    return _active[-1] if _active else None


def fp_trap_wanted() -> bool:
    """Whether the numpy floating-point trap is asked for: NANDOCTOR_FP_TRAP set to anything but 0."""
    return os.environ.get("NANDOCTOR_FP_TRAP", "0") not in ("", "0")


def _make_fp_trap(tracer: Tracer):
    """The numpy floating-point trap when asked for, else None: by default numpy's error state is left to
    the script, and the first non-finite value is found in the recorded values (trace/backstop.py)."""
    if not fp_trap_wanted():
        return None
    from .fpe import FpTrap

    return FpTrap(tracer)

