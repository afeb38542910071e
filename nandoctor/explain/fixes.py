"""Fixes written against the user's own lines: where a hyperparameter is set, and the replacement
text for each kind of cause."""

from __future__ import annotations

import ast
import functools
import re

import numpy as np

from ..detectors.facts import _HYPER_HINT, Facts, _dotted, base_name, last, strip_comment
from ..model import Fix


def _no_fix_on_error(empty):
    """A fix builder that meets code it cannot read returns no fix rather than sinking the cause it serves."""
    def wrap(fn):
        @functools.wraps(fn)
        def safe(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError, SyntaxError, RecursionError):
                return empty() if callable(empty) else empty
        return safe
    return wrap


def np_alias(F: Facts, file: str | None = None) -> str:
    """How the user's file names numpy: 'np.', 'numpy.' or '' (names imported from numpy)."""
    for path, tree in F.trees.items():
        if file and path != file:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "numpy":
                        return (a.asname or "numpy") + "."
    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "numpy":
                return ""
    return "np."


def source_calls(F: Facts, name: str):
    """(file, Call node) for every call in the sources whose callee's last name is `name`."""
    for path, tree in F.trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and last(_dotted(node.func) or "") == name:
                yield path, node


def _literal(node):
    try:
        v = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        if isinstance(node, ast.Call) and node.args and last(_dotted(node.func) or "") in ("float32", "float64", "float16", "float"):
            return _literal(node.args[0])
        return None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _module_assign(F: Facts, file: str, name: str):
    """(value, line) of a top-level or in-function `name = <number>` in a file."""
    tree = F.trees.get(file)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            v = _literal(node.value)
            if v is not None:
                return v, node.lineno, node.value
    return None


def resolve_number(F: Facts, name: str, function: str, file: str, depth: int = 0):
    """Where a scalar name gets its value: {'value', 'line', 'file', 'text', 'literal'} or None."""
    if depth > 4:
        return None
    for w in F.resolve(name, function)[::-1]:
        x = F.by_id[w]
        if x.kind == "arg":
            param = x.target[4:]
            fn_last = last(x.function)
            targets = [fn_last]
            if fn_last == "__init__" and "." in x.function:
                targets = [x.function.rsplit(".", 2)[-2]]
            idx = F.param_index(x.function, param)
            for t in targets:
                for path, call in source_calls(F, t):
                    expr = None
                    for kw in call.keywords:
                        if kw.arg == param:
                            expr = kw.value
                    if expr is None and idx is not None and idx < len(call.args):
                        expr = call.args[idx]
                    if expr is None:
                        continue
                    v = _literal(expr)
                    if v is not None:
                        return {"value": float(v), "line": expr.lineno, "file": path, "text": F.line_text(path, expr.lineno),
                                "literal": ast.get_source_segment(F.s.sources[path], expr) or repr(v)}
                    d = _dotted(expr)
                    if d:
                        got = _module_assign(F, path, d)
                        if got:
                            v, line, node = got
                            return {"value": float(v), "line": line, "file": path, "text": F.line_text(path, line),
                                    "literal": ast.get_source_segment(F.s.sources[path], node) or repr(v)}
            fn = F.function_defs.get(x.function)
            if fn is not None:
                args = fn.args.posonlyargs + fn.args.args
                defaults = fn.args.defaults
                for a, dflt in zip(args[len(args) - len(defaults):], defaults):
                    if a.arg == param and _literal(dflt) is not None:
                        return {"value": float(_literal(dflt)), "line": dflt.lineno, "file": x.file,
                                "text": F.line_text(x.file, dflt.lineno),
                                "literal": ast.get_source_segment(F.s.sources.get(x.file, ""), dflt) or repr(_literal(dflt))}
        else:
            try:
                tree = ast.parse(strip_comment(x.statement.strip()))
                node = tree.body[0].value
            except (SyntaxError, IndexError, AttributeError):
                continue
            v = _literal(node)
            if v is not None:
                return {"value": float(v), "line": x.line, "file": x.file, "text": F.line_text(x.file, x.line),
                        "literal": ast.unparse(node)}
            d = _dotted(node)
            if d:
                got = resolve_number(F, d, x.function, x.file, depth + 1)
                if got:
                    return got
    return None


def hyper_value(F: Facts, update: int, through_buffer: bool = True) -> dict | None:
    """The learning rate of an update: its name, value and where it is set."""
    x = F.by_id[update]
    grads = {base_name(F.by_id[g].target) for g in F.gradient_of(update)}
    names = [r for r in x.reads if r != base_name(x.target) and r not in grads and r != "self"
             and not any(r2.startswith(r + ".") for r2 in x.reads)]
    names.sort(key=lambda r: not _HYPER_HINT.search(last(r)))
    for r in names:
        got = resolve_number(F, r, x.function, x.file)
        if got is not None:
            got["name"] = r
            return got
    # An update that adds a step buffer (`p += v` after `v -= lr * g`): the rate is read where the buffer is written.
    from ..detectors.optimisation import _step_buffer

    buffer = _step_buffer(F, update) if through_buffer else None
    return hyper_value(F, buffer[0], through_buffer=False) if buffer is not None else None


def _fmt(v: float) -> str:
    return f"{v:g}"


_NUMBER = re.compile(r"(?<![\w.])[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def replace_number(text: str, new: str) -> str:
    """`text` with its first number replaced by `new`; digits inside a name (`np.float32(0.05)`) are no number.
    Text with no number is replaced whole."""
    return _NUMBER.sub(new, text, count=1) if _NUMBER.search(text) else new


def lower_lr_fix(F: Facts, update: int, factor: float = 10.0) -> Fix | None:
    hv = hyper_value(F, update)
    if hv is None:
        return None
    new_v = hv["value"] / factor
    before = hv["text"]
    lit = hv["literal"]
    new_lit = replace_number(lit, _fmt(new_v))
    if lit in before:
        after = before.replace(lit, new_lit, 1)
    else:
        # The literal as written (`0.00001`) rather than as Python prints it (`1e-05`).
        after = before
        for m in re.finditer(r"(?<![\w.])[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", before):
            if float(m.group(0)) == hv["value"]:
                after = before[:m.start()] + _fmt(new_v) + before[m.end():]
                break
    if after == before:
        return None
    if factor < 1:
        return Fix(title=f"Raise the learning rate {hv['name']} from {_fmt(hv['value'])} to {_fmt(new_v)}",
                   line=hv["line"], before=before, after=after,
                   why=f"Each update is {hv['name']} times the gradient; at {_fmt(hv['value'])} the steps are too small "
                       "to move the loss.")
    return Fix(title=f"Lower the learning rate {hv['name']} from {_fmt(hv['value'])} to {_fmt(new_v)}", line=hv["line"],
               before=before, after=after,
               why=f"Each update is {hv['name']} times the gradient; at {_fmt(hv['value'])} one step overshoots.")


def divide_gradient_fix(F: Facts, update: int, batch_name: str | None) -> Fix | None:
    """Divide a gradient summed over the batch by the batch size, where the gradient is computed (or, when it comes
    out of a call as one of several values, where the update reads it), with the batch as named in that scope."""
    grads = F.gradient_of(update)
    if not grads:
        return None
    g = F.by_id[grads[0]]
    tree = F.trees.get(g.file)
    stmt = _stmt_at(tree, g.line) if tree is not None else None
    single = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and not isinstance(stmt.targets[0], ast.Tuple) \
        or isinstance(stmt, ast.AugAssign)
    where = g if single else F.by_id[update]
    n = _batch_size_text(F, where, batch_name)
    if n is None:
        return None
    src = F.s.sources.get(where.file, "")
    if single:
        if stmt.lineno != stmt.end_lineno:
            return None
        value = ast.get_source_segment(src, stmt.value)
        if not value:
            return None
        # The whole right-hand side is divided, whatever its operators (`a + b` -> `(a + b) / n`).
        simple = isinstance(stmt.value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) or \
            isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, (ast.Mult, ast.MatMult, ast.Div))
        return Fix(title=f"Average the gradient over the batch: divide {base_name(g.target)} by {n}", line=g.line,
                   before=value, after=f"{value} / {n}" if simple else f"({value}) / {n}",
                   why="A gradient summed over the samples grows with the batch size; the mean does not.")
    # `dW, db = self.gradients(X, y)`: divide the gradient the update reads.
    names = {_dotted(e) for t in (stmt.targets if isinstance(stmt, ast.Assign) else []) for e in ast.walk(t)
             if isinstance(e, (ast.Name, ast.Attribute))} - {None}
    ustmt = _stmt_at(tree, where.line) if where.file == g.file else None
    if ustmt is None or not isinstance(ustmt, (ast.Assign, ast.AugAssign)) or ustmt.lineno != ustmt.end_lineno:
        return None
    node = next((e for e in ast.walk(ustmt.value) if isinstance(e, (ast.Name, ast.Attribute)) and _dotted(e) in names),
                None)
    value = ast.get_source_segment(src, ustmt.value)
    if node is None or not value:
        return None
    a, b = node.col_offset - ustmt.value.col_offset, node.end_col_offset - ustmt.value.col_offset
    after = f"{value[:a]}({value[a:b]} / {n}){value[b:]}"
    return Fix(title=f"Average the gradient over the batch: divide {value[a:b]} by {n} where it is used", line=where.line,
               before=value, after=after,
               why="A gradient summed over the samples grows with the batch size; the mean does not.")


