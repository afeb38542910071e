"""AST rewriting of user code: every assignment, argument, return and loop becomes a recorded site.

Before and after, for the statements of the founding case (hook names shortened):

    z_ij = dot(x, self.w_ij)                ->  z_ij = rec(3, dot(x, self.w_ij))
    self.w_ij = self.w_ij - lr * g          ->  self.w_ij = updv(14, old(14, self.w_ij) - lr * g)
    W -= lr * g                             ->  W -= delta(15, lr * g); augrec(15, W)
    self.W -= lr * g                        ->  keep(16, self).W -= delta(16, lr * g); kept(16, "W")
    x[x > 0] = 1                            ->  keep(7, x)[x > 0] = 1; kept(7)
    a, b = f()                              ->  a, b = unpack((8, 9), f())
    def f(self, x): ...                     ->  def f(self, x): args((1,), (x,)); ...
    return expr                             ->  return rec(2, expr)
    for i in range(n):                      ->  for i in range(n):
        if done: break                              it(0)
                                                    if done: exit(0); break
                                                else:
                                                    exit(0)

The rewritten code does what Python does, in Python's order, and nothing more: a hook only ever
wraps an expression Python evaluates anyway and hands its value back, or follows a statement and
reads what that statement stashed or bound. In particular no target is read that Python would not
read: an update's old value is the read of the target the right-hand side performs itself (`old`
stashes it on its way; `updv` pairs it with the new value, or records a plain value when that read
did not happen, say in an untaken branch), and a subscript or attribute target's container is the
one Python evaluated (`keep` stashes it; `kept` records it after the statement, or for an attribute
the value bound there when it can be read without running user code). Which loads belong to the
statement follows Python's scoping rules: lambda bodies, comprehensions (but for their first iterable)
and nested functions and classes are other scopes, never searched.

Every node added carries the position of the user's node it stands for, so tracebacks, line events
and warnings read as they would without nandoctor. Hooks are looked up as builtins, so the user's
module namespace is untouched; between traces they stay bound as no-ops (`NOOP_HOOKS`), because
code instrumented during a trace can run after it (atexit handlers, finalizers, generators).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import threading
from dataclasses import dataclass, field, replace

from ..model import PRINTED, Loop, Site

REC = "__nd_rec__"
UPD = "__nd_upd__"
DELTA = "__nd_delta__"
AUGREC = "__nd_augrec__"
UNPACK = "__nd_unpack__"
ARGS = "__nd_args__"
ITER = "__nd_iter__"
EXIT = "__nd_exit__"
OLD = "__nd_old__"  # old(site, value) -> value: an update's read of its own target, stashed
BEGIN = "__nd_begin__"  # begin(site) -> site: forget a stale stash before an update whose read may not happen
UPDV = "__nd_updv__"  # updv(site, new) -> new: the update's value, paired with the stashed old one
KEEP = "__nd_keep__"  # keep(site, container) -> container: the object a subscript or attribute target writes to
KEPT = "__nd_kept__"  # kept(site[, attribute]) -> None: record what keep stashed, after the statement
SETATTR = "__nd_setattr__"  # setattr_(template, slot, value) -> value: setattr's object, name and value in turn
WKEEP = "__nd_wkeep__"  # wkeep(site, array, copy) -> array: the array a call writes into (`out=`, `copyto`, `fill`)
WKEPT = "__nd_wkept__"  # wkept(site) -> None: record what wkeep stashed, after the statement
KEY = "__nd_key__"  # key(site, index) -> index: a subscript target's computed index (`params['W' + str(l)]`), stashed
KEYOF = "__nd_keyof__"  # keyof(site) -> (index,): what key stashed, handed to kept after the statement; (None,) if none
HOOK_NAMES = (REC, UPD, DELTA, AUGREC, UNPACK, ARGS, ITER, EXIT, OLD, BEGIN, UPDV, KEEP, KEPT, SETATTR, WKEEP, WKEPT,
              KEY, KEYOF)


def _pass_value(site, value):
    return value


def _pass_new(site, old, new):
    return new


def _pass_site(site):
    return site


def _nothing(*args):
    return None


def _pass_third(site, slot, value):
    return value


def _no_key(site):
    return (None,)


# What each hook does outside a trace: hand back the value it wraps, and record nothing.
NOOP_HOOKS = {
    REC: _pass_value, UPD: _pass_new, DELTA: _pass_value, AUGREC: _nothing, UNPACK: _pass_value, ARGS: _nothing,
    ITER: _nothing, EXIT: _nothing, OLD: _pass_value, BEGIN: _pass_site, UPDV: _pass_value, KEEP: _pass_value,
    KEPT: _nothing, SETATTR: _pass_third, WKEEP: _pass_third, WKEPT: _nothing, KEY: _pass_value, KEYOF: _no_key,
}


@dataclass
class Registry:
    """Every site and loop instrumented so far, across all files of one trace."""

    sites: list[Site] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # file -> source text
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Writes whose target is known only at run time: `setattr(obj, name, v)` (template id -> the Site's fields with
    # `target` the object's text, plus "update": whether the statement's function reads the attribute it replaces),
    # and the arrays a list, tuple or dict holds (`tower[:] = new`: one site per element, `tower[0][1]`).
    templates: list[dict] = field(default_factory=list)
    prefixes: dict[int, str] = field(default_factory=dict)  # site -> the text its elements' targets extend
    derived: dict[tuple, int] = field(default_factory=dict)  # (template or site, key) -> the site made for it

    def add_site(self, **kw) -> int:
        with self.lock:
            sid = len(self.sites)
            self.sites.append(Site(id=sid, **kw))
            return sid

    def add_template(self, **kw) -> int:
        with self.lock:
            self.templates.append(kw)
            return len(self.templates) - 1

    def attribute_site(self, template: int, attr: str) -> int:
        """The site of `setattr`'s write of `attr` at a template's statement, made at its first write."""
        got = self.derived.get(("attr", template, attr))
        if got is not None:
            return got
        kw = dict(self.templates[template])
        owner = kw.pop("target")
        target = f"{owner}.{attr}"
        if kw.pop("update"):
            # The function reads what it replaces (`getattr(self, name)`): the attribute is among the reads.
            kw["kind"] = "update"
            parts = target.split(".")
            kw["reads"] = tuple(dict.fromkeys(kw["reads"] + tuple(".".join(parts[:k + 1]) for k in range(len(parts)))))
        else:
            kw["kind"] = "assign"
        with self.lock:
            got = self.derived.get(("attr", template, attr))
            if got is None:
                got = len(self.sites)
                self.sites.append(Site(id=got, target=target, **kw))
                self.prefixes[got] = target  # the value bound is recorded: a container of arrays is walked
                self.derived[("attr", template, attr)] = got
        return got

    def element_site(self, sid: int, suffix: str) -> int:
        """The site of one array a container written at `sid` holds (`suffix` its place: "[0][1]", "['W1']")."""
        got = self.derived.get((sid, suffix))
        if got is not None:
            return got
        with self.lock:
            got = self.derived.get((sid, suffix))
            if got is None:
                parent = self.sites[sid]
                got = len(self.sites)
                self.sites.append(replace(parent, id=got, target=self.prefixes.get(sid, parent.target) + suffix))
                self.derived[(sid, suffix)] = got
        return got

    def add_loop(self, **kw) -> int:
        with self.lock:
            lid = len(self.loops)
            self.loops.append(Loop(id=lid, **kw))
            return lid


def dotted(node: ast.AST) -> str | None:
    """'self.w_ij' for an attribute chain rooted at a name, 'x' for a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def reads_of(node: ast.AST | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names and attribute chains (with their prefixes) read by an expression, and the callees."""
    if node is None:
        return (), ()
    reads: dict[str, None] = {}
    calls: dict[str, None] = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            name = dotted(sub.func)
            if name:
                calls[name] = None
            elif isinstance(sub.func, ast.Attribute) and isinstance(sub.func.value, (ast.Subscript, ast.Call)):
                # `self.layers[i].forward(x)`: the method's name, whatever object the subscript picks
                calls[sub.func.attr] = None
        if isinstance(sub, (ast.Attribute, ast.Name)) and isinstance(getattr(sub, "ctx", None), ast.Load):
            chain = dotted(sub)
            if chain:
                parts = chain.split(".")
                for k in range(1, len(parts) + 1):
                    reads[".".join(parts[:k])] = None
    return tuple(reads), tuple(calls)


# -- positions ----------------------------------------------------------------------------------
_POSITION = ("lineno", "col_offset", "end_lineno", "end_col_offset")



def _plain_index(target: ast.Subscript, holder: ast.Subscript) -> list:
    """`[(index,)]` for `kept` when a one-level subscript's index is a plain name or an int/str constant.

    `kept` then records the element an exact list or dict holds after the write (a parameter in `weights[i]`
    or `params["W1"]`). Reading a plain name again runs no user code and sees the value the statement used."""
    if target is not holder:
        return []
    index = target.slice
    if isinstance(index, ast.Name):
        copy = _place(ast.Name(id=index.id, ctx=ast.Load()), index)
    elif isinstance(index, ast.Constant) and type(index.value) in (int, str):
        copy = _place(ast.Constant(value=index.value), index)
    else:
        return []
    return [_place(ast.Tuple(elts=[copy], ctx=ast.Load()), index)]


# Index expressions that can compute a dict key or a list position (`'W' + str(l)`, f"W{l}", `i + 1`, `keys[j]`):
# their value is stashed on its way so that `kept` can record the element, as for a plain index. A slice, a tuple
# of indices or a mask (`x[x > 0]`) indexes an array, never an exact list or dict: left alone.
_COMPUTED_INDEX = (ast.BinOp, ast.JoinedStr, ast.Call, ast.Attribute, ast.Subscript)


def _computed_index(target: ast.Subscript, holder: ast.Subscript, sid: int) -> list:
    """`[keyof(sid)]` for `kept` when a one-level subscript's index is computed: the index, evaluated once by
    Python as always, passes through `key`, which stashes it; `keyof` hands it to `kept` after the statement."""
    if target is not holder or not isinstance(target.slice, _COMPUTED_INDEX):
        return []
    index = target.slice
    target.slice = _wrap_value(KEY, sid, index)
    return [_hook(KEYOF, [_const(sid)], index)]


def _element_of_element(target: ast.Subscript) -> bool:
    """`layers[i]["W"]`, `net[k]["b" + str(j)]`: a dict's entry by a string key, in a container reached by subscripts
    whose indices each name one element (a name, an int or str constant, a computed key), never an array's slice,
    tuple of indices or mask. (A nested list of numbers, `w[j][0]`, stays recorded as the outer list.)"""
    key = target.slice
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str) or isinstance(key, ast.JoinedStr)
            or isinstance(key, ast.BinOp) and any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                                                  for n in ast.walk(key))):
        return False
    node = target
    while isinstance(node, ast.Subscript):
        index = node.slice
        if not (isinstance(index, ast.Name) or isinstance(index, ast.Constant) and type(index.value) in (int, str)
                or isinstance(index, (ast.BinOp, ast.JoinedStr))):
            return False
        node = node.value
    return True


def _place(node: ast.AST, at: ast.AST) -> ast.AST:
    """Give `node` the whole position of `at` (all four fields: copy_location skips missing ends)."""
    for name in _POSITION:
        setattr(node, name, getattr(at, name, None))
    return node


def first_evaluated(node: ast.expr) -> ast.expr:
    """The sub-expression whose code runs first when `node` is evaluated, as CPython compiles it.

    The loads of a hook and its site number run before the expression the hook wraps; placed at
    this node they fall on the line Python's own first instruction is on, so a line event fires
    where it would without the hook.
    """
    while True:
        if isinstance(node, (ast.BinOp,)):
            node = node.left
        elif isinstance(node, ast.Compare):
            node = node.left
        elif isinstance(node, ast.BoolOp):
            node = node.values[0]
        elif isinstance(node, ast.IfExp):
            node = node.test
        elif isinstance(node, (ast.Call,)):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred, ast.Await, ast.NamedExpr,
                               ast.FormattedValue)):
            node = node.value
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
                return node  # folded into one constant at the minus sign
            node = node.operand
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if not node.elts or all(isinstance(e, ast.Constant) for e in node.elts):
                return node  # folded into one constant (or an empty build) at the bracket
            node = node.elts[0]
        elif isinstance(node, ast.Dict):
            if not node.values:
                return node
            node = node.keys[0] if node.keys[0] is not None else node.values[0]
        elif isinstance(node, ast.JoinedStr):
            if not node.values:
                return node
            node = node.values[0]
        elif isinstance(node, ast.Slice):
            first = node.lower or node.upper or node.step
            if first is None:
                return node
            node = first
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            if node.value is None:
                return node
            node = node.value
        else:
            return node


def starts_at(body: list[ast.stmt], default: ast.AST) -> ast.AST:
    """The node on whose line a block's code starts running, as CPython compiles it: a hook statement
    placed there, before the block, adds no line event of its own. `default` if the block has no code."""
    for stmt in body:
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            continue  # declarations: no code
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return)) and stmt.value is not None:
            return first_evaluated(stmt.value)
        if isinstance(stmt, ast.AugAssign):
            return first_evaluated(stmt.target)
        if isinstance(stmt, (ast.If, ast.While, ast.Assert)):
            return first_evaluated(stmt.test)
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            return first_evaluated(stmt.iter)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return first_evaluated(stmt.items[0].context_expr)
        if isinstance(stmt, ast.Delete):
            return first_evaluated(stmt.targets[0])
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            return first_evaluated(stmt.exc)
        if isinstance(stmt, ast.Match):
            return first_evaluated(stmt.subject)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Decorators run first, then a function's defaults, then the definition (a class's bases come
            # after its body function is made, on the `class` line).
            first = stmt.decorator_list[:1]
            if not first and not isinstance(stmt, ast.ClassDef):
                first = stmt.args.defaults[:1] or [d for d in stmt.args.kw_defaults if d is not None][:1]
            return first_evaluated(first[0]) if first else stmt
        return stmt
    return default


def _hook(name: str, args: list[ast.expr], at: ast.AST, start: ast.AST | None = None) -> ast.Call:
    """`name(*args)` standing at `at`'s position; the hook's own loads (name and constants) at `start`'s."""
    start = at if start is None else start
    func = _place(ast.Name(id=name, ctx=ast.Load()), start)
    for a in args:
        if getattr(a, "lineno", None) is None:  # a node made here (a site number), not the user's
            _place_tree(a, start)
    return _place(ast.Call(func=func, args=args, keywords=[]), at)


def _place_tree(node: ast.AST, at: ast.AST) -> None:
    for sub in ast.walk(node):
        _place(sub, at)


def _const(v) -> ast.Constant:
    return ast.Constant(value=v)


def _consts(values) -> ast.Tuple:
    return ast.Tuple(elts=[_const(v) for v in values], ctx=ast.Load())


def _wrap_value(name: str, site: int, value: ast.expr) -> ast.Call:
    """`name(site, value)` at value's position, its loads where value's code starts."""
    return _hook(name, [_const(site), value], value, first_evaluated(value))


# -- which loads belong to a statement --------------------------------------------------------
def _own_loads(node: ast.expr, conditional: bool = False):
    """(parent, field, index, node, conditional) for each sub-expression evaluated in `node`'s own scope.

    In evaluation order, as far as it matters for finding the first read of a name. Lambda bodies,
    comprehensions (except their first iterable, which the enclosing scope evaluates) and anything
    nested inside them belong to other scopes and are not visited. `conditional` is true for code
    that may not run: the branches of a conditional expression, the operands after the first of
    `and`/`or`, and the comparisons after the first of a chain.
    """
    for parent, fname, index, child, cond in _children(node, conditional):
        yield parent, fname, index, child, cond
        yield from _own_loads(child, cond)


def _children(node: ast.AST, conditional: bool):
    def one(fname, cond=conditional, index=None):
        child = getattr(node, fname) if index is None else getattr(node, fname)[index]
        return node, fname, index, child, cond

    if isinstance(node, ast.Lambda):
        args = node.args
        for i, d in enumerate(args.defaults):
            yield node.args, "defaults", i, d, conditional
        for i, d in enumerate(args.kw_defaults):
            if d is not None:
                yield node.args, "kw_defaults", i, d, conditional
        return
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        gen = node.generators[0]
        yield gen, "iter", None, gen.iter, conditional
        return
    if isinstance(node, ast.IfExp):
        yield one("test")
        yield one("body", True)
        yield one("orelse", True)
        return
    if isinstance(node, ast.BoolOp):
        for i in range(len(node.values)):
            yield one("values", conditional or i > 0, i)
        return
    if isinstance(node, ast.Compare):
        yield one("left")
        for i in range(len(node.comparators)):
            yield one("comparators", conditional or i > 0, i)
        return
    if isinstance(node, ast.Dict):
        for i in range(len(node.values)):
            if node.keys[i] is not None:
                yield one("keys", index=i)
            yield one("values", index=i)
        return
    if isinstance(node, ast.NamedExpr):
        yield one("value")
        return
    for fname, value in ast.iter_fields(node):
        if isinstance(value, ast.expr):
            yield one(fname)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.expr):
                    yield one(fname, index=i)
                elif isinstance(item, ast.keyword):
                    yield item, "value", None, item.value, conditional


