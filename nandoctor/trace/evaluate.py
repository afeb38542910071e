"""Safe re-evaluation of user sub-expressions from a live frame, and mapping of code positions to AST nodes.

The floating-point trap uses this to see the operands of the operation numpy flagged. It evaluates
the ORIGINAL source's AST (positions survive instrumentation), reading names from the frame. It
never calls user code: only numpy ufuncs, a whitelist of side-effect-free numpy functions and
ndarray methods, and arithmetic on numbers and numpy arrays. Anything else raises `Unsafe`.
"""

from __future__ import annotations

import ast
import builtins
import operator
import types

import numpy as np


class Unsafe(Exception):
    """The expression cannot be evaluated without running user code (or something stateful)."""


BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.MatMult: operator.matmul,
}
# The numpy ufunc each Python operator dispatches to on arrays (the name in numpy's warning text).
BINOP_UFUNC = {
    ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide", ast.FloorDiv: "floor_divide",
    ast.Mod: "remainder", ast.Pow: "power", ast.MatMult: "matmul",
}
UNARYOPS = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert, ast.Not: operator.not_}
CMPOPS = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}

# numpy functions (not ufuncs) that are pure: no I/O, no randomness, no writes into their arguments
# (calls passing `out=` are refused separately).
SAFE_NUMPY_FUNCS = frozenset("""
    dot vdot inner outer tensordot einsum matmul kron cross trace
    sum nansum prod nanprod mean nanmean std nanstd var nanvar average median nanmedian
    max min amax amin nanmax nanmin ptp argmax argmin cumsum cumprod diff
    where clip round around abs absolute sign sqrt exp log tanh
    array asarray asanyarray ascontiguousarray zeros ones full empty_like zeros_like ones_like full_like
    reshape ravel transpose squeeze expand_dims atleast_1d atleast_2d concatenate stack vstack hstack
    column_stack tile repeat broadcast_to swapaxes moveaxis flip diag diagonal triu tril eye identity
    linspace arange logspace isnan isinf isfinite nan_to_num all any count_nonzero
    float64 float32 float16 int64 int32 int8 int16 uint8 bool_ complex128 longdouble
""".split())
SAFE_LINALG = frozenset("norm det inv pinv solve eig eigh eigvals eigvalsh svd qr cholesky matrix_rank".split())
SAFE_NDARRAY_METHODS = frozenset("""
    sum prod mean std var max min ptp argmax argmin cumsum cumprod dot clip round astype copy
    reshape ravel flatten transpose squeeze swapaxes any all nonzero item tolist conj conjugate diagonal trace
""".split())
SAFE_NDARRAY_ATTRS = frozenset("T shape dtype ndim size real imag flat mT itemsize nbytes".split())
SAFE_BUILTINS = {
    "abs": abs, "len": len, "float": float, "int": int, "min": min, "max": max, "sum": sum, "round": round,
    "pow": pow, "complex": complex, "bool": bool, "range": range, "tuple": tuple, "list": list,
    "True": True, "False": False, "None": None,
}
_RANDOM_MODULES = ("numpy.random",)


def _numeric(v) -> bool:
    """Plain numbers and numpy arrays/scalars: operators on these run numpy or CPython, never user code."""
    t = type(v)
    if t in (int, float, complex, bool) or isinstance(v, (np.ndarray, np.generic)):
        return t.__module__ in ("builtins", "numpy") or t.__module__.startswith("numpy.")
    return False


def _plain(v) -> bool:
    if _numeric(v) or v is None or type(v) in (str, slice, type(Ellipsis)):
        return True
    if type(v) in (tuple, list):
        return all(_plain(x) for x in v)
    return False


def is_numpy_callable(fn) -> str | None:
    """The name under which `fn` is safe to call, or None. Ufuncs and whitelisted numpy functions only."""
    if isinstance(fn, np.ufunc):
        return fn.__name__
    if isinstance(fn, type) and fn.__module__ == "numpy" and issubclass(fn, np.generic):
        return fn.__name__
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", None)
    if not name or mod.startswith(_RANDOM_MODULES):
        return None
    if mod.startswith("numpy.linalg") and name in SAFE_LINALG:
        return name
    if (mod == "numpy" or mod.startswith("numpy._core") or mod.startswith("numpy.core")) and name in SAFE_NUMPY_FUNCS:
        if getattr(np, name, None) is fn:
            return name
    if isinstance(fn, types.BuiltinMethodType) and isinstance(getattr(fn, "__self__", None), (np.ndarray, np.generic)):
        if name in SAFE_NDARRAY_METHODS:
            return name
    return None