def _batch_size_text(F: Facts, where, batch_name: str | None) -> str | None:
    """The batch size as code in the scope of `where`: `len(X)` (samples as rows) or `X.shape[1]` (as columns), with
    the batch named as it is there; None when no name for it is in that scope."""
    local = [c for c in F.input_candidates if F.by_id[c].function == where.function]
    name = base_name(F.by_id[local[0]].target) if local else None
    if name is None and batch_name:
        fn = F.function_defs.get(where.function)
        params = {a.arg for a in (fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs)} if fn is not None else set()
        if base_name(batch_name) in params or where.function == "<module>":
            name = base_name(batch_name)
    if not name:
        return None  # a made-up `n` would not run
    return f"{name}.shape[1]" if samples_axis(F) == 1 else f"len({name})"


def copy_fix(F: Facts, function: str, param: str, passed: list[str]) -> list[Fix]:
    out = []
    for path, call in source_calls(F, last(function)):
        idx = F.param_index(function, param)
        expr = None
        for kw in call.keywords:
            if kw.arg == param:
                expr = kw.value
        if expr is None and idx is not None and idx < len(call.args):
            expr = call.args[idx]
        if expr is None or _dotted(expr) not in passed:
            continue
        line = F.line_text(path, call.lineno)
        seg = ast.get_source_segment(F.s.sources[path], call) or ""
        arg = ast.get_source_segment(F.s.sources[path], expr) or _dotted(expr)
        new_seg = seg.replace(f"({arg}", f"({arg}.copy()", 1) if f"({arg}" in seg else seg.replace(arg, f"{arg}.copy()", 1)
        out.append(Fix(title=f"Pass a copy of {arg} to {last(function)}", line=call.lineno, before=strip_comment(line),
                       after=strip_comment(line).replace(seg, new_seg, 1),
                       why=f"{last(function)} writes into its argument; a copy keeps {arg} intact."))
        break
    fn = F.function_defs.get(function)
    if fn is not None and fn.body:
        first = fn.body[0]
        if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) and len(fn.body) > 1:
            first = fn.body[1]
        path = next((p for p, t in F.trees.items() if any(n is fn for n in ast.walk(t))), None)
        if path:
            text = F.line_text(path, first.lineno)
            indent = " " * first.col_offset
            out.append(Fix(title=f"Or copy inside {last(function)} before writing", line=first.lineno,
                           before=strip_comment(text), after=f"{param} = {param}.copy()\n{indent}{strip_comment(text)}".lstrip(),
                           why="The function then owns the array it overwrites."))
    return out


@_no_fix_on_error(list)
def normalize_fixes(F: Facts, input_site: int | None = None) -> list[Fix]:
    """Standardize the inputs where they are last made before the model reads them: per feature (over the samples
    axis of the user's layout), minus the mean, over the standard deviation; a constant feature (a column of ones
    standing in for a bias) is left as it is, since its spread is 0."""
    i = F.inputs if input_site is None else input_site
    if i is None:
        return []
    if F.by_id[i].kind == "arg":
        # A function's argument: standardize the data the caller passes, so every use of it (the forward pass and
        # the gradient alike) sees the same standardized values.
        i = F.root_value(i)
    x = F.by_id[i]
    npx = np_alias(F, x.file)
    v = F.values(i)
    shape = tuple(v[2]) if v is not None else ()
    axis = F.layout.samples_axis
    if axis is None:
        axis = 1 if len(shape) == 2 and shape[1] > shape[0] else 0
    # Unless the kept values show every feature varies, guard the division: a constant feature has no spread.
    constant = True
    if v is not None and len(shape) == 2 and len(v[1]):
        data = np.asarray(v[1][-1]).reshape(shape)
        constant = bool((np.nanstd(data, axis=axis) == 0).any())

    def standardized(name: str) -> str:
        keep = ", keepdims=True" if axis == 1 else ""
        mean, std = f"{name}.mean(axis={axis}{keep})", f"{name}.std(axis={axis}{keep})"
        if constant:
            return f"{npx}where({std} > 0, ({name} - {mean}) / {npx}where({std} > 0, {std}, 1), {name})"
        return f"({name} - {mean}) / {std}"

    why = ("Features on scales of thousands make the loss surface steep in some directions: a learning rate small "
           "enough for them is too small for the others. Standardize new data with the training data's mean and spread.")
    tree = F.trees.get(x.file)
    stmt = _stmt_at(tree, x.line) if tree is not None else None
    if x.kind == "return" and isinstance(stmt, ast.Return) and stmt.value is not None and stmt.lineno == stmt.end_lineno:
        src = F.s.sources[x.file]
        expr = ast.get_source_segment(src, stmt.value)
        if isinstance(stmt.value, (ast.Name, ast.Attribute)):
            return [Fix(f"Standardize the inputs {expr} before they are returned", x.line, f"return {expr}",
                        f"return {standardized(expr)}", why)]
        fresh = _fresh(_names_in(F), "inputs", "features")
        return [Fix("Standardize the inputs before they are returned", x.line, f"return {expr}",
                    f"{fresh} = {expr}\nreturn {standardized(fresh)}", why)]
    if x.kind == "arg":
        fn = F.function_defs.get(x.function)
        name = x.target[4:] if x.target.startswith("arg ") else base_name(x.target)
        if fn is None or not fn.body:
            return []
        first = fn.body[0]
        if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) and len(fn.body) > 1:
            first = fn.body[1]
        text = strip_comment(F.line_text(x.file, first.lineno)).strip()
        return [Fix(f"Standardize the inputs {name} where {last(x.function)} receives them", first.lineno, text,
                    f"{name} = {standardized(name)}\n{text}", why)]
    name = base_name(x.target)
    end = stmt.end_lineno if stmt is not None else x.line
    line = strip_comment(F.line_text(x.file, end)).strip() or strip_comment(x.statement.strip())
    if not line:
        return []
    return [Fix(f"Standardize the inputs {name}", end, line, f"{line}\n{name} = {standardized(name)}", why)]


def advice(title: str, why: str) -> Fix:
    """Advice with no line of the user's code to change: labelled as advice, never tried as a patch."""
    return Fix(title if title.startswith("Advice:") else f"Advice: {title}", None, "", "", why)


def is_patch(fix: Fix) -> bool:
    """A fix that names a line and the text on it to replace (advice names neither)."""
    return bool(fix.line) and bool(fix.before.strip())


# Random draws of an initialisation, by numpy's name: how their spread is set.
_DRAW_KINDS = {"randn": "normal", "standard_normal": "normal", "normal": "normal", "rand": "unit", "random": "unit",
               "random_sample": "unit", "uniform": "uniform"}


def _parents(tree) -> dict:
    out = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


def _is_draw(node) -> bool:
    if not isinstance(node, ast.Call):
        return False
    d = _dotted(node.func) or ""
    return last(d) in _DRAW_KINDS and "." in d  # `np.random.randn`, `rng.normal`: a method of a generator


