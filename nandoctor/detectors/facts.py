"""Shared facts about a session that detectors and explanations read: roles of sites, series, limits."""

from __future__ import annotations

import ast
import re
import warnings
import weakref
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from .. import columns as C
from ..model import PRINTED, partial_writes_into_empty
from ..trace.instrument import dotted as _dotted  # one attribute-chain reader for capture and analysis

# -- dtype limits ----------------------------------------------------------------------------------
# Measured in the dtype itself with numpy, so they are exactly what the user's code computes.


def _bisect(pred, lo: float, hi: float, dtype) -> float:
    """Smallest z in [lo, hi] (to 1e-4) with pred(z) true, evaluated in `dtype`."""
    with np.errstate(all="ignore"):
        for _ in range(80):
            mid = (lo + hi) / 2
            if pred(dtype(mid)):
                hi = mid
            else:
                lo = mid
    return round(hi, 2)


@dataclass(frozen=True)
class Limits:
    """Where a dtype runs out: sigmoid and tanh round to exactly 1, exp overflows, digits held."""

    dtype: str
    sigmoid_one: float  # z >= this: 1/(1+exp(-z)) == 1.0 exactly (36.74 float64, 16.64 float32)
    tanh_one: float  # z >= this: tanh(z) == 1.0 exactly (19.06 float64, 9.01 float32)
    exp_max: float  # exp(z) overflows to inf above this: log(finfo.max) (709.78, 88.72)
    eps: float  # machine epsilon: relative spacing of floats near 1
    digits: float  # decimal digits the dtype holds: -log10(eps)


def _limits(dt) -> Limits:
    t = np.dtype(dt).type
    fi = np.finfo(dt)
    one = t(1)
    # 1/(1+exp(-z)) is exactly 1 once exp(-z) is below half an ulp of 1 (round to nearest).
    sig = _bisect(lambda z: one / (one + np.exp(-z)) == one, 0.0, 200.0, t)
    tnh = _bisect(lambda z: np.tanh(z) == one, 0.0, 200.0, t)
    return Limits(
        dtype=str(np.dtype(dt)),
        sigmoid_one=sig,
        tanh_one=tnh,
        exp_max=round(float(np.log(fi.max)), 2),
        eps=float(fi.eps),
        digits=float(-np.log10(fi.eps)),
    )


LIMITS = {"float64": _limits(np.float64), "float32": _limits(np.float32), "float16": _limits(np.float16)}


def limits_for(dtype_text) -> Limits:
    """Limits for a frame dtype string such as '<f8' or 'float32' (float64 for anything else)."""
    try:
        dt = np.dtype(str(dtype_text))
    except TypeError:
        return LIMITS["float64"]
    return LIMITS.get(dt.name, LIMITS["float64"])


# -- per-site series ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Caller:
    """Where a call is made: the enclosing function's qualified name, the line and the file."""

    function: str
    line: int
    file: str


@dataclass
class Series:
    """One site's observations as numpy columns, in seq order."""

    site: int
    step: np.ndarray
    seq: np.ndarray
    cols: dict
    shape: np.ndarray
    dtype: np.ndarray

    def __getitem__(self, col: str) -> np.ndarray:
        return self.cols[col]

    def __len__(self) -> int:
        return len(self.step)

    def at_step(self, step: int) -> int | None:
        """Row index of the last observation at `step` (or None)."""
        i = np.searchsorted(self.step, step, side="right") - 1
        if i >= 0 and self.step[i] == step:
            return int(i)
        return None

    def before_seq(self, seq: int) -> int | None:
        """Row index of the last observation before `seq`."""
        i = int(self.rows_before(seq))
        return i if i >= 0 else None

    def rows_before(self, seqs) -> np.ndarray:
        """The row index of the last observation before each of `seqs`, -1 for none."""
        return np.searchsorted(self.seq, seqs, side="left") - 1

    def rows_in_step(self, row: int, step: int, limit: int = 64) -> list[int]:
        """`row` and the rows just before it that observed `step` too, latest first, at most `limit` (one statement
        writing the same attribute of several objects, or several layers' values, within one step)."""
        out, k = [], row
        while k >= 0 and k > row - limit and int(self.step[k]) == step:
            out.append(k)
            k -= 1
        return out


# Observations compared to name the site a value came from through a container (Facts.value_source).
VALUE_MATCH_ROWS = 3

STAT_COLS = (C.SIZE, C.N_NAN, C.N_POSINF, C.N_NEGINF, C.MIN, C.MAX, C.MEAN, C.STD, C.ABSMAX, C.L2,
             C.FRAC_ZERO, C.FRAC_SAT_EXACT, C.FRAC_SAT_NEAR, C.UPDATE_L2)

# A target's name: `y`, `t`, `y_train`, `yb`, `t2`, `targets`, `labels_onehot`; not every name that starts with
# y or t (`table`, `theta`, `tokens` are inputs or weights).
_TARGET_HINT = re.compile(r"^(y|t|yb|yt|ytr\w*|ys|y_?batch|y_?true|targets?|labels?|truth|gt|tgts?)(_\w*|\d*)$",
                          re.IGNORECASE)
_HYPER_HINT = re.compile(r"(lr|learning_?rate|alpha|eta|step_?size|rate)$", re.IGNORECASE)


def last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _subtracts(statement: str | None, a: str, b: str) -> bool:
    """Whether the statement subtracts one of the names `a`, `b` from the other directly (`x_hat - x`), not merely
    holds both beside a minus sign somewhere (`(W.T @ g) * (1 - a ** 2)`)."""
    try:
        tree = ast.parse((statement or "").strip())
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            if {base_name(ast.unparse(node.left)), base_name(ast.unparse(node.right))} == {a, b}:
                return True
    return False


def base_name(target: str) -> str:
    """'x' for 'x[x > 0]', 'self.w' for 'self.w', the first of 'a = b' chains."""
    return target.split(" = ")[0].split("[", 1)[0].replace("arg ", "")