def _replace(parent: ast.AST, fname: str, index: int | None, new: ast.AST) -> None:
    if index is None:
        setattr(parent, fname, new)
    else:
        getattr(parent, fname)[index] = new


def _target_reads(value: ast.expr, target: ast.expr) -> tuple[list, bool]:
    """The loads of `target` (a name or attribute chain) in `value`'s own scope that may give its old value,
    as (parent, field, index, node) in evaluation order, and whether some of them may not run.

    The first load that always runs ends the list; the conditional ones before it are kept too, so an
    update whose first read is in an untaken branch is still paired through a later one."""
    own = dotted(target)
    if own is None:
        return [], False
    is_name = isinstance(target, ast.Name)
    found = []
    for parent, fname, index, node, cond in _own_loads(value):
        if is_name:
            hit = isinstance(node, ast.Name) and node.id == own and isinstance(node.ctx, ast.Load)
        else:
            hit = isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and dotted(node) == own
        if hit:
            found.append((parent, fname, index, node))
            if not cond:
                return found, len(found) > 1
    return found, bool(found)


# Calls that write into an array they are given, by position: numpy's functions writing into their first argument
# (`np.copyto(dst, src)`, `np.add.at(a, idx, v)`), and ufuncs given their output positionally after their inputs
# (`np.exp(z, e)`, `np.add(a, b, a)`, `np.clip(a, lo, hi, a)`).
_WRITES_FIRST = frozenset({"copyto", "fill_diagonal", "put", "place", "putmask", "put_along_axis", "at"})
_UNARY = frozenset({"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "tanh", "sinh",
                    "cosh", "sin", "cos", "tan", "arctan", "negative", "absolute", "abs", "fabs", "reciprocal",
                    "sign", "floor", "ceil", "rint", "trunc", "sigmoid"})
