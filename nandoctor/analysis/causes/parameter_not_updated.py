"""An update lands on a copy or a rebound name, or nothing writes a term the model adds: the parameter never changes."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

import numpy as np

from ... import columns as C
from ...detectors.facts import _dotted, base_name, last, parse_statement, strip_comment
from ...explain.fixes import advice, return_originals_fixes
from ...model import ChainLink, Fix
from ..program import base_key, names_stored_value
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


def _read_later(fn: ast.AST, name: str, after_line: int, until_line: int) -> bool:
    """Whether `name` is read in lines (after_line, until_line] of `fn`."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) \
                and after_line < node.lineno <= until_line:
            return True
    return False


def _enclosing_loop(fn: ast.AST, line: int):
    """The innermost `for` statement of `fn` whose body holds `line`."""
    best = None
    for node in ast.walk(fn):
        if isinstance(node, ast.For) and node.lineno < line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno > best.lineno:
                best = node
    return best


def _steps_from_itself(statement: str, name: str) -> bool:
    """`name -= step`, `name += step` or `name = name - step` (`+`): a step added to the value the name held."""
    tree = parse_statement(statement)
    node = tree.body[0] if tree is not None and tree.body else None
    if isinstance(node, ast.AugAssign):
        return isinstance(node.op, (ast.Add, ast.Sub))
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, (ast.Add, ast.Sub)):
        return any(isinstance(side, ast.Name) and side.id == name for side in (node.value.left, node.value.right))
    return False


def rebinding_updates(F) -> list[dict]:
    """Update statements `name = name - ...` (or `name -= ...` on a Python number) whose name is a loop variable or a
    parameter of its function, bound from a container it is never written back to: nothing reads it after the
    update before the loop (or the function) rebinds it."""
    out = []
    for x in F.sites:
        if x.kind not in ("update", "augassign") or "." in x.target or "[" in x.target:
            continue
        name = x.target
        if not _steps_from_itself(x.statement, name):
            continue  # `grad = layer.backward(grad)` hands the value on through a call: no step of a parameter
        sr = F.ser(x.id)
        if sr is None or not len(sr) or not (sr.step >= 0).any():
            continue
        scalar = str(sr.dtype[0]) in ("float", "int", "complex")
        if x.kind == "augassign" and not scalar:
            continue  # `W -= ...` on an array changes the array the container holds
        fn = F.function_defs.get(x.function) if x.function != "<module>" else F.trees.get(x.file)
        if fn is None:
            continue
        params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs} if hasattr(fn, "args") else set()
        loop = _enclosing_loop(fn, x.line)
        loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)} if loop is not None else set()
        tree = parse_statement(x.statement)
        if not scalar and tree is not None and tree.body and isinstance(tree.body[0], ast.AugAssign) \
                and name in loop_names and _walks_listed_arrays(loop, name):
            continue  # `p -= lr * g` over zip([Wx, Wh], grads): the arrays themselves, changed in place
        taken = _taken_from_container(loop, name, x.line) if loop is not None and name not in loop_names else None
        # A read earlier in the loop's body sees the update at the next iteration, unless the name is bound afresh
        # before it (`W = model["W"]` at the top of each pass).
        holder, earlier_reads_until = None, x.line - 1
        if name in loop_names:
            until, bound = loop.end_lineno, f"the loop variable of `for {ast.unparse(loop.target).strip('()')} in {ast.unparse(loop.iter)}`"
            holder, earlier_reads_until = ast.unparse(loop.iter), None
        elif taken is not None:
            # `W = model["W"]` at the top of each pass, then `W = W - lr * dW`: the next pass takes the old W again.
            holder, bind_line = taken
            until, bound = loop.end_lineno, f"taken from {holder} at line {bind_line} on each pass of the loop"
            earlier_reads_until = bind_line - 1
        elif name in params:
            until, bound = getattr(fn, "end_lineno", x.line), f"a parameter of {x.function}()"
        else:
            continue
        if _read_later(fn, name, x.line, until):
            continue
        if loop is not None and earlier_reads_until is not None and _read_later(fn, name, loop.lineno - 1,
                                                                                earlier_reads_until):
            continue
        out.append(dict(site=x, name=name, bound=bound, params=params, loop_line=loop.lineno if holder else None,
                        iterable=holder, scalar=scalar, taken=taken is not None,
                        bind_line=taken[1] if taken is not None else None))
    return out


def _walks_listed_arrays(loop, name: str) -> bool:
    """Whether `loop` hands `name` the elements of a list or tuple written out of names (`for p in [W, b]`,
    `for p, g in zip([W, b], grads)`): the arrays themselves, not copies a function returned."""
    target, it = loop.target, loop.iter
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip" \
            and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args):
        pairs = list(zip(target.elts, it.args))
    else:
        pairs = [(target, it)]
    for t, source in pairs:
        if isinstance(t, ast.Name) and t.id == name:
            return isinstance(source, (ast.List, ast.Tuple)) and all(
                isinstance(e, (ast.Name, ast.Attribute)) for e in source.elts)
    return False