def _key_text(node) -> str | None:
    """The text a dict key starts with: 'b1' for 'b1', 'b' for `'b' + str(i)` and for f'b{i}'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _key_text(node.left)
    if isinstance(node, ast.JoinedStr) and node.values:
        return _key_text(node.values[0])
    return None


@lru_cache(maxsize=4096)
def own_name(target: str) -> str:
    """The name a value goes by: the key of `params['b1']`, `layer["b"]` or `params['b' + str(l)]` (a dict of
    parameters names its entries by their keys), else the last attribute of its base name ('w' for 'self.w')."""
    written = target.split(" = ")[0].replace("arg ", "")
    try:
        node = ast.parse(written.strip(), mode="eval").body
    except SyntaxError:
        node = None
    if isinstance(node, ast.Subscript):
        key = _key_text(node.slice)
        if key and key.isidentifier():
            return key
    return last(base_name(written))


class Facts:
    """Roles of sites (data, targets, outputs, gradients) and per-site series, over the parameters' updates
    that the program model decides (`updates`, defined by analysis/program.py's ProgramModel, the one
    instance `facts(session)` builds)."""

    def __init__(self, session):
        self.s = session
        every = list(session.sites)
        # Values shown by print() are evidence of the loss only (loss_series); they are no part of the program's
        # data flow, so no role is decided from them.
        self.sites = [x for x in every if x.kind != PRINTED]
        self.printed = [x for x in every if x.kind == PRINTED]
        self.by_id = {x.id: x for x in every}
        self.memo: dict = {}  # results other modules compute once per session

    # -- series ------------------------------------------------------------------------------
    @cached_property
    def series(self) -> dict[int, Series]:
        f = self.s.table
        out: dict[int, Series] = {}
        if len(f) == 0:
            return out
        site = f[C.SITE]
        order = np.argsort(site, kind="stable")
        sorted_site = site[order]
        uniq, starts = np.unique(sorted_site, return_index=True)
        ends = np.append(starts[1:], len(order))
        step = f[C.STEP]
        seq = f[C.SEQ]
        cols = {c: f[c] for c in STAT_COLS}
        shape, dtype = f.shape, f.dtype
        # A partial write into `np.empty` memory shows elements not yet written: its rows stay (the value flows on)
        # but are unmeasured, as a large array's unscreened rows are (no norm, no non-finite element seen).
        garbage = partial_writes_into_empty(self.s.sites)
        for u, a, b in zip(uniq, starts, ends):
            idx = order[a:b]
            idx = idx[np.argsort(seq[idx], kind="stable")]
            kept = {c: v[idx] for c, v in cols.items()}
            if int(u) in garbage:
                kept = {c: (v if c == C.SIZE else np.zeros(len(v)) if c in (C.N_NAN, C.N_POSINF, C.N_NEGINF)
                            else np.full(len(v), np.nan)) for c, v in kept.items()}
            out[int(u)] = Series(int(u), step[idx], seq[idx], kept, shape[idx], dtype[idx])
        return out

    def ser(self, sid: int) -> Series | None:
        return self.series.get(sid)

    @cached_property
    def n_steps(self) -> int:
        return int(self.s.plan.n_steps)

    def values(self, sid: int):
        """(steps, data (n, size), shape tuple) of the largest kept shape group of a site, or None."""
        try:
            groups = self.s.values(sid)
        except Exception:  # noqa: BLE001 - values are optional evidence
            return None
        if not groups:
            return None
        shape, steps, data = max(groups, key=lambda g: len(g[1]))
        try:
            tup = tuple(int(v) for v in re.findall(r"\d+", shape))
        except ValueError:
            tup = ()
        return np.asarray(steps), np.asarray(data, dtype=np.float64), tup

    def dtype_of(self, sid: int) -> str:
        sr = self.ser(sid)
        if sr is None or not len(sr):
            return "float64"
        return str(sr.dtype[-1])

    def limits(self, sid: int) -> Limits:
        return limits_for(self.dtype_of(sid))

    # -- name resolution ---------------------------------------------------------------------
    @cached_property
    def writers(self) -> dict[tuple[str, str], list[int]]:
        """(function or '' for attributes/module, name) -> site ids writing that name."""
        w: dict[tuple[str, str], list[int]] = {}
        for x in self.sites:
            if x.kind == "return":
                continue
            name = base_name(x.target)
            scope = "" if "." in name else x.function
            w.setdefault((scope, name), []).append(x.id)
            bound = self._scope_of(x) if "." not in name else scope
            if bound != scope:  # a module's dict written into inside a function: the module's name holds it too
                w.setdefault((bound, name), []).append(x.id)
        return w

    def resolve(self, name: str, function: str) -> list[int]:
        """Sites that write `name` as read from inside `function`."""
        if "." in name:
            found = list(self.writers.get(("", name), []))
            # `self.out` read in a method is the attribute of that class's objects: the writes its own methods make,
            # when they make any (a Tanh layer's backward reads the `self.out` its forward wrote, not a Sigmoid's).
            cls = function.rsplit(".", 1)[0] if "." in function else None
            if not name.startswith("self.") or cls not in self.class_names:
                return found
            if found:
                # its own class's, a base class's or a subclass's writes (the same objects can run them all)
                kin = self.class_kin[cls]
                return [w for w in found if self.by_id[w].function.rsplit(".", 1)[0] in kin] or found
            # No instance writes it: `self.w` reads the class attribute (a dataclass field's default,
            # `w: np.ndarray = field(...)` in the class body).
            return list(self.writers.get((cls, name[5:]), [])) if name.count(".") == 1 else []
        got = self.writers.get((function, name))
        if got:
            return list(got)
        # A closure reads the enclosing function's binding, and what its sibling closures write into it
        # (`state["w"] = ...` in `learn`, read as `state["w"]` in `predict`, both nested in `make_model`).
        # Python's scoping skips class bodies, which are no functions.
        parts = function.split(".")
        for k in range(len(parts) - 1, 0, -1):
            enc = ".".join(parts[:k])
            own = self.writers.get((enc, name), []) if enc in self.function_defs else []
            into = [w for f, ws in self._mutations_by_name.get(name, ()) if f.startswith(enc + ".") for w in ws]
            if own or into:
                return list(own) + [w for w in into if w not in own]
        if function != "<module>" and (function, name) in self._local_names:
            # Local to the function, but never written by a recorded statement of it: a `for` target (`for i, (W, b)
            # in enumerate(layers)`). It holds what the loop draws from the iterated container, never the module's
            # variable of the same name.
            yielded = self._yielded(name, function)
            if yielded:
                return yielded
            drawn, container = self._iterated(name, function)
            # The module's own writes of the name that take an element of the same container (`W, b = layers[i]`)
            # or step it in place (`W += vW`) hold the same arrays; its other writes (the initialisation's `W =
            # rng.normal(...)` before it was put in the container) do not.
            same = [w for w in self.writers.get(("<module>", name), ()) if container and (
                self.by_id[w].kind in ("update", "augassign")
                or container in {base_name(r) for r in self.by_id[w].reads})]
            return drawn + [w for w in same if w not in drawn]
        got = self.writers.get(("<module>", name))
        if got:
            return list(got)
        return self._yielded(name, function)

    @cached_property
    def _local_names(self) -> frozenset[tuple[str, str]]:
        """(function, name) for every name Python makes local to a function of the sources (see local_names)."""
        out: set = set()
        for src in self.s.sources.values():
            out |= local_names(src)
        return frozenset(out)

    def _iterated(self, name: str, function: str) -> tuple[list[int], str | None]:
        """A `for` target of `function` (`W` in `for i, (W, b) in enumerate(layers)`, `w` in `for w, g in zip(ws,
        gs)`): (the writers of the container it is drawn from, as read in that function (through enumerate, zip,
        reversed and a dict's items or values, at the target's position), that container's name). ([], None) when
        no such loop is found."""
        tree = self.function_defs.get(function)
        if tree is None:
            return [], None

        def names_of(target):
            if isinstance(target, ast.Name):
                return [target.id]
            if isinstance(target, (ast.Tuple, ast.List)):
                return [n.id for e in target.elts for n in ast.walk(e) if isinstance(n, ast.Name)]
            return []

        def sources(target, it):
            """(names bound by target, the iterated expression each is drawn from)."""
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.args:
                if it.func.id == "enumerate" and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                    return [(names_of(target.elts[1]), it.args[0])]
                if it.func.id in ("reversed", "sorted", "list", "tuple"):
                    return sources(target, it.args[0])
                if it.func.id == "zip" and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args):
                    return [(names_of(t), a) for t, a in zip(target.elts, it.args)]
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "values"):
                return [(names_of(target.elts[1] if it.func.attr == "items" and isinstance(target, ast.Tuple)
                                  and len(target.elts) == 2 else target), it.func.value)]
            return [(names_of(target), it)]

        for node in ast.walk(tree):
            if not isinstance(node, ast.For):
                continue
            for bound, it in sources(node.target, node.iter):
                if name not in bound:
                    continue
                root = it
                while isinstance(root, ast.Subscript):  # `layers[:-1]`: the container sliced
                    root = root.value
                d = _dotted(root) if isinstance(root, (ast.Name, ast.Attribute)) else None
                if d and d != name:
                    return (self.resolve(d, function) or self.resolve("arg " + d, function)), base_name(d)
        return [], None

    def _yielded(self, name: str, function: str) -> list[int]:
        """A loop variable drawn from a generator (`for xb, yb in batches(X, y)`): the writers of what the
        generator yields at the same position (`yield X[idx], y[idx]` -> the generator's argument X)."""
        key = (name, function)
        memo = self.__dict__.setdefault("_yield_memo", {})
        if key in memo:
            return list(memo[key] or [])
        memo[key] = None  # a generator feeding itself resolves to nothing
        scopes = [self.function_defs[function]] if function in self.function_defs else \
            list(self.trees.values()) if function == "<module>" else []
        found: list[int] = []
        for scope in scopes:
            todo = list(ast.iter_child_nodes(scope))
            while todo and not found:
                node = todo.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    continue
                todo.extend(ast.iter_child_nodes(node))
                if not isinstance(node, ast.For) or not isinstance(node.iter, ast.Call):
                    continue
                names = [node.target] if isinstance(node.target, ast.Name) else \
                    list(node.target.elts) if isinstance(node.target, ast.Tuple) else []
                pos = next((k for k, t in enumerate(names) if isinstance(t, ast.Name) and t.id == name), None)
                callee = _dotted(node.iter.func) if pos is not None else None
                gen = next((q for q in self.function_defs if callee and q.rsplit(".", 1)[-1] == callee.rsplit(".", 1)[-1]),
                           None)
                if gen is None:
                    continue
                for y in ast.walk(self.function_defs[gen]):
                    if not isinstance(y, ast.Yield) or y.value is None:
                        continue
                    parts = list(y.value.elts) if isinstance(y.value, ast.Tuple) and len(names) > 1 else [y.value]
                    if pos >= len(parts):
                        continue
                    root = parts[pos]
                    while isinstance(root, ast.Subscript):
                        root = root.value
                    d = _dotted(root)
                    if d:
                        found = self.resolve(d, gen) or self.resolve("arg " + d, gen)
                        break
        memo[key] = found
        return list(found)

    @cached_property
    def _mutations_by_name(self) -> dict[str, list[tuple[str, list[int]]]]:
        """name -> (function, sites writing into or rebinding from itself the value a plain name holds)."""
        out: dict[str, list[tuple[str, list[int]]]] = {}
        for (scope, name), ws in self.writers.items():
            # `name[k] = ...`, and `name = name - ...` in a nested function: reading and rebinding a name there
            # runs only when it is declared nonlocal (or global), so it writes the enclosing binding.
            into = [w for w in ws if self.by_id[w].kind in ("setitem", "update")]
            if scope and into:
                out.setdefault(name, []).append((scope, into))
        return out

    def parents(self, sid: int) -> list[int]:
        """Sites whose values this site's expression reads (names, then the returns of callees)."""
        x = self.by_id[sid]
        out: list[int] = []
        # (a name read only for its length or shape, `err / len(xb)`, hands on no value)
        valued = value_reads(x) if x.kind != "arg" else x.reads
        reads = [r for r in valued if not any(r2.startswith(r + ".") for r2 in valued)]
        for r in reads:
            # `X.dot` or `self.W.T` name no site: fall back to the longest prefix that does.
            parts = r.split(".")
            found: list[int] = []
            while parts and not found:
                found = self.resolve(".".join(parts), x.function)
                parts = parts[:-1]
            for w in found:
                if w not in out and (w != sid or x.kind in ("update", "augassign")) and not self._shadowed(w):
                    out.append(w)
        if x.kind in ("augassign", "setitem", "update"):
            # `d /= n` and `d[i] -= 1` modify the value the name already holds.
            for w in self.resolve(base_name(x.target), x.function):
                if w != sid and w not in out:
                    out.append(w)
            # and where it writes is read too: `d[np.arange(n), labels] -= 1` depends on the labels' values
            for r in _index_reads(x.target):
                for w in self.resolve(r, x.function):
                    if w != sid and w not in out and not self._shadowed(w):
                        out.append(w)
        for c in x.calls:
            if c.split(".", 1)[0] in _LIBRARY_ROOTS:
                continue  # `np.zeros(...)` is numpy's, not the program's own `zeros`
            for y in self.sites:
                if y.kind == "return" and last(y.function) == last(c) and y.id not in out and not self._shadowed(y.id):
                    out.append(y.id)
        if x.kind == "arg":
            name = x.target[4:]
            ran, _ = self._ran
            for caller, expr in self.call_args(x.function, name):
                for r in expr_reads(expr):
                    for w in self.resolve(r, caller.function):
                        # a caller in another file whose function never ran made no call in this run
                        if w not in out and not self._shadowed(w) and not (
                                self.by_id[w].file != x.file and (self.by_id[w].file, self.by_id[w].function) not in ran):
                            out.append(w)
        return out

    @cached_property
    def _ran(self) -> tuple[set, set]:
        """((file, function) pairs with a recorded value, and those functions' names)."""
        ran = {(x.file, x.function) for x in self.sites if self.observed(x.id)}
        return ran, {f for _, f in ran}

    def ran(self, sid: int) -> bool:
        """A site that recorded a value, or whose function recorded one: a statement whose value is no array (a
        dict of gradients returned) ran when its function did, while a function with nothing recorded never ran."""
        x = self.by_id[sid]
        return self.observed(sid) or (x.file, x.function) in self._ran[0]

    def _shadowed(self, sid: int) -> bool:
        """A site of a function that never ran in this run, while a function of the same name in another file did
        (two modules each defining `Sequential.fit`): names are resolved by function name, and the code that ran
        is the one read."""
        x = self.by_id[sid]
        ran, names = self._ran
        return (x.file, x.function) not in ran and x.function in names

    def call_args(self, function: str, param: str):
        """(caller, argument expression) pairs for calls to `function` passing `param`, from every call
        in the sources (expression statements such as `net.backward(y_pred, y)` included). The caller
        has `.function`, and `.line`; it is the caller's site when the call sits in one."""
        out = []
        pos = self.param_index(function, param)
        # `Affine(W, b)` calls `Affine.__init__(self, W, b)`: a constructor is called by its class's name.
        called = function.rsplit(".", 2)[-2] if last(function) == "__init__" and "." in function else last(function)
        for caller, node in self._calls_by_name.get(called, ()):
            expr = None
            for kw in node.keywords:
                if kw.arg == param:
                    expr = kw.value
            if expr is None and pos is not None and pos < len(node.args):
                expr = node.args[pos]
            if expr is not None:
                out.append((caller, expr))
        return out

    @cached_property
    def _calls_by_name(self) -> dict[str, list]:
        """all_calls by the called name's last part (`net.backward(...)`: backward), for call_args's lookups."""
        out: dict[str, list] = {}
        for caller, node in self.all_calls:
            out.setdefault(last(_dotted(node.func) or ""), []).append((caller, node))
        return out

    @cached_property
    def all_calls(self) -> list:
        """(caller, Call node) for every call in the recorded sources."""
        out = []
        for path, tree in self.trees.items():
            def visit(node, prefix, fn):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        visit(child, f"{prefix}{child.name}.", f"{prefix}{child.name}")
                    elif isinstance(child, ast.ClassDef):
                        visit(child, f"{prefix}{child.name}.", fn)
                    else:
                        if isinstance(child, ast.Call):
                            out.append((_Caller(fn, getattr(child, "lineno", 0), path), child))
                        visit(child, prefix, fn)
            visit(tree, "", "<module>")
        return out

    def param_index(self, function: str, param: str) -> int | None:
        """Positional index of `param` in the call signature of `function` (self dropped)."""
        fn = self.function_defs.get(function)
        if fn is None:
            return None
        names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        if names and names[0] in ("self", "cls") and "." in function:
            names = names[1:]
        return names.index(param) if param in names else None

    @cached_property
    def function_defs(self) -> dict[str, ast.FunctionDef]:
        """Qualified function name -> its AST, from the recorded sources."""
        out: dict[str, ast.FunctionDef] = {}
        for _, q, node in scoped_definitions(self.trees):
            if not isinstance(node, ast.ClassDef):
                out.setdefault(q, node)
        return out

    @cached_property
    def class_bases(self) -> dict[str, set[str]]:
        """Qualified names of the classes the recorded sources define (`Tanh`, `Net.Layer`), as functions name them,
        each with the last names of the classes it derives from."""
        return {q: {last(d) for b in node.bases if (d := _dotted(b))}
                for _, q, node in scoped_definitions(self.trees) if isinstance(node, ast.ClassDef)}

    @cached_property
    def class_names(self) -> frozenset[str]:
        return frozenset(self.class_bases)

    @cached_property
    def class_kin(self) -> dict[str, set[str]]:
        """Each class -> itself, the classes it derives from and the classes derived from it, as the sources define
        them (by last name: a base imported from elsewhere is no kin of anything here)."""
        by_last: dict[str, set[str]] = {}
        for c in self.class_bases:
            by_last.setdefault(last(c), set()).add(c)

        def ancestors(c, seen):
            for b in self.class_bases.get(c, ()):
                for q in by_last.get(b, ()):
                    if q not in seen:
                        seen.add(q)
                        ancestors(q, seen)
            return seen

        up = {c: ancestors(c, {c}) for c in self.class_bases}
        return {c: up[c] | {d for d in self.class_bases if c in up[d]} for c in self.class_bases}

    @cached_property
    def trees(self) -> dict[str, ast.Module]:
        out = {}
        for path, src in self.s.sources.items():
            try:
                out[path] = ast.parse(src)
            except SyntaxError:
                pass
        return out

    def line_text(self, file: str, line: int | None) -> str:
        src = self.s.sources.get(file)
        if not src or not line:
            return ""
        lines = src.splitlines()
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def code_line(self, sid: int) -> str:
        """The user's line for a site without its trailing comment."""
        x = self.by_id[sid]
        text = x.statement.strip().splitlines()[0] if x.statement.strip() else self.line_text(x.file, x.line)
        return strip_comment(text)

    # -- roles -------------------------------------------------------------------------------
    def loop_steps(self, sid: int) -> int:
        """How many distinct training steps observed this site."""
        sr = self.ser(sid)
        if sr is None:
            return 0
        st = sr.step[sr.step >= 0]
        return int(np.count_nonzero(st[1:] != st[:-1]) + 1) if len(st) else 0

    def key(self, sid: int) -> tuple[str, str]:
        x = self.by_id[sid]
        name = base_name(x.target)
        return ("" if "." in name else self._scope_of(x), name)

    @cached_property
    def _binders(self) -> set[tuple[str, str]]:
        """(function, plain name) pairs the function binds itself: assigned, unpacked or an argument of it, as
        recorded, and every name Python makes local to it (a `for` target, a plain `p -= step`), read from the
        sources' symbol tables."""
        out = set()
        for x in self.sites:
            if x.kind == "arg":
                out.add((x.function, x.target[4:]))
            elif x.kind not in ("return", "setitem", "update", "augassign"):
                out.add((x.function, base_name(x.target)))
        return out | self._local_names

    def _scope_of(self, x) -> str:
        """The function whose binding a plain name's write changes: its own, unless it only writes into the value
        (`params[k] -= step` in a function that never binds `params`), which is then the enclosing function's or the
        module's."""
        name = base_name(x.target)
        if x.kind not in ("setitem", "update", "augassign") or (x.function, name) in self._binders \
                or x.function == "<module>":
            return x.function
        parts = x.function.split(".")
        for k in range(len(parts) - 1, 0, -1):
            enc = ".".join(parts[:k])
            if (enc, name) in self._binders:
                return enc
        return "<module>" if ("<module>", name) in self._binders else x.function

    @cached_property
    def param_keys(self) -> set[tuple[str, str]]:
        keys = {self.key(u) for u in self.updates}
        # A container of parameters updated element by element (`network.params[key] -= ...`, `self.model.params[p]
        # = next_w`) is the one the model filled and reads under its own name (`self.params['W1'] = ...` in the
        # model's class): another attribute chain ending in the same attribute that is also written element by
        # element names the same container. Plain attributes (`p.data`) are left alone: every object has its own.
        held = {base_name(self.by_id[u].target).rsplit(".", 1)[-1] for u in self.updates
                if "[" in self.by_id[u].target and "." in base_name(self.by_id[u].target)}
        if held:
            for x in self.sites:
                name = base_name(x.target)
                if x.kind != "return" and "[" in x.target and "." in name and name.rsplit(".", 1)[-1] in held:
                    keys.add(("", name))
        # A copy written into and bound back (`new = list(layers)`, `new[k] = (W - lr * gW, ...)`, `layers = new`):
        # the model reads the parameters under the name they are bound back to.
        for x in self.sites:
            if x.kind == "assign" and len(x.reads) == 1 and (self._scope_of(x), x.reads[0]) in keys and any(
                    copied_whole(self.by_id[w].statement) == base_name(x.target)
                    for w in self.resolve(x.reads[0], x.function)):
                keys.add(self.key(x.id))
        return keys

    @cached_property
    def param_names(self) -> set[str]:
        return {k[1] for k in self.param_keys}

    def is_param(self, sid: int) -> bool:
        return self.key(sid) in self.param_keys

    @cached_property
    def params(self) -> set[int]:
        return {x.id for x in self.sites if x.kind != "return" and self.is_param(x.id)}

    @cached_property
    def parent_map(self) -> dict[int, list[int]]:
        return {x.id: self.parents(x.id) for x in self.sites}

    @cached_property
    def child_map(self) -> dict[int, set[int]]:
        """The sites that read each site's value: parent_map turned around (read it, never change it)."""
        children: dict[int, set[int]] = {}
        for c, ps in self.parent_map.items():
            for q in ps:
                children.setdefault(q, set()).add(c)
        return children

    @cached_property
    def derived(self) -> set[int]:
        """Sites whose values are computed from the parameters (not the parameters themselves). A helper that
        computes its result from its arguments alone (`asarray(a)`, called with weights by one caller and with the
        data by another) passes nothing to a caller but what that caller hands it, which the caller reads itself."""
        return self.reached_from(self.params, self._pure_returns) - self.params

    def reached_from(self, seeds, pure=frozenset()) -> set[int]:
        """The seeds and every site computed from them, through reads and calls; a return in `pure` passes nothing
        to a caller in another function."""
        children = self.child_map
        reached, todo = set(seeds), list(seeds)
        while todo:
            n = todo.pop()
            for m in children.get(n, ()):
                if m not in reached and not (n in pure and self.by_id[m].function != self.by_id[n].function):
                    reached.add(m)
                    todo.append(m)
        return reached

    @cached_property
    def _pure_returns(self) -> set[int]:
        """Return sites computed only from their own function's arguments, module-level values and other such
        returns (a function of its arguments)."""
        returns = [x for x in self.sites if x.kind == "return" and x.function != "<module>"]
        # what the parameters reach through any call at all (the parameters included): the conservative reading
        reached = self.reached_from(self.params)
        pure: set[int] = set()
        changed = True
        while changed:
            changed = False
            for r in returns:
                if r.id in pure:
                    continue
                ps = self.parent_map.get(r.id, [])
                # (its own arguments and returns: functions of one name in several files are one name here; a
                # module-level value, unless the parameters reach it: `return rows @ W` reads the model's weights)
                if all((self.by_id[p].kind in ("arg", "return") and self.by_id[p].function == r.function)
                       or (self.by_id[p].function == "<module>" and p not in reached) or p in pure for p in ps):
                    pure.add(r.id)
                    changed = True
        return pure

    @cached_property
    def data_like(self) -> set[int]:
        """Observed sites that carry data: neither parameters nor computed from them."""
        return {x.id for x in self.sites if self.observed(x.id) and x.id not in self.params and x.id not in self.derived}

    def loop_record(self, lid) -> object | None:
        """The recorded loop with this id (its line, header, function, file), or None."""
        return next((lp for lp in self.s.loops if lid is not None and getattr(lp, "id", None) == lid), None)

    @cached_property
    def step_function(self) -> str | None:
        """The function holding the training loop."""
        lp = self.loop_record(self.s.plan.step_loop)
        return None if lp is None else lp.function

    def observed(self, sid: int) -> bool:
        sr = self.ser(sid)
        return sr is not None and len(sr) > 0

    def _array(self, sid: int) -> bool:
        sr = self.ser(sid)
        return sr is not None and len(sr) > 0 and np.nanmax(sr[C.SIZE]) > 1

    def entry_of_data(self, sid: int) -> bool:
        """One number picked from a data array in the loop (`t = stars[i]` in a per-sample loop): a target can be
        a single value per step."""
        x = self.by_id[sid]
        if x.kind == "arg":
            return self._arg_picked_from_data(sid)
        # a rate picked from a schedule (`lr = rates[epoch]`) stays a hyperparameter
        return (x.kind in ("assign", "unpack") and x.loop is not None and "[" in (x.statement or "")
                and not _HYPER_HINT.search(last(base_name(x.target)))
                and any(p in self.data_like and self._array(p) for p in self.parents(sid)))

    def _arg_picked_from_data(self, sid: int) -> bool:
        """An argument handed one entry of a data array (`net.backward(labels[i], lr)` gives `y` a sample's label):
        a per-sample value, not a setting."""
        if sid not in self._picked_args:
            x = self.by_id[sid]
            name = x.target.split()[-1]
            picked = False
            if not _HYPER_HINT.search(name):
                for caller, expr in self.call_args(x.function, name):
                    # `labels[i].reshape(-1, 1)`, `labels[i].T`: the entry, reshaped
                    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
                            and expr.func.attr in ("reshape", "astype", "copy", "ravel", "flatten") \
                            or isinstance(expr, ast.Attribute) and expr.attr == "T":
                        expr = expr.func.value if isinstance(expr, ast.Call) else expr.value
                    base = _dotted(expr.value) if isinstance(expr, ast.Subscript) else None
                    if base and any(w in self.data_like and self._array(w) for w in self.resolve(base, caller.function)):
                        picked = True
                        break
            self._picked_args[sid] = picked
        return self._picked_args[sid]

    @cached_property
    def _picked_args(self) -> dict:
        return {}

    @cached_property
    def data_sites(self) -> list[int]:
        """Array data (inputs and targets and what is cut from them)."""
        return [i for i in sorted(self.data_like) if self._array(i)]

    @cached_property
    def input_candidates(self) -> list[int]:
        """Data sites multiplied by a parameter or a parameter-derived value (x @ W, dot(x, w)).

        A layer function called for every layer (`affine_forward(x, w, b)`) gets the data at its first call and
        the previous layer's output at the others: its argument, fed both, is no data itself, but the data
        passed to it at a call is the input it multiplies."""
        out = []
        for sid in self.first_step_order:
            x = self.by_id[sid]
            if sid not in self.derived:
                continue
            ps = self.parent_map[sid]
            if not any(p in self.params or p in self.derived for p in ps):
                continue
            mult = _matmul_operands(x.statement)
            # an operand under another name than its writer's (a loop variable drawn from a generator)
            resolved = {w for m in mult for w in self.resolve(m, x.function)}
            # In `sign[col] * (w @ sample)` the data the weights meet is the matrix product's operand; the array
            # scaling the product elementwise (a target sign, a mask) is not an input.
            products = _matmul_operands(x.statement, elementwise=False)
            in_products = {w for m in products for w in self.resolve(m, x.function)}
            product_data = [p for p in ps if (base_name(self.by_id[p].target) in products or p in in_products)
                            and any(self._array(q) for q in self._data_fed(p))]
            # A name like a target's (`t`, `y`) does not keep data out of the inputs when a matrix product
            # multiplies it with a parameter itself (`t @ layers[0]`: t is a temperature, not a target).
            weighs = any(p in self.params for p in ps)
            for p in (product_data or ps):
                if base_name(self.by_id[p].target) not in mult and p not in resolved:
                    continue
                direct = weighs and (base_name(self.by_id[p].target) in products or p in in_products)
                for q in self._data_fed(p):
                    if self._array(q) and (direct or not _TARGET_HINT.match(last(base_name(self.by_id[q].target)))) \
                            and q not in out:
                        out.append(q)
        return out

    def _data_fed(self, sid: int, depth: int = 4) -> list[int]:
        """The data a multiplied operand holds: the site itself when it is data; else, through an argument and
        copies that only reshape or rename it (`self.x = x`, `x = x.reshape(n, -1)`), the data passed in. A
        parameter's own start (`w, b = w_in, b_in`) is the model's, not data."""
        if sid in self.params:
            return []
        if sid in self.data_like:
            return [sid]
        x = self.by_id[sid]
        if depth <= 0 or not (x.kind == "arg" or (x.kind == "assign" and _copy_of_one(x.statement))
                              or (x.kind == "unpack" and _copy_of_one(x.statement, x.target))):
            return []
        out: list[int] = []
        for p in self.parent_map[sid]:
            if p != sid:
                out += [q for q in self._data_fed(p, depth - 1) if q not in out]
        return out

    @cached_property
    def inputs(self) -> int | None:
        """The training input data, followed back through arguments to where it was made."""
        c = self.input_candidates
        return self.root_data(c[0]) if c else None

    @cached_property
    def input_roots(self) -> set[int]:
        """The inputs' sites and the data they come from. An argument is fed by every call: `predict(x)` in the
        loop gets one row, `predict(feats)` for the loss gets the whole table, and both are the inputs."""
        roots = {self.root_data(c) for c in self.input_candidates} | set(self.input_candidates)
        for c in self.input_candidates:
            if self.by_id[c].kind == "arg":
                index_only = self._index_only_names(self.by_id[c].function, self.by_id[c].target[4:])
                roots.update(q for p in self.parents(c) if p in self.data_like
                             and base_name(self.by_id[p].target) not in index_only for q in (p, self.root_data(p)))
        return roots

    @cached_property
    def loss_side(self) -> tuple[int | None, int | None, int | None]:
        """(output site, target site, the site that combines them): where predictions meet targets.

        The first site (in step order) that reads a parameter-derived value and array data that is not
        the input. When the prediction is not a separate site (`r = X @ w + b - y`) the output is None.
        """
        for sid in self.first_step_order:
            if sid not in self.derived or self.by_id[sid].kind == "arg":
                continue
            ps = self.parent_map[sid]
            first_seq = self.ser(sid).seq[0]
            dat = [p for p in ps if p in self.data_like and (self._array(p) or self.entry_of_data(p))
                   and p not in self.input_roots
                   and self.root_data(p) not in self.input_roots and self.ser(p).seq[0] < first_seq
                   and not self._rewrites_input(p) and not self._returned_from_inputs(p)]
            # `outputArr[i] = o`: a buffer filled with the model's values is written, not compared with them.
            if self.by_id[sid].kind in ("setitem", "update", "augassign"):
                written = base_name(self.by_id[sid].target)
                dat = [p for p in dat if base_name(self.by_id[p].target) != written]
            # `goal[idx]`: the rows picked by an index array are the targets, the index itself is not.
            names = {base_name(self.by_id[p].target) for p in ps if p in self.data_like}
            dat = [p for p in dat if not _only_indexes(self.by_id[sid].statement, base_name(self.by_id[p].target),
                                                       names)]
            if not dat:
                continue
            dat.sort(key=lambda p: not _TARGET_HINT.match(last(base_name(self.by_id[p].target))))
            fwd = [p for p in ps if p in self.derived and self.observed(p)]
            if not fwd:
                # A list of every layer's activation handed back unrecorded (`outs = run(xb)`, then `outs[-1] - y`):
                # the prediction is the last value appended to it within the step.
                fwd = [a for a in (self._appended_into(p) for p in ps if p in self.derived) if a is not None][-1:]
            if fwd:
                return self._copied_from(fwd[-1]), dat[0], sid
            # The prediction read straight from the parameters, or through a value computed from them that was not
            # recorded itself (a list of layer outputs, `acts[-1] - goal[idx]`).
            if any(p in self.params or p in self.derived for p in ps):
                return None, dat[0], sid
        return self._reconstruction_side()

    def _copied_from(self, sid: int) -> int:
        """The value a plain copy of one name holds (`delta3 = probs`, then `delta3[rows, y] -= 1`): the prediction is
        the copied value, under the name that computed it."""
        x = self.by_id[sid]
        node = parse_statement(x.statement or "")
        node = node.body[0] if node is not None and node.body else None
        if x.kind == "assign" and isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute)):
            ps = [p for p in self.parent_map.get(sid, []) if p in self.derived and self.observed(p)
                  and self.by_id[p].kind != "arg"]
            if len(ps) == 1:
                return ps[0]
        return sid

    def _appended_into(self, sid: int, depth: int = 3) -> int | None:
        """The recorded `append` that builds the list an unrecorded value holds: through the function return that
        hands it back (`return outs`) or a plain copy, to `outs.append(h)` in the returning function. None when there is
        no one such append."""
        x = self.by_id[sid]
        if self.observed(sid) or depth <= 0:
            return None
        if x.kind == "return":
            name = (x.statement or "").strip()
            name = name[len("return"):].strip() if name.startswith("return") else ""
            found = [p for p in self.parents(sid) if self.by_id[p].kind == "append" and self.by_id[p].function ==
                     x.function and base_name(self.by_id[p].target) == name and self.observed(p)]
            return found[0] if len(found) == 1 else None
        if x.kind != "assign":
            return None
        got = {a for a in (self._appended_into(p, depth - 1) for p in self.parents(sid)
                           if self.by_id[p].kind == "return" or p in self.derived) if a is not None}
        return got.pop() if len(got) == 1 else None

    def _rewrites_input(self, sid: int) -> bool:
        """A write of the input data's own variable before the loop (`pixels -= pixels.mean(axis=0)` after `pixels =
        ...`): the same inputs, rescaled in place, not another array the predictions could be compared with."""
        x = self.by_id[sid]
        if x.kind not in ("update", "augassign") or not self.observed(sid) or self.ser(sid).step[0] >= 0:
            return False
        name = base_name(x.target)
        return any(self.by_id[r].kind != "arg" and base_name(self.by_id[r].target) == name for r in self.input_roots)

    def _returned_from_inputs(self, sid: int) -> bool:
        """A value a function returns in the loop, computed from the inputs (`return self.net(x)`, the model's own
        forward through a layer object nothing links to the parameters): a prediction, never the targets."""
        if self.by_id[sid].kind != "return" or self.ser(sid).step[0] < 0:
            return False
        return any(q in self.input_roots or self.root_data(q) in self.input_roots
                   for q in self.parents(sid) if q in self.data_like)

    def _reconstruction_side(self) -> tuple[int | None, int | None, int | None]:
        """An autoencoder's loss compares the output with the input itself: the first statement that subtracts
        the input from a parameter-derived value of the input's own recorded shape (a reconstruction)."""
        for sid in self.first_step_order:
            x = self.by_id[sid]
            if sid not in self.derived or x.kind == "arg" or "-" not in (x.statement or ""):
                continue
            ps = self.parent_map[sid]
            first_seq = self.ser(sid).seq[0]
            # The input itself, or an argument handed a copy of its rows (`yield chunk, chunk`, then
            # `loss(out, target)`): the value that statement reads traces back to the inputs.
            data = [p for p in ps if (p in self.input_roots or p in self.data_like
                                      and self.root_data(p) in self.input_roots)
                    and self._array(p) and self.ser(p).seq[0] < first_seq]
            # (output, the name the statement reads it by): a recorded value, or the last layer's value appended to
            # a list handed back unrecorded (`acts = forward(X)`, then `acts[-1] - X`)
            outs = [(p, p) for p in ps if p in self.derived and self.observed(p)]
            outs += [(a, p) for p in ps if p in self.derived and not self.observed(p)
                     for a in [self._appended_into(p)] if a is not None]
            for d in data:
                same = [o for o, by in outs if (self.ser(o).shape[0] == self.ser(d).shape[0] if o == by else
                                                 str(self.ser(d).shape[0]) in {t for _, t in self.ser(o).shape.unique_first()})
                        and _subtracts(x.statement, base_name(self.by_id[by].target), base_name(self.by_id[d].target))]
                if same:
                    return same[-1], d, sid
        return None, None, None

    @cached_property
    def first_step_order(self) -> list[int]:
        """Site ids in order of first observation within one typical training step."""
        first = self._first_seq_in_step
        return sorted(first, key=first.__getitem__)

    @cached_property
    def forward_sites(self) -> set[int]:
        """The forward pass: parameter-derived values the output is computed from (and the output)."""
        o = self.output
        if o is None:
            return {x.id for x in self.sites if x.phase == "forward"}
        # Within one step: a value stepped, or handed back by a function, after the output was computed in the step
        # is no ancestor of it there (a parameter handed back by `W1, b1 = step(W1, b1, ...)` links the next step's
        # forward pass to this step's backward pass through the returns).
        first = self._first_seq_in_step
        limit = first.get(o)
        seen, todo = {o}, [o]
        while todo:
            n = todo.pop()
            for p in self.parent_map.get(n, []):
                if p not in seen and p in self.derived and not (limit is not None and first.get(p, -1) > limit
                                                                 and self._handed_back(p)):
                    seen.add(p)
                    todo.append(p)
        return seen

    def _handed_back(self, sid: int) -> bool:
        """A value bound from what a function defined in the sources returned (`W1, b1 = step(W1, b1, ...)`), or a
        step of a value (`W1 = W1 - lr * dW1`): what carries one step's result into the next."""
        x = self.by_id[sid]
        return x.kind in ("update", "augassign") or x.kind in ("unpack", "assign") and any(
            self.by_id[p].kind == "return" for p in self.parent_map.get(sid, ()))

    @cached_property
    def _first_seq_in_step(self) -> dict[int, int]:
        """Each site's first recorded position in one typical training step (the one first_step_order reads)."""
        if not self.series:
            return {}
        f = self.s.table
        at = f[C.STEP] == (1 if self.n_steps > 1 else 0)
        sites, seqs = f[C.SITE][at], f[C.SEQ][at]
        unique, first = np.unique(sites, return_index=True)
        return {int(sid): int(seqs[i]) for sid, i in zip(unique, first)}

    @property
    def output(self) -> int | None:
        return self.loss_side[0]

    @property
    def target(self) -> int | None:
        return self.loss_side[1]

    def root_data(self, sid: int) -> int:
        """Follow an argument or a plain copy back to the data it came from (x -> arg x -> x)."""
        seen = {sid}
        cur = sid
        for _ in range(6):
            x = self.by_id[cur]
            ps = [p for p in self.parents(cur) if p not in seen and p in self.data_like]
            if x.kind == "arg":
                # `step(A[sel], passed[sel])`: the rows an index picks come from `passed`, not from `sel`
                index_only = self._index_only_names(x.function, x.target[4:])
                ps = [p for p in ps if base_name(self.by_id[p].target) not in index_only] or ps
            if len(ps) > 1:
                # Fed at several calls (training, then a test set): the data of the value's own shape in the loop
                # (or that shape transposed at the call) is what it came from.
                # Of data alike, the one handed in first: training reaches it before an evaluation after the loop.
                own = self.loop_dims(cur)
                # (Data whose values it never received keeps the order it had.)
                handed = {p: self._first_handed(cur, p) for p in ps}
                ps.sort(key=lambda p: (self.loop_dims(p) != own, self.loop_dims(p) != own[::-1], handed[p],
                                       int(self.ser(p).seq[0]) if handed[p] < 1 << 62 and self.observed(p) else 0))
            if (x.kind == "arg" or (x.kind == "assign" and _copy_of_one(x.statement))) and ps:
                cur = ps[0]
                seen.add(cur)
                continue
            # Picked anew in a loop (`xb, yb = X[batch], y[batch]`): a minibatch's targets are rows of `y`. (A split
            # made once, `train_x = points[:240]`, is data of its own.)
            picked = _rows_picked_from(x.statement, base_name(x.target)) \
                if x.kind in ("assign", "unpack") and x.loop is not None else None
            ps = [p for p in ps if base_name(self.by_id[p].target).replace("arg ", "") == picked]
            if ps:
                cur = ps[0]
                seen.add(cur)
                continue
            break
        return cur

    def _first_handed(self, sid: int, source: int) -> int:
        """The sequence number of the first value `sid` recorded that is `source`'s value (the same shape, mean,
        least and largest value): when that data was first handed to it. Very large when never. (Computed once
        per pair: every data lookup may ask.)"""
        key = ("first_handed", sid, source)
        if key not in self.memo:
            self.memo[key] = self._first_handed_uncached(sid, source)
        return self.memo[key]

    def _first_handed_uncached(self, sid: int, source: int) -> int:
        s, d = self.ser(sid), self.ser(source)
        if s is None or d is None or not len(s) or not len(d):
            return 1 << 62
        # Large arrays keep their statistics at some records only: the source's value is its first measured one.
        measured = np.nonzero(np.isfinite(d[C.MEAN]) & np.isfinite(d[C.MIN]) & np.isfinite(d[C.MAX]))[0]
        if not len(measured):
            return 1 << 62
        j = int(measured[0])
        same = np.ones(len(s), bool)
        for c in (C.MEAN, C.MIN, C.MAX):
            same &= s[c] == d[c][j]
        if s.shape is not None and d.shape is not None:
            same &= s.shape.matches(str(d.shape[j]))
        hit = np.nonzero(same)[0]
        return int(s.seq[hit[0]]) if len(hit) else 1 << 62

    def _index_only_names(self, function: str, param: str) -> frozenset[str]:
        """Names that every call of `function` reads, in the argument passed as `param`, only inside a subscript's
        index (`idx` of `net.forward(pts[idx])`). Computed once per argument (every data lookup asks)."""
        key = ("index_only", function, param)
        if key not in self.memo:
            self.memo[key] = frozenset(self._index_only_uncached(function, param))
        return self.memo[key]

    def _index_only_uncached(self, function: str, param: str) -> set[str]:
        inside, outside = set(), set()
        for _, expr in self.call_args(function, param):
            slices = set()
            for node in ast.walk(expr):
                if isinstance(node, ast.Subscript):
                    slices |= {id(n) for n in ast.walk(node.slice)}
            for node in ast.walk(expr):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    (inside if id(node) in slices else outside).add(node.id)
        return inside - outside

    def loop_dims(self, sid: int) -> tuple[int, ...]:
        """The dimensions a site recorded at its first observation in the loop (its first at all when none is); () when
        it recorded nothing."""
        sr = self.ser(sid)
        if sr is None or not len(sr):
            return ()
        inside = np.nonzero(sr.step >= 0)[0]
        return tuple(int(d) for d in re.findall(r"\d+", str(sr.shape[int(inside[0]) if len(inside) else 0])))

    def value_source(self, sid: int, among, same_step: bool = False) -> int | None:
        """The one site of `among` whose value a site received through a container nothing recorded as an array
        (`tanh_grad(cache["A1"])`): at each of the site's first VALUE_MATCH_ROWS observations, that site's last
        observation before it has the same size, minimum, maximum, mean and spread. With `same_step`, any of its
        observations earlier in the same step may match (a cache of each layer's activation, read back layer by
        layer in reverse). None when no site, or more than one, matches."""
        sr = self.ser(sid)
        if sr is None or not len(sr):
            return None
        rows = np.arange(min(VALUE_MATCH_ROWS, len(sr)))
        cols = (C.SIZE, C.MIN, C.MAX, C.MEAN, C.STD)
        want = np.stack([np.asarray(sr[c][rows], dtype=np.float64) for c in cols])
        if not np.isfinite(want).all() or ((want[4] == 0).all() and (want == want[:, :1]).all()):
            return None  # one constant value at every observation, or non-finite ones, match too much
        found = []
        for c in among:
            cs = self.ser(c)
            if c == sid or cs is None or not len(cs):
                continue
            before = cs.rows_before(sr.seq[rows])
            if (before < 0).any():
                continue
            got = np.stack([np.asarray(cs[col][before], dtype=np.float64) for col in cols])
            if np.array_equal(got, want):
                found.append(c)
            elif same_step and all(_summary_in_step(cs, cols, int(b), int(sr.step[r]), want[:, k])
                                   for k, (r, b) in enumerate(zip(rows, before))):
                found.append(c)
        return found[0] if len(found) == 1 else None

    def root_value(self, sid: int) -> int:
        """The site whose value an argument site carries (a function's `arg x` -> the caller's `a_jk`)."""
        cur = sid
        for _ in range(4):
            x = self.by_id[cur]
            if x.kind != "arg":
                return cur
            ps = [p for p in self.parents(cur) if self.observed(p)]
            if len(ps) != 1:
                return cur
            cur = ps[0]
        return cur

    def is_hyper(self, sid: int) -> bool:
        """A scalar argument or constant that sets training behaviour (learning rate and the like)."""
        x = self.by_id[sid]
        sr = self.ser(sid)
        if sr is None or not len(sr):
            return False
        scalar = np.nanmax(sr[C.SIZE]) <= 1
        return bool(scalar and (x.kind == "arg" or x.phase == "other") and not self.is_param(sid)
                    and not self.entry_of_data(sid) and not self._summed_into(sid))

    def _summed_into(self, sid: int) -> bool:
        """A number set to a constant that a later statement adds the model's values to (`acc_off = 0.0`, then
        `acc_off += dz` for each sample), or that statement itself: a running sum, not a setting. (A rate decayed by a
        constant factor, `lr *= 0.99`, stays a setting.)"""
        x = self.by_id[sid]
        if x.kind == "arg":
            return False
        name = base_name(x.target)
        # The adding statement itself (`dw += 2 * (p - t) * h`) is the running sum too.
        for w in {*self.resolve(name, x.function), sid}:
            y = self.by_id[w]
            if y.kind in ("augassign", "update") and any(
                    p in self.derived or p in self.params for p in self.parents(w)
                    if base_name(self.by_id[p].target) != name):
                return True
        return False

    def lr_sites(self, update: int) -> list[int]:
        """Scalar hyperparameter sites an update statement reads (its learning rate)."""
        out = []
        for p in self.parents(update):
            if self.is_hyper(p):
                out.append(p)
        named = [p for p in out if _HYPER_HINT.search(base_name(self.by_id[p].target))]
        return named or out

    def gradient_of(self, update: int) -> list[int]:
        """Non-scalar, non-parameter sites an update reads: its gradient. Of a name written before the loop and in
        it (`self.vs = 0.0`, then `self.vs = push * self.vs + g`), the write in the loop is what the steps read."""
        out = []
        parents = self.parents(update)
        in_loop = {base_name(self.by_id[p].target) for p in parents
                   if (sr := self.ser(p)) is not None and len(sr) and (sr.step >= 0).any()}
        for p in parents:
            if self.is_param(p) or self.is_hyper(p):
                continue
            sr = self.ser(p)
            if sr is not None and len(sr):
                if not (sr.step >= 0).any() and base_name(self.by_id[p].target) in in_loop:
                    continue
                out.append(p)
        return out

    def gradient_containers(self, update: int) -> list[int]:
        """The values an update reads that ran but recorded no array and are neither parameters, settings nor data:
        the containers its gradient is handed over in (`g` of `p[k] -= rate * g[k]`, a dict `grads(x, y)` returned)."""
        return [p for p in self.parents(update) if not (self.is_param(p) or self.is_hyper(p) or self.observed(p))
                and p not in self.data_like and self.ran(p)]

    def gradient_through_containers(self, update: int) -> list[int]:
        """For an update that reads its gradient out of a container recording no array (`grads = gradients(X, Y, p)`
        returning a dict, then `params[k] -= lr * grads[k]`): the recorded values that fill it, read through the
        container and the return that builds it (`delta` in `return {"W": X.T @ delta, ...}`). Empty when the update
        reads a recorded gradient itself."""
        if self.gradient_of(update):
            return []
        out: list[int] = []
        todo = self.gradient_containers(update)
        seen = set(todo)
        for _ in range(2):  # the container, then the return that fills it
            nxt = []
            for q in todo:
                for p in self.parents(q):
                    if p in seen or self.is_param(p) or self.is_hyper(p) or p in self.data_like:
                        continue
                    seen.add(p)
                    if self.observed(p):
                        out.append(p)
                    elif self.ran(p):
                        nxt.append(p)
            todo = nxt
        return out

    def init_writers(self, update: int) -> list[int]:
        """Sites that may have written the value an update site first replaced: the writes of its name."""
        return self.resolve(base_name(self.by_id[update].target), self.by_id[update].function)

    def weight_norm_before(self, update: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, norm of the parameter before each update) for an update site."""
        sr = self.ser(update)
        if sr is None:
            return np.zeros(0, np.int64), np.zeros(0)
        steps = sr.step
        l2 = measured_l2(sr)
        replaced = replaced_rows(sr)
        inits = [w for w in self.init_writers(update) if w != update and self.observed(w)]
        if len(replaced) and not np.array_equal(replaced, np.arange(len(replaced)) - 1):
            # One site writing several arrays in turn (`params[key] -= ...` over the keys): each write replaced
            # the value its own array held, and the first write of each array replaced its initialisation,
            # the last write of the same name and shape before it.
            prev = np.where(replaced >= 0, l2[np.maximum(replaced, 0)], np.nan)
            for i in np.nonzero(replaced < 0)[0]:
                prev[i] = self._init_norm(inits, sr.seq[i], sr.shape[i])
            return steps, prev
        prev = np.empty_like(l2)
        prev[1:] = l2[:-1]
        first = l2[0] if len(l2) else np.nan
        # The parameter's first recorded value (its initialisation), when there is one: of its own shape, as a writer
        # of several arrays in turn (`parameters = update(parameters, ...)` over a dict's keys) writes others too.
        for w in inits:
            ws = self.ser(w)
            if ws.seq[0] < sr.seq[0]:
                same = np.nonzero((ws.seq < sr.seq[0]) & ws.shape.matches(sr.shape[0]))[0]
                first = float(ws[C.L2][same[0]]) if len(same) else np.nan
                break
        if len(prev):
            prev[0] = first
        return steps, prev

    def _init_norm(self, writers: list[int], seq: int, shape) -> float:
        """The norm of the last value of the same shape that one of `writers` wrote before `seq`, NaN if none."""
        best, best_seq = np.nan, -1
        for w in writers:
            ws = self.ser(w)
            row = next((int(i) for i in np.nonzero(ws.seq < seq)[0][::-1] if ws.shape[int(i)] == shape), None)
            if row is not None and ws.seq[row] > best_seq:
                best, best_seq = float(ws[C.L2][row]), int(ws.seq[row])
        return best


def replaced_rows(sr) -> np.ndarray:
    """For each write of an update site, the row holding the value it replaced (-1: none recorded).

    Usually the row before. A site that writes several arrays in turn within a step (`params[key] -= lr *
    grads[key]` over a dict's keys) replaced, at its k-th write of a step, what its k-th write of an earlier
    step wrote (a container's iteration order is fixed). The writes tell which holds: the replaced value has
    the same shape and, for an in-place update, a norm within the update's norm of the new one (the
    triangle inequality); the pairing that fits clearly more writes is the site's.
    """
    n = len(sr.step)
    consecutive = np.arange(n) - 1
    if n < 3:
        return consecutive
    position = step_positions(sr.step)
    if not position.max():
        return consecutive
    lane = same_position_before(position)
    shape = np.asarray(getattr(sr.shape, "codes", sr.shape))
    norm, change = sr[C.L2].astype(np.float64), sr[C.UPDATE_L2].astype(np.float64)

    def fits(prev: np.ndarray) -> float:
        ok = prev >= 0
        j = np.maximum(prev, 0)
        good = ok & (shape[j] == shape)
        with np.errstate(invalid="ignore"):
            gap = np.abs(norm - norm[j])
            bounded = ~np.isfinite(change) | ~np.isfinite(gap) | (gap <= change * (1 + 1e-6) + 1e-12 * np.abs(norm))
        good &= bounded
        return float(good[ok].mean()) if ok.any() else 0.0

    if fits(lane) >= 0.9 and fits(consecutive) <= 0.5:
        return lane
    return consecutive


def step_positions(steps: np.ndarray) -> np.ndarray:
    """Each row's place among the rows of its step (0 for a step's first row, 1 for its second...): a run of equal
    steps is one step."""
    n = len(steps)
    if not n:
        return np.zeros(0, np.int64)
    index = np.arange(n)
    starts = np.r_[0, np.nonzero(np.diff(steps))[0] + 1]
    return index - np.repeat(starts, np.diff(np.r_[starts, n]))


def same_position_before(position: np.ndarray) -> np.ndarray:
    """For each row, the last earlier row holding the same place in its step (-1: none)."""
    order = np.lexsort((np.arange(len(position)), position))
    lane = np.full(len(position), -1, np.int64)
    if len(order) > 1:
        same = position[order[1:]] == position[order[:-1]]
        lane[order[1:][same]] = order[:-1][same]
    return lane


def unmeasured(sr) -> np.ndarray:
    """Rows whose norm was not measured: a large array checked on a sample only (stats.BigArrays
    screening) has no L2 and no non-finite element seen, unlike an all-NaN array (NaN L2, NaNs counted)."""
    return np.isnan(sr[C.L2]) & ((sr[C.N_NAN] + sr[C.N_POSINF] + sr[C.N_NEGINF]) == 0) & (sr[C.SIZE] > 0)


def measured_l2(sr) -> np.ndarray:
    """A site's L2 norms with each unmeasured row holding the last measured norm before it (NaN before the first).

    A parameter screened between full checks changes by its updates only, each measured exactly, and a
    large one (or a spike) forces a full check, so the last full check stands for the norm in between."""
    l2 = sr[C.L2]
    gap = unmeasured(sr)
    if not gap.any():
        return l2
    idx = np.where(gap, -1, np.arange(len(l2)))
    idx = np.maximum.accumulate(idx)
    out = np.where(idx >= 0, l2[np.maximum(idx, 0)], np.nan)
    return out


_FACTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def facts(session) -> Facts:
    """The program model of a session (analysis/program.py: a Facts whose roles come from one model), computed once."""
    got = _FACTS.get(session)
    if got is None:
        from ..analysis.program import ProgramModel

        got = ProgramModel(session)
        _FACTS[session] = got
    return got


def scoped_definitions(trees: dict):
    """(file, qualified name, node) of every function and class the sources define, in source order, named as
    capture names the functions: the enclosing classes' and functions' names joined by dots (`Net.Layer.forward`)."""
    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield f"{prefix}{child.name}", child
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    for path, tree in trees.items():
        for q, node in visit(tree, ""):
            yield path, q, node


# The symbol tables' names for the scopes of lambdas and comprehensions (capture records their statements under the
# enclosing function).
_OWN_SCOPES = frozenset({"lambda", "listcomp", "setcomp", "dictcomp", "genexpr"})


@lru_cache(maxsize=64)
def local_names(source: str) -> frozenset[tuple[str, str]]:
    """(function, name) for every name Python makes local to a function of `source` (its arguments, assignments,
    `for` and `with` targets, plain-name augmented assignments; not the names it declares global or nonlocal), the
    function named as capture names it: its enclosing classes' and functions' names joined by dots. Lambdas and
    comprehensions bind only their own variables and are left out."""
    import symtable

    try:
        top = symtable.symtable(source, "<source>", "exec")
    except (SyntaxError, ValueError):
        return frozenset()
    out = set()

    def visit(table, prefix):
        for child in table.get_children():
            name = child.get_name()
            if child.get_type() == "function" and name in _OWN_SCOPES:
                continue  # their own variables only
            qual = f"{prefix}{name}"
            if child.get_type() == "function":
                out.update((qual, sym.get_name()) for sym in child.get_symbols() if sym.is_local())
            visit(child, qual + ".")

    visit(top, "")
    return frozenset(out)


@lru_cache(maxsize=4096)
def parse_statement(text: str):
    """The AST of a site's statement (cached: many detectors look at the same statements), or None."""
    try:
        return ast.parse(strip_comment(text.strip()) if "\n" not in text.strip() else text.strip())
    except SyntaxError:
        try:
            return ast.parse(text.strip())
        except SyntaxError:
            return None