_BINARY = frozenset({"add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "float_power",
                     "maximum", "minimum", "fmax", "fmin", "dot", "matmul", "logaddexp", "logaddexp2", "arctan2",
                     "hypot", "mod", "remainder", "fmod", "copysign"})


def _uninitialised(value: ast.expr, modules) -> bool:
    """`np.empty(n)`, `np.empty_like(a)`: memory as the allocator left it. Its content is no value of the program
    (it may hold NaN bit patterns one run and zeros the next), so the write is registered but not recorded; the
    values the program puts there (`out=buf`, `buf[:] = ...`) are."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr in ("empty", "empty_like") and isinstance(value.func.value, ast.Name)
            and value.func.value.id in modules)


def _rooted(node: ast.expr) -> bool:
    """Whether `node` names an array the analysis could name: `c`, `self.buf`, `bufs[i]`, `self.h[:, k]`."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return dotted(node) is not None


def _written_argument(call: ast.Call, modules=frozenset()):
    """(parent, field, index, node) of the array a call writes into in place, or None. `modules`: the names the
    file binds to imported modules (`np`), whose ufuncs take their output positionally."""
    for k in call.keywords:
        if k.arg == "out":
            return (k, "value", None, k.value) if _rooted(k.value) else None
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    args = call.args
    if func.attr == "fill" and len(args) == 1 and _rooted(func.value):
        return func, "value", None, func.value
    pick = None
    if func.attr in _WRITES_FIRST and len(args) >= 2:
        pick = 0
    elif isinstance(func.value, ast.Name) and func.value.id in modules:  # `np.exp(z, e)`, not `obj.exp(z, e)`
        if func.attr in _UNARY and len(args) == 2:
            pick = 1
        elif func.attr in _BINARY and len(args) == 3:
            pick = 2
        elif func.attr == "clip" and len(args) == 4:
            pick = 3
    if pick is None or not _rooted(args[pick]):
        return None
    return call, "args", pick, args[pick]