def _container_read(node: ast.AST) -> bool:
    """`model["W"]`, `self.W`, `params[k]`, `getattr(self, name)`: a value read out of a container (the same array, not
    a copy), numpy's constants aside."""
    return names_stored_value(node) and not (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy", "math"))


def _taken_from_container(loop: ast.For, name: str, before_line: int) -> tuple[str, int] | None:
    """(the container expression, line) of the last statement in `loop`'s body before `before_line` binding `name`
    to a value read out of a container (`W = model["W"]`, `Wx, Wh = model["Wx"], model["Wh"]`)."""
    found = None
    for node in ast.walk(loop):
        if not isinstance(node, ast.Assign) or not loop.lineno < node.lineno < before_line:
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and len(target.elts) == len(node.value.elts):
                pairs = list(zip(target.elts, node.value.elts))
            for t, v in pairs:
                if isinstance(t, ast.Name) and t.id == name and _container_read(v) \
                        and (found is None or node.lineno > found[1]):
                    found = (ast.unparse(v), node.lineno)
    return found


def _stats(sr, i) -> tuple:
    """A recorded value's summary (min, max, mean, L2): a Python number's is the number itself."""
    return tuple(float(sr[c][i]) for c in (C.MIN, C.MAX, C.MEAN, C.L2))


def argument_handoffs(F, x, name: str) -> list[tuple[tuple, tuple, tuple]] | None:
    """For an update rebinding `name`, a parameter of its function: per call, the value the argument came in with,
    the value the update wrote, and the value the argument came in with at the next call, each as recorded stats.
    None when the function's argument was not recorded."""
    arg = next((y for y in F.sites if y.kind == "arg" and y.function == x.function and y.target == f"arg {name}"), None)
    sr, ar = F.ser(x.id), F.ser(arg.id) if arg is not None else None
    if sr is None or ar is None or len(ar) < 2 or not len(sr):
        return None
    order = np.argsort(ar.seq, kind="stable")
    seqs = ar.seq[order]
    out = []
    for i in range(len(sr)):
        k = int(np.searchsorted(seqs, sr.seq[i])) - 1
        if k < 0 or k + 1 >= len(seqs):
            continue
        out.append((_stats(ar, order[k]), _stats(sr, i), _stats(ar, order[k + 1])))
    return out or None


def taken_handoffs(F, c) -> list[tuple[tuple, tuple, tuple]] | None:
    """For an update rebinding a name taken from a container at the top of each pass (`a = coef["a"]`): per pass, the
    value taken, the value the update wrote, and the value taken at the next pass, as recorded stats. None when the
    statement taking it was not recorded."""
    x = c["site"]
    take = next((y for y in F.sites if y.kind in ("assign", "unpack") and y.function == x.function and y.file == x.file
                 and y.line == c.get("bind_line") and base_name(y.target) == c["name"]), None)
    sr, tr = F.ser(x.id), F.ser(take.id) if take is not None else None
    if sr is None or tr is None or len(tr) < 2 or not len(sr):
        return None
    out = []
    for i in range(len(sr)):
        k = int(np.searchsorted(tr.seq, sr.seq[i])) - 1
        if k < 0 or k + 1 >= len(tr):
            continue
        out.append((_stats(tr, k), _stats(sr, i), _stats(tr, k + 1)))
    return out or None


def _enclosing_function(functions: list, line: int) -> str:
    """The qualified name of the innermost of `functions` ((name, def) of one file) holding `line`, else `<module>`."""
    best, name = None, "<module>"
    for q, fn in functions:
        if fn.lineno <= line <= (fn.end_lineno or fn.lineno) and (best is None or fn.lineno > best.lineno):
            best, name = fn, q
    return name


def discarded_updates(F) -> list[dict]:
    """Statements inside a loop whose whole value is a step applied to a value and then thrown away: a bare
    `np.subtract(p, rate * g)` with no `out=`, or a bare `p - rate * g`. Each with the operand the step was meant
    for, the step, and the outermost loop of its function holding it."""
    out, seen = [], set()
    for path, tree in F.trees.items():
        loops = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))]
        defs = {id(n) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        functions = [(q, fn) for q, fn in F.function_defs.items() if id(fn) in defs]
        for loop in loops:
            for stmt in ast.walk(loop):
                if not isinstance(stmt, ast.Expr) or (path, stmt.lineno) in seen:
                    continue
                v = stmt.value
                if isinstance(v, ast.Call) and last(_dotted(v.func) or "") in ("subtract", "add") and len(v.args) == 2 \
                        and not any(k.arg == "out" for k in v.keywords):
                    operand, step = v.args
                elif isinstance(v, ast.BinOp) and isinstance(v.op, (ast.Sub, ast.Add)):
                    operand, step = v.left, v.right
                else:
                    continue
                # A step is a product or quotient (`rate * g`, `g / n`): `a - b` of two plain values is no update.
                if not isinstance(operand, (ast.Name, ast.Attribute, ast.Subscript)) or not any(
                        isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div)) for n in ast.walk(step)):
                    continue
                seen.add((path, stmt.lineno))
                outer = max((lp for lp in loops if lp.lineno <= stmt.lineno <= (lp.end_lineno or lp.lineno)
                             and _enclosing_function(functions, lp.lineno) == _enclosing_function(functions, stmt.lineno)),
                            key=lambda lp: (lp.end_lineno or lp.lineno) - lp.lineno)
                out.append(dict(file=path, line=stmt.lineno, statement=ast.unparse(stmt), call=isinstance(v, ast.Call),
                                operand=ast.unparse(operand), step=step, node=v,
                                function=_enclosing_function(functions, stmt.lineno),
                                span=(outer.lineno, outer.end_lineno or outer.lineno)))
    return out


def _operand_names(F, d: dict) -> set[str]:
    """The names the discarded step was meant for: the operand, and for a loop variable over a container built before
    the loop (`for p, g in zip(params, grads)` with `params = [W, b]`), the names that container was built from."""
    name = base_name(d["operand"]).split("[", 1)[0]
    names = {name}
    for w in F.resolve(name, d["function"]):
        x = F.by_id[w]
        if x.line < d["span"][0]:
            names |= {base_name(r).split("[", 1)[0] for r in x.reads}
    return names


def _in_span(F, x, d: dict) -> bool:
    return x.file == d["file"] and d["span"][0] <= x.line <= d["span"][1] if getattr(x, "file", None) else \
        d["span"][0] <= x.line <= d["span"][1]


def _read_anywhere(F, text: str) -> bool:
    """Whether any statement of the traced sources reads `text` (a name, or an attribute under any object's name)."""
    attr = text.rsplit(".", 1)[1] if "." in text else None
    for tree in F.trees.values():
        for n in ast.walk(tree):
            if attr is not None and isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.ctx, ast.Load):
                return True
            if attr is None and isinstance(n, ast.Name) and n.id == text and isinstance(n.ctx, ast.Load):
                return True
            if attr is not None and isinstance(n, ast.Constant) and n.value == attr:
                return True  # getattr(obj, "name"), a key spelled out
    return False


