"""Floating-point events: classifying non-finite elements, post mortem of a FloatingPointError, the opt-in trap.

By default nandoctor leaves numpy's error state to the script: the first non-finite value is found in
the recorded values and its operation pinpointed by replaying the statement on copies of kept values
(trace/backstop.py, with `classify` and `_explain` from here). A FloatingPointError numpy raised under
the script's own `seterr(all='raise')` is located from its traceback's code positions alone
(`raised_event`); the backstop replays it afterwards.

The trap (`FpTrap`, only with NANDOCTOR_FP_TRAP=1) is visible to the script, as the README says: for
each of divide, over and invalid, numpy is put in 'log' mode (or 'call' where the user asked for
'call') with our handler as the error object. numpy then hands us, per flag, the exact text it would
have printed, from inside the ufunc, while the user's frame is still live. We map the frame's current
instruction to the original AST node (`co_positions`), re-evaluate its operands from the frame,
classify each non-finite element, and record an FpEvent; then do what numpy would have done with the
user's own setting (`warn` from our handler's frame, `print` to fd 2, `log` and `call` forwarded,
`ignore`). Underflow is never trapped: it yields no non-finite value. numpy's error state is per thread;
new threads get the trap through a `threading.setprofile` hook that removes itself at their first event.
"""

from __future__ import annotations

import ast
import os
import sys
import threading
import warnings

import numpy as np

from ..model import FpEvent
from .evaluate import BINOP_UFUNC, NodeIndex, SafeEvaluator, Unsafe, is_numpy_callable, position_at, safe_getattr

TRAPPED = ("divide", "over", "invalid")
ERRTYPE_CATEGORY = {"divide by zero": "divide", "overflow": "over", "underflow": "under", "invalid value": "invalid"}
# Full analyses per location (code, instruction, flag); later events there are only counted. A flag
# that fires every step (an exp overflow absorbed by a sigmoid) must not cost the run its speed.
FULL_PER_LOCATION = 200
MAX_EVENTS = 5000
MAX_ELEMENTS = 64  # element indices kept per event
ELEMENTWISE_NON_UFUNC = frozenset({"where", "clip", "abs", "absolute", "sign", "sqrt", "exp", "log", "tanh"})
DIVIDE_LABELS = ("x/0", "log(0)", "log2(0)", "log10(0)", "log1p(-1)", "0**negative", "1/0", "arctanh(±1)")
_PREFIX = "Warning: "
_SUFFIX_SPLIT = " encountered in "


def _extobj_var():
    """numpy's context variable holding the current error state (numpy >= 2.0, private), or None."""
    try:
        from numpy._core import _ufunc_config
    except ImportError:
        return None
    var = getattr(_ufunc_config, "_extobj_contextvar", None)
    return var if var is not None and hasattr(var, "get") else None


_EXTOBJ = _extobj_var()