class Instrumenter(ast.NodeTransformer):
    """Rewrites one module's AST, registering its sites and loops."""

    def __init__(self, registry: Registry, filename: str, source: str):
        self.registry = registry
        self.filename = filename
        self.source = source
        self.lines = source.splitlines()
        self.scope: list[str] = []  # qualname parts
        self.in_class: list[bool] = []  # is the innermost scope a class body
        self.loops: list[int] = []  # loop ids of the current function, innermost last
        self.loop_stack_saved: list[list[int]] = []
        self.bodies: list[ast.AST] = []  # the function (or module) each statement being visited belongs to
        self.modules: frozenset = frozenset()  # names the file binds with `import` (`np` for `import numpy as np`)

    # -- helpers -----------------------------------------------------------------------
    @property
    def function(self) -> str:
        return ".".join(self.scope) if self.scope else "<module>"

    def _statement(self, node: ast.stmt) -> str:
        seg = self._segment(node)
        if seg is None:
            return ast.unparse(node)
        return seg

    def _segment(self, node: ast.stmt) -> str | None:
        """ast.get_source_segment, without re-splitting the whole source for every site (quadratic)."""
        split = getattr(ast, "_splitlines_no_ff", None)
        if split is None or getattr(node, "end_lineno", None) is None or getattr(node, "end_col_offset", None) is None:
            return ast.get_source_segment(self.source, node)
        lines = self.__dict__.get("_seg_lines")
        if lines is None:
            lines = self._seg_lines = split(self.source)
        a, b = node.lineno - 1, node.end_lineno - 1
        if not (0 <= a <= b < len(lines)):
            return ast.get_source_segment(self.source, node)
        c0, c1 = node.col_offset, node.end_col_offset
        if a == b:
            return lines[a].encode()[c0:c1].decode()
        return lines[a].encode()[c0:].decode() + "".join(lines[a + 1:b]) + lines[b].encode()[:c1].decode()

    def _site(self, node: ast.AST, target: str, kind: str, value: ast.AST | None, stmt: ast.stmt) -> int:
        reads, calls = reads_of(value)
        return self.registry.add_site(
            file=self.filename,
            line=stmt.lineno,
            col=getattr(node, "col_offset", 0) or 0,
            end_line=getattr(node, "end_lineno", stmt.lineno) or stmt.lineno,
            end_col=getattr(node, "end_col_offset", 0) or 0,
            function=self.function,
            target=target,
            kind=kind,
            statement=self._statement(stmt),
            reads=reads,
            calls=calls,
            loop=self.loops[-1] if self.loops else None,
        )

    @staticmethod
    def _expr_stmt(call: ast.Call, at: ast.AST) -> ast.stmt:
        """A hook call as a statement of its own, every node of it at `at`'s position."""
        stmt = ast.Expr(value=call)
        _place_tree(stmt, at)
        return stmt

    # -- scopes ------------------------------------------------------------------------
    def _visit_function(self, node):
        is_method = bool(self.in_class and self.in_class[-1])
        self.scope.append(node.name)
        self.in_class.append(False)
        self.loop_stack_saved.append(self.loops)
        self.loops = []
        self.bodies.append(node)
        self.generic_visit(node)
        self.bodies.pop()
        self.loops = self.loop_stack_saved.pop()
        # Arguments on entry, before the body can mutate them.
        a = node.args
        params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        if is_method and params and params[0] in ("self", "cls") and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        ):
            params = params[1:]
        if params:
            sids = []
            for p in params:
                sids.append(self._site(node, f"arg {p}", "arg", None, node))
            has_doc = (
                isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
                and isinstance(node.body[0].value.value, str)
            )
            at = 1 if has_doc else 0
            # The hook runs where the body starts: a docstring has no code, and a body that is only a
            # docstring runs its implicit `return None` on the line of the `def`.
            where = starts_at(node.body[at:], node)
            call = ast.Call(func=ast.Name(id=ARGS, ctx=ast.Load()),
                            args=[_consts(sids), ast.Tuple(elts=[ast.Name(id=p, ctx=ast.Load()) for p in params],
                                                           ctx=ast.Load())], keywords=[])
            node.body.insert(at, self._expr_stmt(call, where))
        self.scope.pop()
        self.in_class.pop()
        return node

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_ClassDef(self, node):
        self.scope.append(node.name)
        self.in_class.append(True)
        self.generic_visit(node)
        self.scope.pop()
        self.in_class.pop()
        return node

    def visit_Lambda(self, node):
        return node  # expressions inside lambdas are not statements: nothing to record

    # -- loops -------------------------------------------------------------------------
    def _visit_loop(self, node):
        header = self.lines[node.lineno - 1].strip() if node.lineno - 1 < len(self.lines) else ""
        targets: tuple[str, ...] = ()
        if isinstance(node, (ast.For, ast.AsyncFor)):
            targets = tuple(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        lid = self.registry.add_loop(
            file=self.filename,
            line=node.lineno,
            function=self.function,
            header=header,
            targets=targets,
            parent=self.loops[-1] if self.loops else None,
        )
        self.loops.append(lid)
        node.body = self._visit_body(node.body)
        self.loops.pop()
        node.orelse = self._visit_body(node.orelse)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            node.iter = self.visit(node.iter)
        else:
            node.test = self.visit(node.test)
        first = starts_at(node.body, node.body[0])
        node.body.insert(0, self._expr_stmt(_hook(ITER, [_const(lid)], first), first))
        # The exit hook runs where the loop ends normally, at the end of its `else` (a `break` records
        # its own exit, see visit_Break), on the line Python's last instruction there is on: the `for`
        # line whose iterator ran out, the `while` test that failed, or the else clause's last statement.
        if node.orelse:
            where = node.orelse[-1]
        else:
            where = node.test if isinstance(node, ast.While) else node
        node.orelse.append(self._expr_stmt(_hook(EXIT, [_const(lid)], where), where))
        return node

    visit_For = _visit_loop
    visit_AsyncFor = _visit_loop
    visit_While = _visit_loop

    def visit_Break(self, node: ast.Break):
        if not self.loops:
            return node  # outside a loop: Python's SyntaxError, untouched
        return [self._expr_stmt(_hook(EXIT, [_const(self.loops[-1])], node), node), node]

    def _visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            res = self.visit(stmt)
            if res is None:
                continue
            if isinstance(res, list):
                out.extend(res)
            else:
                out.append(res)
        return out

    # -- assignments -------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign):
        node.value = self.visit(node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)):
            return self._unpack(node)
        target = node.targets[0]
        text = " = ".join(ast.unparse(t) for t in node.targets)
        if isinstance(target, ast.Subscript):
            # The useful value is the mutated container: the one Python evaluated, kept on its way.
            holder = target
            while isinstance(holder.value, ast.Subscript):
                holder = holder.value
            if dotted(holder.value) is None:
                return node
            sid = self._site(target, ast.unparse(target), "setitem", node.value, node)
            plain = _plain_index(target, holder)
            # What `kept` records is the element (a plain index) or the container: arrays it holds are recorded one by
            # one, under names extending that text, only when the container is what the statement replaced whole
            # (`tower[:] = new`); a container written into at one place (`layers[i]["b"] = ...`) is not walked.
            whole = (target is holder and isinstance(target.slice, ast.Slice)
                     and target.slice.lower is None and target.slice.upper is None and target.slice.step is None)
            text = ast.unparse(target)
            plain = plain or _computed_index(target, holder, sid)
            if plain or whole:
                self.registry.prefixes[sid] = text if plain else dotted(holder.value)
            holder.value = _wrap_value(KEEP, sid, holder.value)
            return [node, self._expr_stmt(_hook(KEPT, [_const(sid)] + plain, target), target)]
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return node
        reads, conditional = _target_reads(node.value, target)
        if reads:
            # Self-referential: `W = W - lr * g`. The old value is the read Python does anyway, stashed.
            sid = self._site(target, text, "update", node.value, node)
            self.registry.prefixes[sid] = text  # the value bound is recorded: a container of arrays is walked
            start = first_evaluated(node.value)
            for parent, fname, index, load in reads:
                _replace(parent, fname, index, _wrap_value(OLD, sid, load))
            site = _const(sid)
            if conditional:  # the read may not happen: drop what a failed run of this statement left stashed
                site = _hook(BEGIN, [_const(sid)], start)
            node.value = _hook(UPDV, [site, node.value], node.value, start)
        else:
            sid = self._site(target, text, "assign", node.value, node)
            if not _uninitialised(node.value, self.modules):
                node.value = _wrap_value(REC, sid, node.value)
        return node

    def _unpack(self, node: ast.Assign):
        target = node.targets[0]
        if any(isinstance(e, ast.Starred) for e in target.elts):
            return node
        # `X, y = X[idx], y[idx]`: each name is computed from its own element of a tuple written out on the
        # right, not from the others' (a shuffle must not make the inputs read the targets).
        values = node.value.elts if (isinstance(node.value, (ast.Tuple, ast.List)) and len(node.value.elts) == len(target.elts)
                                     and not any(isinstance(e, ast.Starred) for e in node.value.elts)) else None
        sids = []
        for k, elt in enumerate(target.elts):
            if isinstance(elt, (ast.Name, ast.Attribute)):
                sids.append(self._site(elt, ast.unparse(elt), "unpack", values[k] if values else node.value, node))
            else:
                sids.append(-1)
        node.value = _hook(UNPACK, [_consts(sids), node.value], node.value, first_evaluated(node.value))
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is None or not isinstance(node.target, (ast.Name, ast.Attribute)):
            return node
        node.value = self.visit(node.value)
        sid = self._site(node.target, ast.unparse(node.target), "assign", node.value, node)
        node.value = _wrap_value(REC, sid, node.value)
        return node

    def visit_AugAssign(self, node: ast.AugAssign):
        node.value = self.visit(node.value)
        target = node.target
        if isinstance(target, ast.Name) and self.in_class and self.in_class[-1]:
            return node  # a class body's namespace may be any mapping: reading it back could run user code
        holder = target
        while isinstance(holder, ast.Subscript) and isinstance(holder.value, ast.Subscript):
            holder = holder.value
        if isinstance(target, ast.Subscript) and dotted(holder.value) is None:
            return node  # the container is no name or attribute chain: nothing the analysis could name
        text = ast.unparse(target)
        is_update = isinstance(node.op, (ast.Sub, ast.Add)) and not isinstance(node.value, ast.Constant)
        kind = "update" if is_update else "augassign"
        sid = self._site(target, text, kind, node.value, node)
        if is_update:
            node.value = _wrap_value(DELTA, sid, node.value)
        if isinstance(target, ast.Name):
            # Reading a name back has no side effects, and it was bound by the statement just run.
            read = _place(ast.Name(id=target.id, ctx=ast.Load()), target)
            return [node, self._expr_stmt(_hook(AUGREC, [_const(sid), read], target), target)]
        if isinstance(target, ast.Attribute):
            # The object written to, as Python evaluated it; `kept` reads the attribute back only
            # where that runs no user code (a plain instance attribute).
            target.value = _wrap_value(KEEP, sid, target.value)
            return [node, self._expr_stmt(_hook(KEPT, [_const(sid), _const(target.attr)], target), target)]
        if isinstance(target, ast.Subscript):
            if target is not holder and _element_of_element(target):
                # `layers[i]["W"] -= lr * gW`: a list of dicts (or of lists) of arrays. The inner container, as
                # Python evaluated it once, is kept, and the element the write changed is read from it.
                target.value = _wrap_value(KEEP, sid, target.value)
                index = _plain_index(target, target) or _computed_index(target, target, sid)
                return [node, self._expr_stmt(_hook(KEPT, [_const(sid)] + index, target), target)]
            # The container written to, as Python evaluated it (index and all, once).
            holder.value = _wrap_value(KEEP, sid, holder.value)
            index = _plain_index(target, holder) or _computed_index(target, holder, sid)
            return [node, self._expr_stmt(_hook(KEPT, [_const(sid)] + index, target), target)]
        return node

    def visit_Expr(self, node: ast.Expr):
        """Calls whose statement writes a value the call's result does not carry: `acts.append(a @ W + b)` (a write
        of `acts`, kind "append"), `setattr(self, name, value)` (a write of `self.<name>`), and arrays written in
        place (`np.dot(a, b, out=c)`, `np.copyto(w, ...)`, `buf.fill(0)`: a write of `c`, `w`, `buf`, kind
        "inplace").

        Learners keep each layer's values in lists built by `append`, their parameters behind `setattr`, and their
        buffers filled through `out=`; without these the values are invisible. Every argument is evaluated once, as
        Python does, and passed on unchanged."""
        node = self.generic_visit(node)
        call = node.value
        if not isinstance(call, ast.Call):
            return node
        if isinstance(call.func, ast.Name) and call.func.id == "print":
            self._print(node, call)
            return node
        # `acts.append(a)`, and `grads.insert(0, g)` (a backward pass collecting gradients from the last layer)
        added = {"append": 0, "insert": 1}.get(call.func.attr) if isinstance(call.func, ast.Attribute) else None
        if (added is not None and len(call.args) == added + 1 and not call.keywords
                and not any(isinstance(a, ast.Starred) for a in call.args)):
            owner = dotted(call.func.value)
            if owner is not None:
                sid = self._site(call, owner, "append", call.args[added], node)
                # a tuple of arrays added: `new[-1][0]`, `new[-1][1]`, ...
                self.registry.prefixes[sid] = owner + ("[-1]" if added == 0 else f"[{ast.unparse(call.args[0])}]")
                call.args[added] = _wrap_value(REC, sid, call.args[added])
            return node
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return node
        if (isinstance(call.func, ast.Name) and call.func.id == "setattr" and len(call.args) == 3
                and not call.keywords and dotted(call.args[0]) is not None):
            return self._setattr(node, call)
        written = _written_argument(call, self.modules)
        if written is None:
            return node
        parent, fname, index, place = written
        target = ast.unparse(place)
        others = [a for a in call.args if a is not place] + [k.value for k in call.keywords if k.value is not place]
        if not (isinstance(call.func, ast.Attribute) and call.func.value is place):
            others.append(call.func)
        reads, calls = reads_of(ast.Tuple(elts=others, ctx=ast.Load()))
        callee = dotted(call.func)
        calls = tuple(dict.fromkeys(((callee,) if callee else ()) + calls))
        sid = self.registry.add_site(
            file=self.filename, line=node.lineno, col=place.col_offset, end_line=place.end_lineno or node.lineno,
            end_col=place.end_col_offset or 0, function=self.function, target=target, kind="inplace",
            statement=self._statement(node), reads=reads, calls=calls, loop=self.loops[-1] if self.loops else None)
        # Written from its own value (`np.subtract(w, lr * g, out=w)`): an update, whose old value is copied
        # before the call overwrites it, so that the step is measured like `w -= lr * g`.
        copy = any(isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) and ast.unparse(n) == target
                   for o in others for n in ast.walk(o))
        _replace(parent, fname, index, _hook(WKEEP, [_const(sid), place, _const(copy)], place, first_evaluated(place)))
        return [node, self._expr_stmt(_hook(WKEPT, [_const(sid)], call), call)]

    def _print(self, node: ast.Expr, call: ast.Call) -> None:
        """`print("epoch", e, f"loss {np.mean(err ** 2):.4f}")`: each value printed is recorded (kind "print",
        target "print <label>", the label the word printed just before it), since many scripts compute their loss
        only where they print it. The values are wrapped where they stand, so each is evaluated once, in order."""
        if any(isinstance(a, ast.Starred) for a in call.args):
            return
        text = ""
        done: set[tuple] = set()
        for index, arg in enumerate(call.args):
            for before, holder, field, at in _printed_values(arg):
                text += before
                if field is None:
                    continue
                if holder is None:  # the argument itself
                    holder, field, at = call, "args", index
                if (id(holder), field, at) in done or len(done) >= MAX_PRINTED:
                    continue
                value = getattr(holder, field) if at is None else getattr(holder, field)[at]
                if isinstance(value, ast.Constant):
                    text += str(value.value) if isinstance(value.value, str) else ""
                    continue
                label = _label(text) or ast.unparse(value)
                sid = self._site(value, f"{PRINTED} {label}", PRINTED, value, node)
                hooked = _wrap_value(REC, sid, value)
                if at is None:
                    setattr(holder, field, hooked)
                else:
                    getattr(holder, field)[at] = hooked
                done.add((id(holder), field, at))
                text = ""
            text += " "

    def _setattr(self, node: ast.Expr, call: ast.Call):
        """`setattr(obj, name, value)`: the value is recorded as a write of `obj.<name>`, the name read as the
        call receives it (one site per name, made at its first write)."""
        owner, name, value = call.args
        owner_text = ast.unparse(owner)
        name_text = ast.unparse(name)
        update = False
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            attr = ast.Attribute(value=owner, attr=name.value, ctx=ast.Load())
            update = bool(_target_reads(value, attr)[0])
        body = self.bodies[-1] if self.bodies else None
        if not update and body is not None:
            # `value = getattr(self, name)` then `setattr(self, name, value - ...)`: the function reads the
            # attribute it writes, by the same object and name expressions.
            for sub in ast.walk(body):
                if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "getattr"
                        and len(sub.args) >= 2 and ast.unparse(sub.args[0]) == owner_text
                        and ast.unparse(sub.args[1]) == name_text):
                    update = True
                    break
        reads, calls = reads_of(value)
        tid = self.registry.add_template(
            file=self.filename, line=node.lineno, col=call.col_offset, end_line=call.end_lineno or node.lineno,
            end_col=call.end_col_offset or 0, function=self.function, target=owner_text,
            statement=self._statement(node), reads=reads, calls=calls, loop=self.loops[-1] if self.loops else None,
            update=update)
        call.args = [_hook(SETATTR, [_const(tid), _const(slot), arg], arg, first_evaluated(arg))
                     for slot, arg in enumerate(call.args)]
        return node

    def visit_Return(self, node: ast.Return):
        if node.value is None:
            return node
        node.value = self.visit(node.value)
        sid = self._site(node, "return", "return", node.value, node)
        node.value = _wrap_value(REC, sid, node.value)
        return node

    # Statement bodies of compound statements may grow: visit them as lists.
    def generic_visit(self, node):
        for fname, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                setattr(node, fname, self._visit_body(old))
            elif isinstance(old, list):
                new = []
                for item in old:
                    if isinstance(item, ast.AST):
                        item = self.visit(item)
                        if item is None:
                            continue
                        if isinstance(item, list):
                            new.extend(item)
                            continue
                    new.append(item)
                old[:] = new
            elif isinstance(old, ast.AST):
                res = self.visit(old)
                if res is None:
                    delattr(node, fname)
                else:
                    setattr(node, fname, res)
        return node