def _draw_dims(call) -> list | None:
    """The shape arguments of a draw as AST nodes (`randn(3, H)` -> [3, H]); None when the shape is not written out."""
    kind = last(_dotted(call.func) or "")
    size = next((kw.value for kw in call.keywords if kw.arg in ("size", "shape")), None)
    if size is None:
        if kind in ("randn", "rand"):
            return list(call.args) or None
        pos = 2 if kind in ("normal", "uniform") else 0
        size = call.args[pos] if len(call.args) > pos else None
    if size is None:
        return None
    if isinstance(size, (ast.Tuple, ast.List)):
        return list(size.elts)
    return [size]


def relu_in_model(F: Facts) -> bool:
    """A ReLU (`maximum(z, 0)` or `z * (z > 0)`) is computed somewhere in the traced code."""
    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and last(_dotted(node.func) or "") == "maximum" and \
                    any(isinstance(a, ast.Constant) and a.value == 0 for a in node.args):
                return True
    return False


def _operand_root(node) -> tuple[str | None, bool]:
    """(dotted name of an operand with its subscripts stripped, whether it is transposed): `self.W[i].T` -> ('self.W', True)."""
    flipped = False
    while True:
        if isinstance(node, ast.Attribute) and node.attr == "T":
            flipped, node = not flipped, node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and last(_dotted(node.func) or "") == "transpose" and isinstance(node.func, ast.Attribute):
            flipped, node = not flipped, node.func.value
        else:
            return _dotted(node), flipped


def _aliases(tree, name: str) -> set[str]:
    """`name` and the loop variables that walk it (`for mat, off in zip(layers, offsets)` makes `mat` an alias of
    `layers`; `for layer in self.layers` makes `layer` one)."""
    out = {name}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.For, ast.comprehension)):
            continue
        it, target = node.iter, node.target
        if isinstance(it, ast.Call) and _dotted(it.func) == "enumerate" and it.args and isinstance(target, ast.Tuple) \
                and len(target.elts) == 2:
            it, target = it.args[0], target.elts[1]
        if isinstance(it, ast.Call) and _dotted(it.func) == "zip" and isinstance(target, ast.Tuple) \
                and len(target.elts) == len(it.args):
            pairs = list(zip(it.args, target.elts))
        else:
            pairs = [(it, target)]
        for src, tgt in pairs:
            root, _ = _operand_root(src)
            if root and base_name(root) == base_name(name) and isinstance(tgt, ast.Name):
                out.add(tgt.id)
    return out