def orphan_updates(F) -> list[dict]:
    """Updates `new = old - rate * g` inside a loop that write a name no statement reads, from a value `old` that is
    set before the loop and read in it: the step lands on a name of its own, and `old` keeps its value."""
    out = []
    for x in F.sites:
        sr = F.ser(x.id)
        if x.kind not in ("assign", "update") or sr is None or len(sr) < 2:
            continue
        tree = parse_statement(strip_comment(x.statement.strip()))
        node = tree.body[0] if tree is not None and tree.body else None
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], (ast.Name, ast.Attribute))
                and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, (ast.Sub, ast.Add))
                and isinstance(node.value.left, (ast.Name, ast.Attribute))
                and any(isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div))
                        for n in ast.walk(node.value.right))):
            continue
        new, old = ast.unparse(node.targets[0]), ast.unparse(node.value.left)
        if new == old or base_name(new) == base_name(old) or _read_anywhere(F, new):
            continue
        writes = [w for w in F.resolve(old, x.function) if F.ser(w) is not None and len(F.ser(w))]
        if not writes:
            continue
        out.append(dict(site=x, new=new, old=old, writes=writes))
    return out


def _orphaned(ctx, out: RuleOutcome, orphans: list[dict]) -> RuleOutcome:
    """An update writing a name nothing reads: the value it steps from keeps its value through the loop."""
    F = ctx.facts
    o = orphans[0]
    x = o["site"]
    stmt = strip_comment(x.statement.strip()).splitlines()[0]
    out.check("rebinding_update", True, f"`{stmt}` (line {x.line}) writes {o['new']}, which no statement reads, "
              f"from {o['old']}", line=x.line)
    sr = F.ser(x.id)
    first_write = int(sr.seq.min())
    before = [(w, i) for w in o["writes"] for i in range(len(F.ser(w))) if F.ser(w).seq[i] < first_write]
    during = [w for w in o["writes"] if (F.ser(w).seq > first_write).any()]
    start = None
    if before:
        w, i = max(before, key=lambda p: F.ser(p[0]).seq[p[1]])
        start = tuple(float(F.ser(w)[c][i]) for c in (C.MIN, C.MAX, C.MEAN, C.L2))
    written = {tuple(float(sr[c][i]) for c in (C.MIN, C.MAX, C.MEAN, C.L2)) for i in range(len(sr))}
    if not out.check("update_moves", None if start is None else any(v != start for v in written),
                     f"what it writes differs from {o['old']} as set before the loop" if start is not None else
                     f"{o['old']} was not recorded before the update first ran"):
        return out
    if not out.check("update_lost", not during,
                     f"{o['old']} was last written before the update first ran and never while it ran "
                     f"({len(sr)} times)" if not during else f"{o['old']} is also written while the update runs",
                     updates=int(len(sr))):
        return out
    summary = (f"`{stmt}` (line {x.line}) writes the stepped value into {o['new']}, a name no statement reads, while "
               f"{o['old']} is what the program uses: measured, {o['old']} was never written in the {len(sr)} runs of "
               f"the update, so it keeps the value it was given before the loop.")
    after = stmt.replace(o["new"], o["old"], 1)
    fixes = [Fix(f"Write the step back into {o['old']}", x.line, stmt, after,
                 f"{o['new']} is read nowhere; the model reads {o['old']}.")]
    ev = dict(line=x.line, written=o["new"], parameter=o["old"], updates=int(len(sr)))
    out.drafts.append(Draft("parameter_not_updated", PRIMARY - 3, summary,
                            [ChainLink(summary, None, o["old"], x.line, dict(ev))], fixes, [], ev))
    return out


_INIT_CALL = re.compile(r"\b(zeros|ones|full|zeros_like|ones_like|normal|randn|rand|uniform|standard_normal|random)\(")


