"""Import hook that instruments the user's own modules (never numpy, site-packages or the stdlib)."""

from __future__ import annotations

import fnmatch
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
import types
from importlib._bootstrap import _call_with_frames_removed

# Python cuts importlib's own frames from an import's traceback (a syntax error in the imported file shows
# no loader frame); the loader functions below carry importlib's file name so that it cuts theirs too.
_IMPORTLIB_FILE = "<frozen importlib._bootstrap_external>"
_SourceFileLoader = importlib.machinery.SourceFileLoader
_source_get_code = importlib.machinery.SourceFileLoader.get_code  # SourceLoader's, inherited
# How many files nandoctor did not trace are named in the session, and how many object types.
MAX_NOTES = 50
# The hook of the running trace: loads by path (spec_from_file_location, SourceFileLoader, runpy) consult it.
_active: list["UserImportHook"] = []


def _as_importlib(fn):
    """`fn` with its frames filed under importlib's name (see _IMPORTLIB_FILE)."""
    code = fn.__code__.replace(co_filename=_IMPORTLIB_FILE)
    return types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)


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


def _instrumenting_get_code(self, fullname):
    path = self.get_filename(fullname)
    source = self.get_data(path)
    code = self.hook.compile_traced(source, path, "imported")
    if code is None:  # a syntax error, raised as Python raises it (from importlib's own frames, cut)
        code = _call_with_frames_removed(compile, source, path, "exec", dont_inherit=True)
    if not sys.dont_write_bytecode:  # -B, PYTHONDONTWRITEBYTECODE
        self._cache_original(fullname)
    return code


class _InstrumentingLoader(importlib.machinery.SourceFileLoader):
    """Compiles the module through the tracer. `__pycache__` is kept as Python keeps it: the original
    bytecode, written when Python would write it; the instrumented code is never cached."""

    hook = None
    get_code = _as_importlib(_instrumenting_get_code)

    def _cache_original(self, fullname) -> None:
        _cache_original(self, fullname)


def _cache_original(loader, fullname) -> None:
    """What Python's loader does: use a valid .pyc, or compile the source and write one (silently
    skipped where the folder is read-only). Its compile warnings were already printed, once, by
    the instrumenting compile: this compile is silenced."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "ignore" records nothing in the once-per-location registries
            _source_get_code(loader, fullname)
    except Exception:  # noqa: BLE001 -- a cache Python could not write either; never the patient's problem
        pass


def _path_get_code(self, fullname):
    """SourceFileLoader.get_code while a trace runs: a module loaded by path (`spec_from_file_location`
    then `exec_module`, `SourceFileLoader(...).load_module()`, `runpy.run_module`) is traced when it is
    the user's; any other file of the user's is noted as not traced."""
    if _active and type(self) is _SourceFileLoader:
        code = _active[-1].path_load(self, fullname)
        if code is not None:
            return code
    return _source_get_code(self, fullname)


_path_get_code = _as_importlib(_path_get_code)


def _runpy_compile(source, filename, mode, *args, **kwargs):
    """`compile` as runpy.run_path sees it while a trace runs: a file of the user's comes back traced."""
    if _active and mode == "exec" and not args and not kwargs and type(filename) is str:
        code = _active[-1].compile_path(source, filename, "run with runpy.run_path")
        if code is not None:
            return code
    return compile(source, filename, mode, *args, **kwargs)


def _how_loaded(frame) -> str:
    """How a module reached SourceFileLoader.get_code, from the code names of its callers' frames."""
    if frame is None:
        return "loaded with importlib"
    if frame.f_code.co_name == "_get_module_details":
        return "run with runpy.run_module"
    up = frame.f_back if frame.f_code.co_name == "exec_module" else None
    while up is not None and up.f_code.co_filename.startswith("<frozen importlib"):
        if up.f_code.co_name == "_find_and_load":
            return "imported"
        if up.f_code.co_name == "_load_module_shim":
            return "loaded with importlib"
        up = up.f_back
    return "loaded with importlib"