class FpTrap:
    """Installs numpy's error trap for one tracer; see the module docstring."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.handler = _Handler(self)
        self.installed = False
        self._modes: dict[int, tuple[dict, object]] = {}  # thread ident -> (user's modes, user's errcall)
        self._ext: dict[int, object] = {}  # thread ident -> numpy's error state object our errstate set
        self._cms: list = []
        self._prev_thread_profile = None
        self._indexes: dict[str, NodeIndex | None] = {}
        self._sites_seen = -1
        self._site_by_line: dict[tuple[str, int], int] = {}
        self._counts: dict[tuple, int] = {}
        self._last: tuple | None = None  # (frame id, lasti, seq) -> analysis, reused across one ufunc's flags
        self._last_analysis = None
        self.n_dropped = 0
        # Every flag numpy handed us, counted where the C hooks can read it: large arrays are checked in
        # full after one (stats.BigArrays).
        self.flag_buf = bytearray(8)
        self._flags = memoryview(self.flag_buf).cast("q")
        self.lock = threading.RLock()

    # -- install / uninstall -------------------------------------------------------------
    def install(self) -> None:
        self._install_here()
        self._prev_thread_profile = threading.getprofile() if hasattr(threading, "getprofile") else threading._profile_hook
        threading.setprofile(self._thread_start)
        self.installed = True

    def uninstall(self) -> None:
        try:
            if self.installed:
                threading.setprofile(self._prev_thread_profile)
        finally:
            self.installed = False
            while self._cms:
                cm = self._cms.pop()
                try:
                    cm.__exit__(None, None, None)
                except ValueError:
                    # Left in another context (the token cannot reset): restore the settings instead.
                    modes, errcall = self._modes.get(threading.get_ident(), (None, None))
                    if modes is not None:
                        np.seterr(**modes)
                        np.seterrcall(errcall)

    def _install_here(self) -> None:
        """Trap this thread's numpy errors, remembering what the user had so it can be honoured."""
        modes = np.geterr()
        errcall = np.geterrcall()
        self._modes[threading.get_ident()] = (modes, errcall)
        ours = {}
        for cat in TRAPPED:
            m = modes[cat]
            ours[cat] = m if m in ("raise",) else ("call" if m == "call" else "log")
        cm = np.errstate(call=self.handler, **ours)
        cm.__enter__()
        if _EXTOBJ is not None:
            self._ext[threading.get_ident()] = _EXTOBJ.get()
        if threading.get_ident() == self._owner_ident():
            self._cms.append(cm)

    def _owner_ident(self) -> int:
        if not hasattr(self, "_owner"):
            self._owner = threading.get_ident()
        return self._owner

    def _thread_start(self, frame, event, arg):
        # Runs once, as the new thread's first profile event: install the trap, then get out of the way.
        prev = self._prev_thread_profile
        sys.setprofile(prev)
        try:
            if self.installed:
                self._install_here()
        except Exception as e:  # noqa: BLE001
            self.tracer.recorder.internal_error(e)
        if prev is not None:
            return prev(frame, event, arg)
        return None

    @property
    def n_flags(self) -> int:
        return self._flags[0]

    def bump(self) -> None:
        """A non-finite value seen in a recorded array: as good as a flag for forcing full checks."""
        self._flags[0] += 1

    def screening_state(self) -> tuple | None:
        """What the C hooks need to tell whether this trap is in force on the current thread, as `in_force`
        does: (flag count buffer, numpy's error-state context variable, {thread: the state we set}), or None."""
        return None if _EXTOBJ is None else (self.flag_buf, _EXTOBJ, self._ext)

    def in_force(self) -> bool:
        """Whether numpy would report a divide, overflow or invalid flag raised now to this trap: false
        inside a user's `errstate(over="ignore")` or after a `seterr`, and on a thread it never reached."""
        if _EXTOBJ is not None:
            # numpy keeps its error state in a context variable: the very object our errstate set means
            # nothing replaced it (0.1 us; asking np.geterr and np.geterrcall costs some 10 us).
            got = self._ext.get(threading.get_ident())
            return got is not None and _EXTOBJ.get() is got
        if threading.get_ident() not in self._modes:
            return False
        modes = np.geterr()
        if any(modes[c] not in ("log", "call", "raise") for c in TRAPPED):
            return False
        return all(modes[c] == "raise" for c in TRAPPED) or np.geterrcall() is self.handler

    def user_setting(self) -> tuple[dict, object]:
        got = self._modes.get(threading.get_ident())
        if got is None:
            return {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}, None
        return got

    # -- events ------------------------------------------------------------------------
    def on_flag(self, errtype: str, ufunc_name: str | None, frame) -> None:
        """Record one numpy flag raised in `frame` (the innermost Python frame of the ufunc call)."""
        tracer = self.tracer
        if not self.installed or tracer is None:
            return
        self._flags[0] += 1
        seq = tracer.current_seq()
        uframe = self._user_frame(frame)
        if uframe is None:
            return
        code, lasti = uframe.f_code, uframe.f_lasti
        key = (code, lasti, errtype)
        with self.lock:
            n = self._counts.get(key, 0) + 1
            self._counts[key] = n
            if n > FULL_PER_LOCATION or len(tracer.events) >= MAX_EVENTS:
                self.n_dropped += 1
                return
        cache_key = (id(uframe), lasti, seq)
        if self._last == cache_key and self._last_analysis is not None:
            an = self._last_analysis
        else:
            an = analyze_frame(uframe, lasti, self._index(code.co_filename), ufunc_name)
            self._last, self._last_analysis = cache_key, an
        tracer.add_event(an.event(errtype, seq, source="flag", site=self._site_for(an)))

    def _user_frame(self, frame):
        sources = self.tracer.registry.sources
        f = frame
        while f is not None:
            if f.f_code.co_filename in sources:
                return f
            f = f.f_back
        return None

    def _index(self, filename: str) -> NodeIndex | None:
        if filename not in self._indexes:
            src = self.tracer.registry.sources.get(filename)
            try:
                self._indexes[filename] = NodeIndex(src) if src is not None else None
            except SyntaxError:
                self._indexes[filename] = None
        return self._indexes[filename]

    def _site_for(self, an) -> int | None:
        if an.stmt_line is None:
            return None
        sites = self.tracer.registry.sites
        if len(sites) != self._sites_seen:
            with self.tracer.registry.lock:
                snapshot = list(sites)
            self._site_by_line = {}
            for s in snapshot:
                if s.kind in ("assign", "update", "augassign", "return", "unpack", "setitem", "inplace"):
                    self._site_by_line.setdefault((s.file, s.line), s.id)
            self._sites_seen = len(snapshot)
        return self._site_by_line.get((an.file, an.stmt_line))