def _product_operands(node) -> tuple | None:
    """(left, right) operands of a matrix product node: `a @ b`, `np.dot(a, b)` / `np.matmul(a, b)`, `a.dot(b)`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return node.left, node.right
    if isinstance(node, ast.Call) and last(_dotted(node.func) or "") in ("dot", "matmul") and len(node.args) == 2:
        return tuple(node.args)
    if isinstance(node, ast.Call) and last(_dotted(node.func) or "") == "dot" and len(node.args) == 1 \
            and isinstance(node.func, ast.Attribute):
        return node.func.value, node.args[0]
    return None


def weight_side(F: Facts, name: str) -> str | None:
    """'left' when the forward pass multiplies `name @ inputs` (its second axis meets the inputs), 'right' for
    `inputs @ name`; read from the first product in the sources that has `name` (or a loop variable walking it)
    as an operand."""
    names = set()
    for tree in F.trees.values():
        names |= _aliases(tree, name)
    for tree in F.trees.values():
        for node in ast.walk(tree):
            pair = _product_operands(node)
            if pair is None:
                continue
            for side, operand in zip(("left", "right"), pair):
                root, flipped = _operand_root(operand)
                if root and (root in names or base_name(root) in names):
                    return {"left": "right", "right": "left"}[side] if flipped else side
    return None


def samples_axis(F: Facts) -> int:
    """The axis of the inputs that runs over the samples: the program model's layout, else the longer axis of the
    recorded inputs (a few features, many samples), else 0."""
    if F.layout.samples_axis is not None:
        return F.layout.samples_axis
    i = F.inputs
    v = F.values(i) if i is not None else None
    if v is not None and len(v[2]) == 2 and v[2][1] > v[2][0]:
        return 1
    return 0


@_no_fix_on_error(list)
def init_scale_fixes(F: Facts, names: set[str], recorded_fan_in: dict | None = None) -> list[Fix]:
    """Rewrite each random initialisation of the parameters `names` made before training so its spread is
    sqrt(gain / fan_in) (gain 2 when the model has a ReLU), in the user's own draw call and shape expressions.

    The fixes form one group (every layer is rescaled together): the second and later are titled "…and"."""
    np_ = np_alias(F)
    gain = "2.0" if relu_in_model(F) else "1.0"
    axis = samples_axis(F)
    done: set[tuple[str, int, int]] = set()
    out: list[Fix] = []
    for x in F.sites:
        if x.kind not in ("assign", "setitem", "append", "augassign", "call", "return"):
            continue
        target = x.target
        if x.kind != "return" and base_name(target) not in names and target not in names \
                and not any(n.startswith(base_name(target) + "[") or base_name(n) == base_name(target) for n in names):
            continue
        if F.n_steps and F.observed(x.id) and F.ser(x.id).step[0] >= 0:
            continue  # drawn inside training: noise or data, not an initialisation (with no loop, nothing is)
        tree = F.trees.get(x.file)
        if tree is None:
            continue
        parents = _parents(tree)
        for call in ast.walk(tree):
            if not _is_draw(call) or call.lineno != x.line or (x.file, call.lineno, call.col_offset) in done:
                continue
            if x.kind == "return":
                continue  # a helper's return: its callers' names are not known here
            dims = _draw_dims(call)
            if not dims:
                continue
            src = F.s.sources[x.file]
            if len(dims) == 1:
                fan = dims[0]
            elif len(dims) == 2:
                side = weight_side(F, base_name(target))
                fan = dims[1] if side == "left" or side is None and axis == 1 else dims[0]
            else:
                fan = None
            fan_text = ast.get_source_segment(src, fan) if fan is not None else None
            if not fan_text:
                continue
            if not isinstance(fan, (ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
                fan_text = f"({fan_text})"
            # The draw and the arithmetic on it that sets its spread (`2 * random((4, 1)) - 1`, `randn(3, H) * 25.0`).
            node = call
            while isinstance(parents.get(node), ast.BinOp) and isinstance(parents[node].op, (ast.Mult, ast.Div, ast.Add, ast.Sub)):
                p = parents[node]
                other = p.right if p.left is node else p.left
                if any(_is_draw(n) for n in ast.walk(other)) or isinstance(other, ast.BinOp) and isinstance(other.op, ast.MatMult):
                    break
                node = p
            if node.lineno != node.end_lineno:
                continue
            before = ast.get_source_segment(src, node)
            call_text = ast.get_source_segment(src, call)
            kind = _DRAW_KINDS[last(_dotted(call.func))]
            spread = f"{np_}sqrt({gain} / {fan_text})"
            if kind == "normal" and last(_dotted(call.func)) == "normal":
                fn = ast.get_source_segment(src, call.func)
                size = ast.get_source_segment(src, next((kw.value for kw in call.keywords if kw.arg == "size"), None)
                                              or (call.args[2] if len(call.args) > 2 else call.args[0]))
                new = f"{fn}(0.0, {spread}, {size})"
            elif kind == "normal":
                new = f"{call_text} * {spread}"
            elif kind == "unit":
                new = f"(2 * {call_text} - 1) * {np_}sqrt(3 * {gain} / {fan_text})"
            else:
                fn = ast.get_source_segment(src, call.func)
                size = ast.get_source_segment(src, next((kw.value for kw in call.keywords if kw.arg == "size"), None)
                                              or (call.args[2] if len(call.args) > 2 else call.args[0]))
                lim = f"{np_}sqrt(3 * {gain} / {fan_text})"
                new = f"{fn}(-{lim}, {lim}, {size})"
            if not before or new == before:
                continue
            done.add((x.file, call.lineno, call.col_offset))
            name = base_name(target)
            title = (f"Draw {name} with a spread of sqrt({gain.rstrip('0').rstrip('.')}/fan_in), fan_in = {fan_text}")
            out.append(Fix(title if not out else "…and " + title[0].lower() + title[1:], x.line, before, new,
                           f"Weights with a spread of sqrt({gain}/fan_in) keep the spread of each layer's output near "
                           f"its input's: larger weights saturate or blow up, smaller ones shrink the signal layer "
                           f"after layer.", file=""))
    return out


@_no_fix_on_error(list)
def impute_fixes(F: Facts, made, line: str) -> list[Fix]:
    """Replace the non-finite entries of the data made on `made`'s line by their feature's mean over the finite
    samples: the shapes stay, so the targets and every size computed from the data still match."""
    if not line:
        return []
    npx = np_alias(F, made.file)
    name = base_name(made.target)
    v = F.values(made.id)
    ndim = len(v[2]) if v is not None else None
    axis = 1 if F.layout.samples_axis == 1 else 0
    finite = f"{npx}where({npx}isfinite({name}), {name}, {npx}nan)"
    mean = f"{npx}nanmean({finite}, axis={axis}, keepdims=True)" if ndim != 1 else f"{npx}nanmean({finite})"
    fixes = [Fix(f"Replace the NaN and inf in {name} by their feature's mean", made.line, line,
                 f"{line}\n{name} = {npx}where({npx}isfinite({name}), {name}, {mean})",
                 "One missing value makes every prediction and gradient that touches it NaN; the mean of the "
                 "measured values keeps the row and its target.")]
    t = F.target
    if ndim == 2 and t is not None:
        tname = base_name(F.by_id[t].target)
        keep = f"{npx}isfinite({name}).all(axis={1 - axis})"
        rows = f"{name}[keep], {tname}[keep]" if axis == 0 else f"{name}[:, keep], {tname}[..., keep]"
        fixes.append(advice(f"or drop the samples of {name} that hold NaN or inf, and their targets: "
                            f"`keep = {keep}` then `{name}, {tname} = {rows}` once both are made",
                            "Dropping keeps only measured values, at the cost of those samples."))
    return fixes


@_no_fix_on_error(list)
def shared_step_fixes(F: Facts, name: str, samples: int) -> list[Fix]:
    """"…and" fixes that average the updates of `name` over the samples, so a parameter made one value shared by
    every sample keeps its shape when it is updated (`b -= lr * err` -> `b -= np.mean(lr * err, axis=0)`)."""
    out = []
    npx = np_alias(F)
    for u in F.updates:
        x = F.by_id[u]
        if base_name(x.target) != base_name(name):
            continue
        v = F.values(u)
        tree = F.trees.get(x.file)
        stmt = next((n for n in ast.walk(tree) if isinstance(n, (ast.AugAssign, ast.Assign)) and n.lineno == x.line), None) \
            if tree is not None else None
        if stmt is None or stmt.lineno != stmt.end_lineno:
            continue
        if isinstance(stmt, ast.AugAssign):
            step = stmt.value
        elif isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, (ast.Sub, ast.Add)):
            step = stmt.value.right
        else:
            continue
        src = F.s.sources[x.file]
        text = ast.get_source_segment(src, step)
        if not text:
            continue
        axis = 1 if F.layout.samples_axis == 1 else 0
        new = f"{npx}mean({text}, axis={axis}{', keepdims=True' if v is not None and len(v[2]) == 2 else ''})"
        out.append(Fix(f"…and average the update of {base_name(name)} over the {samples} samples", x.line, text, new,
                       "The gradient of a shared value is the mean of the per-sample gradients; added as it is, "
                       "it would give the value one entry per sample again."))
    return out


def _innermost_loop(tree, line: int):
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.While)) and node.body and node.lineno < line <= (node.end_lineno or 0):
            if best is None or node.lineno > best.lineno:
                best = node
    return best


@_no_fix_on_error(None)
def stale_statement(F: Facts, grad: int, params: set[str]):
    """The single-line assignment before the loop around `grad` that the gradient reads and that reads a parameter:
    (file, line, text) of a forward value computed once (`predictions = [w * h + b for h in hours]`)."""
    g = F.by_id[grad]
    tree = F.trees.get(g.file)
    loop = _innermost_loop(tree, g.line) if tree is not None else None
    if loop is None:
        return None
    outer = loop
    while True:
        up = next((n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While)) and n is not outer
                   and n.lineno < outer.lineno and (n.end_lineno or 0) >= (outer.end_lineno or 0)), None)
        if up is None:
            break
        outer = up
    reads = {base_name(r) for r in g.reads}
    # A name bound by a loop around the gradient (`for h, t, p in zip(hours, temps, preds)`) reads what it iterates.
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and node.lineno <= g.line <= (node.end_lineno or 0):
            bound = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            if bound & reads:
                reads |= {base_name(_dotted(n) or "") for n in ast.walk(node.iter)
                          if isinstance(n, (ast.Name, ast.Attribute))}
    bases = {base_name(p) for p in params}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or node.lineno >= outer.lineno or node.lineno != node.end_lineno:
            continue
        names = {base_name(_dotted(t) or "") for t in node.targets}
        value_names = {base_name(_dotted(n) or "") for n in ast.walk(node.value) if isinstance(n, (ast.Name, ast.Attribute))}
        if names & reads and value_names & bases:
            return g.file, node.lineno, strip_comment(F.line_text(g.file, node.lineno)).strip()
    return None


@_no_fix_on_error(None)
def recompute_in_loop_fix(F: Facts, grad: int, stale_line: int | None, stale_text: str | None) -> Fix | None:
    """Repeat the forward statement computed once before the loop as the first statement of the loop around the
    gradient, so every step reads values of the current parameters."""
    g = F.by_id[grad]
    tree = F.trees.get(g.file)
    loop = _innermost_loop(tree, g.line) if tree is not None else None
    target = stale_text.split("=", 1)[0].strip() if stale_text else ""
    while loop is not None and isinstance(loop, ast.For) and target in {
            _dotted(n) for n in ast.walk(loop.iter) if isinstance(n, (ast.Name, ast.Attribute))}:
        # A loop over the stale values themselves (`for h, t, p in zip(hours, temps, preds)`, per sample inside the
        # step): they are computed again before it, at the top of the loop around it.
        loop = _innermost_loop(tree, loop.lineno)
    file = g.file
    holder = next((x.function for x in F.sites if x.file == g.file and x.line == stale_line), None)
    if stale_text and (loop is None or (holder is not None and holder != g.function)):
        # The stale value computed in a method (`self.pred = X @ self.w` in `forward`), or the gradient in one the
        # loop calls: the training loop, and the call before it that ran the forward method
        # (`recon = model.forward(data)`), repeated at the top of the loop.
        loop, file, stale_text = _call_before_training_loop(F, stale_line, g.file)
    if loop is None or not stale_text:
        return None
    first = loop.body[0]
    first_text = strip_comment(F.line_text(file, first.lineno)).strip()
    if not first_text or first.lineno == stale_line:
        return None
    target = stale_text.split("=", 1)[0].strip()
    return Fix(f"Compute {target} again at the top of each step of the loop (line {loop.lineno})", first.lineno,
               first_text, f"{stale_text}\n{first_text}",
               "The gradient must be computed from the current parameters; from the values before the loop it "
               "repeats the first step's gradient forever.")


def _call_before_training_loop(F: Facts, stale_line: int | None, stale_file: str):
    """(loop node, file, statement text) of the training loop and the last single-line statement before it, in its
    own scope, that calls the function holding the stale statement; (None, "", None) when there is none."""
    lp = F.loop_record(F.s.plan.step_loop)
    holder = next((x.function for x in F.sites if x.file == stale_file and x.line == stale_line), None)
    tree = F.trees.get(lp.file) if lp is not None else None
    if tree is None or not holder:
        return None, "", None
    loop = next((n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While)) and n.lineno == lp.line), None)
    if loop is None:
        return None, "", None
    scope = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module))
                  and loop in getattr(n, "body", [])), None)
    calls = [st for st in getattr(scope, "body", []) if isinstance(st, (ast.Assign, ast.Expr))
             and st.lineno < loop.lineno and st.lineno == st.end_lineno
             and any(isinstance(c, ast.Call) and last(_dotted(c.func) or "") == last(holder) for c in ast.walk(st))]
    if not calls:
        return None, "", None
    return loop, lp.file, strip_comment(F.line_text(lp.file, calls[-1].lineno)).strip()


@_no_fix_on_error(list)
def random_init_fixes(F: Facts, name: str) -> list[Fix]:
    """Start the parameter `name`, made by `np.zeros(shape)` before training, from small random values instead."""
    for x in F.sites:
        line = strip_comment(x.statement.strip().splitlines()[0]) if x.statement.strip() else ""
        m = re.search(r"(np|numpy)\.zeros\(\s*(\([^()]*\)|[^(),]+)\s*\)", line)
        if m and x.kind == "assign" and last(x.target) == last(name) and (not F.observed(x.id) or F.ser(x.id).step[0] < 0):
            draw = (f"{m.group(1)}.random.randn(*{m.group(2)}) * 0.1" if m.group(2).startswith("(") else
                    f"{m.group(1)}.random.randn({m.group(2)}) * 0.1")
            return [Fix(f"Start {base_name(x.target)} from small random values", x.line, line,
                        line.replace(m.group(0), draw),
                        "Different starting weights give the units different gradients, so they learn different "
                        "features.")]
    return []


def flip_update_fixes(F: Facts) -> list[Fix]:
    """Reverse the direction of every parameter update (`w += lr * g` -> `w -= lr * g`, `w = w + s` -> `w = w - s`),
    one group: a sign error in the shared gradient signal reaches all of them."""
    out, seen = [], set()
    for u in F.updates:
        x = F.by_id[u]
        tree = F.trees.get(x.file)
        if tree is None or (x.file, x.line) in seen:
            continue
        stmt = next((n for n in ast.walk(tree) if isinstance(n, (ast.AugAssign, ast.Assign)) and n.lineno == x.line), None)
        if stmt is None or stmt.lineno != stmt.end_lineno:
            continue
        src = F.s.sources[x.file]
        text = ast.get_source_segment(src, stmt)
        if not text:
            continue
        new = None
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add, ast.Sub)):
            target = ast.get_source_segment(src, stmt.target)
            value = ast.get_source_segment(src, stmt.value)
            new = f"{target} {'-=' if isinstance(stmt.op, ast.Add) else '+='} {value}"
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, (ast.Add, ast.Sub)) \
                and ast.dump(stmt.value.left) == ast.dump(stmt.targets[0]).replace("Store()", "Load()"):
            left = ast.get_source_segment(src, stmt.value.left)
            right = ast.get_source_segment(src, stmt.value.right)
            target = ast.get_source_segment(src, stmt.targets[0])
            new = f"{target} = {left} {'-' if isinstance(stmt.value.op, ast.Add) else '+'} {right}"
        if not new:
            continue
        seen.add((x.file, x.line))
        title = f"Step {base_name(x.target)} against its gradient, not along it"
        out.append(Fix(title if not out else "…and s" + title[1:], x.line, text, new,
                       "Gradient descent subtracts the gradient; adding it climbs the loss."))
    return out


# ---- a learned bias: declared, added, and updated, as one group of patches --------------------------------------

def _names_in(F: Facts) -> set[str]:
    out = set()
    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Name, ast.Attribute)):
                d = _dotted(node)
                if d:
                    out.add(d)
            elif isinstance(node, ast.arg):
                out.add(node.arg)
    return out


def _fresh(taken: set[str], *candidates: str) -> str:
    for c in candidates:
        if c and c not in taken:
            return c
    base = candidates[-1]
    k = 2
    while f"{base}{k}" in taken:
        k += 1
    return f"{base}{k}"


def bias_name(F: Facts, weight: str) -> str:
    """A name for the bias of `weight` that the sources do not use yet (`W1` -> `b1`, `self.w` -> `self.b`)."""
    taken = _names_in(F)
    keyed = re.match(r"^(.+)\[(['\"])(\w+)\2\]$", weight)
    if keyed:
        container, quote, key = keyed.groups()
        keys = {n.value for t in F.trees.values() for n in ast.walk(t) if isinstance(n, ast.Constant)}
        swapped = re.sub(r"^(w|W|weights?|Weights?)(?=\d*$|_)", "b", key)
        new = _fresh(keys, swapped if swapped != key else "", f"{key}_bias", "bias")
        return f"{container}[{quote}{new}{quote}]"
    head, _, tail = weight.rpartition(".")
    prefix = head + "." if head else ""
    swapped = re.sub(r"^(w|W|weights?|Weights?)(?=\d*$|_)", "b", tail)
    return _fresh(taken, prefix + swapped if swapped != tail else "", f"{prefix}{tail}_bias", prefix + "bias")


def _product_with(tree, weight: str):
    """(product node, input operand node, side of the weight) of the first product of `weight` with something
    not transposed: `X @ w` -> right, `W @ x` -> left, `sum(wi * xi for wi, xi in zip(w, x))` -> right."""
    for node in ast.walk(tree):
        pair = _product_operands(node)
        if pair is None and isinstance(node, ast.Call) and last(_dotted(node.func) or "") == "sum" and node.args \
                and isinstance(node.args[0], ast.GeneratorExp):
            for z in ast.walk(node.args[0]):
                if isinstance(z, ast.Call) and _dotted(z.func) == "zip" and len(z.args) == 2:
                    roots = [_operand_root(a)[0] for a in z.args]
                    if weight in roots:
                        k = roots.index(weight)
                        return node, z.args[1 - k], "elementwise"
        if pair is None:
            continue
        for side, operand, other in (("left", pair[0], pair[1]), ("right", pair[1], pair[0])):
            root, flipped = _operand_root(operand)
            if flipped:
                continue
            if ast.unparse(operand) == weight or root == weight and not isinstance(operand, ast.Subscript):
                return node, other, side
            if root == weight and _keyed(operand):
                return node, other, side  # a parameter kept in a dict under a fixed key: `params["W"]`
    return None


def _keyed(node) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)


def _stmt_at(tree, line: int):
    return next((n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == line
                 and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With))), None)


class _Swap(ast.NodeTransformer):
    """Replace names (dotted, with their subscripts when asked) by expressions."""

    def __init__(self, names: dict[str, ast.AST], drop_subscripts: set[str]):
        self.names, self.drop = names, drop_subscripts

    def visit_Subscript(self, node):
        if ast.unparse(node) in self.names:
            return self.names[ast.unparse(node)]
        root = _dotted(node.value)
        if root in self.drop:
            return self.names[root]
        return self.generic_visit(node)

    def _swap(self, node):
        d = _dotted(node)
        if d in self.names:
            return self.names[d]
        return self.generic_visit(node)

    visit_Name = _swap

    def visit_Attribute(self, node):
        # A transposed input of ones that is a plain number stays a number (`x.T` -> `1.0`).
        if node.attr == "T" and _dotted(node.value) in self.names and isinstance(self.names[_dotted(node.value)], ast.Constant):
            return self.names[_dotted(node.value)]
        return self._swap(node)


@_no_fix_on_error(list)
def bias_fixes(F: Facts, forward, weight: str) -> list[Fix]:
    """A learned bias for the product of `weight` on `forward`'s line, as one group: declared next to the weight's
    initialisation, added after the product on every forward line, and stepped wherever the weight is stepped,
    with the weight's own gradient on an input of ones. [] when a part cannot be written against the code."""
    tree = F.trees.get(forward.file)
    if tree is None:
        return []
    src = F.s.sources[forward.file]
    npx = np_alias(F, forward.file)
    stmt = _stmt_at(tree, forward.line)
    found = _product_with(stmt, weight) if stmt is not None else None
    if found is None:
        return []
    prod, input_node, side = found
    input_name, _ = _operand_root(input_node)
    if not input_name:
        return []
    container = None
    if side != "elementwise":
        operand = next(o for o in ((prod.left, prod.right) if isinstance(prod, ast.BinOp) else
                                   (prod.func.value, prod.args[0]) if len(prod.args) == 1 else prod.args)
                       if o is not input_node)
        if _keyed(operand):
            container, weight = weight, ast.unparse(operand)
            if _iterated(tree, container):
                return []  # a dict walked by key (`for k in params`) would need a gradient for the new key too
    bias = bias_name(F, weight)
    # The weight's shape as recorded (after its update, else where it is made): a vector of weights (one output)
    # takes a scalar bias.
    updates = [u for u in F.updates if F.by_id[u].file == forward.file and _writes(tree, F.by_id[u].line, weight)]
    wsite = next((s for s in F.sites if s.kind in ("assign", "setitem") and _dotted_target(s) == weight
                  and F.observed(s.id)), None)
    wdims = recorded_ndim(F, updates[0]) if updates else None
    if wdims is None and wsite is not None:
        wdims = recorded_ndim(F, wsite.id)
    if side == "elementwise" or wdims in (None, 0, 1):
        init = "0.0"
    elif wdims == 2:
        init = f"{npx}zeros((1, {weight}.shape[1]))" if side == "right" else f"{npx}zeros(({weight}.shape[0], 1))"
    else:
        return []
    # Declared after the weight's first assignment before training.
    def makes_weight(node) -> bool:
        if not isinstance(node, ast.Assign):
            return False
        if any(_dotted(t) == weight or ast.unparse(t) == weight for t in node.targets):
            return True
        # `params = {"W": ...}`: the dict that holds the weight under its key
        return container is not None and any(_dotted(t) == container for t in node.targets) and \
            isinstance(node.value, ast.Dict) and any(isinstance(k, ast.Constant) and f"[{k.value!r}]" in weight
                                                     for k in node.value.keys)

    made = sorted((n for n in ast.walk(tree) if makes_weight(n)), key=lambda n: n.lineno)
    decl = next((n for n in made if n.lineno < forward.line), made[0] if made else None)
    if decl is None:
        return []
    decl_text = strip_comment(F.line_text(forward.file, decl.end_lineno)).strip()
    if not decl_text:
        return []
    fixes = [Fix(f"Add a learned bias {bias} to the product with {weight}: declare it", decl.end_lineno, decl_text,
                 f"{decl_text}\n{bias} = {init}",
                 "A bias starts at 0 with one entry per output unit; without it every boundary passes through "
                 "the origin.")]
    # Added after every product of the weight (training and evaluation alike).
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == n.end_lineno
                        and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With))),
                       key=lambda n: n.lineno):
        got = _product_with(node, weight)
        if got is None:
            continue
        prod = got[0]
        seg = ast.get_source_segment(src, prod)
        if not seg or prod.lineno != prod.end_lineno:
            continue
        # Inside a minus sign, a product, a power or on the right of a minus (`exp(-X @ w)`), `+ b` would bind
        # to the wrong operand: the sum is parenthesised there.
        parent = next((n for n in ast.walk(node) for c in ast.iter_child_nodes(n) if c is prod), None)
        tight = isinstance(parent, ast.UnaryOp) or (isinstance(parent, ast.BinOp) and (
            not isinstance(parent.op, (ast.Add, ast.Sub)) or (isinstance(parent.op, ast.Sub) and parent.right is prod)))
        fixes.append(Fix(f"…and add {bias} after the product on line {node.lineno}", node.lineno, seg,
                         f"{seg} + {bias}" if side != "elementwise" and not tight else f"({seg} + {bias})",
                         "The bias shifts every sample's weighted sum by the same learned amount."))
    # Stepped where the weight is: the weight's step with the input replaced by ones.
    isite = next((s for s in F.sites if base_name(s.target) == base_name(input_name) and F.observed(s.id)), None)
    in_ndim = recorded_ndim(F, isite.id) if isite is not None else None
    if side == "elementwise" or in_ndim in (None, 0, 1):
        ones = "1.0"
    elif side == "right":
        ones = f"{npx}ones((len({input_name}), 1))"
    else:
        ones = f"{npx}ones((1, {input_name}.shape[1]))"
    ones_node = ast.parse(ones, mode="eval").body
    bias_node = ast.parse(bias, mode="eval").body
    stepped = 0
    for u in F.updates:
        x = F.by_id[u]
        if u not in updates:
            continue
        ustmt = _stmt_at(tree, x.line)
        if ustmt is None or ustmt.lineno != ustmt.end_lineno:
            continue
        names = {weight: bias_node, input_name: ones_node}
        # A gradient computed on its own line: its bias twin goes right after it.
        for g in F.gradient_of(u):
            gx = F.by_id[g]
            gstmt = _stmt_at(tree, gx.line)
            if gstmt is None or not isinstance(gstmt, ast.Assign) or gstmt.lineno != gstmt.end_lineno:
                continue
            # The forward output the update reads (`out - labels`) multiplies the weight itself: it is no gradient
            # statement, and its bias twin is the forward with the bias already added.
            if _product_with(gstmt.value, weight) is not None:
                continue
            gname = _dotted(gstmt.targets[0])
            if not gname:
                continue
            # The input handed to a function of the program (`self.forward(x) - target`) is the forward pass
            # computed again: the statement is an error signal, not a product of the input.
            handed = _user_call_args(gstmt.value)
            if any(_operand_root(n)[0] == input_name and id(n) in handed for n in ast.walk(gstmt.value)) and \
                    not any(_operand_root(n)[0] == input_name and id(n) not in handed for n in ast.walk(gstmt.value)):
                continue
            uses_input = any(_operand_root(n)[0] == input_name for n in ast.walk(gstmt.value))
            swap = {input_name: ones_node}
            if not uses_input:
                # The input under another name in the backward pass (`dz = x`, `np.dot(dz.T, delta)`): the
                # transposed operand of the gradient's product is what meets the samples.
                alt = _transposed_operand(gstmt.value)
                if alt is None:
                    continue
                name_t, left = alt
                site_t = next((s for s in F.sites if base_name(s.target) == base_name(name_t) and F.observed(s.id)), None)
                if site_t is None or recorded_ndim(F, site_t.id) != 2:
                    continue
                swap = {name_t: ast.parse(f"{npx}ones((len({name_t}), 1))" if left else
                                          f"{npx}ones((1, {name_t}.shape[1]))", mode="eval").body}
            dname = _fresh(_names_in(F), re.sub(re.escape(last(weight)) + r"$", last(bias), gname)
                           if gname.endswith(last(weight)) else "", f"{gname}_bias")
            new_value = _Swap(swap, set()).visit(ast.parse(ast.unparse(gstmt.value), mode="eval").body)
            gtext = strip_comment(F.line_text(gx.file, gx.line)).strip()
            fixes.append(Fix(f"…and compute the gradient of {bias} as {gname}'s on an input of ones", gx.line, gtext,
                             f"{gtext}\n{dname} = {ast.unparse(new_value)}",
                             "The bias is a weight on an input that is always 1."))
            names[gname] = ast.parse(dname, mode="eval").body
        # A gradient the update reads with no bias twin would step the bias by the weight's gradient: no group.
        read = {_dotted(n) for n in ast.walk(ustmt) if isinstance(n, (ast.Name, ast.Attribute))}
        if any(_dotted(_stmt_at(tree, F.by_id[g].line).targets[0]) in read and
               _dotted(_stmt_at(tree, F.by_id[g].line).targets[0]) not in names
               for g in F.gradient_of(u) if isinstance(_stmt_at(tree, F.by_id[g].line), ast.Assign)) \
                and not any(_operand_root(n)[0] == input_name for n in ast.walk(ustmt)):
            return []
        # An update inside a loop over the weight's entries (`weights[i] += ...`) steps the bias once, before it.
        drop = set()
        loop = _innermost_loop(tree, x.line)
        per_entry = (loop is not None and isinstance(loop, ast.For) and isinstance(ustmt, (ast.AugAssign, ast.Assign))
                     and isinstance(getattr(ustmt, "target", None) or ustmt.targets[0], ast.Subscript)
                     and any(_dotted(n) == weight for n in ast.walk(loop.iter)))
        if per_entry:
            drop = {weight, input_name}
        new_stmt = _Swap(names, drop).visit(ast.parse(ast.unparse(ustmt)).body[0])
        if per_entry:
            at_line = loop.lineno
            at_text = strip_comment(F.line_text(x.file, loop.lineno)).strip()
            fixes.append(Fix(f"…and step {bias} before the loop over the entries of {weight}", at_line, at_text,
                             f"{ast.unparse(new_stmt)}\n{at_text}", "The bias takes the step of a weight whose input is 1."))
        else:
            utext = strip_comment(F.line_text(x.file, x.line)).strip()
            fixes.append(Fix(f"…and step {bias} like {weight}", x.line, utext, f"{utext}\n{ast.unparse(new_stmt)}",
                             "The bias takes the step of a weight whose input is 1."))
        stepped += 1
    return fixes if stepped and len(fixes) >= 3 else []


