"""`with nandoctor.trace(net) as t:` -- tracing from Python or Jupyter, restoring everything afterwards."""

from __future__ import annotations

import ast
import inspect
import sys
import types

from .trace.instrument import compile_instrumented
from .trace.tracer import Tracer, active_tracer


class TraceError(RuntimeError):
    """A class or function that cannot be traced (for example, its source is not available)."""


def _user_classes(cls: type) -> list[type]:
    """The class and its user-defined bases: those whose functions were not compiled from
    installed packages or the standard library (notebook cells and exec'd code count as user code)."""
    import os

    from .trace.importhook import _protected_roots, _under

    protected = _protected_roots()
    out = []
    for k in cls.__mro__:
        if k is object or k.__module__ == "builtins":
            continue
        files = [f.__code__.co_filename for f in _functions_of(k)]
        if not files:
            continue
        if any(not fn.startswith("<") and any(_under(os.path.realpath(fn), p) for p in protected) for fn in files):
            continue
        out.append(k)
    return out


def _functions_of(k: type) -> list[types.FunctionType]:
    out = []
    for attr in vars(k).values():
        fn = attr.__func__ if isinstance(attr, (staticmethod, classmethod)) else attr
        if isinstance(attr, property):
            fn = attr.fget
        if isinstance(fn, types.FunctionType):
            out.append(fn)
    return out


def _function_source(fn) -> tuple[str, str, int]:
    code = fn.__code__
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise TraceError(f"cannot trace {fn.__qualname__}: its source is not available ({e})") from e
    return "".join(lines), code.co_filename, start


def _recompile(fn: types.FunctionType, tracer: Tracer, qualprefix: str, transform=None):
    """A code object for `fn` compiled with recording hooks, same name, file and line numbers.

    `transform(module_ast, fn)`, if given, rewrites the instrumented tree further before it is
    compiled (the pytest plugin re-applies pytest's assertion rewriting with it)."""
    src, filename, start = _function_source(fn)
    if src[:1] in (" ", "\t"):
        # An indented def (a method): parse it inside `if 1:` rather than dedenting, so columns
        # (and the statement text cut from the file by them) and multi-line strings stay exact.
        tree = ast.parse("if 1:\n" + src)
        ast.increment_lineno(tree, start - 2)
        tree.body = tree.body[0].body
    else:
        tree = ast.parse(src)
        ast.increment_lineno(tree, start - 1)
    node = tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise TraceError(f"cannot trace {fn.__qualname__}: unexpected source")
    node.decorator_list = []  # the decorators already ran; only the body is swapped
    # A method is wrapped in a class of its class's name, so qualnames, "self" handling and private
    # name mangling match; a module-level function stays a plain function (its sites' function name
    # is then its own name, not "_.name").
    wrapper = ast.ClassDef(name=qualprefix, bases=[], keywords=[], body=[node], decorator_list=[]) if qualprefix else node
    if fn.__code__.co_freevars:
        # A closure: rebuild the enclosing function so the free variables stay free.
        outer_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        assigns = [ast.parse(f"{v} = None").body[0] for v in fn.__code__.co_freevars]
        outer = ast.FunctionDef(name="_nd_outer", args=outer_args, body=assigns + [wrapper], decorator_list=[], returns=None)
        module = ast.Module(body=[outer], type_ignores=[])
    else:
        module = ast.Module(body=[wrapper], type_ignores=[])
    ast.fix_missing_locations(module)
    full_source = tracer.registry.sources.get(filename)
    if full_source is None:
        try:
            full_source = "".join(inspect.findsource(fn)[0])
        except (OSError, TypeError):
            full_source = src
    from .trace.instrument import instrument_tree

    module = instrument_tree(module, tracer.registry, filename, full_source)
    tracer.registry.sources[filename] = full_source
    if transform is not None:
        transform(module, fn)
        ast.fix_missing_locations(module)
    code = compile(module, filename, "exec", dont_inherit=True)
    return _find_code(code, fn.__code__.co_name)


def _find_code(code: types.CodeType, name: str):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name and const.co_firstlineno:
                return const
            found = _find_code(const, name)
            if found is not None:
                return found
    return None