def _term_text(node) -> str | None:
    """`b`, `self.bias`, `model['icpt']` (constant keys only): the text of a term a statement adds, else None."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        return ast.unparse(node)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and _term_text(node.value):
        return ast.unparse(node)
    return None


def _root(text: str) -> str:
    return text.split("[", 1)[0]


def _has_product(node, params: set[str]) -> bool:
    """The expression multiplies by a parameter (or an element of a parameter container)."""
    for n in ast.walk(node):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.MatMult, ast.Mult)) or \
                isinstance(n, ast.Call) and _call_name(n.func) in ("dot", "matmul"):
            if any(_root(ast.unparse(m)) in params for m in ast.walk(n) if isinstance(m, (ast.Name, ast.Attribute))):
                return True
    return False


def _call_name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _may_alias(trees, text: str) -> bool:
    """Whether the value `text` names (or, for an element, its container) is handed anywhere it could be updated
    under another name: put in a list, tuple or dict, passed to a call, iterated, or bound to another name
    (`params = [W, b]`, `for p in model.values()`, `p = b`). Read only as an operand, it is not."""
    root = _root(text)
    for tree in trees:
        parent = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
        for n in ast.walk(tree):
            if not isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) or not isinstance(getattr(n, "ctx", None), ast.Load):
                continue
            t = ast.unparse(n).replace('"', "'")
            if t != text and t != root:
                continue
            up = parent.get(n)
            if t == root and t != text and isinstance(up, ast.Subscript) and up.value is n:
                continue  # `model['coef']`: one element read, not the container handed on
            if t == root and t != text and isinstance(up, ast.Attribute) and up.attr in ("values", "items"):
                return True  # `for v in model.values(): v -= ...` writes the elements under the loop's name
            if isinstance(up, (ast.BinOp, ast.UnaryOp, ast.Compare)) or (isinstance(up, ast.Attribute) and up.value is n) \
                    or isinstance(up, (ast.FormattedValue, ast.JoinedStr)):
                continue
            if isinstance(up, ast.Subscript) and up.value is n:
                continue
            if isinstance(up, ast.Call) and isinstance(up.func, ast.Attribute) and up.func.value is n:
                continue
            if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id in ("print", "len", "float", "round"):
                continue
            return True
    return False


def unwritten_terms(F) -> list[dict]:
    """Terms the forward pass adds to a product with an updated parameter (`X @ w + b`, `... + model['icpt']`) that
    no statement writes in the training loop: an element of the parameters' own container, or a value initialised
    like a parameter (zeros, ones, full, a random draw) before the loop. A container written with a computed key
    (`model[k] = ...`) in the loop may write it: such terms are left out."""
    in_loop = [x for x in F.sites if F.ser(x.id) is not None and len(F.ser(x.id)) and (F.ser(x.id).step >= 0).any()]
    if not in_loop:
        return []
    params = {_root(p) for p in F.param_names} | {_root(F.by_id[u].target) for u in F.updates}
    written = {F.by_id[x.id].target.replace('"', "'") for x in in_loop if x.kind != "arg"}
    computed_keys = {_root(t) for t in written if "[" in t and not re.search(r"\[\s*['\d-]", t)}
    before = {}
    for x in F.sites:
        sr = F.ser(x.id)
        if x.kind != "arg" and sr is not None and len(sr) and np.all(sr.step < 0):
            before.setdefault(x.target.replace('"', "'"), x)
    out, seen = [], set()
    for x in in_loop:
        if x.phase != "forward" and x.id not in F.forward_sites:
            continue
        tree = parse_statement(strip_comment(x.statement.strip()))
        if tree is None:
            continue
        for n in ast.walk(tree):
            if not (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)):
                continue
            for term, other in ((n.right, n.left), (n.left, n.right)):
                text = _term_text(term)
                if text is None or text in seen or not _has_product(other, params):
                    continue
                text = text.replace('"', "'")
                if text in written or text in params or _root(text) in computed_keys:
                    continue
                if _may_alias(list(F.trees.values()), text):
                    continue  # it may be updated under another name, unseen here
                init = before.get(text)
                element = "[" in text and _root(text) in params
                if not element and (init is None or not _INIT_CALL.search(init.statement)):
                    continue
                seen.add(text)
                out.append(dict(term=text, site=x, init=init, element=element))
    return out


def residual_offset(F, x) -> dict | None:
    """The residual a term added at forward site `x` would absorb, over the last tenth of the loop's steps: the
    recorded difference (`x` itself when it subtracts the targets, else a statement subtracting from x's value)
    with its mean and spread. None when no such difference was recorded."""
    name = x.target.split(" = ")[0]
    model_side = {_root(F.by_id[i].target) for i in F.derived} | {_root(p) for p in F.param_names} | {name}
    model_side |= {_root(F.by_id[u].target) for u in F.updates}

    def data_only(side) -> bool:
        """The side reads names, none of them the parameters or a value computed from them: the data."""
        roots = {_root(ast.unparse(m)) for m in ast.walk(side) if isinstance(m, (ast.Name, ast.Attribute))}
        return bool(roots) and not roots & model_side

    cands = [x] + [y for y in F.sites if y.id != x.id and name in y.reads and y.id not in F.updates
                   and y.kind not in ("update", "augassign")]
    for y in cands:
        tree = parse_statement(strip_comment(y.statement.strip()))
        # A difference with the data on one side (`pred - y`, `X @ w + b - y`), not `1 - h ** 2` of a backward pass.
        if tree is None or not any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)
                                   and (data_only(n.left) or data_only(n.right)) for n in ast.walk(tree)):
            continue
        sr = F.ser(y.id)
        if sr is None or not len(sr):
            continue
        rows = np.nonzero(sr.step >= 0)[0]
        if len(rows) < 5:
            continue
        tail = rows[-max(1, len(rows) // 10):]
        mean, spread = sr[C.MEAN][tail].astype(float), sr[C.STD][tail].astype(float)
        if not (np.isfinite(mean).all() and np.isfinite(spread).all()):
            continue
        return dict(site=y, mean=float(np.mean(mean)), spread=float(np.mean(spread)), steps=len(tail))
    return None


def _by_occurrence(sr, cols) -> dict[tuple, list[tuple[int, int]]]:
    """The k-th observation of each step, grouped by k and shape: {(k, shape): [(step, row), ...]} over the loop.
    The shape keeps apart parameters that take turns at one statement, as when the loop taken for the training
    steps is the one over the layers."""
    groups: dict[tuple, list] = defaultdict(list)
    count: dict[int, int] = defaultdict(int)
    shapes = sr.shape
    for i in np.nonzero(sr.step >= 0)[0]:
        s = int(sr.step[i])
        groups[(count[s], None if shapes is None else str(shapes[i]))].append((s, i))
        count[s] += 1
    return groups


def _kept_rows(F, sid: int, sr) -> dict[int, np.ndarray] | None:
    """{row of the site's series: the written value} for every shape whose values were all kept (a statement
    writing arrays of several shapes in turn keeps each shape's group apart)."""
    try:
        groups = F.s.values(sid)
    except Exception:  # noqa: BLE001 - values are optional evidence
        return None
    if not groups:
        return None
    shapes = [str(sr.shape[i]) for i in range(len(sr))] if sr.shape is not None else None
    kept: dict[int, np.ndarray] = {}
    for shape, steps, data in groups:
        rows = [i for i in range(len(sr)) if shapes[i] == str(shape)] if shapes is not None else list(range(len(sr)))
        steps = np.asarray(steps)
        if len(rows) != len(steps) or not np.array_equal(steps, sr.step[rows]):
            continue
        data = np.asarray(data, dtype=np.float64)
        kept.update({i: data[j] for j, i in enumerate(rows)})
    return kept or None


def _eps(dtype_name: str) -> float:
    """The machine epsilon of a recorded dtype's name (a Python float's for names numpy does not know)."""
    try:
        dt = np.dtype(dtype_name)
    except TypeError:
        return float(np.finfo(np.float64).eps)
    return float(np.finfo(dt).eps) if dt.kind == "f" else float(np.finfo(np.float64).eps)


def update_lost(F, x) -> tuple[bool | None, dict]:
    """Whether what the update writes at one step is measurably not what it starts from at the next.

    With the written values kept: if the update had landed, consecutive written values would differ by exactly that
    step's update (`update_l2`). Without them: written values identical from step to step while each write moves
    its value by a nonzero amount can only mean every step starts again from the same old value."""
    sr = F.ser(x.id)
    groups = _by_occurrence(sr, None)
    kept = _kept_rows(F, x.id, sr)
    # Other statements of the same function updating the same name (`w -= mom * v` then `w += ...` and `w -= v`,
    # Nesterov's look-ahead): between two runs of this one they change the value too, so a pair with one of them
    # in between says nothing about whether this update landed.
    others = [F.ser(y.id).seq for y in F.sites if y.id != x.id and y.function == x.function and y.target == x.target
              and y.kind in ("update", "augassign") and F.ser(y.id) is not None]
    between = np.sort(np.concatenate(others)) if others else np.zeros(0, np.int64)
    landed, lost, checked = 0, 0, 0
    for k, rows in groups.items():
        for (s0, i0), (s1, i1) in zip(rows, rows[1:]):
            if s1 <= s0:
                continue
            if len(between) and np.searchsorted(between, sr.seq[i1]) > np.searchsorted(between, sr.seq[i0]):
                continue
            moved = sr[C.UPDATE_L2][i1]
            if not np.isfinite(moved) or moved == 0:
                continue
            both_kept = kept is not None and i0 in kept and i1 in kept
            if not both_kept and moved <= 4 * _eps(sr.dtype[i1]) * float(sr[C.L2][i0]):
                # A step within rounding of the value it is added to may leave every element as it was: identical
                # statistics then say nothing about where the step went.
                continue
            checked += 1
            if both_kept:
                gap = float(np.linalg.norm(kept[i1] - kept[i0]))
                # The written value is rounded to its dtype: in float32 `w - d` differs from w by d only to
                # within a few ulps of w's elements, which a small step does not dwarf.
                rounding = 4 * _eps(sr.dtype[i1]) * float(np.linalg.norm(kept[i0]))
                if np.isclose(gap, moved, rtol=1e-6, atol=max(1e-12, rounding)):
                    landed += 1
                else:
                    lost += 1
            else:
                same = all(sr[c][i0] == sr[c][i1] for c in (C.MIN, C.MAX, C.MEAN, C.L2))
                if same:
                    lost += 1
    ev = dict(step_pairs=checked, pairs_landed=landed, pairs_lost=lost, values_kept=kept is not None)
    if not checked or not landed + lost:
        return None, ev
    if kept is not None:
        return lost > landed, ev
    # Stats alone show a lost update only when they repeat; moving stats do not show that it landed.
    return (True if lost > checked / 2 else None), ev


def _model_unchanged_over_update(F, x) -> tuple[bool | None, dict]:
    """Whether the statements that compute from the parameters give bit-identical values right after a step's
    updates and right before them, though the updates moved their values by more than rounding: an update that
    lands changes what the model computes. For a loop that ran too few times to pair its own writes (one pass of a
    loop that stops when the loss stops changing). None when no such pair was recorded or any pair differs (a
    different minibatch also changes them)."""
    ur = F.ser(x.id)
    inside = np.nonzero(ur.step >= 0)[0]
    ev = dict(step_pairs=0, pairs_landed=0, pairs_lost=0, values_kept=False, model_pairs=True)
    if not len(inside):
        return None, ev
    # What the model computes from: the parameters, else (when the update lands nowhere the program model could
    # call a parameter) the arrays set up before the loop that are not the data.
    from ._passes import input_site, target_site

    data = {base_name(F.by_id[d].target) for d in (input_site(F), target_site(F)) if d is not None}
    weights = set(F.params) or {y.id for y in F.sites if y.kind == "assign" and base_name(y.target) not in data
                                and F.observed(y.id) and (sr := F.ser(y.id)) is not None and len(sr)
                                and (sr.step < 0).all() and np.nanmax(sr[C.SIZE]) > 1}
    readers = [F.ser(y.id) for y in F.sites if y.id not in weights and y.kind not in ("update", "augassign")
               and set(F.parents(y.id)) & weights and F.ser(y.id) is not None]
    if not readers:
        return None, ev
    steps = np.unique(ur.step[inside])
    bounds = [(int(ur.seq[inside][ur.step[inside] == s].min()), int(ur.seq[inside][ur.step[inside] == s].max()))
              for s in steps]
    stats = (C.MIN, C.MAX, C.MEAN, C.L2)
    same = differ = 0
    # The first steps are enough to tell (a loop that stopped after one pass has one), and bound the work.
    for k, (first, last_write) in enumerate(bounds[:10]):
        rows = inside[ur.step[inside] == steps[k]]
        moved = ur[C.UPDATE_L2][rows]
        rounding = 4 * _eps(ur.dtype[rows[0]]) * float(np.nanmax(ur[C.L2][rows])) if len(rows) else 0.0
        if not np.isfinite(moved).any() or not np.nanmax(moved) > rounding:
            continue
        lo = bounds[k - 1][1] if k else -1
        hi = bounds[k + 1][0] if k + 1 < len(bounds) else np.iinfo(np.int64).max
        compared, equal = 0, True
        for sr in readers:
            # (a series' rows are in recording order)
            before = np.arange(np.searchsorted(sr.seq, lo, "right"), np.searchsorted(sr.seq, first, "left"))
            after = np.arange(np.searchsorted(sr.seq, last_write, "right"), np.searchsorted(sr.seq, hi, "left"))
            n = min(len(before), len(after))
            for i, j in zip(before[len(before) - n:], after[:n]):
                if sr.shape is not None and str(sr.shape[i]) != str(sr.shape[j]):
                    continue
                compared += 1
                equal &= all(sr[col][i] == sr[col][j] for col in stats)
        if compared:
            same += bool(equal)
            differ += not equal
    ev.update(step_pairs=same + differ, pairs_lost=same, pairs_landed=0)
    if not same + differ:
        return None, ev
    return (True if same and not differ else None), ev


def _lost_or_not_handed_back(F, c) -> tuple[bool | None, dict]:
    """`update_lost` on the update's own consecutive writes; for a rebound function argument whose writes could not
    be paired that way, whether the next call's argument is the old value again rather than what was written; for a
    loop too short to pair its writes, whether the model computes the same values after the step as before it."""
    lost, ev = update_lost(F, c["site"])
    hand = c.get("handoffs")
    if lost is None and not hand:
        unchanged, model_ev = _model_unchanged_over_update(F, c["site"])
        if unchanged is not None:
            return unchanged, model_ev
    if lost is not None or not hand:
        return lost, ev
    moved = [(before, wrote, after) for before, wrote, after in hand if before != wrote]
    landed = sum(after == wrote for _, wrote, after in moved)
    stale = sum(after == before for before, _, after in moved)
    ev = dict(step_pairs=len(moved), pairs_landed=landed, pairs_lost=stale, values_kept=False,
              calls=not c.get("taken"))
    if not moved or landed + stale == 0:
        return None, ev
    return stale > landed, ev


@cause_rule(
    "parameter_not_updated",
    "The update lands on a copy or a rebound name, not on the parameter",
    premises=(
        ("rebinding_update", "an update statement rebinds a loop variable, a function parameter, or a name taken "
                             "from a container at the top of each pass, that nothing reads afterwards; or, with no such "
                             "statement, a term the forward pass adds to a product with an updated parameter (a bias) "
                             "is written by no statement in the training loop; or a step is "
                             "computed in a loop and its result bound to nothing (`np.subtract(p, rate * g)`) or to a "
                             "name no statement reads (`new = old - rate * g`)"),
        ("update_moves", "each time it runs, the update changes the value it writes by a nonzero amount (for a term "
                         "never written: the parameter it is added to moves; for a discarded step: what the step reads "
                         "is nonzero)"),
        ("update_lost", "the next step starts again from the old value: what the update wrote is measurably lost (for "
                        "a rebound function argument or a number taken from a container: the next call or pass "
                        "receives the old value again; for a term never written: the residual it would absorb keeps a mean of at least UNWRITTEN_OFFSET times its "
                        "spread over the last tenth of the steps; for a discarded step: every value the loop computes "
                        "from the parameter repeats exactly; for a step into an unread name: the value it steps from "
                        "is never written while it runs; for a loop too short to pair the update's writes: the "
                        "statements computing from the parameters give bit-identical values right after the step's "
                        "updates and right before them)"),
    ),
    thresholds={"UNWRITTEN_OFFSET": 0.5},
)
def rule(ctx) -> RuleOutcome:
    """An update rebinds a name the parameter's container never sees, and the parameter measurably stays the same."""
    F = ctx.facts
    out = RuleOutcome()
    cands = rebinding_updates(F)
    terms = [] if cands else unwritten_terms(F)
    if terms:
        return _never_written(ctx, out, terms)
    thrown = [] if cands else discarded_updates(F)
    if thrown:
        return _thrown_away(ctx, out, thrown)
    orphans = [] if cands else orphan_updates(F)
    if orphans:
        return _orphaned(ctx, out, orphans)
    if not out.check("rebinding_update", bool(cands),
                     f"`{strip_comment(cands[0]['site'].statement.strip())}` (line {cands[0]['site'].line}) rebinds "
                     f"{cands[0]['bound']}" if cands else "no update rebinds a name that nothing reads afterwards"):
        return out
    moving = []
    for c in cands:
        sr = F.ser(c["site"].id)
        ul = sr[C.UPDATE_L2][sr.step >= 0]
        if np.isfinite(ul).any() and np.nanmax(ul) > 0:
            moving.append(c)
        elif not np.isfinite(ul).any() and (c["name"] in c["params"] or c.get("taken")):
            # A rebound argument (or a number taken from a container) records no update norm: what it wrote against
            # what it came in with is the step.
            hand = (taken_handoffs(F, c) if c.get("taken") else argument_handoffs(F, c["site"], c["name"])) or []
            c["handoffs"] = hand
            if any(before != wrote for before, wrote, _ in hand):
                moving.append(c)
    if not out.check("update_moves", bool(moving), f"{len(moving)} of {len(cands)} such updates change their value"):
        return out
    judged = [(c, *_lost_or_not_handed_back(F, c)) for c in moving]
    lost = [j for j in judged if j[1]]
    measured = [j for j in judged if j[1] is not None]
    c0 = (lost or judged)[0]
    judged_pairs = c0[2]['pairs_lost'] + c0[2]['pairs_landed']
    pairs = "consecutive calls" if c0[2].get("calls") else "pairs of consecutive steps"
    why = (f"line {c0[0]['site'].line}: at {c0[2]['pairs_lost']} of {c0[2]['step_pairs']} steps the statements "
           f"computing from the parameters give bit-identical values after the updates and before them"
           if c0[2].get("model_pairs") else
           f"line {c0[0]['site'].line}: of {judged_pairs} {pairs} that could be compared "
           f"(of {c0[2]['step_pairs']}), {c0[2]['pairs_lost']} start from the old value and {c0[2]['pairs_landed']} "
           f"from what the update wrote")
    if not out.check("update_lost", bool(lost) if measured else None,
                     why if measured else
                     "another statement updates the same name between its runs, so no pair of consecutive steps "
                     "shows this update alone" if c0[2]["values_kept"] and not c0[2]["step_pairs"] else
                     "the written values were not kept and their statistics change from step to "
                     "step, so whether the update landed could not be told", **c0[2]):
        return out
    c, _, ev = lost[0]
    x = c["site"]
    line = strip_comment(F.code_line(x.id)).strip()
    # `name -= ...` on an array writes in place: what it writes into is a copy the parameter's holder never sees.
    augmented = isinstance(parse_statement(line).body[0], ast.AugAssign) if parse_statement(line) is not None \
        and parse_statement(line).body else False
    verb = "writes in place into" if augmented else "rebinds"
    if ev.get("model_pairs"):
        measured = (f"at {ev['pairs_lost']} of {ev['step_pairs']} steps every statement that computes from the "
                    f"parameters gives the same values, bit for bit, right after the updates as right before them")
    elif ev.get("calls"):
        measured = (f"at {ev['pairs_lost']} of {ev['pairs_lost'] + ev['pairs_landed']} consecutive calls of "
                    f"{x.function}() where the update changed {c['name']}, the next call received the old value again")
    else:
        measured = (f"at {ev['pairs_lost']} of {ev['pairs_lost'] + ev['pairs_landed']} comparable pairs of consecutive "
                    f"steps the update starts again from the same old value")
    summary = (f"`{line}` (line {x.line}) {verb} {c['name']}, {c['bound']}, and nothing reads it afterwards: the new "
               f"value never reaches the parameter. Measured: {measured}.")
    fixes = []
    if ev.get("calls"):
        fixes.append(advice(f"return {c['name']} from {x.function}() and assign the returned value where it is called",
                            f"{c['name']} is rebound inside {x.function}(); a Python number or a new array bound "
                            f"there never changes the caller's variable."))
    if c["iterable"] and c["loop_line"] and not augmented:
        # every loop name rebound the same way (`W = W - lr * dW`, then `b = b - lr * db`): one fix each
        patched = 0
        for other, _, _ in [(c, None, None)] + [j for j in lost[1:] if j[0]["site"].id != x.id]:
            text = strip_comment(F.code_line(other["site"].id)).strip()
            if not (other["iterable"] and other["loop_line"]) or isinstance(
                    (parse_statement(text).body or [None])[0] if parse_statement(text) is not None else None,
                    ast.AugAssign):
                continue
            name = other["name"]
            if other.get("scalar") and not other.get("taken"):
                continue  # `w -= ...` on a loop name holding a number changes nothing the list holds
            joins = "…and update" if patched else "Update"  # applied together: each alone leaves the other stuck
            patched += 1
            if other.get("scalar"):
                # A Python number has no place to write into: the new value is stored back where it was taken from.
                fixes.append(Fix(f"{joins} {other['iterable']} with the new {name}", other["site"].line, text,
                                 f"{text}; {other['iterable']} = {name}",
                                 f"`{name} = ...` binds the name to a new number; {other['iterable']} keeps the old "
                                 f"one unless it is stored back."))
                continue
            fixes.append(Fix(f"{joins} {name} in place, so the array the container holds changes",
                             other["site"].line, text,
                             text.replace(f"{name} = {name} -", f"{name} -=", 1) if f"{name} = {name} -" in text
                             else f"{name}[...] = {text.split('=', 1)[1].strip()}",
                             f"`{name} = ...` binds the name to a new array; {other['iterable']} keeps the old "
                             f"one. In-place `-=` (on numpy arrays) writes into the array the container holds."))
    if augmented and c["iterable"]:
        fixes += return_originals_fixes(F, c["iterable"])
    ev = dict(ev, name=c["name"], line=x.line)
    out.drafts.append(Draft("parameter_not_updated", PRIMARY - 3, summary, [ChainLink(summary, None, c["name"], x.line,
                            dict(ev))], fixes, [], ev))
    return out


def _never_written(ctx, out: RuleOutcome, terms: list[dict]) -> RuleOutcome:
    """A term the forward pass adds (a bias) that the loop never writes: it keeps its initial value, and the residual
    it exists to absorb measurably keeps an offset."""
    F = ctx.facts
    t = terms[0]
    x = t["site"]
    stmt = strip_comment(x.statement.strip()).splitlines()[0]
    partners = [u for u in F.updates if F.by_id[u].target.split("[", 1)[0].replace('"', "'") in
                {r.split("[", 1)[0] for r in x.reads} or base_key(F.by_id[u].target) in stmt.replace('"', "'")]
    partners = partners or list(F.updates)
    pname = F.by_id[partners[0]].target if partners else "the parameters"
    out.check("rebinding_update", True, f"{t['term']}, added in `{stmt}` (line {x.line}), is written by no statement in "
              f"the training loop", term=t["term"], line=x.line)
    moved = []
    for u in partners:
        sr = F.ser(u)
        ul = sr[C.UPDATE_L2][sr.step >= 0] if sr is not None and len(sr) else np.array([])
        ul = ul[np.isfinite(ul)]
        kept = F.values(u)
        if not len(ul) and kept is not None and len(kept[0]) >= 3 and len({d.shape for d in kept[1]}) == 1:
            # A rebinding update (`p = p - ...`) records no update norm: the change between written values is it.
            ul = np.linalg.norm(np.diff(np.asarray(kept[1], dtype=float), axis=0), axis=1)
            ul = ul[np.isfinite(ul)]
        if len(ul):
            moved.append((u, float(np.median(ul))))
    moving = [m for m in moved if m[1] > 0]
    if not out.check("update_moves", bool(moving) if moved else None,
                     f"{F.by_id[moving[0][0]].target} moves by {moving[0][1]:.3g} per step (median)" if moving else
                     "the parameters it is added to do not move" if moved else
                     "the change of the parameters it is added to was not measured"):
        return out
    res = residual_offset(F, x)
    limit = ctx.threshold("UNWRITTEN_OFFSET")
    off = None if res is None else abs(res["mean"]) >= limit * max(res["spread"], 1e-300)
    rname = res["site"].target.split(" = ")[0] if res else None
    if not out.check("update_lost", off,
                     f"over the last {res['steps']} steps {rname} (line {res['site'].line}) has a mean of "
                     f"{res['mean']:.4g} against a spread of {res['spread']:.4g}" if res else
                     "no difference between the output and the targets was recorded in the loop",
                     **({"mean": res["mean"], "spread": res["spread"]} if res else {})):
        return out
    init = t["init"]
    start = f", set at line {init.line} (`{strip_comment(init.statement.strip()).splitlines()[0]}`)," if init else ""
    summary = (f"{t['term']}{start} is added in `{stmt}` (line {x.line}) but no statement in the training loop "
               f"updates it, while {pname} moves by {moving[0][1]:.3g} per step: it keeps its initial value. Measured: "
               f"over the last {res['steps']} steps {rname} (line {res['site'].line}) keeps a mean of {res['mean']:.4g} "
               f"against a spread of {res['spread']:.4g}, the offset {t['term']} is there to absorb.")
    ev = dict(term=t["term"], line=x.line, residual=rname, residual_mean=res["mean"], residual_spread=res["spread"],
              partner=pname, partner_update=moving[0][1])
    fixes = [advice(f"update {t['term']} in the training loop as the other parameters are: subtract the rate times "
                    f"its gradient, the mean of the error over the samples (summed over the output's other axes)",
                    f"{t['term']} never changes, so the model cannot shift its output by the mean error "
                    f"({res['mean']:.4g} here).")]
    out.drafts.append(Draft("parameter_not_updated", PRIMARY - 3, summary,
                            [ChainLink(summary, None, t["term"], x.line, dict(ev))], fixes, [], ev))
    return out


def _thrown_away(ctx, out: RuleOutcome, thrown: list[dict]) -> RuleOutcome:
    """A step computed and discarded (`np.subtract(p, rate * g)` with no `out=`): the step is nonzero, and every value
    the loop computes from the parameter it was meant for repeats exactly from one pass to the next."""
    F = ctx.facts
    d = thrown[0]
    out.check("rebinding_update", True, f"`{d['statement']}` (line {d['line']}) computes a step for {d['operand']} and "
              f"binds the result to nothing", line=d["line"])
    step_names = {base_name(ast.unparse(n)).split("[", 1)[0] for n in ast.walk(d["step"])
                  if isinstance(n, (ast.Name, ast.Attribute))}
    sources = {w for name in step_names for w in F.resolve(name, d["function"])}
    sizes = []
    for w in sources:
        sr = F.ser(w)
        if sr is not None and len(sr) >= 2 and _in_span(F, F.by_id[w], d):
            l2 = sr[C.L2].astype(float)
            l2 = l2[np.isfinite(l2)]
            if len(l2):
                sizes.append((w, float(np.median(l2))))
    moving = [z for z in sizes if z[1] > 0]
    if not out.check("update_moves", bool(moving) if sizes else None,
                     f"{F.by_id[moving[0][0]].target} (line {F.by_id[moving[0][0]].line}), read by the step, has a "
                     f"median size of {moving[0][1]:.3g}" if moving else "what the step reads is zero" if sizes else
                     "nothing the step reads was recorded in the loop", **({"step_size": moving[0][1]} if moving else {})):
        return out
    names = _operand_names(F, d)
    readers = []
    for x in F.sites:
        sr = F.ser(x.id)
        if x.kind in ("arg", "update", "augassign") or sr is None or len(sr) < 3 or not _in_span(F, x, d):
            continue
        if base_name(x.target).split("[", 1)[0] in names or not names & {base_name(r).split("[", 1)[0] for r in x.reads}:
            continue
        readers.append(x)
    repeats = []
    for x in readers:
        sr = F.ser(x.id)
        stats = {tuple(float(sr[c][i]) for c in (C.MIN, C.MAX, C.MEAN, C.L2)) for i in range(len(sr))}
        repeats.append((x, len(sr), len(stats) == 1))
    lost = [r for r in repeats if r[2]]
    r0 = (lost or repeats or [None])[0]
    if not out.check("update_lost", (len(lost) == len(repeats)) if repeats else None,
                     f"`{strip_comment(r0[0].statement.strip())}` (line {r0[0].line}), computed from "
                     f"{', '.join(sorted(names))}, " + ("is the same at all its " if r0[2] else "changes over its ")
                     + f"{r0[1]} evaluations in the loop" if r0 else
                     f"no value computed from {', '.join(sorted(names))} was recorded in the loop",
                     **({"evaluations": r0[1]} if r0 else {})):
        return out
    x, n, _ = r0
    summary = (f"`{d['statement']}` (line {d['line']}) computes the step for {d['operand']} and throws the result away: "
               f"nothing is written, so the parameters never change. Measured: the step reads "
               f"{F.by_id[moving[0][0]].target} of median size {moving[0][1]:.3g}, yet "
               f"`{strip_comment(x.statement.strip())}` (line {x.line}) is the same at all {n} of its evaluations.")
    if d["call"]:
        after = d["statement"][:-1] + f", out={d['operand']})"
        title = f"Write the result into {d['operand']} (out=)"
    else:
        op = "-=" if isinstance(d["node"].op, ast.Sub) else "+="
        after = f"{d['operand']} {op} {ast.unparse(d['step'])}"
        title = f"Apply the step to {d['operand']} in place"
    fixes = [Fix(title, d["line"], d["statement"], after,
                 "A numpy function returns a new array unless given out=; a bare expression's value is discarded.")]
    ev = dict(line=d["line"], operand=d["operand"], step_size=moving[0][1], repeated_site=x.target, evaluations=n)
    out.drafts.append(Draft("parameter_not_updated", PRIMARY - 3, summary,
                            [ChainLink(summary, None, d["operand"], d["line"], dict(ev))], fixes, [], ev))
    return out