# At most this many values of one print call are recorded (a print of many values is a table, not a loss).
MAX_PRINTED = 8
# printf-style placeholders (`"loss %.4f" % loss`) and str.format fields (`"loss {:.4f}".format(loss)`).
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_FIELD = re.compile(r"\{([^{}]*)\}")
_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*)[^A-Za-z0-9_]*$")


def _label(text: str) -> str:
    """The word printed just before a value (`"epoch 5 loss: "` -> "loss"), or ""."""
    got = _LABEL.search(text)
    return got.group(1).strip("-_") if got else ""


def _printed_values(arg: ast.expr):
    """(text printed before it, holder, field, index) for each value one print argument shows, in print order:
    the argument itself, an f-string's fields, a `%` format's operands, a `.format` call's positional arguments.
    The value is `getattr(holder, field)` (or its `[index]`); the caller rewrites it there."""
    if isinstance(arg, ast.Constant):
        yield (arg.value if isinstance(arg.value, str) else ""), None, None, None
        return
    if isinstance(arg, (ast.Lambda, ast.GeneratorExp)):
        return
    if isinstance(arg, ast.JoinedStr):
        text = ""
        for part in arg.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            elif isinstance(part, ast.FormattedValue):
                yield text, part, "value", None
                text = ""
        return
    if (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod) and isinstance(arg.left, ast.Constant)
            and isinstance(arg.left.value, str)):
        pieces = [m for m in _PERCENT.finditer(arg.left.value) if m.group(1) != "%"]
        operands = arg.right.elts if isinstance(arg.right, ast.Tuple) else [arg.right]
        if len(pieces) == len(operands):
            start = 0
            for k, m in enumerate(pieces):
                before = arg.left.value[start:m.start()]
                start = m.end()
                if isinstance(arg.right, ast.Tuple):
                    yield before, arg.right, "elts", k
                else:
                    yield before, arg, "right", None
        return
    if (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
            and isinstance(arg.func.value, ast.Constant) and isinstance(arg.func.value.value, str)
            and not any(isinstance(a, ast.Starred) for a in arg.args)):
        fmt = arg.func.value.value.replace("{{", "").replace("}}", "")
        fields = list(_FIELD.finditer(fmt))
        start = 0
        for auto, m in enumerate(fields):
            name = re.split(r"[:!]", m.group(1), maxsplit=1)[0]
            k = int(name) if name.isdigit() else auto if name == "" else None
            before = fmt[start:m.start()]
            start = m.end()
            if k is not None and k < len(arg.args):
                yield before, arg, "args", k
        return
    yield "", None, "arg", None  # the argument itself


