"""The program model, built once per run: roles of sites (parameters, their updates, optimizer state) and of loops."""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .. import columns as C
from ..detectors.facts import METADATA_ATTRS
from ..model import flow_sites

EV_ITER, EV_EXIT = 0, 1


def base_key(target: str) -> str:
    """The name a write lands in: 'self.weights' for 'self.weights[i]', 'W' for 'W'."""
    return target.split(" = ")[0].split("[", 1)[0].replace("arg ", "").strip()


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


@dataclass(frozen=True)
class Load:
    """One read of a name or attribute chain in the sources."""

    name: str
    function: str
    file: str
    line: int


@dataclass(frozen=True)
class LoopSpan:
    """A loop statement's place in the sources and the calls made in its body."""

    id: int
    file: str
    function: str
    line: int
    end_line: int
    calls: frozenset[str] = frozenset()  # last names of the functions called in the body
    iter_reads: tuple[str, ...] = ()  # names the loop iterates over (`zip(self.weights, grads)`)


@dataclass(frozen=True)
class LoopRole:
    """What one loop is, with the numbers that decided it."""

    loop: int
    iterations: int
    kind: str  # "training", "per-parameter", "restart", "no-model-use", "no-update"
    updating_iterations: int  # iterations in which a parameter update ran
    updates: tuple[int, ...]  # parameter update sites that ran (or sit) inside
    why: str
    # indices of the iterations in which an update ran, when measured (None: not measured, or every one)
    updating_at: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Structure:
    """The frame-free part of the program model: roles of sites and loops from sites, sources and loop events."""

    sites: list
    loops: list
    updates: tuple[int, ...]  # sites that write a parameter during training
    state: dict[int, str]  # update sites that are no parameter's write: site id -> role ("optimizer state"...)
    loop_roles: dict[int, LoopRole]
    counts: dict[int, int]  # loop id -> iterations run
    spans: dict[int, LoopSpan]
    intervals: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    per_call: frozenset[int] = frozenset()  # updates of locals set afresh at each call of their function
    lasting_trains: bool = False  # a loop trains the values that outlive a call (the per-call ones are not judged)

    @cached_property
    def param_keys(self) -> set[str]:
        return {base_key(self.sites[u].target) for u in self.updates}

    def update_sites(self) -> list:
        return [self.sites[u] for u in self.updates]


# -- sources --------------------------------------------------------------------------------------


def _parse(sources: dict[str, str]) -> dict[str, ast.Module]:
    out = {}
    for path, src in (sources or {}).items():
        try:
            out[path] = ast.parse(src)
        except SyntaxError:
            pass
    return out


def _walk_functions(trees):
    """(file, qualified function name, node) for every function and the module."""
    from ..detectors.facts import scoped_definitions

    for path, tree in trees.items():
        yield path, "<module>", tree
        yield from ((path, q, node) for _, q, node in scoped_definitions({path: tree})
                    if not isinstance(node, ast.ClassDef))


def _own_nodes(fn):
    """Nodes of a function body, not descending into nested functions or classes."""
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(n))


# Calls whose statement only shows what it reads (a progress line): a value read only there is reported, not used.
_REPORTING_CALLS = frozenset(("print", "info", "debug", "warning", "log", "write", "set_postfix", "set_description"))


@dataclass(frozen=True)
class SourceIndex:
    """Reads, calls, globals and loop statements of the recorded sources."""

    loads: dict[str, list[Load]]  # full chain -> reads
    tail_loads: dict[str, list[Load]]  # chain without its root ('W' of 'self.W', 'data' of 'p.data') -> reads
    calls_in: dict[str, set[str]]  # function -> last names it calls
    globals_of: dict[str, set[str]]  # function -> names declared global/nonlocal
    loop_nodes: dict[tuple[str, int], ast.AST]  # (file, line) -> For/While
    functions_by_last: dict[str, list[str]]
    function_of_loop_node: dict[tuple[str, int], str]
    binds: dict[str, set[str]] = field(default_factory=dict)  # function -> plain names it binds (=, for, args)
    report_lines: frozenset = frozenset()  # (file, line) of statements that only print or log what they read
    params_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # function -> its positional parameters
    classes: frozenset[str] = frozenset()  # names of the classes defined in the sources
    defined: frozenset[str] = frozenset()  # last names of the functions defined in the sources
    # (function, argument) -> (name, function) of the arrays every call hands that argument in a list
    handed_lists: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # (function, argument) -> (position, attribute) of the entries every call hands that argument in tuples
    handed_tuples: dict[tuple[str, str], tuple[tuple[int, str], ...]] = field(default_factory=dict)
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> the last names of its bases
    # containers of the model's layers: filled with objects of classes defined here or with freshly drawn weights
    layer_containers: frozenset[str] = frozenset()
    # (function, argument) pairs every call hands a list written out at the call (`[(k, p[k], g[k]) for k in p]`)
    handed_displays: frozenset[tuple[str, str]] = frozenset()
    # method -> (position in each returned tuple or None for the list's own elements, attribute chain) of the
    # attributes it returns in a list written out (`return [("W", self.W, self.dW)]`, `return [self.W, self.b]`)
    returned_entries: dict[str, tuple[tuple[int | None, str], ...]] = field(default_factory=dict)
    defaults_of: dict[str, dict[str, str]] = field(default_factory=dict)  # function -> {argument: its default's text}


_BUILTIN_NAMES = frozenset(dir(builtins))


def _called_names(call: ast.Call, classes, defined) -> set[str]:
    """The last names a call may run: `f` of `f(x)`, `backward` of `layers[i].backward(g)` (whatever the receiver),
    and `__call__` for a call of an object held in a variable (`layer(x)`, not a function defined here, a class or a
    builtin) or named so (`obj.__call__(x)`)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return {func.attr}
    if isinstance(func, ast.Name):
        plain = func.id in _BUILTIN_NAMES or func.id in classes or func.id in defined
        return {func.id} if plain else {func.id, "__call__"}
    return set()


def _whole(index) -> bool:
    """`[:]` or `[...]`: an index that covers the whole container."""
    if isinstance(index, ast.Slice):
        return index.lower is None and index.upper is None and index.step is None
    return isinstance(index, ast.Constant) and index.value is Ellipsis


def _lists_handed(trees) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """(function, argument) -> (name, function it is read in) of the arrays every call of the function hands that
    argument as a list or tuple literal, written in the call (`step([W, b], ...)`) or returned by the function the
    call's argument calls (`step(model.params(), ...)` with `def params(self): return [self.w, self.b]`). An
    argument some call hands anything else is left out. A constructor's argument is handed by the calls of its
    class (`Adam([w, b])`), and an attribute the constructor sets to it (`self.params = params`) holds the same
    arrays in every method of the class, keyed (method, `self.params`)."""
    defs = [(q, fn) for _, q, fn in _walk_functions(trees) if q != "<module>"]
    returned: dict[str, list[tuple[str, str]]] = {}
    for q, fn in defs:
        for r in _own_nodes(fn):
            if isinstance(r, ast.Return) and isinstance(r.value, (ast.List, ast.Tuple)):
                returned.setdefault(q.rsplit(".", 1)[-1], []).extend(
                    (d, q) for e in r.value.elts if (d := _dotted(e)))

    def held(given, caller):
        if isinstance(given, (ast.List, ast.Tuple)):
            return [(d, caller) for e in given.elts if (d := _dotted(e))]
        if isinstance(given, ast.Call) and not given.args and _dotted(given.func):
            return returned.get(_dotted(given.func).rsplit(".", 1)[-1], [])
        return []

    out = _handed_by_every_call(trees, held, constructors=True)
    for q, fn in defs:
        if not q.endswith(".__init__"):
            continue
        cls = q[: -len(".__init__")]
        for node in _own_nodes(fn):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) \
                    and (q, node.value.id) in out and len(node.targets) == 1:
                attr = _dotted(node.targets[0])
                if attr and attr.startswith("self.") and attr.count(".") == 1:
                    for m, _ in defs:
                        if m.rsplit(".", 1)[0] == cls:
                            out.setdefault((m, attr), out[(q, node.value.id)])
    return out


def _entry_attribute(node, fn) -> str | None:
    """The attribute an element of a handed tuple is taken from: `params` of `layer.params[k]` or of `layer.params`,
    and of `p` in `for k, p in layer.params.items()` (or `for p in layer.params.values()`) in the same function."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if not isinstance(node, ast.Name):
        return None
    for loop in _own_nodes(fn):
        if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.iter, ast.Call) \
                or not isinstance(loop.iter.func, ast.Attribute) or loop.iter.args:
            continue
        how, held = loop.iter.func.attr, loop.iter.func.value
        names = [loop.target] if isinstance(loop.target, ast.Name) else list(getattr(loop.target, "elts", ()))
        at = [i for i, t in enumerate(names) if isinstance(t, ast.Name) and t.id == node.id]
        if at and isinstance(held, ast.Attribute) and (how == "values" and at == [0] and len(names) == 1
                                                       or how == "items" and at == [1] and len(names) == 2):
            return held.attr
    return None


def _tuples_handed(trees) -> dict[tuple[str, str], tuple[tuple[int, str], ...]]:
    """(function, argument) -> (position, attribute) pairs: every call of the function hands that argument what a
    method called without arguments makes (`opt.step(net.parameters())`), tuples it yields or appends to the list it
    returns, whose element at `position` is an entry of an attribute (`layer.params[k]`, or `p` of
    `for k, p in layer.params.items()`). A loop over the argument (`for p, g in pairs: p -= ...`) steps those entries."""
    made: dict[str, list[tuple[int, str]]] = {}
    for _, q, fn in _walk_functions(trees):
        if q == "<module>":
            continue
        returned = {r.value.id for r in _own_nodes(fn) if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
        tuples = []
        for n in _own_nodes(fn):
            if isinstance(n, ast.Yield) and isinstance(n.value, ast.Tuple):
                tuples.append(n.value)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" \
                    and isinstance(n.func.value, ast.Name) and n.func.value.id in returned and len(n.args) == 1 \
                    and isinstance(n.args[0], ast.Tuple):
                tuples.append(n.args[0])
        for t in tuples:
            for i, e in enumerate(t.elts):
                attr = _entry_attribute(e, fn)
                if attr and (i, attr) not in made.get(q.rsplit(".", 1)[-1], []):
                    made.setdefault(q.rsplit(".", 1)[-1], []).append((i, attr))
    if not made:
        return {}
    return _handed_by_every_call(trees, lambda given, caller: made.get(_dotted(given.func).rsplit(".", 1)[-1], [])
                                 if isinstance(given, ast.Call) and not given.args and _dotted(given.func) else [])


def _handed_by_every_call(trees, held, constructors: bool = False) -> dict[tuple[str, str], tuple]:
    """(function, argument) -> what `held(argument expression, calling function)` finds in the argument at every call
    of the function (the union over the calls, kept in order), when it finds something at each; with
    `constructors`, a class's calls (`Adam(...)`) are calls of its `__init__`."""
    calls: dict[str, list[tuple[ast.Call, str]]] = {}  # last name called -> (call, the function it is written in)
    for _, q, fn in _walk_functions(trees):
        for c in _own_nodes(fn):
            if isinstance(c, ast.Call) and _dotted(c.func):
                calls.setdefault(_dotted(c.func).rsplit(".", 1)[-1], []).append((c, q))
    out: dict = {}
    for _, q, fn in _walk_functions(trees):
        if q == "<module>":
            continue
        names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        method = names[:1] == ["self"]
        mine = calls.get(q.rsplit(".", 1)[-1], [])
        if constructors and method and q.endswith(".__init__"):
            mine = mine + calls.get(q.rsplit(".", 2)[-2], [])
        for k, arg in enumerate(names[1:] if method else names):
            found: list = []
            for call, caller in mine:
                got = held(call.args[k] if k < len(call.args) else None, caller)
                if not got:
                    found = []
                    break
                found += [h for h in got if h not in found]
            if found:
                out[(q, arg)] = tuple(found)
    return out


_SHAPED_LIKE = frozenset({"zeros_like", "ones_like", "empty_like"})


def index_sources(sources: dict[str, str]) -> SourceIndex:
    trees = _parse(sources)
    loads: dict[str, list[Load]] = {}
    tail: dict[str, list[Load]] = {}
    calls_in: dict[str, set[str]] = {}
    globals_of: dict[str, set[str]] = {}
    loop_nodes: dict = {}
    fn_of_loop: dict = {}
    by_last: dict[str, list[str]] = {}
    binds: dict[str, set[str]] = {}
    report: set[tuple[str, int]] = set()
    params_of: dict[str, tuple[str, ...]] = {}
    classes = {n.name for tree in trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    bases = {n.name: tuple((_dotted(b) or "").rsplit(".", 1)[-1] for b in n.bases)
             for tree in trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    defaults_of: dict[str, dict[str, str]] = {}
    defined = {q.rsplit(".", 1)[-1] for _, q, _ in _walk_functions(trees)}
    for path, q, fn in _walk_functions(trees):
        by_last.setdefault(q.rsplit(".", 1)[-1], []).append(q)
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            binds.setdefault(q, set()).update(a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg))
            params_of[q] = tuple(a.arg for a in fn.args.posonlyargs + fn.args.args)
            if fn.args.defaults:
                defaults_of[q] = {a: ast.unparse(d) for a, d in
                                  zip(params_of[q][len(params_of[q]) - len(fn.args.defaults):], fn.args.defaults)}
        calls = calls_in.setdefault(q, set())
        # A read is placed at the first line of its statement (where the site of that statement is), so a
        # statement written over several lines is one place.
        todo = [(c, getattr(c, "lineno", 0)) for c in ast.iter_child_nodes(fn)]
        # The container a plain assignment writes over whole (`acc[:] = 0`) is not read by it: zeroing an
        # accumulator is no use of its value.
        written_into: set[int] = set()
        while todo:
            n, at = todo.pop()
            if isinstance(n, ast.stmt):
                at = n.lineno
            if isinstance(n, (ast.Assign, ast.AnnAssign)):
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                    for part in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]):
                        # Only a write over the whole container (`acc[:] = 0`, `acc[...] = 0`): a write of one
                        # element (`g["by"] = ...`) leaves the others, which later statements read through it.
                        if isinstance(part, ast.Subscript) and _whole(part.slice):
                            written_into.add(id(part.value))
            if isinstance(n, ast.Attribute) and n.attr in METADATA_ATTRS and isinstance(n.value, (ast.Name, ast.Attribute)):
                written_into.add(id(n.value))  # `acc.shape` describes acc; its values are not read
            # `np.zeros_like(p)` takes p's shape and type, not its values (a buffer made to match a parameter)
            if isinstance(n, ast.Call) and (_dotted(n.func) or "").rsplit(".", 1)[-1] in _SHAPED_LIKE and n.args \
                    and isinstance(n.args[0], (ast.Name, ast.Attribute)):
                written_into.add(id(n.args[0]))
            # A membership test (`if key not in self.m:`, an optimizer's state filled lazily) reads the container's
            # keys, not the values it holds.
            if isinstance(n, ast.Compare):
                for op, right in zip(n.ops, n.comparators):
                    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Name, ast.Attribute)):
                        written_into.add(id(right))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                binds.setdefault(q, set()).add(n.id)
            if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(getattr(n, "ctx", None), ast.Load) \
                    and id(n) not in written_into:
                d = _dotted(n)
                if d:
                    ld = Load(d, q, path, at)
                    loads.setdefault(d, []).append(ld)
                    if "." in d:
                        tail.setdefault(d.split(".", 1)[1], []).append(ld)
            elif isinstance(n, ast.Call):
                calls.update(_called_names(n, classes, defined))
            elif isinstance(n, (ast.Global, ast.Nonlocal)):
                globals_of.setdefault(q, set()).update(n.names)
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.While)):
                loop_nodes[(path, n.lineno)] = n
                fn_of_loop[(path, n.lineno)] = q
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) \
                    and (_dotted(n.value.func) or "").rsplit(".", 1)[-1] in _REPORTING_CALLS:
                report.add((path, n.lineno))
            if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                todo.extend((c, at) for c in ast.iter_child_nodes(n))
    return SourceIndex(loads, tail, calls_in, globals_of, loop_nodes, by_last, fn_of_loop, binds,
                       report_lines=frozenset(report), params_of=params_of, classes=frozenset(classes),
                       bases=bases, defaults_of=defaults_of,
                       defined=frozenset(defined), handed_lists=_lists_handed(trees),
                       handed_tuples=_tuples_handed(trees), layer_containers=_layer_containers(trees, classes),
                       handed_displays=frozenset(_handed_by_every_call(trees, _written_out)),
                       returned_entries=_returned_entries(trees))