# Module names a call through which is the library's function, whatever the program names its own functions.
_LIBRARY_ROOTS = frozenset({"np", "numpy", "_np", "math", "random", "scipy"})


def expr_reads(node) -> list[str]:
    """Names and attribute chains an expression reads (longest chains)."""
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(getattr(sub, "ctx", None), ast.Load):
            d = _dotted(sub)
            if d and d not in out:
                out.append(d)
    return out


# Attributes that describe an array without reading its values: `g.reshape(acc.shape)` does not use acc's values.
METADATA_ATTRS = frozenset(("shape", "dtype", "ndim", "size"))


def copied_whole(statement: str | None) -> str | None:
    """The name a statement binds a whole copy of (`list(name)`, `dict(name)`, `name.copy()`, `name[:]`), else None."""
    tree = parse_statement(statement or "")
    node = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(node, ast.Assign):
        return None
    v = node.value
    if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in ("list", "dict") and len(v.args) == 1:
        return _dotted(v.args[0])
    if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "copy" and not v.args:
        return _dotted(v.func.value)
    if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Slice) and v.slice.lower is None \
            and v.slice.upper is None:
        return _dotted(v.value)
    return None


def _measured_only(node) -> set[int]:
    """The ids of the nodes under `node` read only for their size: the argument of `len(...)` and the array a
    metadata attribute describes (`X.shape`, `y.size`)."""
    sized = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1:
            sized.add(id(n.args[0]))
        if isinstance(n, ast.Attribute) and n.attr in METADATA_ATTRS:
            sized.add(id(n.value))
    return sized