def instrument_tree(tree: ast.Module, registry: Registry, filename: str, source: str) -> ast.Module:
    """Rewrite a parsed module in place and return it, with locations fixed."""
    inst = Instrumenter(registry, filename, source)
    inst.bodies.append(tree)
    inst.modules = frozenset((a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                             for a in n.names)
    inst.visit(tree)
    ast.fix_missing_locations(tree)
    return tree


def _decode(source: bytes) -> str:
    """Source text as Python reads it: the coding cookie or BOM honoured (a latin-1 file stays latin-1)."""
    try:
        return importlib.util.decode_source(source)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return source.decode("utf-8", errors="replace")


def compile_instrumented(source: str | bytes, filename: str, registry: Registry, mode: str = "exec"):
    """Compile user source with recording hooks. Raises SyntaxError exactly as `compile` would.

    Parsed once and compiled once, as Python does: the parser's errors and warnings (an invalid escape)
    come from `ast.parse`, the compiler's (`x is 1`, `return` outside a function) from compiling the tree,
    each exactly once.
    """
    tree = ast.parse(source, filename, mode)
    text = _decode(source) if isinstance(source, bytes) else source
    registry.sources[filename] = text
    tree = instrument_tree(tree, registry, filename, text)
    return compile(tree, filename, mode, dont_inherit=True)