def raised_event(exc: BaseException, registry, seq: int) -> FpEvent | None:
    """Post mortem for a FloatingPointError numpy raised itself (the script's `seterr(all='raise')`): the
    operation it was raised in, from the traceback's code positions and the script's source alone. No
    frame's locals are read and nothing is evaluated here; the operands and the classification come
    later, from kept values (backstop.resolve_events replays events of source "raise")."""
    if type(exc) is not FloatingPointError:
        return None
    text = str(exc)
    errtype, _, name = text.partition(_SUFFIX_SPLIT)
    if errtype not in ERRTYPE_CATEGORY:
        return None
    sources = registry.sources
    tb, last = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in sources:
            last = tb
        tb = tb.tb_next
    if last is None:
        return None
    code = last.tb_frame.f_code
    try:
        index = NodeIndex(sources[code.co_filename])
    except SyntaxError:
        index = None
    pos = position_at(code, last.tb_lasti)
    node = index.node_at(pos) if index is not None else None
    line = pos[0] if pos and pos[0] else last.tb_lineno
    function = _qualname(code)
    if node is None:
        stmt_text = index.lines[line - 1].strip() if index is not None and 0 < line <= len(index.lines) else ""
        return FpEvent(step=-1, seq=seq, file=code.co_filename, line=line, function=function, statement=stmt_text,
                       expression=stmt_text, error=errtype, operation=f"{errtype} in {name}" if name else errtype,
                       source="raise")
    stmt = index.statement(node)
    site = None
    if stmt is not None:
        with registry.lock:
            snapshot = list(registry.sites)
        for s in snapshot:
            if s.file == code.co_filename and s.line == stmt.lineno and s.kind in (
                    "assign", "update", "augassign", "return", "unpack", "setitem", "inplace"):
                site = s.id
                break
    return FpEvent(
        step=-1, seq=seq, file=code.co_filename, line=node.lineno, function=function,
        statement=index.segment(stmt) if stmt is not None else index.segment(node), expression=index.segment(node),
        error=errtype, operation=f"{errtype} in {name}" if name else errtype, source="raise",
        col=node.col_offset, end_col=node.end_col_offset, site=site,
    )


class _Handler:
    """numpy's error object: `write` for categories in 'log' mode, `__call__` for the user's 'call' ones."""

    __slots__ = ("trap",)

    def __init__(self, trap: FpTrap):
        self.trap = trap

    def write(self, msg):
        trap = self.trap
        errtype, name = _parse_message(msg)
        try:
            trap.on_flag(errtype, name, sys._getframe(1))
        except Exception as e:  # noqa: BLE001 -- the tracer never breaks the patient
            _internal_error(trap, e)
        modes, user_obj = trap.user_setting()
        mode = modes.get(ERRTYPE_CATEGORY.get(errtype, ""), "warn")
        if mode == "warn":
            # Called directly from numpy's C code, so stacklevel=2 is the frame numpy itself would name.
            warnings.warn(f"{errtype}{_SUFFIX_SPLIT}{name}", RuntimeWarning, stacklevel=2)
        elif mode == "print":
            os.write(2, msg.encode())  # numpy prints with C fprintf(stderr), bypassing sys.stderr
        elif mode == "log" and user_obj is not None:
            user_obj.write(msg)

    def __call__(self, errtype, status):
        trap = self.trap
        try:
            trap.on_flag(errtype, None, sys._getframe(1))
        except Exception as e:  # noqa: BLE001
            _internal_error(trap, e)
        _, user_obj = trap.user_setting()
        if user_obj is not None:
            return user_obj(errtype, status)
        return None