def _written_out(given, caller) -> list:
    """[True] for an argument written out at the call (a list, a list comprehension or a tuple), else []."""
    return [True] if isinstance(given, (ast.List, ast.ListComp, ast.Tuple)) else []


def _returned_entries(trees) -> dict[str, tuple[tuple[int | None, str], ...]]:
    """method last name -> (position, attribute chain) of each attribute of self its returns list: in tuples
    (`return [("W", self.W, self.dW), ...]`: (1, "self.W"), (2, "self.dW")) or whole (`return [self.W]`: (None,
    "self.W"))."""
    out: dict[str, list] = {}
    for _, q, fn in _walk_functions(trees):
        if q == "<module>":
            continue
        for r in _own_nodes(fn):
            if not isinstance(r, ast.Return) or not isinstance(r.value, (ast.List, ast.Tuple)):
                continue
            for e in r.value.elts:
                parts = list(enumerate(e.elts)) if isinstance(e, ast.Tuple) else [(None, e)]
                for i, part in parts:
                    d = _dotted(part) if isinstance(part, ast.Attribute) else None
                    if d and d.startswith("self.") and (i, d) not in out.get(q.rsplit(".", 1)[-1], []):
                        out.setdefault(q.rsplit(".", 1)[-1], []).append((i, d))
    return {k: tuple(v) for k, v in out.items()}


_DRAWS = frozenset({"randn", "rand", "normal", "uniform", "standard_normal", "random", "random_sample", "truncnormal"})


def _layer_containers(trees, classes) -> frozenset[str]:
    """Names of the containers that hold the model's layers: a list written with objects of classes defined in the
    sources (`self.layers = [Dense(2, 8), Tanh()]`), or appended such objects or a layer's freshly drawn weights with
    its offsets (`W = rng.normal(...)`, `b = np.zeros(...)`, then `layers.append((W, b))`), or such a list handed to a
    class that keeps it. A loop over one walks the layers, not the data."""
    out: set[str] = set()
    for tree in trees.values():
        drawn, filled = set(), set()
        for n in ast.walk(tree):
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
                called = {(_dotted(c.func) or "").rsplit(".", 1)[-1] for c in ast.walk(n.value)
                          if isinstance(c, ast.Call)}
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                    if isinstance(t, ast.Name) and called & _DRAWS:
                        drawn.add(t.id)
                    elif isinstance(t, ast.Name) and called & {"zeros", "ones", "full"}:
                        filled.add(t.id)

        def layer_like(v) -> bool:
            if isinstance(v, ast.Call):
                return (_dotted(v.func) or "").rsplit(".", 1)[-1] in classes
            # a layer's drawn weights with its offsets set to one value (`(W, b)`, W from a draw, b from zeros)
            return isinstance(v, ast.Tuple) and len(v.elts) >= 2 and all(isinstance(e, ast.Name) for e in v.elts) \
                and any(e.id in drawn for e in v.elts) and all(e.id in drawn | filled for e in v.elts) \
                and any(e.id in filled for e in v.elts)

        for n in ast.walk(tree):
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, (ast.List, ast.Tuple)) \
                    and n.value.elts and all(layer_like(e) and isinstance(e, ast.Call) for e in n.value.elts):
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                    if _dotted(t):
                        out.add(_dotted(t))
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" \
                    and len(n.args) == 1 and layer_like(n.args[0]) and _dotted(n.func.value):
                out.add(_dotted(n.func.value))
        # handed to a class of the sources that keeps it (`Sequential([Dense(4, 1), Sigmoid()])`, whose __init__ has
        # `self.layers = layers`)
        inits = {n.name: next((f for f in n.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
                 for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
        for n in ast.walk(tree):
            if not isinstance(n, ast.Call) or (_dotted(n.func) or "").rsplit(".", 1)[-1] not in inits:
                continue
            init = inits[(_dotted(n.func) or "").rsplit(".", 1)[-1]]
            if init is None:
                continue
            params = [a.arg for a in init.args.args[1:]]
            for k, given in enumerate(n.args[:len(params)]):
                if isinstance(given, (ast.List, ast.Tuple)) and given.elts and all(
                        isinstance(e, ast.Call) and layer_like(e) for e in given.elts):
                    for st in ast.walk(init):
                        if isinstance(st, ast.Assign) and isinstance(st.value, ast.Name) and st.value.id == params[k]:
                            out.update(d for t in st.targets if (d := _dotted(t)))
    return frozenset(out)


def _loop_span(lp, idx: SourceIndex) -> LoopSpan:
    node = idx.loop_nodes.get((lp.file, lp.line))
    if node is None:
        return LoopSpan(lp.id, lp.file, lp.function, lp.line, lp.line)
    calls = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            calls.update(_called_names(sub, idx.classes, idx.defined))
    iter_reads: tuple[str, ...] = ()
    if isinstance(node, (ast.For, ast.AsyncFor)):
        iter_reads = tuple(_dotted(n) for n in ast.walk(node.iter)
                           if isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n))
    return LoopSpan(lp.id, lp.file, lp.function, lp.line, getattr(node, "end_lineno", lp.line) or lp.line,
                    frozenset(calls), iter_reads)


def _reachable_functions(calls: set[str], idx: SourceIndex) -> set[str]:
    """Qualified functions reachable from a set of called last names."""
    seen: set[str] = set()
    todo = [q for c in calls for q in idx.functions_by_last.get(c, ())]
    while todo:
        q = todo.pop()
        if q in seen:
            continue
        seen.add(q)
        for c in idx.calls_in.get(q, ()):
            todo.extend(idx.functions_by_last.get(c, ()))
    return seen


# -- loop events ----------------------------------------------------------------------------------


def loop_intervals(ev_seq, ev_loop, ev_kind) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Loop id -> (iteration start seqs, iteration end seqs): an iteration ends at the loop's next event."""
    out = {}
    if ev_seq is None or not len(ev_seq):
        return out
    for lid in np.unique(ev_loop).tolist():
        m = ev_loop == lid
        seq, kind = ev_seq[m], ev_kind[m]
        starts_idx = np.nonzero(kind == EV_ITER)[0]
        if not len(starts_idx):
            continue
        nxt = np.append(seq[1:], np.iinfo(np.int64).max)
        out[int(lid)] = (seq[starts_idx], nxt[starts_idx])
    return out


def _iterations_hit(iv, seqs: np.ndarray) -> np.ndarray:
    """Indices of the iterations (of one loop) that hold any of `seqs`."""
    starts, ends = iv
    if not len(seqs):
        return np.zeros(0, np.int64)
    i = np.searchsorted(starts, seqs, side="right") - 1
    ok = i >= 0
    ok[ok] &= seqs[ok] < ends[i[ok]]
    return np.unique(i[ok])


def _encloses(outer, inner) -> bool:
    """Every iteration of `inner` starts inside an iteration of `outer`, which runs fewer times."""
    (os_, oe), (is_, _) = outer, inner
    if len(os_) >= len(is_) or not len(is_):
        return False
    i = np.searchsorted(os_, is_, side="right") - 1
    return bool(np.all(i >= 0) and np.all(is_ < oe[np.maximum(i, 0)]))


# -- roles of update sites ------------------------------------------------------------------------


def _scope_readers(key: str, fn: str, idx: SourceIndex, local_writers: dict[str, set[str]]) -> list[Load]:
    """Reads of a written name as the program sees it: attribute chains by the chain, or by the chain's
    tail under any root (`layer.W` is read as `self.W` in the layer's methods); plain names
    in their function, and in every function that does not bind them itself when they are module globals."""
    if "." in key:
        rest = key.split(".", 1)[1]
        return list(idx.loads.get(key, ())) + [ld for ld in idx.tail_loads.get(rest, ()) if ld.name != key]
    out = []
    is_global = fn == "<module>" or key in idx.globals_of.get(fn, ())
    for ld in idx.loads.get(key, ()):
        if ld.function == fn or (is_global and (ld.function == "<module>" or key not in local_writers.get(ld.function, ()))):
            out.append(ld)
    # A closure's free variable (`state["w"] = ...` in a function nested in the one that bound `state`): the
    # binding function and every function nested in it that does not bind the name itself read the same value.
    owner = fn
    while key not in idx.binds.get(owner, ()) and "." in owner:
        owner = owner.rsplit(".", 1)[0]
    if owner != fn and key in idx.binds.get(owner, ()):
        for ld in idx.loads.get(key, ()):
            if (ld.function == owner or (ld.function.startswith(owner + ".") and key not in idx.binds.get(ld.function, ()))) \
                    and ld not in out:
                out.append(ld)
    return out


def _rebuilt_by_appends(s, key: str, by_fn_name: dict) -> bool:
    """Whether `s` (`layers = new_layers[::-1]`) rebinds `key` to a container the same function filled by appending
    values computed from what `key` held (`W, b = layers[i]`, then `new_layers.append((W - lr * dW, b - lr * db))`):
    a list of parameters rebuilt at every step. The value must be the container itself (a name, a slice of it, or
    `list(...)`, `tuple(...)`, `reversed(...)` of one): `a = acts[-1] @ W + b` computes with one element of a list of
    layer outputs, and rebinds nothing."""
    node = _first_statement(s)
    value = node.value if isinstance(node, ast.Assign) else None
    while isinstance(value, ast.Call) and _dotted(value.func) in ("list", "tuple", "reversed") and len(value.args) == 1:
        value = value.args[0]
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
        value = value.value
    if not isinstance(value, (ast.Name, ast.Attribute)):
        return False
    for name in s.reads:
        appends = [w for w in by_fn_name.get((s.function, name), ()) if w.kind == "append"]
        names, seen = [r for w in appends for r in w.reads], set()
        for _ in range(3):  # what was appended, what that was computed from, and once more
            if key in names:
                return True
            nxt = []
            for n in names:
                for w in by_fn_name.get((s.function, n), ()):
                    if w.id not in seen and w.kind != "append":
                        seen.add(w.id)
                        nxt.extend(w.reads)
            names = nxt
    return False


def _hands_to_stepper(s, name: str, idx: SourceIndex, stepped: dict[str, set[str]]) -> bool:
    """Whether the statement `s` hands `name` to a function defined in the sources that steps the parameter it
    receives it as (`V, c = step(V, c, X)` with `V = V - rate * dV` in `step`): that function reads and steps it
    under its own parameter's name, a use the caller's lines do not show."""
    node = _first_statement(s)
    if node is None:
        return False
    for c in ast.walk(node):
        if not isinstance(c, ast.Call):
            continue
        last = (_dotted(c.func) or "").rsplit(".", 1)[-1]
        for pos, a in enumerate(c.args):
            if _dotted(a) != name:
                continue
            for q in idx.functions_by_last.get(last, ()):
                params = idx.params_of.get(q, ())
                if pos < len(params) and params[pos] in stepped.get(q, ()):
                    return True
    return False


def _adds_whole(s, keys: dict, own: str) -> bool:
    """`total += w` (or `total = total + w`), where `w` is another key of `keys` read whole (no product, no index):
    the statement adds a stepped value itself to a running total."""
    added = _added_value(s, (ast.Add,))
    if added is None:
        return False
    name = _dotted(added)
    return bool(name) and any(key != own and key in keys
                              for key in (name if "." in name else f"{s.function}::{name}", f"<module>::{name}"))


def _stored_name(s) -> str | None:
    """`self.vel[name] = v`: the plain name a write stores, whole; None for any other write."""
    node = _first_statement(s)
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Name):
        return node.value.id
    return None


def _adds_name(s, names: set) -> bool:
    """`p += v`, `p -= v` or `p = p + v`: the statement steps its target by one of `names`, whole."""
    added = _added_value(s, (ast.Add, ast.Sub))
    return isinstance(added, ast.Name) and added.id in names


def _added_value(s, ops: tuple) -> ast.expr | None:
    """What `x op= value` or `x = x op value` (op one of `ops`) combines into its target; None for any other
    statement."""
    node = _first_statement(s)
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ops):
        return node.value
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ops) \
            and len(node.targets) == 1 and ast.unparse(node.targets[0]) == ast.unparse(node.value.left):
        return node.value.right
    return None