def _user_call_args(expr) -> set[int]:
    """ids of the nodes inside the arguments of calls to functions that are not numpy's or math's."""
    inside: set[int] = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and (_dotted(node.func) or "").split(".")[0] not in ("np", "numpy", "math"):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                inside.update(id(n) for n in ast.walk(arg))
    return inside


def recorded_ndim(F: Facts, sid: int) -> int | None:
    """How many axes the value a site wrote had, from its kept values or its recorded shape."""
    v = F.values(sid)
    if v is not None:
        return len(v[2])
    sr = F.ser(sid)
    if sr is None or not len(sr):
        return None
    shape = str(sr.shape[-1])
    if not shape.startswith("("):
        return None
    return len([d for d in shape.strip("()").split(",") if d.strip()])


def _transposed_operand(expr):
    """(name, on the left) of the transposed operand of the product in a gradient (`np.dot(dz.T, d)` -> ('dz', True),
    `d @ a.T` -> ('a', False)); None when there is no such product."""
    for node in ast.walk(expr):
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = (node.left, node.right)
        elif isinstance(node, ast.Call) and last(_dotted(node.func) or "") in ("dot", "matmul") and len(node.args) == 2:
            pair = tuple(node.args)
        if pair is None:
            continue
        for left, operand in ((True, pair[0]), (False, pair[1])):
            if isinstance(operand, ast.Attribute) and operand.attr == "T" and _dotted(operand.value):
                return _dotted(operand.value), left
    return None