def _internal_error(trap, e):
    try:
        trap.tracer.recorder.internal_error(e)
    except Exception:  # noqa: BLE001 -- raise_errors mode re-raises: still never into numpy's callback path
        if getattr(trap.tracer.recorder, "raise_errors", False):
            raise


def _parse_message(msg: str) -> tuple[str, str]:
    body = msg[len(_PREFIX):] if msg.startswith(_PREFIX) else msg
    body = body.rstrip("\n")
    errtype, _, name = body.partition(_SUFFIX_SPLIT)
    return errtype, name


# -- analysis ------------------------------------------------------------------------------------

class Analysis:
    """What one flagged operation computed: location, operands and a label per non-finite element."""

    def __init__(self):
        self.file = ""
        self.line = 0
        self.col = 0
        self.end_col = 0
        self.function = ""
        self.statement = ""
        self.expression = ""
        self.stmt_line: int | None = None
        self.name = None  # ufunc / function name
        self.elements: list[tuple] = []
        self.labels: list[str] = []
        self.operands: dict[str, list] = {}  # operand text -> values at each element (elementwise ops)
        self.summary_operands: dict[str, list] = {}  # for non-elementwise ops: max |operand|
        self.n_nonfinite = 0
        self.result_finite: bool | None = None

    def event(self, errtype: str, seq: int, source: str, site: int | None) -> FpEvent:
        idx = [k for k, lab in enumerate(self.labels) if label_flag(lab) == errtype]
        if not idx:
            idx = list(range(len(self.labels)))
        labels = [self.labels[k] for k in idx]
        if labels:
            bases = list(dict.fromkeys(_base(lab) for lab in labels))
            operation = labels[0] if len(bases) == 1 else ", ".join(bases)
        else:
            operation = f"{errtype} in {self.name}" if self.name else errtype
        keep = idx[:MAX_ELEMENTS]
        elements = tuple(tuple(int(i) for i in self.elements[k]) for k in keep)
        if self.operands:
            operands = {t: [v[k] for k in keep] for t, v in self.operands.items()}
        else:
            operands = dict(self.summary_operands)
        return FpEvent(
            step=-1, seq=seq, file=self.file, line=self.line, function=self.function, statement=self.statement,
            expression=self.expression, error=errtype, operation=operation, elements=elements, operands=operands,
            source=source, absorbed=False, col=self.col, end_col=self.end_col, site=site,
        )


def label_flag(label: str) -> str | None:
    """The numpy flag an element label corresponds to."""
    if "overflow" in label:
        return "overflow"
    if label in DIVIDE_LABELS:
        return "divide by zero"
    if label in ("nan operand", "inf operand"):
        return None
    return "invalid value"


def _base(label: str) -> str:
    return label.split(" (", 1)[0]


def analyze_frame(frame, lasti: int, index: NodeIndex | None, ufunc_name: str | None) -> Analysis:
    """Locate and explain the operation executing at `lasti` in `frame`. Never raises for user values."""
    an = Analysis()
    code = frame.f_code
    an.file = code.co_filename
    an.function = _qualname(code)
    pos = position_at(code, lasti)
    an.line = pos[0] if pos and pos[0] else frame.f_lineno
    node = index.node_at(pos) if index is not None else None
    an.name = ufunc_name
    if node is None:
        if index is not None and an.line:
            an.statement = index.lines[an.line - 1].strip() if an.line - 1 < len(index.lines) else ""
            an.expression = an.statement
        return an
    stmt = index.statement(node)
    an.stmt_line = stmt.lineno if stmt is not None else None
    an.statement = index.segment(stmt) if stmt is not None else index.segment(node)
    an.expression = index.segment(node)
    an.line, an.col, an.end_col = node.lineno, node.col_offset, node.end_col_offset
    try:
        f_locals = frame.f_locals
    except Exception:  # noqa: BLE001
        return an
    ev = SafeEvaluator(f_locals, frame.f_globals, frame.f_builtins)
    # Re-evaluating operands may warn (ComplexWarning from .astype, say). Those warnings are ours, not
    # the script's: hide them by swapping the display function. Changing the filters instead
    # (catch_warnings) would reset every module's once-per-location registry and repeat the
    # script's own warnings.
    saved_show = warnings.showwarning
    warnings.showwarning = _hide_warning
    try:
        with np.errstate(all="ignore"):
            try:
                _explain(an, node, ev, index)
            except (Unsafe, Exception):  # noqa: BLE001 -- unevaluable: the location alone is still the answer
                pass
    finally:
        warnings.showwarning = saved_show
    return an


