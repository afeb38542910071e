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

# The tracing loader's functions carry importlib's file name and sit on the lines of the calls they stand in
# for: Python cuts importlib's frames from an import's traceback, and a direct `exec_module` shows them as
# Python would (a syntax error in the imported file, a missing file).
_IMPORTLIB_FILE = "<frozen importlib._bootstrap_external>"
_SourceFileLoader = importlib.machinery.SourceFileLoader
_source_get_code = importlib.machinery.SourceFileLoader.get_code  # SourceLoader's, inherited
# How many files nandoctor did not trace are named in the session, and how many object types.
MAX_NOTES = 50
# The hook of the running trace: loads by path (spec_from_file_location, SourceFileLoader, runpy) consult it.
_active: list["UserImportHook"] = []


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


def _call_lines(fn, names) -> dict[str, int]:
    """The line of the last call of each method `names` in `fn` (where Python's own frames show them)."""
    import dis

    lines = {}
    for ins in dis.get_instructions(fn):
        if ins.opname in ("LOAD_METHOD", "LOAD_ATTR") and ins.argval in names and ins.positions.lineno:
            lines[ins.argval] = ins.positions.lineno
    return lines


def _laid_out(template: list[tuple[int | None, str]], filename: str, name: str, namespace: dict):
    """Compile a function whose statements sit on the given lines (None: right after the previous one), so
    that its frames in a traceback read as those of the function it stands in for."""
    out, line = [], 0
    for want, text in template:
        if want is not None and want > line + 1:
            out.extend([""] * (want - line - 1))
            line = want - 1
        out.append(text)
        line += 1
    exec(compile("\n".join(out) + "\n", filename, "exec"), namespace)
    return namespace[name]


def _make_get_code():
    """SourceLoader.get_code for a user's file: the traced code, or, where Python must raise (a missing file, a
    syntax error), Python's own calls on Python's own lines, so that the traceback is the one Python prints."""
    at = _call_lines(_source_get_code, ("get_filename", "get_data", "source_to_code"))
    lines = [at.get("get_filename"), at.get("get_data"), at.get("source_to_code")]
    if None in lines or not (lines[0] + 4 <= lines[1] < lines[2]):
        lines = [None, None, None]
    template = [
        (None if lines[0] is None else lines[0] - 1, "def get_code(self, fullname):"),
        (lines[0], "    source_path = self.get_filename(fullname)"),
        (None, "    code = self.hook.traced_code(self, fullname, source_path)"),
        (None, "    if code is not None:"),
        (None, "        return code"),
        (lines[1], "    source_bytes = self.get_data(source_path)"),
        (lines[2], "    return self.source_to_code(source_bytes, source_path)"),
    ]
    return _laid_out(template, _IMPORTLIB_FILE, "get_code", {})


def _make_runpy_get_code(runpy):
    """runpy._get_code_from_file with its compile line made to return the traced code for a user's file; the
    same text on the same lines and columns, so a syntax error's traceback reads as Python's. None when this
    Python's runpy is not the one expected (then runpy's `compile` is shadowed instead)."""
    original = runpy._get_code_from_file
    code = original.__code__
    try:  # runpy is frozen (no source for inspect): its file on disk, checked against the code's own lines
        with open(runpy.__file__, encoding="utf-8") as f:
            text = f.read().splitlines(keepends=True)
    except (OSError, TypeError, AttributeError):
        return None
    first = code.co_firstlineno
    last = max((line for _, _, line in code.co_lines() if line is not None), default=0)
    source = text[first - 1:last]
    if not source or not source[0].startswith(f"def {code.co_name}("):
        return None
    call = "compile(f.read(), fname, 'exec')"
    hits = [k for k, text in enumerate(source) if call in text]
    if len(hits) != 1 or not source[hits[0]].rstrip().endswith(call):
        return None
    source = list(source)
    k = hits[0]
    source[k] = source[k].rstrip() + " if _nandoctor_traced(f, fname) is None else _nandoctor_code()\n"
    namespace = dict(runpy.__dict__)
    namespace.update(_nandoctor_traced=_runpy_traced, _nandoctor_code=_runpy_code)
    text = "\n" * (first - 1) + "".join(source)
    exec(compile(text, original.__code__.co_filename, "exec"), namespace)
    return namespace[original.__name__]