class SafeEvaluator:
    """Evaluates expression nodes against a frame's names, refusing anything that could run user code."""

    def __init__(self, f_locals: dict, f_globals: dict, f_builtins: dict | None = None, overrides: dict | None = None):
        self.locals = f_locals
        self.globals = f_globals
        self.builtins = f_builtins if isinstance(f_builtins, dict) else builtins.__dict__
        self.cache: dict[int, object] = dict(overrides or {})

    def eval(self, node: ast.AST):
        key = id(node)
        if key in self.cache:
            return self.cache[key]
        v = self._eval(node)
        self.cache[key] = v
        return v

    def _eval(self, node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.locals:
                return self.locals[name]
            if name in self.globals:
                return self.globals[name]
            if name in SAFE_BUILTINS:
                return SAFE_BUILTINS[name]
            raise Unsafe(f"name {name!r} unavailable")
        if isinstance(node, ast.Attribute):
            return safe_getattr(self.eval(node.value), node.attr)
        if isinstance(node, ast.BinOp):
            a, b = self.eval(node.left), self.eval(node.right)
            if not (_numeric(a) and _numeric(b)):
                raise Unsafe("operator on non-numpy objects")
            return BINOPS[type(node.op)](a, b)
        if isinstance(node, ast.UnaryOp):
            a = self.eval(node.operand)
            if not _numeric(a):
                raise Unsafe("operator on non-numpy object")
            return UNARYOPS[type(node.op)](a)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in CMPOPS:
            a, b = self.eval(node.left), self.eval(node.comparators[0])
            if not (_numeric(a) and _numeric(b)):
                raise Unsafe("comparison of non-numpy objects")
            return CMPOPS[type(node.ops[0])](a, b)
        if isinstance(node, ast.Subscript):
            base = self.eval(node.value)
            idx = self.eval(node.slice)
            if isinstance(base, (np.ndarray, tuple, list)) and (_plain(idx) or isinstance(idx, np.ndarray) or
                                                               (type(idx) is tuple and all(_plain(i) or isinstance(i, np.ndarray) for i in idx))):
                return base[idx]
            if type(base) is dict and _plain(idx):
                return base[idx]
            raise Unsafe("subscript of a non-numpy object")
        if isinstance(node, ast.Slice):
            return slice(*(self.eval(p) if p is not None else None for p in (node.lower, node.upper, node.step)))
        if isinstance(node, (ast.Tuple, ast.List)):
            vals = [self.eval(e) for e in node.elts]
            return tuple(vals) if isinstance(node, ast.Tuple) else vals
        if isinstance(node, ast.IfExp):
            test = self.eval(node.test)
            if not _numeric(test) and not isinstance(test, (bool, type(None))):
                raise Unsafe("condition on a non-numpy object")
            return self.eval(node.body) if bool(test) else self.eval(node.orelse)
        if isinstance(node, ast.Call):
            fn, args, kwargs = self.call_parts(node)
            return fn(*args, **kwargs)
        raise Unsafe(f"{type(node).__name__} is not evaluated")

    def call_parts(self, node: ast.Call):
        """(callable, args, kwargs) of a call that is safe to make; raises Unsafe otherwise."""
        fn = self.eval(node.func)
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise Unsafe("star arguments")
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        if "out" in kwargs:
            raise Unsafe("out= writes into the user's array")
        if fn in SAFE_BUILTINS.values() and not isinstance(fn, bool) and fn is not None:
            if all(_plain(a) for a in args) and all(_plain(v) for v in kwargs.values()):
                return fn, args, kwargs
            raise Unsafe("builtin on non-numpy objects")
        name = is_numpy_callable(fn)
        if name is None:
            raise Unsafe(f"not a known side-effect-free numpy callable: {getattr(fn, '__name__', fn)!r}")
        for a in list(args) + list(kwargs.values()):
            if not (_plain(a) or isinstance(a, (np.dtype, type))):
                raise Unsafe("numpy call on a non-numpy argument")
        return fn, args, kwargs


def safe_getattr(obj, attr: str):
    """getattr that never runs a user-defined property or __getattr__."""
    if isinstance(obj, types.ModuleType):
        d = obj.__dict__
        if attr in d:
            return d[attr]
        raise Unsafe(f"module attribute {attr!r} missing")
    if isinstance(obj, (np.ndarray, np.generic)):
        if attr in SAFE_NDARRAY_ATTRS or attr in SAFE_NDARRAY_METHODS:
            return getattr(obj, attr)
        raise Unsafe(f"ndarray attribute {attr!r}")
    # A data descriptor on the type (property, slot) wins over the instance dict: refuse user ones.
    for klass in type(obj).__mro__:
        if attr in klass.__dict__:
            desc = klass.__dict__[attr]
            if hasattr(type(desc), "__set__") or hasattr(type(desc), "__delete__"):
                if type(desc).__name__ == "member_descriptor":  # __slots__ entry: a plain read
                    return desc.__get__(obj, type(obj))
                raise Unsafe(f"descriptor {attr!r}")
            break
    d = getattr(obj, "__dict__", None)
    if isinstance(d, dict) and attr in d:
        return d[attr]
    for klass in type(obj).__mro__:
        if attr in klass.__dict__:
            v = klass.__dict__[attr]
            if hasattr(type(v), "__get__"):
                if isinstance(v, types.FunctionType):
                    return types.MethodType(v, obj)  # a user method: never called (is_numpy_callable refuses)
                raise Unsafe(f"descriptor {attr!r}")
            return v
    raise Unsafe(f"attribute {attr!r} not found without running code")


# -- source positions --------------------------------------------------------------------------

class NodeIndex:
    """One source file's AST, indexed by node position, with each node's parent and statement."""

    def __init__(self, source: str):
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.tree = ast.parse(source)
        self.by_pos: dict[tuple, ast.AST] = {}
        self.parent: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[id(child)] = node
            if isinstance(node, (ast.expr, ast.AugAssign)) and getattr(node, "end_lineno", None) is not None:
                key = (node.lineno, node.end_lineno, node.col_offset, node.end_col_offset)
                prev = self.by_pos.get(key)
                # Several nodes can share a span (`(x)` and `x`): the operation is the outermost one.
                if prev is None or id(prev) == id(self.parent.get(id(node))):
                    self.by_pos.setdefault(key, node)

    def node_at(self, positions) -> ast.AST | None:
        if positions is None or positions[0] is None:
            return None
        return self.by_pos.get(tuple(positions))

    def statement(self, node: ast.AST) -> ast.stmt | None:
        while node is not None and not isinstance(node, ast.stmt):
            node = self.parent.get(id(node))
        return node

    def segment(self, node: ast.AST) -> str:
        seg = ast.get_source_segment(self.source, node)
        return seg if seg is not None else ast.unparse(node)

    def operand_text(self, node: ast.AST, parent: ast.AST) -> str:
        """The operand's source, with the parentheses it was written in: `(1 - y)`, not `1 - y`."""
        if node.lineno != node.end_lineno or isinstance(parent, ast.Call):
            return self.segment(node)  # a call's parentheses are the call's, not the argument's
        line = self.lines[node.lineno - 1] if node.lineno - 1 < len(self.lines) else ""
        b = line.encode("utf-8")
        start, end = node.col_offset, node.end_col_offset
        lo = parent.col_offset if parent.lineno == node.lineno else 0
        hi = parent.end_col_offset if parent.end_lineno == node.lineno else len(b)
        while True:
            s, e = start - 1, end
            while s >= lo and b[s:s + 1] in (b" ", b"\t"):
                s -= 1
            while e < hi and b[e:e + 1] in (b" ", b"\t"):
                e += 1
            if s >= lo and e < hi and b[s:s + 1] == b"(" and b[e:e + 1] == b")":
                start, end = s, e + 1
            else:
                break
        return b[start:end].decode("utf-8", errors="replace")


_positions_cache: dict = {}


def code_positions(code: types.CodeType) -> list:
    pos = _positions_cache.get(code)
    if pos is None:
        pos = list(code.co_positions())
        if len(_positions_cache) > 4096:
            _positions_cache.clear()
        _positions_cache[code] = pos
    return pos


def position_at(code: types.CodeType, lasti: int):
    """(lineno, end_lineno, col, end_col) of the instruction at byte offset `lasti`."""
    if lasti is None or lasti < 0:
        return None
    pos = code_positions(code)
    i = lasti // 2
    return pos[i] if i < len(pos) else None
