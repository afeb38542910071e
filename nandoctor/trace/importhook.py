"""Import hook that instruments the user's own modules (never numpy, site-packages or the stdlib)."""

from __future__ import annotations

import fnmatch
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig


def _protected_roots() -> tuple[str, ...]:
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            roots.add(os.path.realpath(p))
    for p in sys.path:
        if p and ("site-packages" in p or "dist-packages" in p):
            roots.add(os.path.realpath(p))
    roots.add(os.path.realpath(os.path.dirname(os.path.dirname(__file__))))  # nandoctor itself
    return tuple(sorted(roots))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _InstrumentingLoader(importlib.machinery.SourceFileLoader):
    """Compiles the module through the tracer. `__pycache__` is kept as Python keeps it: the original
    bytecode, written when Python would write it; the instrumented code is never cached."""

    tracer = None

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        source = self.get_data(path)
        code = self.tracer.compile(source, path)
        if not sys.dont_write_bytecode:  # -B, PYTHONDONTWRITEBYTECODE
            self._cache_original(fullname)
        return code

    def _cache_original(self, fullname) -> None:
        """What Python's loader does: use a valid .pyc, or compile the source and write one (silently
        skipped where the folder is read-only). Its compile warnings were already printed, once, by
        the instrumenting compile: this compile is silenced."""
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "ignore" records nothing in the once-per-location registries
                importlib.machinery.SourceFileLoader.get_code(self, fullname)
        except Exception:  # noqa: BLE001 -- a cache Python could not write either; never the patient's problem
            pass


class UserImportHook(importlib.abc.MetaPathFinder):
    """Finds modules under the include roots and hands them to an instrumenting loader."""

    def __init__(self, tracer, roots, exclude=()):
        self.tracer = tracer
        self.roots = tuple(os.path.realpath(r) for r in roots)
        self.exclude = tuple(exclude)
        self.protected = _protected_roots()
        self.loader_cls = type("Loader", (_InstrumentingLoader,), {"tracer": tracer})

    def wants(self, origin: str | None) -> bool:
        if not origin or not origin.endswith(".py"):
            return False
        real = os.path.realpath(origin)
        if not any(_under(real, r) for r in self.roots):
            return False
        if any(_under(real, p) for p in self.protected if not any(_under(p, r) for r in self.roots)):
            return False
        if any(fnmatch.fnmatch(real, pat) or fnmatch.fnmatch(os.path.basename(real), pat) for pat in self.exclude):
            return False
        return True

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not self.wants(spec.origin):
            return None
        if not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = self.loader_cls(fullname, spec.origin)
        return spec

    def install(self) -> None:
        sys.meta_path.insert(0, self)

    def uninstall(self) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