def classify_updates(sites, idx: SourceIndex, obs_counts: dict[int, int] | None, loops=(),
                     reads_out: dict | None = None, scalar_sites=frozenset()) -> tuple[list[int], dict[int, str]]:
    """(parameter update sites, {other update site: its role}).

    A write that reads the value it replaces (`W -= lr*g`, `p[k] = p[k] - ...`, `w, b = step(w, b)`) is a
    parameter's update when something other than updates reads the value: the model uses it. A value read
    only by other updates feeds them (optimizer state, a gradient accumulator); one rebuilt from scratch
    inside the loop that updates it is working storage; one never read is no parameter either.
    """
    local_writers: dict[str, set[str]] = {}
    for s in sites:
        if s.kind == "return":
            continue
        name = s.target[4:] if s.kind == "arg" else base_key(s.target)
        if "." not in name:
            local_writers.setdefault(s.function, set()).add(name)
    by_fn_name: dict[tuple[str, str], list] = {}
    for s in sites:
        if s.kind not in ("return", "arg"):
            by_fn_name.setdefault((s.function, base_key(s.target)), []).append(s)

    loop_iters: dict[tuple[str, str], list[str]] = {}
    loop_heads: dict[tuple[str, str], set[tuple[str, int]]] = {}  # (function, loop variable) -> its loops' headers
    for lp in loops:
        node = idx.loop_nodes.get((lp.file, lp.line))
        if isinstance(node, (ast.For, ast.AsyncFor)):
            by_target = _iter_reads_by_target(node)
            for t in lp.targets:
                loop_iters.setdefault((lp.function, t), []).extend(by_target.get(t, by_target[None]))
                loop_heads.setdefault((lp.function, t), set()).add((lp.file, lp.line))

    rebuilt: set[int] = set()  # containers rebuilt from appended steps: their values are recorded where appended

    def self_referential(s) -> bool:
        key = base_key(s.target)
        if _reorder(s, key):
            return False  # `X = X[perm]`: the same data in another order, nothing learned
        if s.kind == "update":
            return True
        if s.kind == "augassign":
            # `H *= (W.T @ V) / (W.T @ W @ H)`: a multiplicative step whose factor is computed with matrix products
            # (a factor that is a number, `grad *= clip_coef`, `lr *= decay`, `x *= 2`, is a rescaling)
            node = _first_statement(s)
            return (isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Mult, ast.Div))
                    and any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult)
                            or isinstance(n, ast.Call) and (_dotted(n.func) or "").rsplit(".", 1)[-1]
                            in ("dot", "matmul", "einsum", "tensordot")
                            for n in ast.walk(node.value)))
        if s.kind in ("setitem", "unpack", "assign", "inplace"):
            if key in s.reads:
                return s.kind != "assign" or bool(s.calls)
            if s.kind == "assign" and _rebuilt_by_appends(s, key, by_fn_name):
                rebuilt.add(s.id)
                return True
            if s.kind == "setitem":
                # `params[p] = next_w` where next_w came from `w = params[p]` in the same function, or from the
                # container the written one copies (`new = list(layers)`, `new[k] = (W - lr * gW, ...)`, then
                # `layers = new`: the layers rebuilt each step)
                key = _copied_container(s.function, key, by_fn_name) or key
                names, seen = list(s.reads), set()
                for _ in range(3):
                    nxt = []
                    for n in names:
                        for w in by_fn_name.get((s.function, n), ()):
                            if w.id not in seen:
                                seen.add(w.id)
                                nxt.extend(w.reads)
                        # a loop variable over the container (`for p, w in params.items()`) reads it
                        nxt.extend(r for r in loop_iters.get((s.function, n), ()))
                    if key in nxt:
                        return True
                    names = nxt
        return False

    cands = [s for s in sites if s.kind not in ("return", "arg") and self_referential(s)]
    keys: dict[str, list] = {}
    for s in cands:
        k = base_key(s.target)
        # written into a copy that is bound back (`new[k] = ...`, then `layers = new`): the model's name is the copy's
        k = (_copied_container(s.function, k, by_fn_name) or k) if s.kind == "setitem" else k
        keys.setdefault(k if "." in k else f"{s.function}::{k}", []).append(s)
    loop_parent = {lp.id: lp.parent for lp in loops}
    loop_targets = {lp.id: set(lp.targets) for lp in loops}

    def loop_chain(lid):
        out = []
        while lid is not None and lid not in out:
            out.append(lid)
            lid = loop_parent.get(lid)
        return out

    writes_lines: dict[tuple[str, int], set[str]] = {}
    for k, ss in keys.items():
        for s in ss:
            for ln in range(s.line, s.end_line + 1):
                writes_lines.setdefault((s.file, ln), set()).add(k)
    returned = {(s.function, r) for s in sites if s.kind == "return" for r in s.reads}

    stepped_in: dict[str, set[str]] = {}  # function -> plain names it steps (`V = V - rate * dV`)
    for s in cands:
        if "." not in base_key(s.target) and _is_step(s):
            stepped_in.setdefault(s.function, set()).add(base_key(s.target))
    sites_at: dict[tuple[str, int], list] = {}
    for x in sites:
        sites_at.setdefault((x.file, x.line), []).append(x)
    role: dict[str, str] = {}
    other_reads: dict[str, list[Load]] = {}
    for k, ss in keys.items():
        s0 = ss[0]
        name = base_key(s0.target)
        lds = _scope_readers(name, s0.function, idx, local_writers)
        own = {(s.file, ln) for s in ss for ln in range(s.line, s.end_line + 1)}
        other_reads[k] = [ld for ld in lds if (ld.file, ld.line) not in own]
        # `w_sum += w`: every write adds another stepped value itself, whole (an averaged perceptron's running
        # total), and the total is read only divided (`w_avg = w_sum / count`): an average of the other's values,
        # grown by design, not a value the loss steps. A weight stepped by its velocity (`W += v`, `p += v`) is read
        # by the model, never only divided.
        divided = re.compile(rf"(?<![\w.]){re.escape(name)}\s*/")
        if other_reads[k] and all(_adds_whole(x, keys, k) for x in ss) and all(
                any(divided.search(x.statement or "") for x in sites_at.get((ld.file, ld.line), ()))
                for ld in other_reads[k]):
            role[k] = "a running total of another learned value (read divided: an average)"
            other_reads[k] = []
            continue
        # `w -= lr * X.T @ (X @ w - y)`: the update's own value reads the model, a use like any other.
        other_reads[k] += [Load(name, x.function, x.file, x.line) for x in ss if _aug_value_reads(x, name)]
        # A loop variable (`for W, dW in zip(self.weights, grads): W -= lr * dW`) is each element of what the
        # loop walks: the model reads it where it reads that container.
        # The loop's own header, which hands the elements out (`zip([Wxh, bh], [mWxh, mbh])`), is no use of them.
        if "." not in name:
            heads = loop_heads.get((s0.function, name), set())
            for c in loop_iters.get((s0.function, name), ()):
                if c != name and c not in ("zip", "enumerate", "range", "reversed", "len"):
                    # `params = [hid_w, out_w]`: the model reads the listed arrays under their own names
                    held = [n for w in sites if w.kind == "assign" and base_key(w.target) == c
                            for n in _listed_names(w.statement or "")]
                    for c2 in [c] + held:
                        other_reads[k] += [ld for ld in _scope_readers(c2, s0.function, idx, local_writers)
                                           if (ld.file, ld.line) not in own and (ld.file, ld.line) not in heads]
                    # an argument every call hands a list of arrays (`opt.step(model.params(), ...)`): the model
                    # reads those arrays under their own names (`self.w` in its forward pass)
                    for c2, where in idx.handed_lists.get((s0.function, c), ()):
                        other_reads[k] += _scope_readers(c2, where, idx, local_writers)
            # a loop over what a method returns written out (`for name, p, g in layer.parameters()` over `return
            # [("W", self.W, self.dW), ...]`): the variable is the attribute at its position, read under its own name
            for head in heads:
                node = idx.loop_nodes.get(head)
                call = node.iter if isinstance(node, (ast.For, ast.AsyncFor)) else None
                if not isinstance(call, ast.Call) or not _dotted(call.func):
                    continue
                names = [node.target] if isinstance(node.target, ast.Name) else list(getattr(node.target, "elts", ()))
                at = next((i for i, t in enumerate(names) if isinstance(t, ast.Name) and t.id == name), None)
                single = isinstance(node.target, ast.Name)
                for pos, attr in idx.returned_entries.get(_dotted(call.func).rsplit(".", 1)[-1], ()):
                    if (pos is None and single) or (pos is not None and pos == at and not single):
                        other_reads[k] += [ld for ld in _scope_readers(attr, s0.function, idx, local_writers)
                                           if (ld.file, ld.line) not in own]
        # Handed back to a caller that passes it in again under the same name (`params, v, s = adam(params, g, v,
        # s)` over `return params, v, s`): the caller's variable carries it, and is judged on its own reads.
        ret_lines = {(x.file, x.line) for x in sites if x.kind == "return" and x.function == s0.function}
        callee = s0.function.rsplit(".", 1)[-1]
        if "." not in name and ret_lines and any(
                w.kind in ("unpack", "assign") and base_key(w.target) == name and name in w.reads
                and callee in {c.rsplit(".", 1)[-1] for c in w.calls} for w in sites):
            other_reads[k] = [ld for ld in other_reads[k] if (ld.file, ld.line) not in ret_lines]
        # Stepped in place through a loop over tuples the function is handed, which every call makes from the model's
        # entries (`for name, p, g in named: p -= lr * g`, `named` built by `net.named()` from each layer's dict):
        # the step writes into an array the model reads.
        # Likewise through a loop over a list an object keeps (`for p, g in zip(self.params, grads): p -= ...` in
        # an optimizer handed `model.parameters()`), or one every call writes out (`opt.step([(k, params[k], g[k])
        # for k in params])`): the step writes into arrays the model reads under its own names (a loop variable only
        # rescaled in place, `v *= mu`, steps nothing).
        handed_element = "." not in name and bool(loop_heads.get((s0.function, name))) \
            and all(_steps_in_place(x) and not _rescales(x) for x in ss) and any(
                (s0.function, c) in idx.handed_tuples or (s0.function, c) in idx.handed_displays or "." in c
                for c in loop_iters.get((s0.function, name), ()))
        if not other_reads[k] and not handed_element \
                and not _writes_through(ss, by_fn_name.get((s0.function, name), []), name) \
                and not any(_hands_to_stepper(x, name, idx, stepped_in) for x in ss):
            role[k] = "never read"
            continue
        # Read only by progress lines (`smooth_loss = 0.99 * smooth_loss + 0.01 * loss`, then printed): a running
        # statistic of the run, which the model never uses.
        if other_reads[k] and all((ld.file, ld.line) in idx.report_lines for ld in other_reads[k]) \
                and not any(_hands_to_stepper(x, name, idx, stepped_in) for x in ss):
            role[k] = "only printed (a running statistic)"
            continue
        # A loop variable rebound inside its loop (`for X, y in loader: X = Tensor(X)`): the loop binds it afresh
        # at each iteration, so nothing carries from one iteration to the next. (Updated in place, `p -= lr * g`
        # writes the container's element the variable aliases: that stays a parameter's update; and a step
        # written as a rebinding, `W = W - lr * dW` over zip(self.weights, grads), is a parameter's update that
        # never reaches the container, which the rules about lost updates judge.)
        if "." not in name and all(_rebinds(x) and not _steps_itself(x, name) and x.loop is not None and any(name in loop_targets.get(lid, ()) for lid in
                                                              loop_chain(x.loop)) for x in ss):
            role[k] = "a loop variable (bound afresh at each iteration)"
            continue
        # Never recorded though the run recorded values (`shift = shift + volume`, a Python int the capture does not
        # keep): a count or an offset, not a number or array anything learns.
        # (A plain name only: a write into a container's element, `layers[i]["w"] -= ...`, is recorded where the
        # container is read.)
        if obs_counts and "." not in name and "[" not in name and all(x.target.isidentifier() for x in ss) \
                and not any(x.id in rebuilt for x in ss) \
                and all(obs_counts.get(x.id, 0) == 0 for x in ss) and any(
                obs_counts.get(y.id, 0) > 0 for x in ss if x.loop is not None for y in sites
                if y.loop == x.loop and y.function == x.function):
            role[k] = "never recorded (an integer count or offset)"
            continue
        # Written once (`X = (X - mu) / sd` before training): preprocessing, not a learned value.
        if obs_counts and all(obs_counts.get(x.id, 0) <= 1 for x in ss) and all(x.loop is None for x in ss) \
                and any(obs_counts.get(x.id, 0) == 1 for x in ss):
            role[k] = "written once (preprocessing)"
            continue
        # Written once per element, by a loop of the script's top level that no other loop repeats (`for j in
        # range(X.shape[1]): X[:, j] = (X[:, j] - mu) / sd`): each column rescaled once, preprocessing too.
        if all(x.kind == "setitem" and x.function == "<module>" and x.loop is not None
               and loop_parent.get(x.loop) is None and _indexed_by(x, loop_targets.get(x.loop, ())) for x in ss) \
                and len({x.loop for x in ss}) == 1:
            role[k] = "written once per element (preprocessing)"
            continue
        # A plain local name rebound inside a helper outside any loop of its own (`p = np.clip(p, ...)`)
        # carries nothing to the next step: the caller's rebinding (`w = step(w)`) is the update.
        # A write into a container the helper did not bind (`state["w"] = ...` on a closure's dict, `w[0] -= ...`
        # on a module's list) is no rebinding: the container outlives the call.
        if "." not in name and s0.function != "<module>" and name not in idx.globals_of.get(s0.function, ()) \
                and all(x.loop is None for x in ss) \
                and not any((x.kind == "setitem" or x.target.startswith(name + "[")) and name not in
                            idx.binds.get(s0.function, ()) for x in ss):
            role[k] = "a local rebinding inside a helper"
            continue
        # Rebuilt at each iteration of a loop that holds its update: working storage (`dW = zeros`, `total = 0`).
        # A buffer written afresh in place (`np.dot(a, b, out=buf)`) is rebuilt like one assigned anew.
        if "." in name:
            resets = [w for w in sites if w.kind in ("assign", "unpack", "inplace") and base_key(w.target) == name
                      and name not in w.reads]
        else:
            resets = [w for w in by_fn_name.get((s0.function, name), []) if w.kind in ("assign", "unpack", "inplace")
                      and name not in w.reads]
        # (A container rebuilt from steps of what it held, `layers = new_layers[::-1]`, is the update, not a reset.)
        resets = [w for w in resets if w not in ss]
        # A name every write of which rebinds it with something other than a step (`h = layer.forward(h)` walking
        # the layers) never writes through to a stored array it was first bound to (`h = data[i]`).
        carried = "." not in name and all(_rebinds(x) and not _steps_itself(x, name) for x in ss)
        for w in resets:
            if (_binds_stored_value(w) or _binds_stored_values_returned(w, sites)) and not carried:
                continue  # `w, c = self.layers[i]`: the name now refers to a stored array, updated in place
            if _copied_container(w.function, name, by_fn_name) or (
                    len(w.reads) == 1 and _copied_container(w.function, w.reads[0], by_fn_name) == name):
                continue  # `new = list(layers)`, written into, then `layers = new`: the stored values carried on
            if w.loop is not None and any(w.loop in loop_chain(x.loop) for x in ss):
                role[k] = "working storage (set afresh inside the loop that updates it)"
        # Set afresh, then transformed, in one function (`self.out = x @ W + b`, then `self.out = tanh(self.out)`):
        # every call starts it anew, so nothing carries from one step to the next; a step (`w = w - lr * g`) would.
        if k not in role and resets and all(
                _rebinds(x) and not _is_step(x) and any(w.function == x.function and w.file == x.file
                                                        and w.line < x.line and w.loop == x.loop for w in resets)
                for x in ss):
            role[k] = "working storage (set afresh earlier in the same function)"
        # Zeroed entry by entry earlier in the function that then sums into it inside a loop of its own
        # (`self.grads[k] = np.zeros_like(self.params[k])`, then `self.grads["U"] += ...` over the time steps): a sum
        # rebuilt at every call and handed on, not a value carried from one step to the next.
        if k not in role and all(_sums_into(x) and x.loop is not None for x in ss):
            first = min(x.line for x in ss)
            zeroed = [w for w in by_fn_name.get((s0.function, name), []) if w.kind == "setitem" and w not in ss
                      and w.line < first and _zero_fill(w) and all(w.loop != x.loop for x in ss)]
            if zeroed:
                role[k] = "working storage (zeroed at each call, then summed into)"
        # Set afresh (in another method of the step, `self.out = sigmoid(z)` in forward), then rescaled in place
        # (`np.multiply(self.out, 1 - self.out, out=self.out)` in backward), set at least as often as rescaled: the
        # value is rebuilt before each rescaling, so nothing carries over; a parameter is stepped, not only rescaled.
        if k not in role and resets and obs_counts and all(_rescales(x) for x in ss) and \
                sum(obs_counts.get(w.id, 0) for w in resets) >= max(obs_counts.get(x.id, 0) for x in ss) > 0:
            role[k] = "working storage (set afresh, then rescaled in place)"
        # Built from scratch, summed into and handed back (`g = zeros(...); g[k] += ...; return g`): a
        # per-call result, when nothing in the function but the return reads it.
        if k not in role and "." not in name and resets and (s0.function, name) in returned:
            ret_lines = {(x.file, x.line) for x in sites if x.kind == "return" and x.function == s0.function}
            if all((ld.file, ld.line) in ret_lines for ld in other_reads[k] if ld.function == s0.function):
                role[k] = "a per-call result (built, summed into and returned)"

    # Values read only by the updates of other keys, directly (`W += v`, `W -= lr * dW`) or through one
    # assignment that feeds nothing else (`m_hat = m / (1 - b1 ** t)`), are optimizer state or gradient
    # accumulators. A value that also reaches its own update (`g = w @ x - t` feeds `w -= lr * g`) is the
    # model's: the loop carries it through the model, not through the optimizer.
    update_lines: dict[tuple[str, int], set[str]] = {}
    # A local set afresh at each call from nothing (`s = 0.0`, then `s = a * s + w * x` over a sequence), or a
    # number (`s = b1[h]`, then `s += x[i] * W1[i][h]`), is the model computing, not an update: what it reads is read
    # by the model. (An array bound to a stored one, `p = getattr(self, name)` then `p -= ...`, writes into it.)
    fresh = per_call_updates(sites, idx, [s.id for ss in keys.values() for s in ss], obs_counts or {})
    for k, ss in keys.items():
        if k in role or (all(s.id in fresh for s in ss) and (_starts_from_nothing(ss, by_fn_name)
                                                              or all(s.id in scalar_sites for s in ss))):
            continue
        for s in ss:
            for ln in range(s.line, s.end_line + 1):
                update_lines.setdefault((s.file, ln), set()).add(k)
    feeders: dict[tuple[str, int], set[str]] = {}  # assignment lines whose value feeds only updates
    for s in sites:
        # (an entry of a dict made for the step, `v_hat[k] = v[k] / (1 - b1 ** t)`, feeds like an assignment)
        if s.kind not in ("assign", "unpack", "setitem") or (s.file, s.line) in update_lines:
            continue
        lds = [ld for ld in _scope_readers(base_key(s.target), s.function, idx, local_writers)
               if (ld.file, ld.line) != (s.file, s.line)]
        if lds and all((ld.file, ld.line) in update_lines for ld in lds):
            feeders[(s.file, s.line)] = set().union(*(update_lines[(ld.file, ld.line)] for ld in lds))
    fed_by: dict[str, set[str]] = {}
    direct: dict[str, bool] = {}
    for k, ss in keys.items():
        if k in role:
            continue
        fed = set()
        ok = True
        only_direct = True
        printed = False
        for ld in other_reads[k]:
            at = (ld.file, ld.line)
            if at in idx.report_lines and at not in update_lines:
                printed = True  # shown as progress (`print(f"step={step}")`): the model does not read it there
                continue
            into = update_lines.get(at) or feeders.get(at)
            only_direct &= at in update_lines
            if not into or k in into:
                ok = False
                break
            fed |= into
        # Printed besides, it feeds the updates only when the updates read it themselves (a rate taken from a
        # schedule); a value handed to a function that computes the model (`sweep(gains, base)`) is the model's.
        ok = ok and (only_direct or not printed)
        if ok and fed:
            fed_by[k], direct[k] = fed, only_direct
    # Two values feeding each other's updates (`velocity = 0.9 * velocity + g` with `g` computed from `bias`,
    # and `bias -= lr * velocity`): the one an update reads directly is the optimizer's, the other the model's.
    for k in list(fed_by):
        if not direct[k] and any(j in fed_by and k in fed_by[j] and direct[j] for j in fed_by[k]):
            del fed_by[k]
    for k, fed in fed_by.items():
        ss = keys[k]
        deeper = any(s.loop is not None for s in ss) and all(
            any(t.loop is None or (s.loop is not None and s.loop != t.loop and t.loop in loop_chain(s.loop))
                for s in ss) for f in fed for t in keys.get(f, ()))
        role[k] = ("gradient accumulator (summed into, then applied to " if deeper else
                   "optimizer state (read only by the update of ") + ", ".join(
            sorted(base_key(keys[f][0].target) for f in fed if f in keys)) + ")"
    # A velocity kept under its own name through a local copy (`v = self.vel.get(name, 0)`, `v = mu * v - lr * g`,
    # `self.vel[name] = v`, then `p += v`): every write stores a plain name that another key's update, in the same
    # function, adds or subtracts whole. The store is the optimizer's; the key stepped by it is the model's.
    for k, ss in keys.items():
        if k in role:
            continue
        stored = {_stored_name(x) for x in ss}
        if None in stored:
            continue
        stepped = sorted(base_key(keys[j][0].target) for j, tt in keys.items()
                         if j != k and j not in role and all(t.function == ss[0].function and _adds_name(t, stored)
                                                            for t in tt))
        if stepped:
            role[k] = "optimizer state (a velocity the update of " + ", ".join(stepped) + " adds)"
    # A plain local carried from layer to layer (`delta = (delta @ self.weights[i].T) * ...` in a loop over
    # i, `a = sigmoid(w @ a + b)` in a loop over the weights) is a recurrence over the layers, not a parameter.
    param_containers = {base_key(ss[0].target) for k, ss in keys.items() if k not in role} | idx.layer_containers
    for k, ss in keys.items():
        if k not in role:  # what a loop variable that is updated walks over (`zip(self.weights, grads_W)`)
            param_containers.update(loop_iters.get((ss[0].function, base_key(ss[0].target)), ()))
    loop_by_id = {lp.id: lp for lp in loops}
    for k, ss in keys.items():
        name = base_key(ss[0].target)
        if k in role or "." in name or any(x.loop is None or "[" in x.target for x in ss):
            continue  # an element written in place (`bs[i] -= lr * gb`) is the container's own update
        if (s0_loop := loop_by_id.get(ss[0].loop)) is not None and name in s0_loop.targets:
            continue  # the loop variable itself: an element of the container, updated in place
        if all(_walks_layers(x, loop_by_id.get(x.loop), param_containers - {name}, loop_iters) for x in ss):
            role[k] = "a recurrence over the layers"
    params, state = [], {}
    for k, ss in keys.items():
        for s in ss:
            if k in role:
                state[s.id] = role[k]
            else:
                params.append(s.id)
    if reads_out is not None:
        for k, ss in keys.items():
            for x in ss:
                reads_out[x.id] = other_reads.get(k, [])
    return sorted(params), state


