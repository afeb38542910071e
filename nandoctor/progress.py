"""The live status line on a TTY's stderr: steps traced, elapsed time and the first non-finite value so far.

Steps are counted live by wrapping the loop-iteration hook (one dict update per iteration, only
while the line is shown: chunks are cut only every few thousand entries, far too rarely for a slow
loop). The first non-finite value comes from the floating-point trap's events as they happen, or
from the recorder's chunks (an `on_chunk` listener) for values that raise no flag. A timer thread
redraws the line a few times a second. `stop()` erases the line and joins the thread, so the verdict
that follows starts on a clean line.
"""

from __future__ import annotations

import builtins
import os
import threading
import time

import numpy as np

from . import columns as C
from .trace.instrument import ITER
from .trace.recorder import EV_ITER
from .trace.stats import IDX

ERASE = "\r\x1b[2K"  # carriage return, then clear the whole line
INTERVAL = 0.25  # seconds between redraws: at most 4 per second
DELAY = 0.5  # runs shorter than this never show a line
_NONFINITE = [IDX[C.N_NAN], IDX[C.N_POSINF], IDX[C.N_NEGINF]]


def wants_progress(stream) -> bool:
    """A live line only makes sense on an interactive terminal (and not on TERM=dumb)."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """Draws `nandoctor: 1,234 steps | 3.1 s | first non-finite: dl_jk (line 46), step 249` on `stream`."""

    def __init__(self, tracer, stream, *, interval: float = INTERVAL, delay: float = DELAY):
        self.tracer = tracer
        self.stream = stream
        self.interval = interval
        self.delay = delay
        self.iters: dict[int, int] = {}  # loop id -> iterations seen in flushed chunks
        self.first_nonfinite: str | None = None
        self.stage = "running"
        self.drawn = False
        self.t0 = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._live: dict[int, int] = {}  # loop id -> iterations, counted by the wrapped hook
        self._orig_iter = None
        self._wrapper = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "Progress":
        """Begin counting and drawing; call after the tracer started (its hooks are wrapped)."""
        self.t0 = time.monotonic()
        self.tracer.recorder.on_chunk.append(self.on_chunk)
        orig = builtins.__dict__.get(ITER)
        if orig is not None:
            live = self._live
            get = live.get

            def counting_iter(lid):
                live[lid] = get(lid, 0) + 1
                return orig(lid)

            self._orig_iter, self._wrapper = orig, counting_iter
            # The tracer restores the builtins it replaced when it stops, wrapper included.
            builtins.__dict__[ITER] = counting_iter
        self._thread = threading.Thread(target=self._loop, name="nandoctor-progress", daemon=True)
        self._thread.start()
        return self

    def set_stage(self, stage: str) -> None:
        self.stage = stage

    def stop(self) -> None:
        """Stop redrawing, erase the line, and detach from the recorder."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            self.tracer.recorder.on_chunk.remove(self.on_chunk)
        except ValueError:
            pass
        if self._wrapper is not None and builtins.__dict__.get(ITER) is self._wrapper:
            builtins.__dict__[ITER] = self._orig_iter  # stopped before the tracer: unwrap
        self._wrapper = self._orig_iter = None
        with self._lock:
            if self.drawn:
                self._write(ERASE)
                self.drawn = False

    # -- counting (on the tracing thread, once per chunk) ------------------------------
    def on_chunk(self, chunk) -> None:
        it = chunk.ev_kind == EV_ITER
        loops, counts = np.unique(chunk.ev_loop[it], return_counts=True)
        best_before = self.best_loop()
        prev = dict(self.iters)
        for lid, n in zip(loops.tolist(), counts.tolist()):
            self.iters[lid] = self.iters.get(lid, 0) + n
        if self.first_nonfinite is None and len(chunk.obs_seq):
            bad = np.flatnonzero((chunk.obs_stats[:, _NONFINITE] > 0).any(axis=1))
            if len(bad):
                k = int(bad[0])
                seq = int(chunk.obs_seq[k])
                sid = int(chunk.obs_site[k])
                loop = best_before if best_before is not None else self.best_loop()
                step = None
                if loop is not None:
                    before = int(((chunk.ev_loop == loop) & it & (chunk.ev_seq < seq)).sum())
                    step = prev.get(loop, 0) + before - 1
                self.first_nonfinite = self._describe(sid, step)

    def _describe(self, sid: int, step: int | None) -> str:
        sites = self.tracer.registry.sites
        where = ""
        if 0 <= sid < len(sites):
            s = sites[sid]
            where = f"{s.target} (line {s.line})"
        return where + (f", step {step}" if step is not None and step >= 0 else "")

    def best_loop(self) -> int | None:
        """The loop with the most iterations in flushed chunks: the stand-in for the step loop."""
        if not self.iters:
            return None
        return max(self.iters, key=self.iters.get)

    def steps(self) -> int:
        """Iterations of the busiest loop so far (live when the hook is wrapped)."""
        live = list(self._live.values())  # one C-level copy: safe against the tracing thread
        if live:
            return max(live)
        best = self.best_loop()
        return self.iters.get(best, 0) if best is not None else 0

    def _fp_event(self) -> str | None:
        for ev in list(getattr(self.tracer, "events", ())):
            if not ev.absorbed:
                return f"line {ev.line}: {ev.operation or ev.error}"
        return None

    # -- drawing -----------------------------------------------------------------------
    def status(self) -> str:
        """The current status text (without control characters)."""
        parts = [f"nandoctor: {self.stage}", f"{self.steps():,} steps", f"{time.monotonic() - self.t0:.1f} s"]
        first = self._fp_event() or self.first_nonfinite
        if first:
            parts.append(f"first non-finite: {first}")
        return " | ".join(parts)

    def _columns(self) -> int:
        try:
            cols = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            cols = 0
        if cols <= 0:  # a terminal that reports no size (a fresh pty): trust $COLUMNS, else 80
            try:
                cols = int(os.environ.get("COLUMNS", "80"))
            except ValueError:
                cols = 80
        return cols

    def draw(self) -> None:
        text = self.status()
        width = max(self._columns() - 1, 20)  # never wrap: a wrapped line cannot be erased with \r
        if len(text) > width:
            text = text[: width - 3] + "..."
        with self._lock:
            if self._stop.is_set():
                return
            self._write(ERASE + text)
            self.drawn = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (ValueError, OSError):  # the script closed stderr: nothing to draw on
            pass

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            if time.monotonic() - self.t0 >= self.delay:
                self.draw()


__all__ = ["Progress", "wants_progress"]