_runpy_last: list = []


def _runpy_traced(f, fname):
    """The traced code of the file runpy is about to compile (kept for `_runpy_code`), or None. Reads the file
    and puts it back at the start, so runpy's own `f.read()` reads it whole when Python compiles it."""
    _runpy_last.clear()
    if not _active or type(fname) is not str:
        return None
    try:
        source = f.read()
        f.seek(0)
    except Exception:  # noqa: BLE001 -- Python's own reading then runs and raises what it raises
        return None
    code = _active[-1].compile_path(source, fname, "run with runpy.run_path")
    if code is not None:
        _runpy_last.append(code)
    return code


def _runpy_code():
    return _runpy_last.pop()


def _runpy_compile(source, filename, mode, *args, **kwargs):
    """`compile` as runpy.run_path sees it, where runpy is not the expected one: a user's file comes back traced."""
    if _active and mode == "exec" and not args and not kwargs and type(filename) is str:
        code = _active[-1].compile_path(source, filename, "run with runpy.run_path")
        if code is not None:
            return code
    return compile(source, filename, mode, *args, **kwargs)




def _loader_init(self, fullname, path):
    self.name = fullname
    self.path = path
    if _active and type(self) is _SourceFileLoader:
        _active[-1].adopt(self)


# Frames of these never show (nothing in them raises), but a wrong call's TypeError names the function.
_loader_init = types.FunctionType(
    _loader_init.__code__.replace(co_filename=_IMPORTLIB_FILE, co_name="__init__", co_qualname="FileLoader.__init__"),
    _loader_init.__globals__, "__init__")


def _loader_class(hook):
    """The user's files' loader: a SourceFileLoader, named as Python names it, whose get_code traces."""
    return type("SourceFileLoader", (_SourceFileLoader,),
                {"hook": hook, "get_code": _make_get_code(), "how": "imported",
                 "__module__": _SourceFileLoader.__module__, "__qualname__": _SourceFileLoader.__qualname__})


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


def _how_loaded(frame) -> str:
    """How a loader came to be made for a file, from the code names of the frames that made it."""
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen importlib")
                                 or frame.f_code.co_filename == __file__):  # this module's finder asks PathFinder
        name = frame.f_code.co_name
        if name == "_find_and_load":
            return "imported"
        if name == "spec_from_file_location":
            return "loaded with importlib"
        frame = frame.f_back
    if frame is not None and frame.f_code.co_name == "_get_module_details":
        return "run with runpy.run_module"
    return "loaded with importlib"