_ITER_HELPERS = ("zip", "enumerate", "range", "reversed", "len", "list", "sorted", "items", "values", "keys")


def _names_read(node) -> list[str]:
    """The dotted names an expression reads, whole: `self.params`, not also its root `self`; a method's receiver is
    read too (`net` of `net.items()`)."""
    methods = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    roots = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute) and id(n) not in methods}
    return [_dotted(n) for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n)
            and id(n) not in roots]


def _iter_reads_by_target(node) -> dict:
    """What each variable of a for loop walks over: `for p, g, m in zip(params, grads, mems)` gives p the reads of
    `params` and m those of `mems` (zip pairs them by position, `enumerate(xs)` hands out xs's elements); under
    the key None, everything the header reads (the variables of any other loop)."""
    out: dict = {None: _names_read(node.iter)}
    it, target = node.iter, node.target
    if not isinstance(it, ast.Call) or it.keywords:
        return out
    fname = _dotted(it.func)
    if fname == "enumerate" and len(it.args) == 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2:
        it, target = it.args[0], target.elts[1]
        if isinstance(target, ast.Name):
            out[target.id] = _names_read(it)
        if not (isinstance(it, ast.Call) and not it.keywords and _dotted(it.func) == "zip"):
            return out
        fname = "zip"
    if fname == "zip" and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args) \
            and not any(isinstance(a, ast.Starred) for a in it.args):
        for elt, arg in zip(target.elts, it.args):
            # `for (W, b), (vW, vb) in zip(layers, velocity)`: each name of a pair walks that pair's container
            for name in ([elt] if isinstance(elt, ast.Name) else elt.elts if isinstance(elt, ast.Tuple) else []):
                if isinstance(name, ast.Name):
                    out[name.id] = _names_read(arg)
    return out