def _hide_warning(*args, **kwargs) -> None:
    """Display function for warnings raised while nandoctor re-evaluates operands: show nothing."""


def _qualname(code) -> str:
    q = getattr(code, "co_qualname", code.co_name)
    # `nandoctor.trace` recompiles closures inside a helper function; hide it.
    if q.startswith("_nd_outer.<locals>."):
        q = q[len("_nd_outer.<locals>."):]
    return q


def _operation(node, ev: SafeEvaluator, index: NodeIndex):
    """(name, [(text, value)], result, elementwise) for the flagged node."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        if isinstance(node, ast.BinOp):
            left, right = node.left, node.right
            texts = [index.operand_text(left, node), index.operand_text(right, node)]
        else:
            left = ast.parse(index.segment(node.target), mode="eval").body
            right = node.value
            texts = [index.segment(node.target), index.operand_text(right, node)]
        a, b = ev.eval(left), ev.eval(right)
        name = BINOP_UFUNC.get(type(node.op), type(node.op).__name__.lower())
        from .evaluate import BINOPS, _numeric

        if not (_numeric(a) and _numeric(b)):
            raise Unsafe("operator on non-numpy objects")
        result = BINOPS[type(node.op)](np.asarray(a) if np.isscalar(a) else a, b)
        return name, [(texts[0], a), (texts[1], b)], result, name != "matmul"
    if isinstance(node, ast.Call):
        fn, args, kwargs = ev.call_parts(node)
        name = is_numpy_callable(fn) or getattr(fn, "__name__", "?")
        texts = [index.operand_text(a, node) for a in node.args]
        result = fn(*args, **kwargs)
        operands = list(zip(texts, args))
        elementwise = isinstance(fn, np.ufunc) or name in ELEMENTWISE_NON_UFUNC
        if isinstance(node.func, ast.Attribute) and isinstance(getattr(fn, "__self__", None), (np.ndarray, np.generic)):
            operands.insert(0, (index.segment(node.func.value), fn.__self__))
            elementwise = False
        return name, operands, result, elementwise
    if isinstance(node, ast.UnaryOp):
        a = ev.eval(node.operand)
        return "negative", [(index.operand_text(node.operand, node), a)], ev.eval(node), True
    raise Unsafe(f"{type(node).__name__}")


def _explain(an: Analysis, node, ev: SafeEvaluator, index: NodeIndex) -> None:
    name, operands, result, elementwise = _operation(node, ev, index)
    an.name = an.name or name
    r = np.asarray(result)
    if r.dtype.kind not in "fc":
        bad = np.zeros(r.shape, bool)
    else:
        bad = ~np.isfinite(r)
    an.n_nonfinite = int(bad.sum())
    an.result_finite = an.n_nonfinite == 0
    vals = [(t, np.asarray(v)) for t, v in operands if isinstance(v, (np.ndarray, np.generic, int, float, complex, bool))]
    if not elementwise or r.ndim == 0 and not bad.any() and not vals:
        for t, v in vals:
            if v.dtype.kind in "fciub" and v.size:
                with np.errstate(all="ignore"):
                    an.summary_operands[f"max |{t}|"] = [float(np.nanmax(np.abs(v)))] if v.dtype.kind != "c" else [float(np.nanmax(np.abs(v)))]
        if bad.any():
            finite_in = all(np.isfinite(v).all() for _, v in vals if v.dtype.kind in "fc")
            idx = np.argwhere(bad)
            an.elements = [tuple(i) for i in idx]
            lab = f"{name} overflow" if finite_in else f"{name} of non-finite operand"
            an.labels = [lab] * len(idx)
        return
    try:
        shape = r.shape
        bvals = [(t, np.broadcast_to(v, shape)) for t, v in vals]
    except ValueError:
        return
    mask = bad
    if not mask.any():
        mask = _finite_flag_elements(name, bvals, shape)  # e.g. integer x/0: numpy flags, result is finite
    idx = np.argwhere(mask)
    an.elements = [tuple(i) for i in idx]
    an.labels = [classify(name, [v[tuple(i)] for _, v in bvals], r[tuple(i)]) for i in idx]
    an.operands = {t: [_py(v[tuple(i)]) for i in idx] for t, v in bvals}


def _finite_flag_elements(name, bvals, shape):
    if name in ("divide", "true_divide", "floor_divide", "remainder", "fmod") and len(bvals) == 2:
        return np.asarray(bvals[1][1] == 0)
    return np.zeros(shape, bool)


def _py(x):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return complex(x)
    if x.dtype.kind in "fiub":
        return float(x)
    return repr(x.item()) if x.size == 1 else repr(x)


def _num(x: float) -> str:
    if abs(x) < 1e6:
        return f"{x:.1f}"
    return f"{x:.3g}"


def classify(name: str, ops: list, res) -> str:
    """Why one element of an operation's result is non-finite: `0/0`, `x/0`, `exp overflow (arg 745.1)`..."""
    ops = [np.asarray(o) for o in ops]
    fin = [bool(np.isfinite(o)) if o.dtype.kind in "fc" else True for o in ops]
    isnan = [bool(np.isnan(o)) if o.dtype.kind in "fc" else False for o in ops]
    isinf = [bool(np.isinf(o)) if o.dtype.kind in "fc" else False for o in ops]
    zero = [bool(o == 0) for o in ops]
    if any(isnan):
        return "nan operand"
    if name in ("divide", "true_divide", "floor_divide", "remainder", "fmod", "divmod") and len(ops) == 2:
        if zero[0] and zero[1]:
            return "0/0"
        if isinf[0] and isinf[1]:
            return "inf/inf"
        if zero[1]:
            return "x/0"
        if isinf[0] or isinf[1]:
            return "inf operand"
        return "divide overflow"
    if name == "multiply" and len(ops) == 2:
        if (zero[0] and isinf[1]) or (isinf[0] and zero[1]):
            return "0*inf"
        if isinf[0] or isinf[1]:
            return "inf operand"
        return "multiply overflow"
    if name in ("add", "subtract") and len(ops) == 2:
        if isinf[0] and isinf[1]:
            same = bool(np.sign(ops[0]) == np.sign(ops[1]))
            if (name == "subtract") == same:
                return "inf-inf"
        if isinf[0] or isinf[1]:
            return "inf operand"
        return f"{name} overflow"
    if name in ("power", "float_power") and len(ops) == 2:
        if zero[0] and bool(ops[1] < 0):
            return "0**negative"
        if bool(ops[0] < 0) and not float(ops[1]).is_integer():
            return "negative**fraction"
        if isinf[0] or isinf[1]:
            return "inf operand"
        return "power overflow"
    if name in ("exp", "exp2", "expm1", "cosh", "sinh", "ldexp") and ops:
        if isinf[0]:
            return "inf operand"
        return f"{name} overflow (arg {_num(float(np.real(ops[0])))})"
    if name in ("log", "log2", "log10") and ops:
        if zero[0]:
            return f"{name}(0)"
        if bool(ops[0] < 0):
            return f"{name}(<0)"
    if name == "log1p" and ops:
        if bool(ops[0] == -1):
            return "log1p(-1)"
        if bool(ops[0] < -1):
            return "log1p(<-1)"
    if name == "sqrt" and ops and bool(ops[0] < 0):
        return "sqrt(<0)"
    if name == "reciprocal" and ops and zero[0]:
        return "1/0"
    if name in ("arcsin", "arccos") and ops and bool(abs(ops[0]) > 1):
        return f"{name}(|x|>1)"
    if name == "arctanh" and ops and bool(abs(ops[0]) == 1):
        return "arctanh(±1)"
    if name == "square" and ops and fin[0]:
        return "square overflow"
    if any(isinf):
        return "inf operand"
    r = np.asarray(res)
    if r.dtype.kind in "fc" and bool(np.isinf(r)):
        return f"{name} overflow"
    return f"{name} invalid"


__all__ = ["FpTrap", "classify", "analyze_frame", "label_flag", "raised_event", "safe_getattr"]