@lru_cache(maxsize=4096)
def _index_reads(target: str) -> tuple[str, ...]:
    """The names a written target's subscripts read the values of (`d[np.arange(len(y)), y]` reads y; a name only
    measured, `len(y)` or `y.shape`, is not read). Plain names only: the container's own name is the write, not a read."""
    if "[" not in target:
        return ()
    try:
        node = ast.parse(target.strip(), mode="eval").body
    except SyntaxError:
        return ()
    out: list[str] = []
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Subscript):
            index = node.slice
            sized = _measured_only(index)
            called = {id(n.func) for n in ast.walk(index) if isinstance(n, ast.Call)}
            for n in ast.walk(index):
                if isinstance(n, ast.Name) and id(n) not in sized and id(n) not in called and n.id not in out \
                        and n.id not in _MODULES:
                    out.append(n.id)
        node = node.value
    return tuple(out)


def value_reads(site) -> tuple[str, ...]:
    """The names a statement reads the values of: a name seen only in `len(y)` or `y.shape` is left out (a
    permutation of `len(y)` rows does not depend on the targets' values)."""
    return _value_reads(site.statement or "", site.reads)


@lru_cache(maxsize=8192)
def _value_reads(statement: str, reads: tuple[str, ...]) -> tuple[str, ...]:
    tree = parse_statement(statement)
    if tree is None:
        return reads
    sized = _measured_only(tree)
    full = {_dotted(n) for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.Attribute))
            and isinstance(getattr(n, "ctx", None), ast.Load) and id(n) not in sized}
    only_sized = {_dotted(n) for n in ast.walk(tree) if id(n) in sized} - full
    return tuple(r for r in reads if r not in only_sized)


