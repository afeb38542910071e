"""Fixes written against the user's own lines: where a hyperparameter is set, and the replacement
text for each kind of cause."""

from __future__ import annotations

import ast
import re

from ..detectors.facts import _HYPER_HINT, Facts, _dotted, base_name, last, strip_comment
from ..model import Fix


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


def hyper_value(F: Facts, update: int) -> dict | None:
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
    return None


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
    return Fix(title=f"Lower the learning rate {hv['name']} from {_fmt(hv['value'])} to {_fmt(new_v)}", line=hv["line"],
               before=before, after=after,
               why=f"Each update is {hv['name']} times the gradient; at {_fmt(hv['value'])} one step overshoots.")


def divide_gradient_fix(F: Facts, update: int, batch_name: str | None) -> Fix | None:
    grads = F.gradient_of(update)
    if not grads:
        return None
    g = F.by_id[grads[0]]
    line = strip_comment(F.line_text(g.file, g.line))
    if not line or "=" not in line:
        return None
    # The batch as it is named where the gradient is computed.
    local = [c for c in F.input_candidates if F.by_id[c].function == g.function]
    if local:
        batch_name = base_name(F.by_id[local[0]].target)
    n = f"len({base_name(batch_name)})" if batch_name else "n"
    return Fix(title=f"Average the gradient over the batch: divide {base_name(g.target)} by {n}", line=g.line,
               before=line, after=f"{line} / {n}",
               why="A gradient summed over the samples grows with the batch size; the mean does not.")


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


def normalize_fixes(F: Facts, input_site: int | None = None) -> list[Fix]:
    """Standardize the inputs where they are made: per feature, minus the mean, over the standard deviation."""
    i = F.inputs if input_site is None else input_site
    if i is None:
        return []
    x = F.by_id[i]
    name = base_name(x.target)
    line = strip_comment(F.line_text(x.file, x.line)) or strip_comment(x.statement.strip())
    return [Fix(f"Standardize the inputs {name}", x.line, line,
                f"{line}\n{name} = ({name} - {name}.mean(axis=0)) / {name}.std(axis=0)",
                "Features on scales of thousands make the loss surface steep in some directions: a learning rate "
                "small enough for them is too small for the others.")]