class trace:
    """Trace the methods of `net`'s class (and its user-defined bases) inside a `with` block.

    With no net, trace the user code that runs inside the block: functions and classes defined in
    the calling module (or in `namespace`, a module's globals or IPython's user namespace) are
    instrumented for the duration. `functions` adds more functions and classes to trace.

        with nandoctor.trace(net) as t:
            net.train(x, y, 1, 10000)
        t.frame, t.findings, t.causes, t.report("reports/net")
    """

    def __init__(self, net=None, *, step_loop: str | None = None, functions=(), raise_errors: bool = False,
                 namespace: dict | None = None, transform=None):
        self.net = net
        self.namespace = namespace
        self.transform = transform
        self.step_loop = step_loop
        self.extra_functions = tuple(functions)
        self.tracer = Tracer(step_loop=step_loop, raise_errors=raise_errors, meta={"script": "<trace>", "argv": []})
        self._swapped: list[tuple[types.FunctionType, types.CodeType]] = []
        self._session = None
        self._caller_globals = None
        self._outer = None  # the running trace this block records into, if any
        self._seq_range: list = [0, None]

    # -- targets -----------------------------------------------------------------------
    def _targets(self) -> list[types.FunctionType]:
        fns: list[types.FunctionType] = []
        if self.net is not None:
            cls = self.net if isinstance(self.net, type) else type(self.net)
            for k in _user_classes(cls):
                fns.extend(_functions_of(k))
        elif self._caller_globals is not None:
            name = self._caller_globals.get("__name__")
            for obj in list(self._caller_globals.values()):
                if isinstance(obj, types.FunctionType) and obj.__module__ == name:
                    fns.append(obj)
                elif isinstance(obj, type) and obj.__module__ == name:
                    for k in _user_classes(obj):
                        fns.extend(_functions_of(k))
        for f in self.extra_functions:
            if isinstance(f, types.FunctionType):
                fns.append(f)
            elif isinstance(f, type):
                for k in _user_classes(f):
                    fns.extend(_functions_of(k))
        seen, out = set(), []
        for f in fns:
            if id(f) not in seen:
                seen.add(id(f))
                out.append(f)
        return out

    def __enter__(self) -> "trace":
        if self.net is None:
            self._caller_globals = self.namespace if self.namespace is not None else sys._getframe(1).f_globals
        outer = active_tracer()
        if outer is not None:
            # Already traced (a script using trace() under `nandoctor run`): record into the running
            # trace, and report on this block's slice of it.
            self._outer = outer
            self.tracer = outer
            self._seq_range = [outer.current_seq(), None]
        else:
            self.tracer.start()
        try:
            for fn in self._targets():
                if _is_instrumented(fn.__code__):
                    continue  # compiled through the running trace already
                qualprefix = fn.__qualname__.rsplit(".", 1)[0] if "." in fn.__qualname__ else ""
                try:
                    new = _recompile(fn, self.tracer, qualprefix.replace(".<locals>", ""), self.transform)
                except (TraceError, SyntaxError) as e:
                    self.tracer.recorder.errors.append(f"not traced: {e}")
                    continue
                if new is None or new.co_freevars != fn.__code__.co_freevars:
                    self.tracer.recorder.errors.append(f"not traced: {fn.__qualname__} (closure layout differs)")
                    continue
                self._swapped.append((fn, fn.__code__))
                fn.__code__ = new
        except BaseException:
            self._restore()
            if self._outer is None:
                self.tracer.stop()
            raise
        return self

    def _restore(self) -> None:
        while self._swapped:
            fn, code = self._swapped.pop()
            fn.__code__ = code

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            self._restore()
        finally:
            if self._outer is None:
                self.tracer.stop()
            else:
                self._outer.recorder.flush()
                self._seq_range[1] = self._outer.current_seq()
        if exc is not None and self._outer is None:
            self.tracer.meta["exception"] = f"{exc_type.__name__}: {exc}"
        return False

    # -- results -----------------------------------------------------------------------
    @property
    def session(self):
        if self._outer is not None:
            if self._seq_range[1] is None:
                raise RuntimeError("the trace is still running: read results after the with block")
            if self._session is None:
                from .session import Session

                part = _slice_recording(self._outer.recording(), *self._seq_range)
                self._session = Session(part, step_loop=self.step_loop)
            return self._session
        if self.tracer.started:
            raise RuntimeError("the trace is still running: read results after the with block")
        if self._session is None:
            from .session import Session

            self._session = Session(self.tracer.recording(), step_loop=self.tracer.step_loop)
        return self._session

    @property
    def frame(self):
        return self.session.frame

    @property
    def findings(self):
        return self.session.findings

    @property
    def causes(self):
        return self.session.causes

    @property
    def first_nonfinite(self):
        return self.session.first_nonfinite

    def save(self, directory) -> str:
        return self.session.save(directory)

    def report(self, path, formats=None) -> str:
        self.session.save(path)
        return self.session.report(path, formats=formats)


def _is_instrumented(code: types.CodeType) -> bool:
    """Whether a code object already calls nandoctor's recording hooks."""
    from .trace.instrument import HOOK_NAMES

    return any(name in HOOK_NAMES for name in code.co_names)


def _slice_recording(rec, lo: int, hi: int):
    """The part of a running trace's Recording recorded between two seqs (a nested trace block)."""
    import dataclasses

    import numpy as np

    from .recording import EV_COLUMNS, OBS_COLUMNS

    keep = (rec.obs_seq >= lo) & (rec.obs_seq < hi)
    ev = (rec.ev_seq >= lo) & (rec.ev_seq < hi)
    columns = {name: getattr(rec, name)[keep] for name, _ in OBS_COLUMNS}
    columns.update({name: getattr(rec, name)[ev] for name, _ in EV_COLUMNS})
    values = {}
    for sid, parts in rec.values.items():
        kept = []
        for code, seq, data in parts:
            m = (seq >= lo) & (seq < hi)
            if np.any(m):
                kept.append((code, seq[m], data[m]))
        if kept:
            values[sid] = kept
    return dataclasses.replace(rec, events=[e for e in rec.events if lo <= e.seq < hi], values=values, **columns)


def step() -> None:
    """Mark a training step boundary explicitly, for scripts whose step loop is not found."""
    t = active_tracer()
    if t is not None:
        t.mark_step()


__all__ = ["trace", "step", "TraceError", "compile_instrumented"]