def _first_statement(site):
    """The first statement of a site's source text, parsed; None when it does not parse."""
    try:
        tree = ast.parse(site.statement.strip())
    except (SyntaxError, ValueError):
        return None
    return tree.body[0] if tree.body else None


def _rebinds(site) -> bool:
    """The statement binds its target to a new value (`x = f(x)`, `a, b = ...`), not augmented in place (`x -= g`)."""
    if site.kind in ("assign", "unpack"):
        return True
    return isinstance(_first_statement(site), (ast.Assign, ast.AnnAssign))


def _steps_itself(site, name: str) -> bool:
    """`name = name - ...` or `name = name + ...`: the form of a gradient step."""
    node = _first_statement(site)
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.op, (ast.Sub, ast.Add)) and isinstance(node.value.left, ast.Name)
            and node.value.left.id == name)


def _is_step(site) -> bool:
    """`t = t - ...` or `t = t + ...` (`self.w = self.w - lr * g`): its target stepped from its own value."""
    node = _first_statement(site)
    return (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.op, (ast.Sub, ast.Add))
            and ast.unparse(node.targets[0]) in (ast.unparse(node.value.left), ast.unparse(node.value.right)))


def _rescales(site) -> bool:
    """`x *= s`, `x /= s` or `np.multiply(x, s, out=x)` (`divide`): a value multiplied in place, no step added."""
    node = _first_statement(site)
    if isinstance(node, ast.AugAssign):
        return isinstance(node.op, (ast.Mult, ast.Div))
    call = node.value if isinstance(node, ast.Expr) else None
    return isinstance(call, ast.Call) and (_dotted(call.func) or "").rsplit(".", 1)[-1] in ("multiply", "divide") \
        and any(kw.arg == "out" for kw in call.keywords)


def _writes_through(ss, writes, name: str) -> bool:
    """Whether a local name's updates all write in place (`p -= lr * g`) into a stored array it was bound to in the
    same function (`p = self.params[k]`, `p = getattr(self, k)`): the stored array changes, and the model reads it
    there, though nothing reads the local afterwards."""
    if "." in name or not ss or not all(_augmented(x) for x in ss):
        return False
    binds = [w for w in writes if w.kind == "assign"]
    return bool(binds) and all(_binds_stored_value(w) for w in binds)


def _augmented(site) -> bool:
    """`x -= ...`, `x += ...`: an augmented assignment, written in place for an array."""
    return isinstance(_first_statement(site), ast.AugAssign)


def names_stored_value(node) -> bool:
    """`self.W`, `params[k]`, `getattr(self, k)`: an expression that names a value stored elsewhere (the same array,
    no copy)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
        return len(node.args) >= 2
    return isinstance(node, (ast.Attribute, ast.Subscript))


def _binds_stored_value(site) -> bool:
    """Whether an assignment only names a value that is stored elsewhere (`w, c = self.layers[i]`, `v = params[k]`,
    `p = getattr(self, k)`): no new array is made, so an in-place update of the name changes the stored array, which
    outlives the loop."""
    node = _first_statement(site)
    if not isinstance(node, ast.Assign):
        return False
    parts = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
    return bool(parts) and all(names_stored_value(p) for p in parts)


def _container_parts(expr) -> list | None:
    """The elements of a dict, list or tuple display (`{"W": self.W, "b": self.b}`); None for any other expression."""
    if isinstance(expr, ast.Dict):
        return expr.values
    if isinstance(expr, (ast.List, ast.Tuple)):
        return expr.elts
    return None


def _binds_stored_values_returned(site, sites) -> bool:
    """`params = module.params()` where every `params` method returns a container of stored arrays (`return {"W":
    self.W, "b": self.b}`): a new dict, but of the arrays themselves, so an in-place update of an element
    (`params[k] -= ...`) changes the stored array."""
    node = _first_statement(site)
    if not isinstance(node, ast.Assign):
        return False
    calls = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]  # `p, g = m.params(), m.grads()`
    return bool(calls) and all(isinstance(c, ast.Call) and _returns_stored((_dotted(c.func) or "").rsplit(".", 1)[-1],
                                                                           sites) for c in calls)


def _returns_stored(name: str, sites) -> bool:
    """Whether the methods called `name` write stored arrays out in a container (see _binds_stored_values_returned)."""
    returns = [x for x in sites if x.kind == "return" and x.function.rsplit(".", 1)[-1] == name]
    if not name or not returns:
        return False
    # Of the methods of that name (one per layer class), some return nothing stored (`return {}`) and a container
    # class returns what it gathered from its parts (`return params`); at least one writes stored arrays out.
    stored = False
    for x in returns:
        try:
            ret = ast.parse(x.statement.strip()).body[0]
        except (SyntaxError, IndexError):
            return False
        if not isinstance(ret, ast.Return):
            return False
        parts = _container_parts(ret.value)
        if parts and all(isinstance(p, (ast.Attribute, ast.Subscript)) for p in parts):
            stored = True
        elif not (isinstance(ret.value, ast.Name) or parts == []):
            return False
    return stored


def _starts_from_nothing(ss, by_fn_name) -> bool:
    """Whether every plain assignment of the updates' name in their function, other than the updates, reads nothing
    but numpy's and math's functions (`s = 0.0`, `g = np.zeros(3)`): a value built afresh, bound to no stored one."""
    name, fn = base_key(ss[0].target), ss[0].function
    own = {x.id for x in ss}
    starts = [w for w in by_fn_name.get((fn, name), ()) if w.id not in own and w.kind in ("assign", "unpack")]
    return bool(starts) and all(r.split(".")[0] in ("np", "numpy", "math") for w in starts for r in w.reads)


def _indexed_by(site, names) -> bool:
    """The statement writes an element its loop variable picks (`X[:, j] = ...` in a loop over j)."""
    node = _first_statement(site)
    targets = node.targets if isinstance(node, ast.Assign) else []
    return any(isinstance(t, ast.Subscript)
               and {n.id for n in ast.walk(t.slice) if isinstance(n, ast.Name)} & set(names) for t in targets)


def _walks_layers(site, lp, containers: set[str], loop_iters) -> bool:
    """The site sits in a loop that walks a parameter container: its variable indexes one in the statement,
    or the loop iterates over one."""
    if lp is None:
        return False
    if any(c in containers for t in lp.targets for c in loop_iters.get((lp.function, t), ())):
        return True
    try:
        tree = ast.parse(site.statement.strip())
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _dotted(node.value) in containers:
            used = {n.id for n in ast.walk(node.slice) if isinstance(n, ast.Name)}
            if used & set(lp.targets):
                return True
    return False


def _reorder(site, name: str) -> bool:
    """`X = X[perm]` or `X = X[idx, :]`: the value is the name itself, indexed."""
    node = _first_statement(site)
    return isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript) and _dotted(node.value.value) == name


def _copied_container(function: str, key: str, by_fn_name) -> str | None:
    """The container a written one copies whole in the same function (`new = list(layers)`, `layers.copy()`,
    `dict(params)`, `layers[:]`) when the copy is bound back to it there (`layers = new`), else None."""
    from ..detectors.facts import copied_whole

    copied = None
    for w in by_fn_name.get((function, key), ()):
        if w.kind == "assign":
            copied = copied_whole(w.statement) or copied
    if not copied:
        return None
    back = any(w.kind == "assign" and w.reads == (key,) for w in by_fn_name.get((function, copied), ()))
    return copied if back else None




def _aug_value_reads(site, name: str) -> bool:
    """An update whose right-hand side reads the name it updates beyond taking its old value."""
    node = _first_statement(site)
    if not isinstance(node, (ast.AugAssign, ast.Assign)):
        return False
    shaped = {id(n.value) for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr in METADATA_ATTRS}
    uses = sum(_dotted(n) == name for n in ast.walk(node.value)
               if isinstance(n, (ast.Name, ast.Attribute)) and id(n) not in shaped)
    # `W = W - lr * g` reads W once to replace it; `w = w - 0.1 * w` reads it again to compute the step
    return uses >= (1 if isinstance(node, ast.AugAssign) else 2)


# -- the structure --------------------------------------------------------------------------------


def build_structure(sites, loops, sources, ev_seq, ev_loop, ev_kind, obs_seq, obs_site, obs_shape=None,
                    shape_names=()) -> Structure:
    """Roles of update sites and of loops, from the sites, the sources' ASTs and the loop events (`shape_names`: the
    text of each shape code in `obs_shape`)."""
    sites = list(sites)
    loops = list(loops)
    idx = index_sources(sources)
    obs_seq = np.asarray(obs_seq if obs_seq is not None else [], np.int64)
    obs_site = np.asarray(obs_site if obs_site is not None else [], np.int64)
    if len(obs_site):
        ids, cnt = np.unique(obs_site, return_counts=True)
        obs_counts = {int(i): int(c) for i, c in zip(ids, cnt)}
    else:
        obs_counts = {}
    reads: dict[int, list[Load]] = {}
    # Sites that only ever held single numbers (Python floats): `+=` on one rebinds a local, it writes into nothing.
    scalar_sites: set[int] = set()
    if obs_shape is not None and len(obs_shape) == len(obs_site) and "()" in shape_names:
        codes = np.asarray(obs_shape)
        not_scalar = set(np.unique(obs_site[codes != list(shape_names).index("()")]).tolist())
        scalar_sites = set(np.unique(obs_site).tolist()) - not_scalar
    updates, state = classify_updates(sites, idx, obs_counts, loops, reads, scalar_sites)
    intervals = loop_intervals(np.asarray(ev_seq), np.asarray(ev_loop), np.asarray(ev_kind))
    counts = {lid: len(iv[0]) for lid, iv in intervals.items()}
    spans = {lp.id: _loop_span(lp, idx) for lp in loops}
    per_call = per_call_updates(sites, idx, updates, obs_counts)
    # Values that outlive one call carry the learning from one step to the next; a local set afresh at
    # each call (`dWxh = zeros_like(Wxh)` in a loss function) cannot, so loops are judged on the lasting
    # values first, and on the per-call ones only when no loop updates a lasting value.
    lasting = [u for u in updates if u not in per_call]
    roles = _loop_roles(sites, loops, idx, lasting, state, intervals, spans, obs_seq, obs_site, obs_shape, reads)
    lasting_trains = any(r.kind in ("training", "no-model-use") and r.iterations for r in roles.values())
    if not lasting_trains:
        roles = _loop_roles(sites, loops, idx, updates, state, intervals, spans, obs_seq, obs_site, obs_shape, reads)
    if not any(r.kind in ("training", "no-model-use") and r.iterations for r in roles.values()):
        # Last resort: values carried from iteration to iteration that nothing else reads (`w = w * 0.99`):
        # a loop that only evolves them is still the only loop whose iterations change state.
        unread = [u for u, why in state.items() if why == "never read"]
        if unread:
            last = _loop_roles(sites, loops, idx, unread, state, intervals, spans, obs_seq, obs_site, obs_shape, reads)
            if any(r.kind in ("training", "no-model-use") and r.iterations for r in last.values()):
                roles = last
    return Structure(sites, loops, tuple(updates), state, roles, counts, spans, intervals, frozenset(per_call),
                     lasting_trains)


def per_call_updates(sites, idx: SourceIndex, updates, obs_counts: dict[int, int]) -> set[int]:
    """Updates of a function's plain local that is set afresh at each of several calls (an argument of a
    function called more than once, or a first write that ran more than once)."""
    out = set()
    # Functions called more than once, as measured: a site outside the function's own loops recorded twice.
    # A first write that holds no array (`grads = {}`) is never recorded itself; outside the function's
    # loops it ran at every call, so it too sets the value afresh at each call.
    # An argument recorded more than once was handed in at more than one call.
    called_again = {(w.file, w.function) for w in sites if w.loop is None and obs_counts.get(w.id, 0) > 1}
    for u in updates:
        x = sites[u]
        name = base_key(x.target)
        if "." in name or x.function == "<module>" or name in idx.globals_of.get(x.function, ()):
            continue
        fresh = [w for w in sites if w.function == x.function and (
            (w.kind == "arg" and w.target[4:] == name)
            or (w.kind in ("assign", "unpack") and base_key(w.target) == name and name not in w.reads))]
        if any(obs_counts.get(w.id, 0) > 1 or (w.kind != "arg" and w.loop is None and not obs_counts.get(w.id)
                                              and (w.file, w.function) in called_again) for w in fresh):
            out.add(u)
    return out


def _inside_static(site, span: LoopSpan, reach: set[str]) -> bool:
    if site.file == span.file and site.function == span.function and span.line <= site.line <= span.end_line:
        return True
    return site.function in reach


def _load_inside(ld: Load, span: LoopSpan, reach: set[str]) -> bool:
    if ld.file == span.file and ld.function == span.function and span.line <= ld.line <= span.end_line:
        return True
    return ld.function in reach


def _loop_roles(sites, loops, idx, updates, state, intervals, spans, obs_seq, obs_site, obs_shape,
                reads=None) -> dict[int, LoopRole]:
    by_site_seq: dict[int, np.ndarray] = {}
    by_site_shape: dict[int, np.ndarray] = {}
    # A session read back from its chunks holds its rows chunk by chunk, not in seq order: each site's rows are put in
    # seq order here, their shapes with them.
    order = np.lexsort((obs_seq, obs_site))
    s_sorted = obs_site[order]
    shapes = np.asarray(obs_shape) if obs_shape is not None and len(obs_shape) == len(obs_seq) else None
    for u in list(updates) + [s.id for s in sites]:
        if u in by_site_seq:
            continue
        a, b = np.searchsorted(s_sorted, u, side="left"), np.searchsorted(s_sorted, u, side="right")
        by_site_seq[u] = obs_seq[order[a:b]]
        if shapes is not None:
            by_site_shape[u] = shapes[order[a:b]]
    param_names = {base_key(sites[u].target) for u in updates}
    # A site none of whose function's sites was ever recorded sat in code that never ran (a layer class the
    # model does not use, reached only by a method's name): it updates nothing inside any loop. The sources'
    # reach stands in only for sites of functions that ran, or when nothing at all was recorded.
    ran = {(s.file, s.function) for s in sites if len(by_site_seq.get(s.id, ()))}

    def never_ran(x) -> bool:
        return bool(len(obs_seq)) and (x.file, x.function) not in ran

    def scoped(x) -> str:
        k = base_key(x.target)
        return k if "." in k else f"{x.function}::{k}"

    param_scoped = {scoped(sites[u]) for u in updates}
    module_names = {base_key(sites[u].target) for u in updates if sites[u].function == "<module>"}
    # A parameter's first write (`W = randn(...)`): run again inside a loop, that loop restarts training.
    init_sites = [s for s in sites if s.kind in ("assign", "unpack") and s.id not in updates
                  and base_key(s.target) not in s.reads
                  and (scoped(s) in param_scoped or (base_key(s.target) in module_names
                                                     and base_key(s.target) in idx.globals_of.get(s.function, ())))]
    local_writers: dict[str, set[str]] = {}
    for s in sites:
        if s.kind != "return" and "." not in base_key(s.target):
            local_writers.setdefault(s.function, set()).add(s.target[4:] if s.kind == "arg" else base_key(s.target))
    model_reads: list[Load] = []
    update_lines = {(sites[u].file, ln) for u in updates for ln in range(sites[u].line, sites[u].end_line + 1)}
    for u in updates:
        got = (reads or {}).get(u)
        if got is None:
            got = _scope_readers(base_key(sites[u].target), sites[u].function, idx, local_writers)
        model_reads.extend(ld for ld in got if (ld.file, ld.line) not in update_lines)
    if obs_shape is not None and len(obs_shape):
        obs_shape = np.asarray(obs_shape)
    # an object's list of layers is walked under any name of the object (`self.model.layers` of `self.layers`)
    kept_layers = {c.rsplit(".", 1)[-1] for c in idx.layer_containers if c.startswith("self.")}
    roles: dict[int, LoopRole] = {}
    for lp in loops:
        iv = intervals.get(lp.id)
        n = len(iv[0]) if iv is not None else 0
        span = spans[lp.id]
        reach = _reachable_functions(set(span.calls), idx)
        inside, hit = [], set()
        for u in updates:
            seqs = by_site_seq.get(u, np.zeros(0, np.int64))
            if iv is not None and len(seqs):
                its = _iterations_hit(iv, seqs)
                if len(its):
                    inside.append(u)
                    hit.update(its.tolist())
            elif not never_ran(sites[u]) and _inside_static(sites[u], span, reach):
                inside.append(u)
                hit = set(range(n)) if n else hit
        if not inside:
            roles[lp.id] = LoopRole(lp.id, n, "no-update", 0, (), f"no parameter update runs inside line {lp.line}")
            continue
        names = sorted({base_key(sites[u].target) for u in inside})
        # Walking over the parameters: the loop's own variable picks what is updated, or it iterates over a
        # parameter container, or consecutive iterations update arrays of different shapes.
        picks = [u for u in inside if set(_names(sites[u].target)) & set(lp.targets)]
        over = [r for r in span.iter_reads if r in param_names]
        # or it iterates over the model's layers (objects of the sources' classes it was built from)
        over += [r for r in span.iter_reads
                 if r in idx.layer_containers or "." in r and r.rsplit(".", 1)[-1] in kept_layers]
        shape_walk = _shapes_differ(inside, iv, by_site_seq, by_site_shape) if iv is not None else False
        held = _held_by_loop_variable(lp, inside, sites, idx) if not (picks and len(picks) == len(inside)) else []
        if (picks and len(picks) == len(inside)) or over or shape_walk or held:
            why = (f"line {lp.line} `{lp.header.strip()}` walks over the parameters: "
                   + (f"its variable {', '.join(lp.targets)} picks the array each update writes" if picks else
                      f"it iterates over {over[0]}" if over else
                      f"its variable {', '.join(lp.targets)} is the object whose {held[0]} each update writes" if held
                      else "consecutive iterations update arrays of different shapes"))
            roles[lp.id] = LoopRole(lp.id, n, "per-parameter", len(hit), tuple(inside), why)
            continue
        restarts = []
        for w in init_sites:
            seqs = by_site_seq.get(w.id, np.zeros(0, np.int64))
            if iv is not None and len(seqs):
                if len(_iterations_hit(iv, seqs)) >= 2:
                    restarts.append(w)
            # A first write never recorded ran at most once unrecorded, or never: it restarts nothing measured.
        # Training starts over when the values the loop updates are set afresh and then updated several times
        # before they are set afresh again. A value set afresh about as often as it is updated carries nothing
        # from one update to the next (`self.grad = zeros` in the constructor of every node an autograd engine
        # builds at each step); one value among many that are never set afresh (the seed `loss.grad = 1` of a
        # backward pass, while the weights are never redrawn) restarts nothing either.
        restarts = [w for w in restarts if _updates_per_fresh_start(w, inside, sites, iv, by_site_seq) >= 2]
        if 2 * len({base_key(w.target) for w in restarts} & set(names)) < len(names):
            restarts = []
        if restarts:
            w = restarts[0]
            roles[lp.id] = LoopRole(lp.id, n, "restart", len(hit), tuple(inside),
                                    f"line {lp.line} `{lp.header.strip()}` sets {base_key(w.target)} afresh (line {w.line}) "
                                    f"in its iterations: each one starts training over")
            continue
        used = [ld for ld in model_reads if _load_inside(ld, span, reach)]
        if not used:
            roles[lp.id] = LoopRole(lp.id, n, "no-model-use", len(hit), tuple(inside),
                                    f"line {lp.line} `{lp.header.strip()}` runs {n} iterations that update {_join(names)}, but nothing "
                                    f"inside reads them except those updates (the model is not used inside it)")
            continue
        each = "each updates" if n and len(hit) >= n else f"{len(hit)} of them update"
        roles[lp.id] = LoopRole(lp.id, n, "training", len(hit), tuple(inside),
                                f"line {lp.line} `{lp.header.strip()}` runs {n} iterations, {each} "
                                f"{_join(names)}", np.asarray(sorted(hit), np.int64) if 0 < len(hit) < n else None)
    return roles


def _held_by_loop_variable(lp, inside, sites, idx: SourceIndex) -> list[str]:
    """The targets of the updates inside `lp` when every one of them writes into what the loop variable holds:
    the update sits in a method the loop body calls on its variable and writes `self.*` (`for layer in layers:
    layer.backward(g, lr)` updating `self.W`), or in a function the body hands its variable to and writes into
    that argument (`for name in names: opt.step(layer[name])` updating `parameter.value`). [] otherwise: a loop
    over samples calls its model's methods on objects the loop does not pick."""
    node = idx.loop_nodes.get((lp.file, lp.line))
    targets = set(lp.targets)
    if not isinstance(node, (ast.For, ast.AsyncFor)) or not targets:
        return []

    def mentions(expr) -> bool:
        return any(isinstance(n, ast.Name) and n.id in targets for n in ast.walk(expr))

    # (called last name, bound parameter: "self" for the receiver, else the position of an argument)
    bound: set[tuple[str, object]] = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        d = _dotted(sub.func)
        if isinstance(sub.func, ast.Attribute):
            name = sub.func.attr
            if mentions(sub.func.value):
                bound.add((name, "self"))
        elif d:
            name = d.rsplit(".", 1)[-1]
        else:
            continue
        for i, a in enumerate(sub.args):
            if mentions(a):
                bound.add((name, i))
    if not bound:
        return []
    out = []
    for u in inside:
        x = sites[u]
        root = base_key(x.target).split(".", 1)[0]
        fn = x.function
        # an update inside a closure of the method (`def _backward(): self.grad += ...`) writes the method's self
        while fn not in idx.params_of and "." in fn:
            fn = fn.rsplit(".", 1)[0]
        params = idx.params_of.get(fn, ())
        last = fn.rsplit(".", 1)[-1]
        is_method = bool(params) and params[0] == "self"
        ok = False
        if root == "self" and is_method:
            ok = (last, "self") in bound
        elif root in params:
            pos = params.index(root) - (1 if is_method else 0)
            ok = (last, pos) in bound
        if not ok:
            return []
        out.append(base_key(x.target))
    return out