class UserImportHook(importlib.abc.MetaPathFinder):
    """Finds modules under the include roots and hands them to an instrumenting loader; while installed,
    also traces the user's files loaded by path, and notes the user's files it could not trace."""

    def __init__(self, tracer, roots, exclude=(), sources=None):
        self.tracer = tracer
        # real path -> text compiled in place of the file's own (a re-run's patches; the file is never written)
        self.sources = {os.path.realpath(p): text for p, text in (sources or {}).items()}
        self.roots = tuple(os.path.realpath(r) for r in roots)
        self.exclude = tuple(exclude)
        self.protected = _protected_roots()
        self.loader_cls = _loader_class(self)
        self.notes: dict[str, dict] = {}  # real path -> how it was loaded and why it was not traced
        self.traced: set[str] = set()  # real paths compiled through the tracer
        self._modules_before: set[str] = set()
        self._files_before: set[str] = set()  # the files of modules loaded before the trace (in-process traces)
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

    def adopt(self, loader) -> None:
        """A SourceFileLoader was just made (an import, spec_from_file_location, runpy.run_module): a user's
        file gets the tracing loader's class; any other file of the user's is noted as not traced."""
        try:
            path = loader.path
            if type(path) is not str or not path.endswith(".py") or self._protected(self._real(path)):
                return  # the standard library, installed packages: no frame walk for them
            how = _how_loaded(sys._getframe(2))
            if self.judge(path, how, loader.name):
                loader.__class__ = self.loader_cls
                loader.how = how
        except Exception as e:  # noqa: BLE001 -- the file then loads as Python loads it, untraced
            if getattr(self.tracer.recorder, "raise_errors", False):
                raise
            self.tracer.recorder.internal_error(e)

    def traced_code(self, loader, fullname, path):
        """The traced code of a user's module, or None where Python's own loading must run (and raise)."""
        try:
            source = self.sources.get(self._real(path))
            source = loader.get_data(path) if source is None else source.encode("utf-8")
        except Exception:  # noqa: BLE001 -- Python's own reading then raises what it raises
            return None
        code = self.compile_traced(source, path, getattr(loader, "how", "imported"))
        if code is not None and not sys.dont_write_bytecode:  # -B, PYTHONDONTWRITEBYTECODE
            _cache_original(loader, fullname)
        return code

    def compile_path(self, source, filename: str, how: str):
        """The traced code for a file a path-runner compiles itself (runpy.run_path), or None."""
        try:
            if not self.judge(filename, how):
                return None
            source = self.sources.get(self._real(filename), source)
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
        self._compiled_by_script(notes, traced)
        return list(notes.values())

    def _compiled_by_script(self, notes: dict, traced: set) -> None:
        """Files of the user's whose functions are alive but were compiled without nandoctor: the script
        compiled them itself (`exec(compile(open(p).read(), p, "exec"))`), which nandoctor does not hook (it
        would have to replace the builtin compile, which every library and every traceback sees)."""
        import gc

        seen: dict[str, str | None] = {}
        found: dict[str, dict] = {}
        for obj in gc.get_objects():
            if type(obj) is not types.FunctionType:
                continue
            name = obj.__code__.co_filename
            if name in seen:
                continue
            seen[name] = None
            if not name.endswith(".py") or name.startswith("<"):
                continue
            real = self._real(name)
            if (real in traced or real in notes or real in found or real in self._files_before or self._protected(real)
                    or not os.path.isfile(real)):
                continue
            inside = any(_under(real, r) for r in self.roots)
            if inside and self._excluded(real) is not None:
                continue
            found[real] = {"file": real, "how": "compiled by the script itself (compile() and exec())",
                           "why": "nandoctor traces the files it imports or runs; import this one instead"
                           if inside else "outside the script's folder, and compiled by the script itself",
                           "folder": os.path.dirname(real)}
        for real in sorted(found)[:max(0, MAX_NOTES - len(notes))]:  # sorted: the heap's order is no order
            notes[real] = found[real]

    # -- lifecycle -----------------------------------------------------------------------------------
    def install(self) -> None:
        sys.meta_path.insert(0, self)
        self._modules_before = set(sys.modules)
        self._files_before = set()
        for module in list(sys.modules.values()):
            path = module.__dict__.get("__file__") if type(module) is types.ModuleType else None
            if type(path) is str and path.endswith(".py"):
                self._files_before.add(self._real(path))
        # Functions alive before the trace (an earlier run traced in this process, a notebook's own cells) were
        # not compiled by this script: only files whose functions appear during the run are its own compiles.
        import gc

        names = {obj.__code__.co_filename for obj in gc.get_objects() if type(obj) is types.FunctionType}
        self._files_before.update(self._real(n) for n in names if n.endswith(".py") and not n.startswith("<"))
        _active.append(self)
        if "__init__" not in _SourceFileLoader.__dict__:
            _SourceFileLoader.__init__ = _loader_init
            self._patched.append((_SourceFileLoader, "__init__", None))
        import runpy

        replacement = _make_runpy_get_code(runpy)
        if replacement is not None:
            self._patched.append((runpy, "_get_code_from_file", runpy._get_code_from_file))
            runpy._get_code_from_file = replacement
        elif "compile" not in runpy.__dict__:
            runpy.compile = _runpy_compile  # a module global shadows the builtin for runpy's own code only
            self._patched.append((runpy, "compile", None))

    def uninstall(self) -> None:
        self.tracer.not_traced = self.not_traced()
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        while self._patched:
            owner, name, old = self._patched.pop()
            try:
                if old is None:
                    delattr(owner, name)
                else:
                    setattr(owner, name, old)
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