class UserImportHook(importlib.abc.MetaPathFinder):
    """Finds modules under the include roots and hands them to an instrumenting loader; while installed,
    also traces the user's files loaded by path, and notes the user's files it could not trace."""

    def __init__(self, tracer, roots, exclude=()):
        self.tracer = tracer
        self.roots = tuple(os.path.realpath(r) for r in roots)
        self.exclude = tuple(exclude)
        self.protected = _protected_roots()
        self.loader_cls = type("Loader", (_InstrumentingLoader,), {"hook": self})
        self.notes: dict[str, dict] = {}  # real path -> how it was loaded and why it was not traced
        self.traced: set[str] = set()  # real paths compiled through the tracer
        self._modules_before: set[str] = set()
        self._patched: list[tuple] = []

    def _real(self, path: str) -> str:
        return os.path.realpath(os.path.abspath(path))

    def _excluded(self, real: str) -> str | None:
        for pat in self.exclude:
            if fnmatch.fnmatch(real, pat) or fnmatch.fnmatch(os.path.basename(real), pat):
                return pat
        return None

    def _protected(self, real: str) -> bool:
        return any(_under(real, p) for p in self.protected if not any(_under(p, r) for r in self.roots))

    def wants(self, origin: str | None) -> bool:
        if not origin or not origin.endswith(".py"):
            return False
        real = os.path.realpath(origin)
        if not any(_under(real, r) for r in self.roots):
            return False
        if self._protected(real):
            return False
        return self._excluded(real) is None

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not self.wants(spec.origin):
            return None
        if not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = self.loader_cls(fullname, spec.origin)
        return spec

    # -- what was and was not traced ---------------------------------------------------------------
    def compile_traced(self, source, path: str, how: str):
        """The instrumented code of a user's file, or None where Python must raise its own SyntaxError
        (or where the rewriter failed: then the file runs untraced, and is noted)."""
        try:
            code = self.tracer.compile(source, path)
        except (SyntaxError, ValueError):  # what compile() itself raises for this source: Python's own words follow
            return None
        except Exception as e:  # noqa: BLE001 -- a rewriter failure must not cost the user their run
            if getattr(self.tracer.recorder, "raise_errors", False):
                raise
            self.tracer.recorder.internal_error(e)
            self.note(path, how, "nandoctor failed to instrument it")
            return None
        self.traced.add(self._real(path))
        return code

    def note(self, path: str, how: str, why: str, folder: str | None = None) -> None:
        real = self._real(path)
        if real in self.notes or len(self.notes) >= MAX_NOTES:
            return
        self.notes[real] = {"file": real, "how": how, "why": why,
                            "folder": folder or os.path.dirname(real)}

    def judge(self, path: str, how: str, fullname: str | None = None) -> bool:
        """Whether a file loaded by path is traced; a user's file that is not gets a note saying why."""
        if type(path) is not str or not path.endswith(".py"):
            return False
        real = self._real(path)
        if self._protected(real):
            return False
        if not any(_under(real, r) for r in self.roots):
            folder = os.path.dirname(real)
            if how == "imported" and fullname:  # the folder on sys.path it was found in
                for _ in fullname.split(".")[1:]:
                    folder = os.path.dirname(folder)
                if os.path.basename(real) == "__init__.py":
                    folder = os.path.dirname(folder)
            self.note(path, how, "outside the script's folder", folder)
            return False
        pat = self._excluded(real)
        if pat is not None:
            self.note(path, how, f"excluded by --exclude {pat}")
            return False
        return True

    def path_load(self, loader, fullname):
        """The traced code for a SourceFileLoader's module, or None (then Python's own loading runs)."""
        try:
            how = _how_loaded(sys._getframe(2))
            if not self.judge(loader.path, how, fullname):
                return None
            source = loader.get_data(loader.path)
        except Exception:  # noqa: BLE001 -- Python's own loading then runs and raises what it raises
            return None
        code = self.compile_traced(source, loader.path, how)
        if code is not None and not sys.dont_write_bytecode:
            _cache_original(loader, fullname)
        return code

    def compile_path(self, source, filename: str, how: str):
        """The traced code for a file a path-runner compiles itself (runpy.run_path), or None."""
        try:
            if not self.judge(filename, how):
                return None
        except Exception:  # noqa: BLE001
            return None
        return self.compile_traced(source, filename, how)

    def not_traced(self) -> list[dict]:
        """The user's files the script loaded that nandoctor did not trace: those noted as they loaded,
        and modules of the user's folders that reached sys.modules some other way (a custom loader)."""
        notes = dict(self.notes)
        traced = self.traced | {self._real(f) for f in getattr(self.tracer.registry, "sources", {})}
        for name, module in list(sys.modules.items()):
            if name in self._modules_before or type(module) is not types.ModuleType:
                continue
            path = module.__dict__.get("__file__")
            if type(path) is not str or not path.endswith(".py"):
                continue
            real = self._real(path)
            if real in traced or real in notes or len(notes) >= MAX_NOTES or self._protected(real):
                continue
            if any(_under(real, r) for r in self.roots) and self._excluded(real) is None:
                notes[real] = {"file": real, "how": "loaded by a loader nandoctor does not hook",
                               "why": "its code was compiled without nandoctor", "folder": os.path.dirname(real)}
            elif not any(_under(real, r) for r in self.roots):
                notes[real] = {"file": real, "how": "loaded", "why": "outside the script's folder",
                               "folder": os.path.dirname(real)}
        return list(notes.values())

    # -- lifecycle -----------------------------------------------------------------------------------
    def install(self) -> None:
        sys.meta_path.insert(0, self)
        self._modules_before = set(sys.modules)
        _active.append(self)
        if "get_code" not in _SourceFileLoader.__dict__:
            _SourceFileLoader.get_code = _path_get_code
            self._patched.append((_SourceFileLoader, "get_code"))
        import runpy

        if "compile" not in runpy.__dict__:
            runpy.compile = _runpy_compile  # a module global shadows the builtin for runpy's own code only
            self._patched.append((runpy, "compile"))

    def uninstall(self) -> None:
        self.tracer.not_traced = self.not_traced()
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        while self._patched:
            owner, name = self._patched.pop()
            try:
                delattr(owner, name)
            except AttributeError:
                pass
        if self in _active:
            _active.remove(self)