def _writes(tree, line: int, weight: str) -> bool:
    """The assignment on `line` writes `weight`, whole (`w -= ...`, `params['W'] -= ...`) or entry by entry
    (`weights[i] += ...`)."""
    stmt = _stmt_at(tree, line)
    target = stmt.target if isinstance(stmt, ast.AugAssign) else \
        stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if target is None:
        return False
    if ast.unparse(target) == weight:
        return True
    return isinstance(target, ast.Subscript) and not _keyed(target) and _operand_root(target)[0] == weight


def _iterated(tree, container: str) -> bool:
    """Some loop walks `container` (`for k in params`, `params.items()`, `zip(params, grads)`)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            for n in ast.walk(node.iter):
                if isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n) == container:
                    return True
    return False


def _dotted_target(site) -> str:
    """The dotted name a site writes, without subscripts (`self.W1`, `w`)."""
    t = site.target
    return t.split("[", 1)[0]


def as_group(fixes) -> list[Fix]:
    """Fixes to apply together, one per line: the second and later are titled "…and …" (None entries dropped)."""
    out: list[Fix] = []
    seen = set()
    for fx in fixes:
        if fx is None or (fx.file, fx.line, fx.before) in seen:
            continue
        seen.add((fx.file, fx.line, fx.before))
        title = fx.title
        if out and not title.startswith(("…and", "...and")):
            title = "…and " + title[0].lower() + title[1:]
        out.append(Fix(title, fx.line, fx.before, fx.after, fx.why, fx.file))
    return out


@_no_fix_on_error(None)
def first_nonfinite_data(F: Facts, sid: int):
    """The earliest data site, among `sid` and the data it is computed from, that already held NaN or inf: where
    the missing values enter, before a mean or a product spreads them over whole columns."""
    from .. import columns as C

    seen, todo, best = {sid}, [sid], None
    while todo:
        cur = todo.pop()
        sr = F.ser(cur)
        if sr is not None and len(sr) and F.by_id[cur].kind != "arg":
            bad = float(sr[C.N_NAN][0] + sr[C.N_POSINF][0] + sr[C.N_NEGINF][0])
            if bad > 0 and (best is None or sr.seq[0] < F.ser(best).seq[0]):
                best = cur
        for p in F.parents(cur):
            if p not in seen and p in F.data_like:
                seen.add(p)
                todo.append(p)
    return best


@_no_fix_on_error(None)
def derivative_formula_fix(F: Facts, deriv_site: int, operand_site: int, kind: str, given_is: str) -> Fix | None:
    """Rewrite the derivative's expression as the `kind` derivative of what it is given (the activation's output or
    its pre-activation), in the name the derivative's own code uses for it."""
    y = F.by_id[deriv_site]
    op = F.by_id[operand_site]
    local = op.target[4:] if op.target.startswith("arg ") else base_name(op.target)
    tree = F.trees.get(y.file)
    stmt = _stmt_at(tree, y.line) if tree is not None else None
    if not isinstance(stmt, (ast.Return, ast.Assign)) or stmt.value is None or stmt.lineno != stmt.end_lineno:
        return None
    src = F.s.sources[y.file]
    names = {ast.get_source_segment(src, n) for n in ast.walk(stmt.value) if isinstance(n, (ast.Name, ast.Attribute))}
    if local not in names:
        return None
    npx = np_alias(F, y.file)
    v = local
    output = given_is == "output"  # else "input": the pre-activation
    formulas = {
        ("sigmoid", True): f"{v} * (1 - {v})",
        ("sigmoid", False): f"1 / (1 + {npx}exp(-{v})) * (1 - 1 / (1 + {npx}exp(-{v})))",
        ("tanh", True): f"1 - {v} ** 2",
        ("tanh", False): f"1 - {npx}tanh({v}) ** 2",
        ("relu", True): f"({v} > 0) * 1.0",
        ("relu", False): f"({v} > 0) * 1.0",
    }
    new = formulas.get((kind, output))
    before = ast.get_source_segment(src, stmt.value)
    if new is None or not before or before.replace(" ", "") == new.replace(" ", ""):
        return None
    return Fix(f"Write the {kind} derivative in terms of {v}, the {kind} {'output' if output else 'pre-activation'}",
               y.line, before, new,
               f"The {kind} derivative of its {'output' if output else 'input'} {v} is {new}; the formula in the code "
               f"gives other values at the values it is given.")