def _updates_per_fresh_start(init, inside, sites, iv, by_site_seq) -> float:
    """How many updates of the value `init` writes ran inside the loop's iterations per run of `init` there."""
    def runs(site_id) -> int:
        seqs = by_site_seq.get(site_id, np.zeros(0, np.int64))
        if not len(seqs):
            return 0
        i = np.searchsorted(iv[0], seqs, side="right") - 1
        ok = i >= 0
        ok[ok] &= seqs[ok] < iv[1][i[ok]]
        return int(ok.sum())

    name = base_key(init.target)
    updates = sum(runs(u) for u in inside if base_key(sites[u].target) == name)
    return updates / max(runs(init.id), 1)


def _join(names) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if len(names) > 4:
        return ", ".join(names[:4]) + f" and {len(names) - 4} more"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _names(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z_]\w*", text)


def _shapes_differ(inside, iv, by_site_seq, by_site_shape) -> bool:
    """One update site writes arrays of different shapes in consecutive iterations: one parameter per iteration, or
    one layer's several (`for layer in layers: for p, g in layer.params(): p += ...` writes a weight and a bias per
    layer, each layer its own shapes). Judged on the set of shapes each iteration writes, over the iterations that
    write any."""
    starts, ends = iv
    for u in inside:
        seqs, site_shapes = by_site_seq.get(u), by_site_shape.get(u)
        if seqs is None or site_shapes is None or len(seqs) < 4:
            continue
        i = np.searchsorted(starts, seqs, side="right") - 1
        ok = (i >= 0)
        ok[ok] &= seqs[ok] < ends[i[ok]]
        i = i[ok]
        if not len(i):
            continue
        keep = i < i[min(len(i), 400) - 1] + 1  # the first iterations' writes, enough to judge
        shapes = site_shapes[ok][keep]
        its, first = np.unique(i[keep], return_index=True)
        # the set of shapes each iteration writes: how many writes an iteration makes (samples misclassified in an
        # epoch) says nothing, which arrays it writes does
        written = [frozenset(shapes[a:b].tolist()) for a, b in zip(first, list(first[1:]) + [len(shapes)])]
        if len(written) >= 3 and np.mean([x != y for x, y in zip(written[1:], written[:-1])]) > 0.3:
            return True
    return False


@dataclass(frozen=True)
class LoopChoice:
    step_loop: int | None
    training_loop: int | None
    reason: str


def choose_loops(st: Structure) -> LoopChoice:
    """The step loop (innermost loop whose iterations update the parameters) and the training loop (the
    outermost such loop around it, the user's epoch loop when there is one)."""
    train = [r for r in st.loop_roles.values() if r.kind == "training" and r.iterations > 0]
    if not train:
        # Updates that never see the model inside the loop (`p` computed once before it) still train there:
        # the fault is the script's, and the loop is still where its steps are.
        train = [r for r in st.loop_roles.values() if r.kind == "no-model-use" and r.iterations > 0]
    if not train:
        why = "; ".join(r.why for r in st.loop_roles.values() if r.kind != "no-update" and r.iterations > 0)
        if not st.updates:
            return LoopChoice(None, None, "no parameter update found: no training loop")
        return LoopChoice(None, None, "no loop updates the parameters while using them" + (f" ({why})" if why else ""))
    iv = st.intervals

    def steps_of(b):
        # The iterations that update: the same loop run again outside training (a function that trains when
        # asked to and evaluates otherwise, called once more after the epochs) does not unnest it.
        at = st.loop_roles[b].updating_at
        return iv[b] if at is None else (iv[b][0][at], iv[b][1][at])

    def encloses(a, b):
        return a in iv and b in iv and _encloses(iv[a], steps_of(b))

    ids = [r.loop for r in train]
    inner = [i for i in ids if not any(j != i and encloses(i, j) for j in ids)]
    step = max(inner, key=lambda i: (st.loop_roles[i].updating_iterations, len(st.loop_roles[i].updates)))
    # The outermost loop around the steps that runs more than once: an epoch loop run a single time
    # trains nothing a person would call an epoch, the loop inside it does the training.
    outer = [i for i in ids if i == step or (encloses(i, step) and st.loop_roles[i].iterations > 1)]
    top = min(outer, key=lambda i: st.loop_roles[i].iterations)
    r_step, r_top = st.loop_roles[step], st.loop_roles[top]
    reason = r_step.why
    if top != step:
        reason = (f"{r_top.why}; each holds {r_step.updating_iterations / max(r_top.iterations, 1):.3g} updating "
                  f"iterations of {r_step.why}")
    skipped = [r.why for r in st.loop_roles.values() if r.kind in ("per-parameter", "restart") and r.iterations > 0]
    if skipped:
        reason += "; passed over: " + "; ".join(skipped[:3])
    return LoopChoice(step, top, reason)