def coverage_meta(tracer) -> dict:
    """For session.meta: the user's files the script used that were not traced (`not_traced`) and the types of
    the objects recorded sites held that nandoctor does not summarise (`unsummarised`)."""
    hook = getattr(tracer, "_import_hook", None)
    notes = hook.not_traced() if hook is not None else getattr(tracer, "not_traced", [])
    return {"not_traced": list(notes), "unsummarised": unsummarised_types(tracer.recorder)}


_type_name = type.__dict__["__qualname__"].__get__
_type_module = type.__dict__["__module__"].__get__


def unsummarised_types(recorder) -> list[dict]:
    """The recorder's count of values it did not summarise, by type: class, module, file, count, sites.
    Names are read through type's own descriptors, so no code of the script runs."""
    out = []
    for t, count, sites in list(getattr(recorder, "unsummarised", {}).values()):
        try:
            module = _type_module(t)
            module = module if type(module) is str else "?"
            m = sys.modules.get(module)
            path = m.__dict__.get("__file__") if type(m) is types.ModuleType else None
            out.append({"class": str(_type_name(t)), "module": module,
                        "file": path if type(path) is str else None, "count": int(count), "sites": sorted(sites)})
        except Exception:  # noqa: BLE001 -- a type we cannot name is left out
            continue
    return sorted(out, key=lambda d: -d["count"])[:MAX_NOTES]