@_no_fix_on_error(None)
def one_per_output_fix(F: Facts, site, name: str, samples: int) -> Fix | None:
    """Rewrite the creation of a parameter that has one entry per sample so that axis has length 1: the dimension
    written as `len(...)`, `something.shape[...]` or the literal sample count in `zeros`/`ones`/`full`/a draw."""
    tree = F.trees.get(site.file)
    stmt = _stmt_at(tree, site.line) if tree is not None else None
    if stmt is None or stmt.lineno != stmt.end_lineno:
        return None
    src = F.s.sources[site.file]
    for call in ast.walk(stmt):
        if not isinstance(call, ast.Call) or last(_dotted(call.func) or "") not in \
                ("zeros", "ones", "full", "empty", "randn", "rand", "standard_normal", "normal", "random", "uniform"):
            continue
        dims = _draw_dims(call) if last(_dotted(call.func)) in _DRAW_KINDS else \
            (list(call.args[0].elts) if call.args and isinstance(call.args[0], (ast.Tuple, ast.List)) else call.args[:1])
        for d in dims or []:
            per_sample = (isinstance(d, ast.Call) and _dotted(d.func) == "len") or \
                (isinstance(d, ast.Subscript) and isinstance(d.value, ast.Attribute) and d.value.attr == "shape") or \
                (isinstance(d, ast.Constant) and d.value == samples)
            if not per_sample:
                continue
            seg = ast.get_source_segment(src, call)
            a, b = d.col_offset - call.col_offset, d.end_col_offset - call.col_offset
            if not seg or a < 0:
                continue
            return Fix(f"Give {name} one value shared by every sample", site.line, seg, f"{seg[:a]}1{seg[b:]}",
                       "A bias is one number per output, added to every sample's prediction; one per training row "
                       "fits the noise of each row and means nothing for a new row.")
    return None