# -- the whole model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How the data is laid out, as measured: rows are samples or features, a bias column of ones, one-hot targets."""

    samples_axis: int | None  # 0: samples x features (`X @ W`); 1: features x samples (`W @ X`); None: not seen
    bias_ones: str | None  # "column" / "row" of the input that is all ones, or None
    one_hot_targets: bool | None  # every target row holds one 1 and zeros; None: values not kept
    how: str


def _facts_base():
    from ..detectors.facts import Facts

    return Facts


def _sums_into(site) -> bool:
    """`acc[k] += value`: an augmented addition."""
    node = _first_statement(site)
    return isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add)


def _zero_fill(site) -> bool:
    """`acc[k] = np.zeros_like(w)` (or `np.zeros(...)`, `0`, `0.0`): a write that starts a sum."""
    node = _first_statement(site)
    if not isinstance(node, ast.Assign):
        return False
    value = node.value
    if isinstance(value, ast.Constant):
        return value.value == 0
    return isinstance(value, ast.Call) and (_dotted(value.func) or "").rsplit(".", 1)[-1] in ("zeros_like", "zeros")


def _steps_in_place(site) -> bool:
    """The statement is an augmented assignment (`params[i] -= step`): it writes into the value it names."""
    node = _first_statement(site)
    return isinstance(node, ast.AugAssign)


def _listed_names(statement: str) -> list[str]:
    """The names an assignment's list or tuple literal holds (`params = [W1, b1, W2]`), else none."""
    try:
        node = ast.parse(statement.strip()).body[0]
    except (SyntaxError, IndexError):
        return []
    if not isinstance(node, ast.Assign) or not isinstance(node.value, (ast.List, ast.Tuple)):
        return []
    return [d for e in node.value.elts if (d := _dotted(e))]


def Facts_resolve(model, name: str, function: str) -> list[int]:
    """The plain name resolution of Facts (no loop-variable elements), for a container's own writes."""
    return _facts_base().resolve(model, name, function)