# Module names an expression's attribute chains start from, which name no value.
_MODULES = {"np", "numpy", "math"}


def free_names(node) -> set[str]:
    """Variable names an expression reads, without the functions it calls or numpy's module names (`self.out` is one
    name, the attribute, not `self` besides it; `col.mean()` reads col)."""
    called = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    owners = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
              and n.value.id not in _MODULES and id(n) not in called}
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and id(n) not in called and id(n) not in owners and n.id not in _MODULES:
            names.add(n.id)
        if isinstance(n, ast.Attribute) and id(n) not in called and isinstance(n.value, ast.Name) \
                and n.value.id not in _MODULES:
            names.add(f"{n.value.id}.{n.attr}")
    return names


def array_root(node) -> str | None:
    """The dotted name an indexed or transposed array expression reads (`X[:, j]`, `W.T`, `P[i, :].T`), else None."""
    while isinstance(node, ast.Subscript) or isinstance(node, ast.Attribute) and node.attr == "T":
        node = node.value
    return _dotted(node)


# Methods that hand back the same numbers in another shape, order or type.
_SAME_VALUES = ("reshape", "astype", "ravel", "flatten", "transpose", "copy", "squeeze")


def _copy_of_one(statement: str, unpacked: str | None = None) -> bool:
    """`a = b`, `self.x = x`, `x = x.reshape(n, -1)`, `acts = [x]`: one name's numbers, at most reshaped, retyped,
    copied or put alone in a list; for the name `unpacked` of a tuple target (`zs, outs = [], [x]`), its own element."""
    try:
        node = ast.parse(strip_comment(statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return False
    if not isinstance(node, ast.Assign):
        return False
    value = node.value
    if unpacked is not None:
        target = node.targets[0]
        if not (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
                and len(target.elts) == len(value.elts)):
            return False
        at = [k for k, t in enumerate(target.elts) if ast.unparse(t) == unpacked]
        if len(at) != 1:
            return False
        value = value.elts[at[0]]
    if isinstance(value, (ast.List, ast.Tuple)) and len(value.elts) == 1:
        value = value.elts[0]  # `acts = [x]`: a list started with one name's numbers holds them unchanged
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _SAME_VALUES:
        value = value.func.value
    return _dotted(value) is not None


def _summary_in_step(cs: Series, cols, row: int, step: int, summary: np.ndarray) -> bool:
    """Whether one of a site's observations from `row` back within `step` has exactly the summary `summary` (in
    `cols`)."""
    ks = cs.rows_in_step(row, step)
    if not ks:
        return False
    got = np.stack([np.asarray(cs[col][ks], dtype=np.float64) for col in cols])
    return bool((got == summary[:, None]).all(axis=0).any())


def _rows_picked_from(statement: str, target: str) -> str | None:
    """The array whose entries `target` is assigned by an index (`yb = y[batch]`, or `y[batch]` at target's place in
    `xb, yb = X[batch], y[batch]`): its name, None when the value is anything else."""
    try:
        node = ast.parse(strip_comment(statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return None
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return None
    left, value = node.targets[0], node.value
    if isinstance(left, (ast.Tuple, ast.List)):
        names = [_dotted(e) for e in left.elts]
        if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != len(names) or target not in names:
            return None
        value = value.elts[names.index(target)]
    elif _dotted(left) != target:
        return None
    if not isinstance(value, ast.Subscript):
        return None
    return _dotted(value.value)


def _matmul_operands(statement: str, elementwise: bool = True) -> set[str]:
    """Names multiplied by a matrix product in a statement: both sides of @, dot, matmul (and of `*` unless
    `elementwise` is False)."""
    try:
        tree = ast.parse(strip_comment(statement.strip()))
    except SyntaxError:
        return set()
    out = set()
    kinds = (ast.MatMult, ast.Mult) if elementwise else (ast.MatMult,)
    for node in ast.walk(tree):
        ops = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, kinds):
            ops = [node.left, node.right]
        elif isinstance(node, ast.Call) and last(_dotted(node.func) or "") in ("dot", "matmul", "outer", "inner",
                                                                           "tensordot", "einsum", "kron"):
            ops = [a for a in node.args if not isinstance(a, ast.Constant)]
            if isinstance(node.func, ast.Attribute) and _dotted(node.func.value) not in ("np", "numpy"):
                ops.append(node.func.value)  # X.dot(W): the receiver is an operand too
        for o in ops:
            while isinstance(o, ast.Subscript) or (isinstance(o, ast.Attribute) and o.attr == "T") or (
                    isinstance(o, ast.Call) and isinstance(o.func, ast.Attribute) and o.func.attr in _SAME_VALUES):
                # X[:, t], X.T and X.reshape(n, -1) multiply X
                o = o.func.value if isinstance(o, ast.Call) else o.value
            d = _dotted(o)
            if d:
                out.add(d)
    return out


def _only_indexes(statement: str, name: str, data: set[str]) -> bool:
    """Whether `name` appears in the statement only to pick rows of another data array (`goal[idx]`) or to count
    them (`len(idx)`): an index, not a value the statement computes with."""
    try:
        tree = ast.parse(strip_comment(statement.strip()))
    except SyntaxError:
        return False

    def uses(node) -> set:
        return {id(n) for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n) == name}

    inside, indexes = uses(tree), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _dotted(node.value) in data - {name}:
            indexes |= uses(node.slice)
        elif isinstance(node, ast.Call) and _dotted(node.func) == "len":
            indexes |= uses(node)
    return bool(indexes) and inside <= indexes


def strip_comment(line: str) -> str:
    """A source line without its trailing `#` comment (strings respected)."""
    try:
        import io
        import tokenize

        toks = list(tokenize.generate_tokens(io.StringIO(line).readline))
        for t in toks:
            if t.type == tokenize.COMMENT:
                return line[: t.start[1]].rstrip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return line.rstrip()


def running_median(x: np.ndarray, window: int) -> np.ndarray:
    """Median of the finite values among the `window` values before each position (NaN where there are fewer
    than 3)."""
    x = np.where(np.isfinite(x), x, np.nan)  # an infinity counts as no value, as NaN does
    n = len(x)
    out = np.full(n, np.nan)
    if n < 2:
        return out
    # Row i of the windows is x[i - window:i], NaN-padded before the start; blocks bound the memory.
    windows = np.lib.stride_tricks.sliding_window_view(np.r_[np.full(window, np.nan), x[:-1]], window)
    block = max(1, 2 ** 20 // window)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window's median is NaN, as wanted
        for a in range(0, n, block):
            part = windows[a:a + block]
            present = np.sum(~np.isnan(part), axis=1)
            full = present == window  # np.median is several times faster than np.nanmedian
            gaps = (present >= 3) & ~full
            out[a:a + block][full] = np.median(part[full], axis=1)
            out[a:a + block][gaps] = np.nanmedian(part[gaps], axis=1)
    return out


# -- activations -----------------------------------------------------------------------------------

_SIGMOID_NAME = re.compile(r"(sigmoid|logistic|expit|sigm)", re.IGNORECASE)
_TANH_NAME = re.compile(r"tanh", re.IGNORECASE)
_DERIV_NAME = re.compile(r"(deriv|grad|prime|backward|\bd_?sigmoid|\bd_?tanh)", re.IGNORECASE)
_SOFTMAX_NAME = re.compile(r"softmax", re.IGNORECASE)
# The names layer classes give their forward pass.
_FORWARD_METHOD = re.compile(r"forward|__call__|feed_?forward|fprop|forward_pass|forward_propagation", re.IGNORECASE)


@dataclass(frozen=True)
class Activation:
    """A site that holds an activation's output, with the site holding its input (pre-activation)."""

    site: int
    kind: str  # "sigmoid", "tanh", "softmax"
    pre: int | None  # the pre-activation site
    how: str  # "values" (checked element by element) or "code" (named in the code)


def _act_fn(kind):
    if kind == "sigmoid":
        return lambda z: 1.0 / (1.0 + np.exp(-z))
    if kind == "tanh":
        return np.tanh
    return None


def _kept_by_seq(F: "Facts", sid: int) -> dict[int, tuple[int, np.ndarray]]:
    """seq -> (shape code, kept value) of a site's kept values (built once per site: every pairing asks)."""
    key = ("kept_by_seq", sid)
    if key in F.memo:
        return F.memo[key]
    out: dict[int, tuple[int, np.ndarray]] = {}
    try:
        parts = F.s.recording.values.get(sid, [])
    except AttributeError:
        parts = []
    for code, seqs, data in parts:
        for q, row in zip(np.asarray(seqs).tolist(), data):
            out[int(q)] = (code, row)
    F.memo[key] = out
    return out


def _matches_by_seq(F: "Facts", a: int, z: int, kind: str) -> bool | None:
    """Do kept values of `a` equal kind(z) of the value z held just before (z's last observation before it, kept
    too, of the same shape)? Pairs by the order of the run, so sites kept at different observations within a step
    still compare like with like. None when no such pair was kept."""
    ka, kz = _kept_by_seq(F, a), _kept_by_seq(F, z)
    sz = F.ser(z)
    if not ka or not kz or sz is None or not len(sz):
        return None
    # z's observations as recorded (a long run's history is thinned) and as kept: the one just before each of a's
    zseq = np.unique(np.concatenate([np.asarray(sz.seq, dtype=np.int64), np.fromiter(kz, dtype=np.int64)]))
    found = []
    for q in sorted(ka):
        j = int(np.searchsorted(zseq, q)) - 1
        if j >= 0 and int(zseq[j]) in kz and kz[int(zseq[j])][0] == ka[q][0]:
            found.append((q - int(zseq[j]), ka[q][1], kz[int(zseq[j])][1]))
    if not found:
        return None
    # Within one call the two statements stand the same number of records apart; a pair further apart skipped an
    # observation of z that was neither kept nor recorded.
    gaps, counts = np.unique([g for g, _, _ in found], return_counts=True)
    usual = int(gaps[np.argmax(counts)])
    pairs = [(av, zv) for g, av, zv in found if g == usual]
    pick = [pairs[i] for i in np.unique(np.linspace(0, len(pairs) - 1, min(len(pairs), 25)).astype(int))]
    zs = np.concatenate([np.ravel(p[1]) for p in pick]).astype(np.float64)
    got = np.concatenate([np.ravel(p[0]) for p in pick]).astype(np.float64)
    if kind == "tanh" and not np.nanmax(np.abs(zs), initial=0.0) >= 0.5:
        return None
    with np.errstate(all="ignore"):
        want = _act_fn(kind)(zs)
    ok = np.isfinite(want) & np.isfinite(got)
    if ok.sum() == 0:
        return None
    return bool(np.all(np.abs(want[ok] - got[ok]) <= 1e-5 * np.maximum(1.0, np.abs(want[ok]))))


def _matches(F: "Facts", a: int, z: int, kind: str) -> bool | None:
    """Do the kept values of `a` equal kind(z) at common steps? None when values are missing."""
    paired = _matches_by_seq(F, a, z, kind)
    if paired is not None:
        return paired
    va, vz = F.values(a), F.values(z)
    if va is None or vz is None or va[1].shape[1] != vz[1].shape[1]:
        return None
    sa, da, _ = va
    sz, dz, _ = vz
    common, ia, iz = np.intersect1d(sa, sz, return_indices=True)
    if len(common) == 0:
        return None
    pick = np.linspace(0, len(common) - 1, min(len(common), 25)).astype(int)
    fn = _act_fn(kind)
    if kind == "tanh" and not np.nanmax(np.abs(dz[iz[pick]]), initial=0.0) >= 0.5:
        return None  # tanh(z) is z within rounding for small z: the values cannot tell a tanh from no activation
    with np.errstate(all="ignore"):
        want = fn(dz[iz[pick]])
    got = da[ia[pick]]
    ok = np.isfinite(want) & np.isfinite(got)
    if ok.sum() == 0:
        return None
    return bool(np.all(np.abs(want[ok] - got[ok]) <= 1e-5 * np.maximum(1.0, np.abs(want[ok]))))


def _matches_range(F: "Facts", a: int, z: int, kind: str) -> bool | None:
    """Does `a` hold kind(z), judged from recorded ranges where values were not kept? An increasing elementwise
    function maps z's minimum to a's minimum and z's maximum to a's maximum, whatever the layout: both must hold at
    every loop step where z was written just before a, over at least three steps. None when too few were recorded,
    or (for tanh) z stays so small that tanh(z) rounds to z."""
    sa, sz = F.ser(a), F.ser(z)
    if sa is None or sz is None or not len(sa) or not len(sz):
        return None
    rows = [(i, sz.before_seq(int(sa.seq[i]))) for i in np.nonzero(sa.step >= 0)[0]]
    rows = [(i, j) for i, j in rows if j is not None and str(sa.shape[i]) == str(sz.shape[j])]
    if len(rows) < 3:
        return None
    ia, iz = np.array([i for i, _ in rows]), np.array([j for _, j in rows])
    zlo, zhi, alo, ahi = sz[C.MIN][iz], sz[C.MAX][iz], sa[C.MIN][ia], sa[C.MAX][ia]
    ok = np.isfinite(zlo) & np.isfinite(zhi) & np.isfinite(alo) & np.isfinite(ahi)
    if ok.sum() < 3:
        return None
    zlo, zhi, alo, ahi = zlo[ok], zhi[ok], alo[ok], ahi[ok]
    if kind == "tanh" and not max(np.max(np.abs(zlo)), np.max(np.abs(zhi))) >= 0.5:
        return None
    fn = _act_fn(kind)
    with np.errstate(all="ignore"):
        want = np.concatenate([fn(zlo), fn(zhi)])
    got = np.concatenate([alo, ahi])
    return bool(np.all(np.abs(want - got) <= 1e-5 * np.maximum(1.0, np.abs(want))))


def _facts_activations(F: "Facts") -> list[Activation]:
    out: list[Activation] = []
    for x in F.sites:
        # A statement of a layer's forward method is the forward pass wherever the step calls it (the phases are
        # read from the order of the step, and a layer object's forward runs between other layers' updates).
        forward_method = _FORWARD_METHOD.fullmatch(last(x.function)) is not None and "." in x.function
        if x.kind in ("arg",) or not F.observed(x.id) or (
                x.phase in ("backward", "update") and x.id not in F.forward_sites and not forward_method):
            continue
        if x.id not in F.derived:
            continue  # data is no activation
        if F.loop_steps(x.id) < 2:
            continue  # not part of training (a prediction after the loop)
        if _DERIV_NAME.search(x.statement + " " + " ".join(x.calls) + " " + x.target):
            continue
        sr = F.ser(x.id)
        lo, hi = np.nanmin(sr[C.MIN]) if np.isfinite(sr[C.MIN]).any() else np.nan, np.nanmax(sr[C.MAX]) if np.isfinite(sr[C.MAX]).any() else np.nan
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo < -1 or hi > 1:
            continue
        text = x.statement + " " + " ".join(x.calls)
        # The statements this value is computed from: `exps = exp(z)` then `probs = exps / exps.sum()`.
        callee_text = " ".join(F.by_id[r].statement for r in F.parents(x.id) if F.by_id[r].kind != "arg")
        pre_cands = [p for p in F.parents(x.id) if F.by_id[p].kind != "return" and not F.is_param(p)]
        found = None
        for kind in (("sigmoid", "tanh") if lo < 0 else ("sigmoid",)) if lo >= 0 else ("tanh",):
            for z in pre_cands:
                m = _matches(F, x.id, z, kind)
                if m:
                    found = Activation(x.id, kind, z, "values")
                    break
            if found:
                break
        if found is None:
            hint = text + " " + callee_text
            kind = None
            # A softmax is often spread over two statements (`e = exp(z)`, `p = e / e.sum()`); a sigmoid or a
            # tanh is named in the value's own statement or call, not in what it was computed from (a linear
            # readout of tanh states is no tanh).
            # The value's own statement, and the return statements of the functions it calls (`h, p = predict(X)`).
            own = text + " " + " ".join(F.by_id[r].statement for r in F.parents(x.id) if F.by_id[r].kind == "return")
            if _SOFTMAX_NAME.search(hint) or ("exp(" in hint and "sum(" in hint and lo >= 0):
                kind = "softmax"
            elif _SIGMOID_NAME.search(own) or (re.search(r"exp\(\s*-", own) and lo >= 0):
                kind = "sigmoid"
            elif _TANH_NAME.search(own):
                kind = "tanh"
            if kind:
                pre = max(pre_cands, key=lambda p: np.nanmax(F.ser(p)[C.ABSMAX]) if F.observed(p) and np.isfinite(F.ser(p)[C.ABSMAX]).any() else -1, default=None)
                if pre is not None and (not F.observed(pre) or np.nanmax(F.ser(pre)[C.SIZE]) != np.nanmax(sr[C.SIZE])):
                    pre = None
                found = Activation(x.id, kind, pre, "code")
        if found is None and x.kind != "return" and F.values(x.id) is None:
            # Values too large to keep and no activation named in the code (a lambda, a table of functions): the
            # recorded ranges decide.
            for kind in (("sigmoid", "tanh") if lo < 0 else ("sigmoid",)) if lo >= 0 else ("tanh",):
                z = next((z for z in pre_cands if _matches_range(F, x.id, z, kind)), None)
                if z is not None:
                    found = Activation(x.id, kind, z, "values")
                    break
        if found:
            out.append(found)
    # A function's return is the same value as the caller's assignment: keep the caller's site.
    callers = {last(c) for a in out for c in F.by_id[a.site].calls}
    return [a for a in out if not (F.by_id[a.site].kind == "return" and last(F.by_id[a.site].function) in callers)]


Facts.activations = cached_property(_facts_activations)
Facts.activations.__set_name__(Facts, "activations")


def activation_of(F: "Facts", sid: int) -> Activation | None:
    for a in F.activations:
        if a.site == sid:
            return a
    return None


def kept_output_target(F):
    """(output steps, values, shape, target steps, values, shape) when both are kept, else None."""
    o, t = F.output, F.target
    if o is None or t is None:
        return None
    vo, vt = F.values(o), F.values(t)
    if vo is None or vt is None:
        return None
    return (*vo, *vt)