@_no_fix_on_error(list)
def use_hyperparameter_fixes(F: Facts, name: str, defined_line: int) -> list[Fix]:
    """Make the training read the learning rate `name` it defines: a literal step factor in an update becomes
    `name`; a rate that comes from a function's default gets `name` passed where the function is called."""
    out: list[Fix] = []
    updates = list(dict.fromkeys(list(F.updates) + [x.id for x in F.sites if x.kind == "update"]))
    done = set()
    for u in updates:
        x = F.by_id[u]
        tree = F.trees.get(x.file)
        stmt = _stmt_at(tree, x.line) if tree is not None else None
        if stmt is None or stmt.lineno != stmt.end_lineno or (x.file, x.line) in done:
            continue
        src = F.s.sources[x.file]
        literal = next((side for n in ast.walk(stmt) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)
                        for side in (n.left, n.right) if isinstance(side, ast.Constant)
                        and isinstance(side.value, float)), None)
        if literal is not None:
            seg = ast.get_source_segment(src, stmt)
            a = literal.col_offset - stmt.col_offset
            b = literal.end_col_offset - stmt.col_offset
            done.add((x.file, x.line))
            out.append(Fix(f"Step {base_name(x.target)} with {name}, not the literal {seg[a:b]}", x.line, seg,
                           f"{seg[:a]}{name}{seg[b:]}", f"{name} is defined on line {defined_line} and never read."))
            continue
        hv = hyper_value(F, u)
        if hv is None or x.function == "<module>":
            continue
        param = last(hv["name"])
        fn_name = last(x.function)
        for path, call in source_calls(F, fn_name):
            if any(kw.arg == param for kw in call.keywords) or call.lineno != call.end_lineno \
                    or (path, call.lineno) in done or call.lineno <= defined_line:
                continue
            seg = ast.get_source_segment(F.s.sources[path], call)
            if not seg or not seg.endswith(")"):
                continue
            sep = ", " if call.args or call.keywords else ""
            done.add((path, call.lineno))
            out.append(Fix(f"Pass {name} to {fn_name} as {param}", call.lineno, seg, f"{seg[:-1]}{sep}{param}={name})",
                           f"{fn_name} runs with its default {param} = {hv['value']:g}; {name} (line {defined_line}) is "
                           f"never read."))
    return as_group(out)


_COPIES = ("array", "copy", "deepcopy")


@_no_fix_on_error(list)
def return_originals_fixes(F: Facts, iterable: str) -> list[Fix]:
    """When the loop walks what a function returns (`layer.weights()`) and that function returns copies
    (`np.array(self.w)`, `self.w.copy()`), return the arrays themselves so in-place updates reach the parameters."""
    try:
        node = ast.parse(iterable, mode="eval").body
    except SyntaxError:
        return []
    called = {last(_dotted(n.func) or "") for n in ast.walk(node) if isinstance(n, ast.Call)} - {"zip", "enumerate", ""}
    out = []
    for path, tree in F.trees.items():
        src = F.s.sources[path]
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name not in called:
                continue
            for ret in ast.walk(fn):
                if not isinstance(ret, ast.Return) or ret.value is None or ret.lineno != ret.end_lineno:
                    continue
                text = ast.get_source_segment(src, ret.value)
                pieces = []
                for c in ast.walk(ret.value):
                    if not isinstance(c, ast.Call) or last(_dotted(c.func) or "") not in _COPIES:
                        continue
                    if last(_dotted(c.func)) == "copy" and isinstance(c.func, ast.Attribute) and not c.args \
                            and _dotted(c.func.value) not in ("np", "numpy", "copy"):
                        inner = c.func.value  # `self.w.copy()`
                    elif c.args and len(c.args) == 1 and not c.keywords:
                        inner = c.args[0]  # `np.array(self.w)`, `np.copy(self.w)`, `copy.deepcopy(self.w)`
                    else:
                        continue
                    pieces.append((c.col_offset - ret.value.col_offset, c.end_col_offset - ret.value.col_offset,
                                   ast.get_source_segment(src, inner)))
                if not pieces or not text:
                    continue
                new = text
                for a, b, inner in sorted(pieces, reverse=True):
                    new = new[:a] + inner + new[b:]
                out.append(Fix(f"Return the parameters themselves from {fn.name}, not copies", ret.lineno, text, new,
                               f"The loop updates what {fn.name}() returns in place; a copy takes the update and is "
                               f"thrown away, the parameter keeps its old value."))
    return as_group(out)


@_no_fix_on_error(None)
def caller_assignment(F: Facts, arg_site: int):
    """(file, line) of the single-line assignment that makes the value a caller passes for a function's argument
    (`fit(X, share)` after `share = ...`), read from the sources."""
    x = F.by_id[arg_site]
    param = x.target[4:] if x.target.startswith("arg ") else x.target
    idx = F.param_index(x.function, param)
    fn_last = last(x.function)
    calls = [(path, n) for path, tree in F.trees.items() for n in ast.walk(tree) if isinstance(n, ast.Call)
             and (isinstance(n.func, ast.Attribute) and n.func.attr == fn_last
                  or isinstance(n.func, ast.Name) and n.func.id == fn_last)]
    for path, call in calls:
        expr = next((kw.value for kw in call.keywords if kw.arg == param), None)
        if expr is None and idx is not None and 0 <= idx < len(call.args):
            expr = call.args[idx]
        name = _dotted(expr) if expr is not None else None
        if not name:
            continue
        tree = F.trees[path]
        made = [n for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.lineno < call.lineno
                and n.lineno == n.end_lineno and any(_dotted(t) == name for t in n.targets)]
        if made:
            return path, max(made, key=lambda n: n.lineno).lineno
    return None


def located(F: Facts, fixes: list[Fix], script: str | None) -> list[Fix]:
    """The fixes, each naming the file its line is in when that is not the script: a fix drawn from a site of a
    module the script imports (`--include`) quotes that module's line. The file is the one traced source whose
    line `fix.line` holds `fix.before`; a fix the script's own line holds, or that no single file holds, is kept."""
    from dataclasses import replace
    from pathlib import Path

    def holds(path: str, fx: Fix) -> bool:
        return fx.before.strip() in F.line_text(path, fx.line)

    want = (Path((getattr(F.s, "meta", None) or {}).get("cwd") or ".") / script).resolve() if script else None
    own = [p for p in F.s.sources if want is not None and Path(p).resolve() == want]
    out = []
    for fx in fixes:
        if fx.file or not fx.line or not fx.before.strip() or any(holds(p, fx) for p in own):
            out.append(fx)
            continue
        others = [p for p in F.s.sources if p not in own and holds(p, fx)]
        out.append(replace(fx, file=others[0]) if len(others) == 1 else fx)
    return out


def with_numpy_imports(F: Facts, fixes: list[Fix], script: str | None) -> list[Fix]:
    """The fixes, plus an import of the numpy functions their new text calls by bare name in a file that takes
    numpy's names one by one (`from numpy import dot, exp`): a patch calling `zeros` there would stop with a
    NameError."""
    import builtins
    import textwrap
    from pathlib import Path

    def tree_of(file: str):
        if file:
            return file, F.trees.get(file)
        if not script:
            return None, None
        want = Path(script).resolve()
        for path, tree in F.trees.items():
            if Path(path).resolve() == want:
                return path, tree
        return None, None

    added: list[Fix] = []
    for file in dict.fromkeys(fx.file for fx in fixes):
        path, tree = tree_of(file)
        if tree is None:
            continue
        imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "numpy"]
        if not imports or any(a.name == "*" for n in imports for a in n.names):
            continue
        bound = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                 for a in n.names}
        bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
        missing: set[str] = set()
        for fx in fixes:
            if fx.file != file or not fx.after:
                continue
            try:
                new = ast.parse(textwrap.dedent(fx.after))
            except SyntaxError:
                continue
            missing |= {n.id for n in ast.walk(new) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                        and n.id not in bound and not hasattr(builtins, n.id) and hasattr(np, n.id)}
        first = imports[0]
        if not missing or first.lineno != first.end_lineno:
            continue
        text = strip_comment(F.line_text(path, first.lineno)).strip()
        if not text or any(fx.file == file and fx.line == first.lineno for fx in fixes):
            continue
        names = ", ".join(sorted(missing))
        added.append(Fix(f"…and import {names} from numpy", first.lineno, text,
                         f"{text}\nfrom numpy import {names}",
                         "The file takes numpy's functions by name, so the patch's new calls need theirs.", file))
    return list(fixes) + added