class ProgramModel(_facts_base()):
    """The program model of one run: the structure (roles of update sites and loops, built before the frame)
    and the frame-dependent roles (`Facts`: inputs, targets, outputs, activations, series) in one object."""

    @cached_property
    def structure(self) -> Structure:
        got = getattr(self.s, "structure", None)
        if got is None:
            r = self.s.recording
            got = build_structure(flow_sites(r.sites), self.s.loops, self.s.sources, r.ev_seq, r.ev_loop, r.ev_kind,
                                  r.obs_seq, r.obs_site, r.obs_shape, r.shapes)
        return got

    @cached_property
    def updates(self) -> list[int]:
        """Parameter update sites (the structure's roles) seen at two training steps or more."""
        st = self.structure
        # A local set afresh at each call (`x = layer.forward(x)` over the layers of one forward pass) carries
        # nothing from one step to the next: when values that outlive the calls train, it is no parameter.
        per_call = st.per_call if st.lasting_trains else frozenset()
        ups = [u for u in st.updates if u not in per_call and self.loop_steps(u) >= 2]
        return ups

    @cached_property
    def update_roles(self) -> dict[int, str]:
        """Every update-like site's role: "parameter" or why it is none (optimizer state, accumulator...)."""
        out = {u: "parameter" for u in self.structure.updates}
        out.update(self.structure.state)
        return out

    @cached_property
    def hyperparameters(self) -> dict[int, str]:
        """Scalar settings: those the parameter updates read (their step sizes), and scalar constants written
        from a literal that nothing reads (a rate defined, then not used: the update uses something else)."""
        out: dict[int, str] = {}
        for u in self.updates:
            for h in self.lr_sites(u):
                out.setdefault(h, f"read by the update at line {self.by_id[u].line}")
        idx = self.source_index
        for x in self.sites:
            if x.kind != "assign" or x.id in out or "." in x.target or x.reads:
                continue
            try:
                node = ast.parse(x.statement.strip()).body[0]
            except (SyntaxError, IndexError):
                continue
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, float)):
                continue
            readers = _scope_readers(x.target, x.function, idx, {})
            if not [ld for ld in readers if (ld.file, ld.line) != (x.file, x.line)]:
                out[x.id] = "defined, never read"
        return out

    @cached_property
    def source_index(self) -> SourceIndex:
        return index_sources(self.s.sources)

    @cached_property
    def element_containers(self) -> dict[tuple[str, str], list[str]]:
        """(function, loop variable) -> the containers whose elements the loop hands out in it (`p` of `for p, g in
        zip(params, grads)` walks `params`; `param` of `zip([Wxh, bh], ...)` walks Wxh and bh)."""
        idx = self.source_index
        out: dict[tuple[str, str], list[str]] = {}
        for lp in self.s.loops:
            node = idx.loop_nodes.get((lp.file, lp.line))
            if isinstance(node, (ast.For, ast.AsyncFor)):
                by_target = _iter_reads_by_target(node)
                for t in lp.targets:
                    names = [n for n in by_target.get(t, by_target[None]) if n not in _ITER_HELPERS and n != t]
                    out.setdefault((lp.function, t), []).extend(names)
        return out

    def resolve(self, name: str, function: str) -> list[int]:
        """Sites that write `name` as read from inside `function`; a loop variable no statement writes (`g` of `for
        p, g in zip(params, grads)`) is an element of what the loop walks: the writes of those containers."""
        got = super().resolve(name, function)
        if got or "." in name:
            return got
        out: list[int] = []
        for c in self.element_containers.get((function, name), ()):
            if c != name:
                out += [w for w in super().resolve(c, function) if w not in out]
        return out

    @cached_property
    def param_keys(self) -> set[tuple[str, str]]:
        """The parameters' names; an object's attribute updated from outside (`layer.W -= rate * layer.dW` over a
        list of layers) is the one its methods name `self.W`, when every write of `self.W` ran before the training
        steps began (each layer set up once). A scalar autograd engine's nodes, made afresh inside every step, each
        have their own `self.data`: those are no parameters."""
        keys = set(super().param_keys)
        # A loop variable updated in place (`p -= lr * g` over zip(params, grads), `layer[key] += v` over
        # model.items()) is an element of what its loop walks: that container holds the parameters.
        for u in self.updates:
            x = self.by_id[u]
            name = base_name(x.target)
            if "." in name:
                continue
            for c in self.element_containers.get((x.function, name), ()):
                for w in Facts_resolve(self, base_name(c), x.function):
                    keys.add(self.key(w))
                    # `params = [hid_w, hid_b]`: the list holds those very arrays, updated in place through it
                    for held in _listed_names(self.by_id[w].statement or ""):
                        keys.update(self.key(v) for v in Facts_resolve(self, held, self.by_id[w].function))
                    # an argument handed a list by every call (`opt.step(model.params(), grads)`, where `params()`
                    # returns `[self.w, self.b]`): the arrays that list is made of
                    handed = self.source_index.handed_lists.get((x.function, self.by_id[w].target[4:]), ()) \
                        if self.by_id[w].kind == "arg" else \
                        self.source_index.handed_lists.get((x.function, base_name(c)), ())
                    for held, where in handed:
                        keys.update(self.key(v) for v in Facts_resolve(self, held, where))
        # An element stepped in place through an index (`params[i] -= lr * m_hat / ...` over `params = [W1, W2]`):
        # the arrays the list was built from are those very arrays, read by the model under their own names. (An
        # element replaced, `params[i] = params[i] - ...`, is a new array the listed names never see.)
        for u in self.updates:
            x = self.by_id[u]
            name = base_name(x.target)
            if "[" not in x.target or "." in name or not _steps_in_place(x):
                continue
            for w in Facts_resolve(self, name, x.function):
                for held in _listed_names(self.by_id[w].statement or ""):
                    keys.update(self.key(v) for v in Facts_resolve(self, held, self.by_id[w].function))
        attrs = {base_name(self.by_id[u].target).rsplit(".", 1)[-1] for u in self.updates
                 if "." in base_name(self.by_id[u].target) and not base_name(self.by_id[u].target).startswith("self.")}
        for x in self.sites:
            name = base_name(x.target)
            if x.kind == "return" or not name.startswith("self.") or name.count(".") != 1 or name[5:] not in attrs:
                continue
            # every object's writes of the attribute (its key names no class): all made before the training steps
            writes = [w for w in self.writers.get(("", name), []) if w not in self.updates]
            series = [self.ser(w) for w in writes]
            # (a list of arrays is not recorded itself: one set in a constructor is set up once)
            if series and all(sr is not None and len(sr) and (sr.step < 0).all()
                              or (sr is None or not len(sr)) and self.by_id[w].function.endswith(".__init__")
                              for w, sr in zip(writes, series)):
                keys.add(("", name))
        # A loop variable over tuples another method makes from each layer's entries (`for p, g in pairs` over
        # `net.parameters()`, which yields `(layer.params[k], layer.grads[k])`): the entries at the variable's
        # position in the tuple are the parameters, under the attribute the model's methods read (`self.params`).
        for u in self.updates:
            x = self.by_id[u]
            name = base_name(x.target)
            for lp in self.s.loops:
                if lp.function != x.function or name not in lp.targets:
                    continue
                loop = self.source_index.loop_nodes.get((lp.file, lp.line))
                if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.iter, ast.Name):
                    continue
                targets = [loop.target] if isinstance(loop.target, ast.Name) else list(getattr(loop.target, "elts", ()))
                at = [i for i, t in enumerate(targets) if isinstance(t, ast.Name) and t.id == name]
                for pos, attr in self.source_index.handed_tuples.get((x.function, loop.iter.id), ()):
                    if at and pos == at[0]:
                        keys.update(self.key(w.id) for w in self.sites
                                    if base_name(w.target) == f"self.{attr}" and w.kind != "return")
        # A loop variable stepped in place whose walk nothing here resolves to arrays (`for name, p, g in named`, the
        # list built by another method from each layer's dict): the arrays it steps are those set up before the loop
        # whose kept value, subtracted from the one the update kept at its first step, leaves exactly the step's norm.
        for u in self.updates:
            name = base_name(self.by_id[u].target)
            if "." not in name and (self.by_id[u].function, name) in self.element_containers:
                keys.update(self.key(w) for w in self._stepped_by_value(u))
        # A class attribute (a dataclass field's default, `w: np.ndarray = field(...)`) is what `self.w` reads
        # until an instance writes its own: with `model.w` stepped outside the class, the class body's `w` is the
        # parameter the methods read.
        for x in self.sites:
            if x.function in self.class_names and x.kind == "assign" and x.target in attrs:
                keys.add(self.key(x.id))
        return keys

    def _stepped_by_value(self, u: int) -> list[int]:
        """Sites written only before the training steps whose kept value is the one update `u` stepped at its first
        step: for an array of the same shape, the norm of what `u` kept there minus it is the update norm `u` recorded
        (to 1e-9 of it). Arrays too large to keep are not matched."""
        try:
            kept = self.s.values(u)
        except Exception:  # noqa: BLE001 - kept values are optional evidence
            return []
        sr = self.ser(u)
        if not kept or sr is None or not len(sr):
            return []
        firsts = {}
        for shape, steps, data in kept:
            rows = np.nonzero((sr.step == steps[0]) & sr.shape.matches(shape))[0]
            step_norm = float(sr[C.UPDATE_L2][rows[0]]) if len(rows) else float("nan")
            if np.isfinite(step_norm) and step_norm > 0:
                firsts[shape] = (np.asarray(data[0], dtype=np.float64), step_norm)
        if not firsts:
            return []
        found = []
        for x in self.sites:
            w = x.id
            if w in self.updates or x.kind in ("arg", "return"):
                continue
            sw = self.ser(w)
            if sw is None or not len(sw) or not (sw.step < 0).all():
                continue
            try:
                groups = self.s.values(w)
            except Exception:  # noqa: BLE001
                continue
            for shape, _, data in groups or ():
                if shape not in firsts:
                    continue
                after, step_norm = firsts[shape]
                with np.errstate(all="ignore"):
                    gaps = [abs(float(np.linalg.norm(after - np.asarray(row, dtype=np.float64))) - step_norm)
                            for row in data]
                if any(g <= 1e-9 * step_norm for g in gaps):
                    found.append(w)
                    break
        return found

    def parents(self, sid: int) -> list[int]:
        """Sites whose values this site's expression reads; an object called like a function (`out = self(x)`,
        `h = layer(h)` over a list of layers, `stack[0](points)`) reads what its class's `__call__` returns."""
        out = super().parents(sid)
        x = self.by_id[sid]
        if x.kind == "inplace" and re.search(r"\.at\s*\(", x.statement or ""):
            # `np.add.at(d, idx, -1)` changes entries of what `d` held: it reads the value it writes into
            out = out + [w for w in self.resolve(base_name(x.target), x.function) if w != sid and w not in out]
        if not self._callable_classes or x.kind == "arg":
            return out
        from ..detectors.facts import parse_statement

        tree = parse_statement(x.statement or "")
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Call):
                for cls in self._object_classes(node.func, x.function):
                    out += [r for r in self._call_returns.get(cls, ()) if r not in out]
        return out

    @cached_property
    def _call_owner(self) -> dict[str, str]:
        """Class of the sources -> the class whose `__call__` its objects run: its own, or the nearest base's
        (`class Sigmoid(Activation)` runs `Activation.__call__`), bases named in the sources only."""
        own = {q.rsplit(".", 2)[-2] for q in self.function_defs if q.endswith(".__call__") and q.count(".") >= 1}
        bases = self.source_index.bases
        out: dict[str, str] = {}
        for cls in set(bases) | own:
            seen, todo = set(), [cls]
            while todo:
                c = todo.pop(0)
                if c in seen:
                    continue
                seen.add(c)
                if c in own:
                    out[cls] = c
                    break
                todo += bases.get(c, ())
        return out

    @cached_property
    def _callable_classes(self) -> set[str]:
        """Classes of the sources whose objects can be called: they or a base define `__call__`."""
        return set(self._call_owner)

    @cached_property
    def _call_returns(self) -> dict[str, list[int]]:
        """Class -> the return sites of the `__call__` its objects run."""
        by_owner: dict[str, list[int]] = {}
        for y in self.sites:
            if y.kind == "return" and y.function.endswith(".__call__"):
                by_owner.setdefault(y.function.rsplit(".", 2)[-2], []).append(y.id)
        return {cls: by_owner.get(owner, []) for cls, owner in self._call_owner.items()}

    def _object_classes(self, func, function: str) -> set[str]:
        """The classes with a `__call__` whose instance a call's callee is: `self` in their methods; a name, attribute
        or element of a container (`stack[0]`, a loop variable over `self.layers`) whose writes build one of them
        (`stack = [Dense(2, 16), ...]`, `self.block = Block()`). Empty for a function or a stored function."""
        if not self._callable_classes:
            return set()
        if isinstance(func, ast.Name) and func.id == "self":
            cls = function.rsplit(".", 2)[-2] if "." in function else None
            return {cls} & self._callable_classes
        while isinstance(func, ast.Subscript):
            func = func.value
        from ..detectors.facts import _dotted as dotted

        name = dotted(func)
        if not name or name in self.function_defs or name.rsplit(".", 1)[-1] in self._defined_last_names:
            return set()
        found: set[str] = set()
        for w in self.resolve(name, function):
            found |= self._classes_built(self.by_id[w].statement or "")
            # `self.activations = activations`: the objects the calls of its function hand that argument
            x = self.by_id[w]
            value = _first_statement(x)
            if isinstance(value, ast.Assign) and isinstance(value.value, ast.Name) \
                    and value.value.id in self.source_index.params_of.get(x.function, ()):
                for _, expr in super().call_args(x.function, value.value.id):
                    found |= self._classes_built(ast.unparse(expr))
                found |= self._classes_built(self.source_index.defaults_of.get(x.function, {}).get(value.value.id, ""))
        for line in self._appends.get(name.rsplit(".", 1)[-1], ()):
            found |= self._classes_built(line)
        return found

    def _classes_built(self, statement: str) -> set[str]:
        """Callable classes a statement instantiates (`Dense(2, 16)`, `[Dense(a, b) for ...]`)."""
        from ..detectors.facts import _dotted as dotted
        from ..detectors.facts import parse_statement

        tree = parse_statement(statement)
        return {(dotted(n.func) or "").rsplit(".", 1)[-1] for n in ast.walk(tree) if isinstance(n, ast.Call)} \
            & self._callable_classes if tree is not None else set()

    @cached_property
    def _appends(self) -> dict[str, list[str]]:
        """Last name of a container -> source lines that append or extend it (`self.layers.append(Dense(...))`)."""
        import re

        out: dict[str, list[str]] = {}
        for src in self.s.sources.values():
            for line in src.splitlines():
                m = re.match(r"\s*([\w.]+)\.(append|extend|insert)\(", line)
                if m:
                    out.setdefault(m.group(1).rsplit(".", 1)[-1], []).append(line.strip())
        return out

    def _data_fed(self, sid: int, depth: int = 4) -> list[int]:
        """The data a multiplied operand holds (see Facts); an argument passed `pts[idx]` holds rows of pts: the
        index array that picks them is no data the weights meet."""
        out = super()._data_fed(sid, depth)
        x = self.by_id[sid]
        if x.kind != "arg" or sid in self.data_like or not out:
            return out
        # Only calls that pass data as it is (`pts[idx]`, `x.reshape(...)`) feed it; a call passing a value computed
        # with the model's outputs (`net.backward((p - lab[idx]) * 2)`) feeds a gradient, not data.
        fed: set[str] = set()
        calls = self.call_args(x.function, x.target[4:])
        if not calls:
            return out
        for caller, expr in calls:
            names = [n.id for n in ast.walk(expr) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
            writers = {n: self.resolve(n, caller.function) for n in names}
            model = {n for n, ws in writers.items() if ws and any(w in self.params or w in self.derived for w in ws)}
            # A name passed as it is (`layer.run(h)` over the layers: the data at the first call, the last layer's
            # output after) carries the data wherever one of its writes is data; a value computed in the call from
            # the model's outputs carries none.
            plain = isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript))
            if model and not (plain and any(w not in self.params and w not in self.derived
                                            for n in model for w in writers[n])):
                continue
            fed |= set(names)
        fed -= self._index_only_names(x.function, x.target[4:])
        return [q for q in out if base_name(self.by_id[q].target) in fed or self.by_id[q].function == x.function]

    @cached_property
    def _handed_functions(self) -> dict[tuple[str, str], set[str]]:
        """(function, argument) -> names of the functions the calls of `function` hand that argument, for every
        argument the function calls (`gradient_function(...)` in `gradient_descent`)."""
        called: set[tuple[str, str]] = set()
        for caller, node in self.all_calls:
            if isinstance(node.func, ast.Name) and node.func.id in self.source_index.params_of.get(caller.function, ()):
                called.add((caller.function, node.func.id))
        out: dict[tuple[str, str], set[str]] = {}
        for fn, arg in called:
            names = {d.rsplit(".", 1)[-1] for _, expr in super().call_args(fn, arg) if (d := _dotted(expr))}
            if names:
                out[(fn, arg)] = names
        return out

    def call_args(self, function: str, param: str):
        """(caller, argument expression) pairs for calls to `function` passing `param`; a class's `__call__` is called
        by calling one of its objects (`self(x)`, `model(xs)`, `layer(h)`). (Computed once per argument: the data
        lookups ask again and again; a fresh list each time, since callers extend it.)"""
        key = ("call_args", function, param)
        if key not in self.memo:
            self.memo[key] = self._call_args_uncached(function, param)
        return list(self.memo[key])

    def _call_args_uncached(self, function: str, param: str):
        out = super().call_args(function, param)
        # A function handed in as an argument and called under the argument's name (`gradient_descent(X, y, w, b,
        # compute_cost, compute_gradient, ...)` calling `gradient_function(X, y, w, b)`): those calls call it too.
        called = function.rsplit(".", 1)[-1]
        pos = self.param_index(function, param)
        for caller, node in self.all_calls:
            if isinstance(node.func, ast.Name) and called in self._handed_functions.get((caller.function, node.func.id), ()):
                expr = next((kw.value for kw in node.keywords if kw.arg == param), None)
                if expr is None and pos is not None and pos < len(node.args):
                    expr = node.args[pos]
                if expr is not None:
                    out.append((caller, expr))
        if not function.endswith(".__call__"):
            return out
        cls = function.rsplit(".", 2)[-2]
        pos = self.param_index(function, param)
        for caller, node in self.all_calls:
            if cls not in {self._call_owner.get(c) for c in self._object_classes(node.func, caller.function)}:
                continue
            expr = next((kw.value for kw in node.keywords if kw.arg == param), None)
            if expr is None and pos is not None and pos < len(node.args):
                expr = node.args[pos]
            if expr is not None:
                out.append((caller, expr))
        return out

    @cached_property
    def _defined_last_names(self) -> set[str]:
        return {q.rsplit(".", 1)[-1] for q in self.function_defs}

    def init_writers(self, update: int) -> list[int]:
        """The writes of an update's name or, for a loop variable updated in place (`for p, g in zip(params, grads):
        p -= lr * g`), of the containers the loop walks: an element's first update replaced what they hold."""
        x = self.by_id[update]
        own = super().init_writers(update)
        name = base_name(x.target)
        if "." in name or any(w != update and self.observed(w) for w in own):
            return own
        for c in self.element_containers.get((x.function, name), ()):
            own += [w for w in super().resolve(base_name(c), x.function) if w not in own]
        return own

    @property
    def training_loop(self) -> int | None:
        return getattr(self.s.plan, "training_loop", None)

    def reaching_writer(self, sid: int) -> int:
        """The write of the same name that last ran before the training steps began: `X = (X - mu) / sd`
        after `X = load()` makes the standardized X the value the model meets."""
        if sid is None or sid not in self.by_id:
            return sid
        x = self.by_id[sid]
        if x.kind in ("arg", "return"):
            return sid
        first_step = self._first_step_seq
        best, best_seq = sid, -1
        for w in self.resolve(base_name(x.target), x.function):
            sr = self.ser(w)
            if sr is None or not len(sr) or self.by_id[w].kind == "return":
                continue
            before = sr.seq[sr.seq < first_step] if first_step is not None else sr.seq
            if len(before) and before[-1] > best_seq:
                best, best_seq = w, int(before[-1])
        return best

    @cached_property
    def _first_step_seq(self) -> int | None:
        r = self.s.recording
        lid = self.s.plan.step_loop
        if lid is None:
            return None
        if self.s.plan.step_starts is not None:
            return int(self.s.plan.step_starts[0])
        m = (r.ev_loop == lid) & (r.ev_kind == EV_ITER)
        return int(r.ev_seq[m][0]) if m.any() else None

    @cached_property
    def inputs(self) -> int | None:
        c = self.input_candidates
        return self.reaching_writer(self.root_data(c[0])) if c else None

    @cached_property
    def layout(self) -> Layout:
        """Samples axis from the first product of the input with a parameter, bias ones and one-hot targets from kept values."""
        from ..detectors.facts import _matmul_operands

        axis, how = None, []
        i = self.inputs
        if i is not None:
            name = base_name(self.by_id[i].target)
            for sid in self.first_step_order:
                st = self.by_id[sid].statement
                if name not in _matmul_operands(st) or not any(p in self.params or p in self.derived
                                                               for p in self.parent_map.get(sid, [])):
                    continue
                side = _operand_side(st, name)
                if side is not None:
                    axis = 0 if side == "left" else 1
                    how.append(f"line {self.by_id[sid].line}: {name} is the {side} operand of the product")
                    break
        ones = None
        v = self.values(i) if i is not None else None
        if v is not None and len(v[2]) == 2:
            data = v[1][-1].reshape(v[2])
            if np.all(data == 1, axis=0).any():
                ones = "column"
            elif np.all(data == 1, axis=1).any():
                ones = "row"
            if ones:
                how.append(f"the input holds a {ones} of ones")
        onehot = None
        t = self.target
        vt = self.values(t) if t is not None else None
        if vt is not None and len(vt[2]) == 2 and min(vt[2]) > 1:
            data = vt[1][-1].reshape(vt[2])
            ax = 1 if axis in (0, None) else 0
            onehot = bool(np.isin(data, (0, 1)).all() and np.all(data.sum(axis=ax) == 1))
            how.append("targets are one-hot rows" if onehot else "targets are not one-hot")
        return Layout(axis, ones, onehot, "; ".join(how))


def base_name(target: str) -> str:
    return target.split(" = ")[0].split("[", 1)[0].replace("arg ", "")


def _operand_side(statement: str, name: str) -> str | None:
    """'left' when `name` is the left operand of a matrix product in the statement, 'right' when the right."""
    try:
        tree = ast.parse(statement.strip())
    except SyntaxError:
        return None

    def root(o):
        while isinstance(o, ast.Subscript) or (isinstance(o, ast.Attribute) and o.attr == "T"):
            o = o.value
        return _dotted(o)

    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            if root(node.left) == name:
                return "left"
            if root(node.right) == name:
                return "right"
        if isinstance(node, ast.Call) and (_dotted(node.func) or "").rsplit(".", 1)[-1] in ("dot", "matmul"):
            args = list(node.args)
            if isinstance(node.func, ast.Attribute) and _dotted(node.func.value) not in ("np", "numpy"):
                args = [node.func.value] + args
            if len(args) >= 2:
                if root(args[0]) == name:
                    return "left"
                if root(args[1]) == name:
                    return "right"
    return None
