"""What the numeric-mechanism rules share: the first non-finite value, its mechanism, instability before it, fixes."""

from __future__ import annotations

import ast
import math
import re

import numpy as np

from ... import columns as C
from ...detectors.facts import Facts, activation_of, base_name, parse_statement, strip_comment
from ...detectors.numerics import first_nonfinite_info
from ...explain.chain import walk
from ...explain.fixes import np_alias
from ...model import ChainLink, Fix
from ..rules import PRIMARY, WEAK, Draft, RuleOutcome

# Findings that show the optimisation itself going unstable (a pushed mechanism, not a lone formula).
UNSTABLE_CODES = ("update_spike", "sustained_growth", "weight_divergence")
# Operations the recorder names when it could only see that a value is non-finite, not how it was made.
UNREPLAYED = ("nan", "inf", "", None)


def line_of(F: Facts, sid: int) -> str:
    x = F.by_id[sid]
    return strip_comment(F.line_text(x.file, x.line)) or strip_comment(x.statement.strip())


def instability(by, before_step=None) -> list:
    """Findings that show the optimisation going unstable (at or before a step, if given)."""
    out = []
    for code in UNSTABLE_CODES:
        for f in by.get(code, []):
            if f.severity != "error":
                continue
            if before_step is not None and f.first_step is not None and f.first_step > before_step:
                continue
            out.append(f)
    for f in by.get("update_ratio_high", []):
        if f.evidence.get("median_ratio", 0) > 1.0:
            if before_step is None or f.first_step is None or f.first_step <= before_step:
                out.append(f)
    return out


def involved_activations(F: Facts, info: dict) -> list:
    """The activations the failing expression reads, followed through arguments to the caller's values."""
    expr = info.get("expression", "") or ""
    sid = info.get("site")
    names = set(re.findall(r"[A-Za-z_][\w.]*", expr or info.get("statement", "") or ""))
    acts = {base_name(F.by_id[a.site].target): a for a in F.activations}
    involved = [acts[n] for n in names if n in acts]
    if sid is not None and sid in F.by_id:
        for p in F.parent_map.get(sid, []):
            a = activation_of(F, F.root_value(p))
            if a is not None and a not in involved and base_name(F.by_id[p].target) in names:
                involved.append(a)
    return involved


def divides_by_one_minus(expr: str) -> bool:
    return bool(re.search(r"/\s*\(?\s*1(\.0*)?\s*-", expr or ""))


def saturated_divisor(F: Facts, info: dict, by) -> tuple[bool, str, dict]:
    """Is the zero divisor a sigmoid output (or 1 - it) measured exactly at its bound at the failing step?"""
    step = info["step"]
    sat = [f for f in by.get("exact_saturation", []) if f.first_step is not None and f.first_step <= step
           and f.evidence.get("activation") == "sigmoid"]
    expr = info.get("expression") or info.get("statement") or ""
    names = set(re.findall(r"[A-Za-z_][\w.]*", expr))
    involved = {base_name(F.by_id[a.site].target) for a in involved_activations(F, info) if a.kind == "sigmoid"}
    for f in sat:
        if base_name(f.site or "") in names or base_name(f.site or "") in involved:
            name = base_name(f.site or "")
            divisor = f"1 - {name}" if f.evidence.get("bound") == 1.0 else name
            return True, (f"{f.site} (sigmoid output) is exactly {f.evidence.get('bound')} from step {f.first_step}, "
                          f"and `{expr}` divides by {divisor}"), {"site": f.site, "bound": f.evidence.get("bound"),
                                                                   "saturated_step": f.first_step, "divisor": divisor,
                                                                   "elements_at_bound": f.evidence.get("elements_at_bound")}
    # The divisor's own operand, read from the code and measured: `1 - a` with `a` exactly 1.0, or `a` exactly 0.0,
    # where `a` is computed as a sigmoid (named so, or written 1/(1+exp(-z))).
    sid = info.get("site")
    function = F.by_id[sid].function if sid is not None and sid in F.by_id else info.get("function") or ""
    for name, bound in _divisors(expr):
        for w in F.resolve(name, function):
            root = F.root_value(w)
            sr = F.ser(root)
            if sr is None or not len(sr) or not _sigmoid_code(F, root):
                continue
            upto = np.nonzero(sr.step <= step)[0]
            at = upto[(sr[C.MAX][upto] == 1.0) if bound == 1.0 else (sr[C.MIN][upto] == 0.0)] if len(upto) else upto
            if len(at):
                divisor = f"1 - {name}" if bound == 1.0 else name
                first = int(sr.step[at[0]])
                frac = sr[C.FRAC_SAT_EXACT][at[0]]
                count = int(round(frac * sr[C.SIZE][at[0]])) if np.isfinite(frac) else None
                return True, (f"{name} (a sigmoid in the code) is exactly {bound:g} from step {first}, and `{expr}` "
                              f"divides by {divisor}"), {"site": name, "bound": bound, "saturated_step": first,
                                                         "divisor": divisor, "elements_at_bound": count}
    return False, "no divisor of the failing expression is a sigmoid output measured exactly at 0 or 1", {}


def _divisors(expr: str) -> list[tuple[str, float]]:
    """(name, bound) for each `... / (1 - name)` (bound 1.0) and `... / name` (bound 0.0) in an expression."""
    out = []
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            den = node.right
            if isinstance(den, ast.BinOp) and isinstance(den.op, ast.Sub) and isinstance(den.left, ast.Constant) \
                    and den.left.value == 1:
                name = _name(den.right)
                if name:
                    out.append((name, 1.0))
            elif _name(den):
                out.append((_name(den), 0.0))
    return out


def _name(node) -> str | None:
    text = ast.unparse(node)
    return text if re.fullmatch(r"[A-Za-z_][\w.]*", text) else None


def _sigmoid_code(F: Facts, sid: int) -> bool:
    """The site is a sigmoid output: identified from its values, or computed by a sigmoid in the code."""
    a = activation_of(F, sid)
    if a is not None:
        return a.kind == "sigmoid"
    x = F.by_id[sid]
    text = x.statement + " " + " ".join(x.calls)
    return bool(re.search(r"sigmoid|expit|logistic", text, re.I)
                or re.search(r"1(\.0*)?\s*/\s*\(\s*1(\.0*)?\s*\+\s*(?:\w+\.)*exp\(\s*-", text))


def data_owns(info: dict, by, F: Facts | None = None) -> bool:
    """The first non-finite value is the input data's own NaN, before any step computes anything (not a value a
    statement computed from finite operands before the loop, such as a z-score dividing by a zero spread)."""
    early = bool(by.get("nonfinite_in_data")) and (info["step"] < 0 or info.get("source") == "frame" and info["step"] <= 0)
    return early and not (F is not None and operands_finite(F, info))


def _operand_rows(F: Facts, info: dict) -> list[tuple[int, int]]:
    """(site, row) of each value the failing statement reads, as last written before it ran."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    here = F.ser(sid)
    row = here.at_step(info["step"]) if here is not None and len(here) else None
    if row is None:
        return []
    limit = int(here.seq[row])
    out = []
    for p in F.parent_map.get(sid, []):
        ps = F.ser(p)
        j = ps.before_seq(limit) if p != sid and ps is not None and len(ps) else None
        if j is not None:
            out.append((p, j))
    return out


def operands_finite(F: Facts, info: dict) -> bool:
    """Every value the failing statement reads was recorded, and finite, just before it ran: the statement made
    the first non-finite value itself."""
    rows = _operand_rows(F, info)
    return bool(rows) and all(F.ser(p)[C.N_NAN][j] + F.ser(p)[C.N_POSINF][j] + F.ser(p)[C.N_NEGINF][j] == 0
                              for p, j in rows)


def zero_division(F: Facts, info: dict) -> str | None:
    """'0/0' or 'x/0' when the failing statement divides by a name whose recorded value, just before it ran, holds
    exact zeros, while every value it reads is finite (the kind read from the result: NaN for 0/0, inf for x/0)."""
    if not operands_finite(F, info):
        return None
    try:
        tree = ast.parse((info.get("expression") or info.get("statement") or "").strip(), mode="eval")
    except SyntaxError:
        return None
    divisors = {ast.unparse(n.right) for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)}
    res = F.ser(info["site"])
    row = res.at_step(info["step"])
    infs = res[C.N_POSINF][row] + res[C.N_NEGINF][row] if row is not None else 0
    for p, j in _operand_rows(F, info):
        sr = F.ser(p)
        name = base_name(F.by_id[p].target)
        if name in divisors and sr[C.FRAC_ZERO][j] > 0:
            return "x/0" if infs > 0 else "0/0"
        # `... / (1 - a)` with an element of a exactly 1.0: 1 - a holds an exact zero
        if f"1 - {name}" in divisors and sr[C.MAX][j] == 1.0:
            return "x/0" if infs > 0 else "0/0"
    if divisors and only_division_can_fail(tree) and operands_moderate(F, info, tree):
        return "x/0" if infs > 0 else "0/0"
    return None


# Reductions and conversions that turn finite values of moderate size into finite values: a statement built from
# them, + - * and / can only make a non-finite value by dividing by zero.
_FINITE_CALLS = {"mean", "sum", "std", "var", "abs", "fabs", "max", "min", "amax", "amin", "norm", "len", "float", "int",
                 "count_nonzero", "size", "tolist", "array", "asarray", "reshape", "ravel", "flatten", "transpose",
                 "astype", "copy", "median", "ptp", "round"}


def only_division_can_fail(tree) -> bool:
    """Whether a statement's expression can make a non-finite value out of finite operands of moderate size only by a
    division: its operators are + - * / and small integer powers, its calls are reductions and conversions
    (`X.std(axis=0)`, `np.linalg.norm(v)`, `len(batch)`), and a square root only of a sum or mean of squares,
    a variance or an absolute value (never negative)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                if not (isinstance(node.right, ast.Constant) and isinstance(node.right.value, int)
                        and 1 <= node.right.value <= 4):
                    return False
            elif not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
                return False
        elif isinstance(node, ast.Call):
            fname = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if fname == "sqrt":
                if len(node.args) != 1 or not _never_negative(node.args[0]):
                    return False
            elif fname not in _FINITE_CALLS:
                return False
        elif isinstance(node, (ast.Lambda, ast.IfExp, ast.Compare, ast.BoolOp, ast.ListComp, ast.GeneratorExp)):
            return False
    return True


def _never_negative(node) -> bool:
    """A variance, an absolute value, a norm, or a sum/mean of squares (`x * x`, `x ** 2`) of one operand."""
    if isinstance(node, ast.Call):
        fname = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if fname in ("var", "abs", "fabs", "norm", "std", "len", "count_nonzero"):
            return True
        if fname in ("sum", "mean") and len(node.args) <= 1:
            inner = node.args[0] if node.args else getattr(node.func, "value", None)
            return inner is not None and _square(inner)
        return False
    return _square(node)


def _square(node) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return isinstance(node.right, ast.Constant) and node.right.value == 2
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return ast.unparse(node.left) == ast.unparse(node.right)
    return False


def operands_moderate(F: Facts, info: dict, tree, limit: float = 1e30) -> bool:
    """Every name the failing expression reads was recorded just before it ran, finite and below `limit` in size:
    no product or small power of them overflows, and no unrecorded operand brought a NaN in."""
    rows = _operand_rows(F, info)
    if not rows:
        return False
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called
             and n.id not in ("np", "numpy", "math")}
    if not names <= {base_name(F.by_id[p].target) for p, _ in rows}:
        return False
    for p, j in rows:
        sr = F.ser(p)
        top = max(abs(float(sr[C.MIN][j])), abs(float(sr[C.MAX][j])))
        if not np.isfinite(top) or top > limit:
            return False
    return True


def second_origin(F: Facts, session, info: dict) -> dict | None:
    """When nothing the updates compute is made from the first non-finite value (`info`: a loss only reported), the
    first non-finite value of the same step that is not made from it either (a second origin: the gradient failing
    on its own), replayed as `first_nonfinite_info` replays a recorded value. None when the first one reaches an
    update, or no such value was recorded."""
    from ...detectors.numerics import recorded_info

    sid = info.get("site")
    if sid is None or sid not in F.by_id or not F.updates:
        return None
    made = F.reached_from({sid})
    if any(u in made for u in F.updates):
        return None
    f = session.table
    rows = np.nonzero(f.nonfinite() & (f[C.STEP] == info["step"]) & ~np.isin(f[C.SITE], list(made)))[0]
    if not len(rows):
        return None
    row = rows[np.argmin(f[C.SEQ][rows])]
    other = int(f[C.SITE][row])
    x = F.by_id[other]
    found = recorded_info(F, other, info["step"], int(f[C.N_NAN][row]), int(f[C.N_POSINF][row] + f[C.N_NEGINF][row]),
                          {"line": x.line, "file": x.file, "function": x.function, "statement": x.statement})
    if found["expression"]:
        return found
    # Its values not kept at that step: the operands' statistics say whether it divided by an exact zero.
    tree = parse_statement(found["statement"])
    value = getattr(tree.body[0], "value", None) if tree is not None and tree.body else None
    if value is None:
        return None
    found["expression"] = ast.unparse(value)
    inferred = zero_division(F, found)
    return dict(found, operation=inferred) if inferred else None


def located(out: RuleOutcome, ctx) -> dict | None:
    """Premise `first_nonfinite_located`: the first non-finite value found and its operation replayed."""
    info = first_nonfinite_info(ctx.session)
    if info is None:
        out.check("first_nonfinite_located", False, "every recorded value stayed finite")
        return None
    if data_owns(info, ctx.findings, ctx.facts):
        out.check("first_nonfinite_located", False,
                  f"the first non-finite value is already in the data at step {info['step']}, before any computation")
        return None
    op = info.get("operation")
    if op in UNREPLAYED or str(op).endswith(" in value"):
        # Not replayed element by element (a value computed before the loop), but its operands' statistics say
        # how: a divisor holding exact zeros, every operand finite.
        inferred = zero_division(ctx.facts, info)
        if inferred is not None:
            info = dict(info, operation=inferred)
            op = inferred
    if op in UNREPLAYED:
        out.check("first_nonfinite_located", None,
                  f"the first non-finite value (step {info['step']}, line {info['line']}) could not be traced to an "
                  f"operation", step=info["step"], line=info["line"])
        return None
    out.check("first_nonfinite_located", True, f"step {info['step']}, line {info['line']}: `"
              f"{info.get('expression') or info.get('statement')}` computes {op}", step=info["step"],
              line=info["line"], operation=op)
    return info


def symptom_text(F: Facts, info: dict, by) -> str:
    """The failing sub-expression in words, from this run's numbers only."""
    expr = info.get("expression") or info.get("statement", "")
    op = info.get("operation", "")
    elems = info.get("elements") or []
    at = f" at elements {', '.join(str(tuple(e)) for e in elems[:3])}" if elems else ""
    ops = info.get("operands") or {}
    optxt = "; ".join(f"{k} = {v[:3]}" for k, v in list(ops.items())[:2]) if ops else ""
    text = f"`{expr}` computes {op}{at}" + (f" ({optxt})" if optxt else "")
    spread = [f for f in by.get("weights_nonfinite", []) if f.first_step is not None]
    if spread:
        text += f", and the weights {spread[0].site} are non-finite from step {spread[0].first_step}"
    return text


def symptom_chain(F: Facts, info: dict, by) -> list[ChainLink]:
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return [ChainLink(symptom_text(F, info, by), info["step"], None, info.get("line"),
                          {k: info.get(k) for k in ("operation", "elements") if info.get(k)})]
    return walk(F, sid, info["step"], symptom_text(F, info, by),
                {k: info.get(k) for k in ("operation", "elements") if info.get(k)})


def guard_note(F: Facts, info: dict) -> tuple[str, dict]:
    """What the code already does against the failure (a clip, an added epsilon), judged in the dtype it runs in:
    in the failing statement, or in the last write of a name it reads before the failure."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return "", {}
    here = F.ser(sid)
    row = here.at_step(info["step"]) if here is not None and len(here) else None
    limit = int(here.seq[row]) if row is not None else None
    candidates = [sid]
    for name in set(re.findall(r"[A-Za-z_][\w.]*", info.get("expression") or "")):
        latest, writer = -1, None
        for w in F.resolve(name, F.by_id[sid].function):
            ws = F.ser(w)
            if w == sid or F.by_id[w].kind == "arg" or ws is None or not len(ws):
                continue
            i = ws.before_seq(limit) if limit is not None else len(ws) - 1
            if i is not None and int(ws.seq[i]) > latest:
                latest, writer = int(ws.seq[i]), w
        if writer is not None:
            candidates.append(writer)
    for cand in candidates:
        note = _guard_in(F, cand)
        if note[0]:
            return note
    return "", {}


def _small_number(F: Facts, name: str, function: str) -> float | None:
    """The value of `name` as read in `function` when every write recorded one number, the same one, between 0 and
    1e-3 (an epsilon kept in a variable); else None."""
    seen = set()
    for w in F.resolve(name, function):
        sr = F.ser(w)
        if sr is None or not len(sr) or np.nanmax(sr[C.SIZE]) != 1:
            return None
        seen |= {float(v) for v in sr[C.MIN]} | {float(v) for v in sr[C.MAX]}
    if len(seen) == 1:
        v = seen.pop()
        return v if 0 < v < 1e-3 else None
    return None


def _literal_attribute(F: Facts, file: str, attr: str, owner: str) -> float | None:
    """The one small number (between 0 and 1e-3) that `attr` is given in the code of class `owner` in `file`, in its
    body (`eps = 1e-9`) or on self (`self.eps = 1e-9`), every assignment of it the same literal; else None."""
    tree = F.trees.get(file)
    cls = next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == owner.rsplit(".", 1)[-1]),
               None) if tree is not None else None
    if cls is None:
        return None
    seen = set()
    for node in ast.walk(cls):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            named = (isinstance(t, ast.Name) and t.id == attr) or (isinstance(t, ast.Attribute) and t.attr == attr)
            if named:
                value = node.value
                seen.add(value.value if isinstance(value, ast.Constant) and isinstance(value.value, float) else None)
    if len(seen) == 1:
        v = seen.pop()
        return v if v is not None and 0 < v < 1e-3 else None
    return None


def _guard_in(F: Facts, sid: int) -> tuple[str, dict]:
    line = line_of(F, sid)
    text = None
    try:  # the statement's value: `p = np.clip(...)`, `return ...`, or a call written alone (`np.clip(p, ..., out=p)`)
        stmt = ast.parse(line.strip()).body[0]
        if getattr(stmt, "value", None) is not None:
            text = ast.get_source_segment(line.strip(), stmt.value)
    except (SyntaxError, IndexError):
        pass
    if text is None:
        text = (line.split("=", 1)[1] if "=" in line and not line.lstrip().startswith("return") else
                line.replace("return", "", 1)).strip()
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, IndexError):
        return "", {}
    lim = F.limits(sid)
    dtype = np.dtype(lim.dtype).type
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (ast.unparse(node.func).split(".")[-1] == "clip") and len(node.args) >= 3:
            try:
                lo, hi = (float(eval(ast.unparse(a), {"__builtins__": {}})) for a in node.args[1:3])  # noqa: S307
            except Exception:  # noqa: BLE001 - a bound that is not a literal expression is not judged
                continue
            lo_t, hi_t = float(dtype(lo)), float(dtype(hi))
            words = f"line {F.by_id[sid].line} already clips with `{ast.unparse(node)}`"
            if hi_t == 1.0 and hi < 1.0:
                # The smallest power of ten that survives next to 1.0 in this dtype.
                margin = 10.0 ** math.ceil(math.log10(2 * lim.eps))
                segment = ast.get_source_segment(text, node.args[2]) or ""
                fix = Fix(f"Use a clip bound that {lim.dtype} can hold", F.by_id[sid].line, line,
                          line.replace(segment, f"1 - {margin:g}", 1) if segment else "",
                          f"{lim.dtype} keeps about {lim.digits:.1f} digits: 1 - {1 - hi:g} is stored as exactly 1.0, "
                          f"1 - {margin:g} is not.")
                return (f"{words}, but in {lim.dtype} the upper bound {hi!r} rounds to exactly 1.0, so 1 minus it is 0"),\
                    {"clip_upper": hi, "clip_upper_in_dtype": hi_t, "guard_line": F.by_id[sid].line, "guard_fix": fix}
            if lo_t == 0.0 and lo > 0.0:
                return (f"{words}, but in {lim.dtype} the lower bound {lo!r} rounds to exactly 0.0"),\
                    {"clip_lower": lo, "clip_lower_in_dtype": lo_t, "guard_line": F.by_id[sid].line}
            return f"{words} and it still fails", {"clip_lower": lo, "clip_upper": hi, "guard_line": F.by_id[sid].line}
        eps = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Constant) \
                and isinstance(node.right.value, float) and 0 < node.right.value < 1e-3:
            eps = node.right.value
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Name):
            eps = _small_number(F, node.right.id, F.by_id[sid].function)  # `eps = 1e-12` kept in a variable
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Attribute):
            # `self.eps`: an attribute recorded with one small number, or a class attribute given one in the code
            owner = F.by_id[sid].function.rsplit(".", 1)[0] if "." in F.by_id[sid].function else None
            eps = _literal_attribute(F, F.by_id[sid].file, node.right.attr, owner) if owner else None
            if eps is None:
                eps = _small_number(F, ast.unparse(node.right), F.by_id[sid].function)
        if eps is not None:
            words = f"line {F.by_id[sid].line} already adds {eps:g} in `{ast.unparse(node)}`"
            return f"{words} and it still fails", {"epsilon": eps, "guard_line": F.by_id[sid].line}
    return "", {}


def mechanism_draft(ctx, code: str, info: dict, base: str, fixes: list, extra: dict | None = None) -> Draft:
    """The cause for a numeric mechanism, ranked below the upstream cause when the optimisation was
    measured going unstable before the first non-finite step, else as the run's primary cause."""
    F, by = ctx.facts, ctx.findings
    step = info["step"]
    unstable = instability(by, before_step=step)
    chain = symptom_chain(F, info, by)
    expr = info.get("expression") or info.get("statement")
    text = f"{base}: at step {step} `{expr}` computes {info.get('operation')}{operand_words(info)}."
    ev = {"operation": info.get("operation"), "step": step, "expression": info.get("expression"), **(extra or {})}
    guard, gev = guard_note(F, info)
    if guard:
        text += f" {guard[0].upper()}{guard[1:]}."
        guard_fix = gev.pop("guard_fix", None)
        if guard_fix is not None and guard_fix.after and guard_fix.after != guard_fix.before:
            fixes = [guard_fix] + list(fixes)
        ev.update(gev)
    if unstable:
        first = min(unstable, key=lambda f: f.first_step if f.first_step is not None else step)
        text += (f" The optimisation was already unstable before it ({first.code.replace('_', ' ')} at step "
                 f"{first.first_step}): this formula is where the upstream cause breaks through.")
        ev.update(unstable_from=first.first_step, unstable=[f.code for f in unstable])
        chain = chain[-3:]
    codes = ["first_nonfinite"] + [c for c in ("division_by_zero", "log_of_zero", "exp_overflow", "exact_saturation",
                                               "catastrophic_cancellation") if by.get(c)] + [f.code for f in unstable]
    return Draft(code, WEAK if unstable else PRIMARY, text, chain, fixes, codes, ev)


def operand_words(info: dict) -> str:
    """The replayed operands of the failing operation, as recorded (first values only)."""
    ops = info.get("operands") or {}
    if not ops:
        return ""
    parts = []
    for name, values in list(ops.items())[:2]:
        shown = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in list(values)[:3])
        parts.append(f"{name} = [{shown}{', …' if len(values) > 3 else ''}]")
    return f" ({'; '.join(parts)} at the failing elements)"


def log_fix(F: Facts, info: dict) -> list[Fix]:
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    line = line_of(F, sid)
    npx = np_alias(F)
    new = re.sub(r"((?:np\.|numpy\.)?log)\(([^()]*(?:\([^()]*\))?[^()]*)\)",
                 lambda m: f"{m.group(1)}({npx}clip({m.group(2)}, 1e-7, None))", line)
    if new == line:
        return []
    return [Fix("Keep the log's argument away from 0", F.by_id[sid].line, line, new,
                "log(0) is -inf; clipping at 1e-7 bounds the loss without changing healthy values.")]


def softmax_fix(F: Facts, info: dict) -> list[Fix]:
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    line = line_of(F, sid)
    m = re.search(r"exp\((\w+)\)", line)
    if not m:
        return []
    z = m.group(1)
    return [Fix("Subtract the row max before exp", F.by_id[sid].line, line,
                line.replace(m.group(0), f"exp({z} - {z}.max(axis=-1, keepdims=True))", 1),
                "softmax(z) = softmax(z - max z); the largest exponent becomes 0, so exp cannot overflow.")]


# The logs of exp-like functions written without forming them: (pattern, with the numpy prefix and the argument as
# groups; the fix's title; the rewrite from those groups; the identity it rests on).
_LOG_REWRITES = (
    (r"((?:np\.|numpy\.)?)log\(\s*1(?:\.0*)?\s*\+\s*(?:np\.|numpy\.)?exp\((-?\s*[\w.]+)\)\s*\)",
     "Compute log(1 + exp(x)) without forming exp(x)", lambda np_, x: f"{np_}logaddexp(0, {x})",
     "logaddexp(0, x) equals log(1 + exp(x))"),
    (r"((?:np\.|numpy\.)?)log\(\s*(?:np\.|numpy\.)?cosh\((-?\s*[\w.]+)\)\s*\)",
     "Compute log(cosh(x)) without forming cosh(x)", lambda np_, x: f"({np_}logaddexp({x}, -{x}) - {np_}log(2.0))",
     "log(cosh(x)) = logaddexp(x, -x) - log(2)"),
)


def exp_fix(F: Facts, info: dict) -> list[Fix]:
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    line = line_of(F, sid)
    npx = np_alias(F)
    m = re.search(r"((?:np\.|numpy\.)?exp)\((\w+)\)\s*/\s*\(\s*1\s*\+\s*(?:np\.|numpy\.)?exp\(\2\)\s*\)", line)
    if m:
        return [Fix("Use the form of the sigmoid that cannot overflow", F.by_id[sid].line, line,
                    line.replace(m.group(0), f"1 / (1 + {m.group(1)}(-{m.group(2)}))"),
                    "exp(z)/(1+exp(z)) is inf/inf = NaN for large z; 1/(1+exp(-z)) tends to 1 instead.")]
    for pattern, title, rewrite, why in _LOG_REWRITES:
        m = re.search(pattern, line)
        if m:
            return [Fix(title, F.by_id[sid].line, line, line.replace(m.group(0), rewrite(m.group(1), m.group(2)), 1),
                        f"{why}, which stays finite for any x; the inner function alone overflows above about "
                        f"{F.limits(sid).exp_max} in {F.limits(sid).dtype}.")]
    name = exponential_overflow(info.get("operation", "")) or "exp"
    m = re.search(rf"((?:np\.|numpy\.)?{name})\((-?\s*\w+)\)", line)
    if not m:
        return []
    lim = F.limits(sid)
    return [Fix(f"Clip the argument of {name}", F.by_id[sid].line, line,
                line.replace(m.group(0), f"{m.group(1)}({npx}clip({m.group(2)}, -{int(lim.exp_max)}, {int(lim.exp_max)}))"),
                f"{name} overflows above about {lim.exp_max} in {lim.dtype}.")]


def division_fix(F: Facts, info: dict) -> list[Fix]:
    """Guard the divisor that reached exactly zero: add an epsilon where it is a spread, else a floor."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    line = line_of(F, sid)
    # The divisor of the division that made the value (the replayed sub-expression), else the line's last one.
    den = _divisor_text(info.get("expression") or "")
    m = None if den else (re.search(r"/\s*(\(?[^/]*?\)?)\s*$", line) or re.search(r"/\s*([\w.]+(?:\([^()]*\))?)", line))
    if not den and not m:
        return []
    den = den or m.group(1).strip()
    if not den:
        return []
    counted = _count_binding(F, sid, den)
    if counted is not None:
        return [counted]
    return [Fix("Keep the divisor away from zero", F.by_id[sid].line, line,
                line.replace(den, f"({den} + 1e-8)", 1) if den in line else line,
                "A spread or count that can be exactly 0 (one sample, a constant column, an empty class) needs a "
                "floor before dividing.")]


def _divisor_text(expression: str) -> str | None:
    """The divisor of `expression` when it is a division (`-(a @ b) / count` -> `count`), as written."""
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div):
        return ast.get_source_segment(expression.strip(), tree.right)
    return None


def _count_binding(F: Facts, sid: int, den: str) -> Fix | None:
    """A divisor that is a count of rows (`m = len(targets)`, `n = X.shape[0]`): 0 only when its array was empty (a
    batch past the end of the data). Floored at 1 where it is bound, so every division by it in the step stays
    finite and an empty batch adds nothing."""
    from ...trace.backstop import shape_read

    if not re.fullmatch(r"[A-Za-z_]\w*", den):
        return None
    for w in F.resolve(den, F.by_id[sid].function):
        x = F.by_id[w]
        if x.kind != "assign":
            continue
        try:
            tree = ast.parse(strip_comment(x.statement.strip())).body[0]
        except (SyntaxError, IndexError):
            continue
        if not isinstance(tree, ast.Assign) or (shape_read(tree.value)[0] is None
                                                and not _counts_a_mask(F, tree.value, x.function)):
            continue
        text = line_of(F, w)
        count = ast.get_source_segment(strip_comment(x.statement.strip()), tree.value)
        if not count or count not in text:
            continue
        return Fix(f"Never divide by the count of an empty array: floor {den} at 1", x.line, text,
                   text.replace(count, f"max({count}, 1)", 1),
                   f"{den} counts the rows of {shape_read(tree.value)[0] or _counts_a_mask(F, tree.value, x.function)}, "
                   "which was empty: a batch past the end of the data (check the batch loop's range) or an empty "
                   "selection. With the floor, such a batch divides zeros by 1 and changes nothing.")
    return None


def _counts_a_mask(F: Facts, node, function: str) -> str | None:
    """The mask's name in `inside.sum()`, `np.sum(inside)` or `np.count_nonzero(inside)` when that name holds a
    boolean array (its recorded dtype): a count of selected rows."""
    name = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "sum" \
            and isinstance(node.func.value, ast.Name) and not node.args:
        name = node.func.value.id
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("sum", "count_nonzero") \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        name = node.args[0].id
    if name is None:
        return None
    for w in F.resolve(name, function):
        sr = F.ser(w)
        if sr is not None and len(sr) and str(sr.dtype[0]).endswith("b1"):
            return name
    return None


def bce_fixes(F: Facts, info: dict) -> list[Fix]:
    """`-y/a + (1-y)/(1-a)` times `a*(1-a)` is `a - y`: the gradient at the logit, with no division."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    x = F.by_id[sid]
    line = line_of(F, sid)
    m = re.search(r"/\s*\(\s*1\s*-\s*([\w.]+)\s*\)", line)
    if not m:
        return []
    a = m.group(1)
    t = None
    m2 = re.search(r"\(\s*1\s*-\s*([\w.]+)\s*\)\s*/", line)
    if m2:
        t = m2.group(1)
    if t is None:
        m3 = re.search(r"-\s*([\w.]+)\s*/\s*" + re.escape(a), line)
        t = m3.group(1) if m3 else "y"
    lhs = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("return") else None
    fixes = []
    # Where the sigmoid derivative of `a` is taken, so the simplification can drop it.
    deriv = None
    for y in F.sites:
        if y.phase == "backward" and y.kind in ("assign", "unpack") and a in y.reads and y.id != sid and y.calls \
                and any(re.search(r"deriv|prime|grad", c, re.I) for c in y.calls):
            deriv = y
            break
    if lhs:
        fixes.append(Fix(f"Simplify the output gradient to {a} - {t}", x.line, line,
                         f"{lhs} = {a} - {t}  # = (-{t}/{a} + (1-{t})/(1-{a})) * {a}*(1-{a}), with no division",
                         f"-{t}/{a} + (1-{t})/(1-{a}) times the sigmoid derivative {a}*(1-{a}) is exactly {a} - {t}: "
                         f"the same gradient at the logit, finite even when {a} is exactly 0 or 1."))
        # The sigmoid derivative multiplied in place on a later line (`d_logit = d_out * a * (1 - a)`).
        chained = re.compile(rf"\s*\*\s*{re.escape(a)}\s*\*\s*\(\s*1\s*-\s*{re.escape(a)}\s*\)")
        for y in F.sites:
            if deriv is None and y.id != sid and y.kind in ("assign", "augassign") and lhs in y.reads \
                    and chained.search(line_of(F, y.id)):
                dl = line_of(F, y.id)
                fixes.append(Fix("…and drop the sigmoid derivative it already contains", y.line, dl,
                                 chained.sub("", dl, count=1), "Multiplying by the derivative again would count it twice."))
                break
        if deriv is not None:
            dropped = _drop_derivative_call(line_of(F, deriv.id), a)
            if dropped is not None:
                fixes.append(Fix("…and drop the sigmoid derivative it already contains", deriv.line, dropped[0],
                                 dropped[1], "Multiplying by the derivative again would count it twice."))
    npx = np_alias(F, x.file)
    note = "" if npx else " (add clip to the `from numpy import ...` line)"
    fixes.append(Fix(f"Or clip {a} away from exactly 0 and 1{note}", x.line, line,
                     line.replace(f"(1 - {a})", f"(1 - {npx}clip({a}, 1e-7, 1 - 1e-7))").replace(
                         f"/{a}", f"/{npx}clip({a}, 1e-7, 1 - 1e-7)").replace(f"/ {a}", f"/ {npx}clip({a}, 1e-7, 1 - 1e-7)"),
                     "Clipping keeps 1 - a and a nonzero; the simplification above is better (no clipping bias)."))
    return fixes


def _drop_derivative_call(line: str, a: str):
    """(before, after) that take the derivative call of `a` out of a product (`d_a * sigmoid_derivative(a)` ->
    `d_a`); a derivative call that is not a factor becomes 1. None when the line holds no such call."""
    import ast

    try:
        stmt = ast.parse(line.strip()).body[0]
    except (SyntaxError, IndexError):
        return None
    if not isinstance(stmt, (ast.Assign, ast.AugAssign)):
        return None
    text = line.strip()
    value = stmt.value

    def is_deriv(node) -> bool:
        return isinstance(node, ast.Call) and any(isinstance(arg, (ast.Name, ast.Attribute)) and ast.unparse(arg) == a
                                                  for arg in node.args)

    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        for keep, drop in ((value.left, value.right), (value.right, value.left)):
            if is_deriv(drop):
                return ast.get_source_segment(text, value), ast.get_source_segment(text, keep)
    call = next((n for n in ast.walk(value) if is_deriv(n)), None)
    if call is None:
        return None
    seg = ast.get_source_segment(text, call)
    return (seg, "1") if seg else None


def tanh_output_fixes(F: Facts, site: int, kind: str) -> list[Fix]:
    """Give the log loss a probability: a sigmoid in place of the tanh that computes the output (on its own line,
    followed through a call's return: `out = self.forward(X)` -> `return np.tanh(z)`)."""
    seen, todo = {site}, [site]
    while todo:
        sid = todo.pop(0)
        x = F.by_id[sid]
        line = line_of(F, sid)
        npx = np_alias(F, x.file)
        new = re.sub(r"(?:[\w.]+\.)?tanh\(([^()]*(?:\([^()]*\))?[^()]*)\)",
                     lambda m: f"1 / (1 + {npx}exp(-({m.group(1)})))", line, count=1)
        if new != line and x.kind != "arg":
            return [Fix("Use a sigmoid output with the cross-entropy", x.line, line, new,
                        "Binary cross-entropy needs outputs in (0, 1); tanh gives (-1, 1) and the log of a negative "
                        "number is NaN. With a sigmoid, the gradient at the logit is a - y.")]
        # A softplus output, log(1 + e^z), is unbounded above: log(1 - p) is NaN once it passes 1.
        soft = re.sub(r"(?:[\w.]+\.)?(?:log1p\((?:[\w.]+\.)?exp\(([^()]*(?:\([^()]*\))?[^()]*)\)\)"
                      r"|logaddexp\(\s*0(?:\.0*)?\s*,\s*([^()]*(?:\([^()]*\))?[^()]*)\))",
                      lambda m: f"1 / (1 + {npx}exp(-({m.group(1) or m.group(2)})))", line, count=1)
        if soft != line and x.kind != "arg":
            return [Fix("Use a sigmoid output with the cross-entropy", x.line, line, soft,
                        "Binary cross-entropy needs outputs in (0, 1); softplus gives (0, inf) and log(1 - p) of an "
                        "output above 1 is NaN. With a sigmoid, the gradient at the logit is a - y.")]
        for p in F.parent_map.get(sid, []):
            if p not in seen and len(seen) < 12 and (F.by_id[p].kind == "return" or p in F.derived):
                seen.add(p)
                todo.append(p)
    return []


def softmax_form(F: Facts, info: dict) -> tuple[bool, str]:
    """The overflowing exp is a softmax: a softmax activation was identified, or the code divides exp by its sum."""
    if any(a.kind == "softmax" for a in F.activations):
        return True, "a softmax output was identified from its values"
    text = " ".join([info.get("statement") or "", info.get("expression") or ""])
    if re.search(r"exp\([^)]*\)\s*/\s*(?:\w+\.)?sum\(|/\s*\w+\.sum\(", text):
        return True, "the statement divides exp by its sum"
    fn = info.get("function") or ""
    if "softmax" in fn.lower():
        return True, f"the exp is computed in {fn}"
    # `e = np.exp(z)` then `e / e.sum(...)` in a later statement of the same function: the recorded statements
    # that read the exp's result are what make it a softmax, wherever the division is written.
    sid = info.get("site")
    x = F.by_id.get(sid) if sid is not None else None
    if x is not None and x.kind in ("assign", "augassign") and re.search(r"\bexp\(", x.statement or ""):
        name = re.escape(x.target)
        normalised = re.compile(rf"\b{name}\s*/\s*(?:\(\s*)?(?:{name}\.sum\(|(?:np|numpy)\.sum\(\s*{name}\b)")
        for y in F.sites:
            if y.function == x.function and y.id != x.id and normalised.search(y.statement or ""):
                return True, f"line {y.line} divides {x.target} by its sum"
    return False, "no softmax (exp divided by its sum) was identified at the overflow"


MAX_SHIFT = r"-\s*(?:[\w.]+\.)?(?:max|amax|nanmax)\(|-\s*[\w.]+\.max\("


def subtracts_max(F: Facts, info: dict) -> bool:
    """The exponentiated value was shifted by its max: in the failing statement, or in the write of the exp's
    argument that ran last before the overflow (flow-sensitive: a shift in a branch that did not run does not count)."""
    statement = info.get("statement") or ""
    if re.search(MAX_SHIFT, statement):
        return True
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return False
    x = F.by_id[sid]
    here = F.ser(sid)
    row = here.at_step(info["step"]) if here is not None and len(here) else None
    limit = int(here.seq[row]) if row is not None else None
    for name in re.findall(r"exp\(\s*([A-Za-z_][\w.]*)\s*\)", info.get("expression") or statement):
        latest, text = -1, ""
        for w in F.resolve(name, x.function):
            ws = F.ser(w)
            if ws is None or not len(ws):
                continue
            i = ws.before_seq(limit) if limit is not None else len(ws) - 1
            if i is not None and int(ws.seq[i]) > latest:
                # An argument's recorded statement is its whole function: it shifts nothing itself.
                latest, text = int(ws.seq[i]), "" if F.by_id[w].kind == "arg" else F.by_id[w].statement
        if re.search(MAX_SHIFT, text):
            return True
    return False


def bounded_outputs(F: Facts) -> list[tuple[int, str]]:
    """(site, 'sigmoid' or 'tanh') for every value identified as one, from its values or from the code computing it."""
    out = [(a.site, a.kind) for a in F.activations if a.kind in ("sigmoid", "tanh")]
    known = {sid for sid, _ in out}
    for x in F.sites:
        if x.id in known or x.kind == "arg" or not F.observed(x.id):
            continue
        if _sigmoid_code(F, x.id):
            out.append((x.id, "sigmoid"))
        elif re.search(r"\btanh\(", x.statement) and re.fullmatch(r"[\w.\[\]]+\s*=\s*(?:[\w.]+\.)?tanh\(.*\)\s*",
                                                                 strip_comment(x.statement.strip())):
            out.append((x.id, "tanh"))
    # `a = self.forward(X)`: the value a call hands back from a bounded output, when its values agree.
    kinds = dict(out)
    for x in F.sites:
        if x.id in kinds or x.kind not in ("assign", "unpack") or not x.calls or not F.observed(x.id):
            continue
        for p in F.parent_map.get(x.id, []):
            if F.by_id[p].kind != "return":
                continue
            kind = kinds.get(p) or next((kinds[q] for q in F.parent_map.get(p, []) if q in kinds), None)
            sr = F.ser(x.id)
            low = np.nanmin(sr[C.MIN]) if np.isfinite(sr[C.MIN]).any() else np.nan
            high = np.nanmax(sr[C.MAX]) if np.isfinite(sr[C.MAX]).any() else np.nan
            if kind and high <= 1.0 and low >= (0.0 if kind == "sigmoid" else -1.0):
                out.append((x.id, kind))
                break
    return out


# The functions that grow like exp and overflow where it does (cosh and sinh a little past its limit).
_EXPONENTIAL = re.compile(r"(exp|exp2|expm1|cosh|sinh)\b")


def exponential_overflow(operation: str) -> str | None:
    """The function's name when a replayed operation is an exp-like function overflowing (`cosh overflow (arg
    4523.2)`), else None."""
    m = _EXPONENTIAL.match(operation or "")
    return m.group(1) if m and "overflow" in operation else None


def mechanism(F: Facts, info: dict, by) -> str:
    """The numeric mechanism of the first non-finite value, as the code of the rule that names it."""
    op = info.get("operation", "") or ""
    if op in ("0/0", "x/0"):
        return "sigmoid_saturation_bce_0over0" if saturated_divisor(F, info, by)[0] else "division_by_zero"
    if op.startswith("log"):
        return "wrong_loss_for_activation" if "<" in op else "log_of_zero"
    if exponential_overflow(op):
        return "softmax_overflow_no_max_subtraction" if softmax_form(F, info)[0] and not subtracts_max(F, info) \
            else "exp_overflow"
    return "exploding_gradient"


_MECHANISM_FIXES = {"sigmoid_saturation_bce_0over0": bce_fixes, "log_of_zero": log_fix, "exp_overflow": exp_fix,
                    "softmax_overflow_no_max_subtraction": softmax_fix, "division_by_zero": division_fix}


def mechanism_fixes(F: Facts, mech: str, info: dict) -> list[Fix]:
    """The fixes of a numeric mechanism at the statement that computed the first non-finite value."""
    fixer = _MECHANISM_FIXES.get(mech)
    return fixer(F, info) if fixer else []


def early_step_ratio(F: Facts, updates=None, steps: int = 3) -> dict | None:
    """The median update ratio |delta|/|w| over each parameter's first `steps` measured steps (every element of a
    list or dict of arrays counted), before a diverging run's later steps are the divergence's consequence.
    None when no ratio was measured."""
    from ...detectors.optimisation import update_ratios

    per = []
    for u in (F.updates if updates is None else updates):
        st, up, before, ratio = update_ratios(F, u)
        if not len(ratio):
            continue
        first = np.unique(st)[:steps]
        keep = np.isin(st, first) & np.isfinite(ratio)
        if keep.any():
            per.append((u, ratio[keep], int(first[-1])))
    if not per:
        return None
    pooled = np.concatenate([r for _, r, _ in per])
    top = max(per, key=lambda p: float(np.median(p[1])))
    return {"ratio": float(np.median(pooled)), "name": base_name(F.by_id[top[0]].target), "update": top[0],
            "upto": max(p[2] for p in per), "n": int(len(pooled))}


# The first steps' update ratios, read beside the run's median: a gradient that vanishes toward the input does so
# most at the start, before the layers near the loss have settled.
EARLY_STEPS = 3


def layer_update_ratios(F: Facts) -> list[dict]:
    """The median update ratio |delta|/|w| of every parameter array, one entry per array: a statement writing several
    arrays in turn each step (a loop over layers, a list of parameters) is split by its k-th write of a step, each
    array compared with itself a step earlier; "travel" is the sum of its ratios, the length of the path its steps
    took in units of its own size. Arrays grown from zero (their first update is their whole norm) are marked: their
    ratios start at 1 and say nothing about the step's size."""
    from ...detectors.optimisation import _write_positions, update_ratios

    out = []
    for u in F.updates:
        sr = F.ser(u)
        rows = np.nonzero(sr.step >= 0)[0] if sr is not None else np.zeros(0, int)
        if not len(rows):
            continue
        position = _write_positions(sr.step[rows])
        name = base_name(F.by_id[u].target)
        if position.max() == 0:
            st, up, before, ratio = update_ratios(F, u)
            init = F.weight_norm_before(u)[1]
            if len(ratio):
                out.append({"name": name, "update": u, "position": 0, "ratio": float(np.median(ratio)),
                            "early": float(np.median(ratio[:EARLY_STEPS])), "travel": float(np.sum(ratio)),
                            "from_zero": bool(len(init) and init[0] == 0), "n": int(len(ratio))})
            continue
        for k in range(int(position.max()) + 1):
            mine = rows[position == k]
            norms = sr[C.L2][mine].astype(np.float64)
            up = sr[C.UPDATE_L2][mine].astype(np.float64)
            if not np.isfinite(up).any():
                up = np.abs(np.diff(norms, prepend=np.nan))  # a lower bound of the update's norm
            with np.errstate(all="ignore"):
                ratio = up[1:] / norms[:-1]
            ratio = ratio[np.isfinite(ratio)]
            if len(ratio):
                # Grown from zero: its first update is the whole array (the update's norm is the norm it leaves,
                # measured), or, unmeasured, the ratios start near 1 and fall like 1/k as the array keeps growing.
                whole = bool(np.isfinite(up[0]) and norms[0] > 0 and abs(up[0] - norms[0]) <= 1e-9 * norms[0])
                out.append({"name": f"{name} (array {k + 1} of each step)", "update": u, "position": k,
                            "ratio": float(np.median(ratio)), "early": float(np.median(ratio[:EARLY_STEPS])),
                            "travel": float(np.sum(ratio)), "n": int(len(ratio)),
                            "from_zero": whole or bool(ratio[0] >= 0.5 and norms[-1] >= 2 * norms[0])})
    return out


def ratios_toward_the_input(F: Facts) -> list[dict] | None:
    """The separately updated parameter arrays (not grown from zero) with their median update ratios, ordered from
    the input side to the loss side by where the training step first reads each of them (the forward pass reads the
    first layer first). None when fewer than three such arrays were measured, or a statement writes several arrays
    in turn (their forward order is not recorded)."""
    ratios = layer_update_ratios(F)
    if any(normalised_step(F, r["update"]) for r in ratios):
        return None  # a step divided by the gradient's running size (Adam, RMSprop) is as large in every layer
    if any(r["position"] > 0 for r in ratios):
        return _walked_in_order(F, ratios)
    layers = [r for r in ratios if not r["from_zero"] and r["ratio"] > 0]
    if len(layers) < 3:
        return None
    first_step = None
    for r in layers:
        sr = F.ser(r["update"])
        inside = sr.step[sr.step >= 0]
        if len(inside):
            first_step = int(inside[0]) if first_step is None else min(first_step, int(inside[0]))
    order = {}
    for x in F.sites:
        sr = F.ser(x.id)
        if sr is None or x.kind == "arg" or x.id in F.updates:
            continue
        here = np.nonzero(sr.step == first_step)[0]
        if not len(here):
            continue
        seq = int(sr.seq[here[0]])
        for r in layers:
            if r["name"] in (base_name(n) for n in x.reads) and seq < order.get(r["name"], np.iinfo(np.int64).max):
                order[r["name"]] = seq
    if len(order) < len(layers):
        return None
    return sorted(layers, key=lambda r: order[r["name"]])


def normalised_step(F: Facts, u: int) -> bool:
    """Whether an update's step is divided by a root of the gradient's running square (`m_hat / (np.sqrt(v_hat) +
    eps)`, Adam or RMSprop), in its own statement or in a value it reads: such a step is about the rate whatever the
    gradient's size."""
    own = base_name(F.by_id[u].target)
    # the update and the values it reads besides the parameter's own writes (`W = rng.normal(0, 1 / np.sqrt(n))`)
    texts = [F.by_id[u].statement] + [F.by_id[p].statement for p in F.parents(u)
                                      if F.by_id[p].kind != "arg" and base_name(F.by_id[p].target) != own
                                      and not F.is_param(p)]
    trees = [t for t in map(parse_statement, [x or "" for x in texts]) if t is not None]
    divisors = [n.right for t in trees for n in ast.walk(t) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)]
    # divided by the root of a running value, not of a constant (`1 / np.sqrt(8)`)
    return any(isinstance(c, ast.Call) and ast.unparse(c.func).endswith("sqrt") and c.args
               and any(isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) for n in ast.walk(c.args[0]))
               for d in divisors for c in ast.walk(d))


def _loops_calling(F: Facts, function: str) -> list:
    """The innermost recorded `for` loops around the calls of `function` by its name (a method called on each item a
    loop walks); empty when it is also called outside any such loop, since that call's order is not known."""
    name = function.rsplit(".", 1)[-1]
    found: list = []
    for path, tree in F.trees.items():
        records = {lp.line: lp for lp in F.s.loops if lp.file == path}

        def visit(node, around):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Call) and _called_name(child) == name:
                    found.append(around)
                inner = records.get(child.lineno) if isinstance(child, ast.For) else None
                # a function defined inside a loop is not run by it
                visit(child, None if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                      else inner or around)

        visit(tree, None)
    return [] if not found or any(lp is None for lp in found) else list({id(lp): lp for lp in found}.values())


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _walked_in_order(F: Facts, ratios: list[dict]) -> list[dict] | None:
    """The arrays one statement writes in turn (`W += vW` in `for (W, b), ... in zip(layers, ...)`), input side first:
    the k-th write of a step is the k-th array of the container the loop walks in its own order, the order the
    forward pass walks it, or the k-th from the end when the loop walks it backwards (`reversed(...)`, `[::-1]`, as
    a backward pass does). None unless one such statement wrote at least three arrays, and every loop that writes
    them walks the same way."""
    by_site: dict[int, list[dict]] = {}
    for r in ratios:
        if r["position"] > 0 or any(q["update"] == r["update"] and q["position"] > 0 for q in ratios):
            by_site.setdefault(r["update"], []).append(r)
    best = max(by_site.values(), key=len, default=[])
    x = F.by_id[best[0]["update"]] if best else None
    # The statement's own loop, or, in a method with no loop of its own (`self.W += self.vW` in `Dense.step`), the
    # loops that call that method (`for layer in layers: layer.step(lr)`): all must walk their container one way.
    loops = [F.loop_record(x.loop)] if x is not None and x.loop is not None else \
        _loops_calling(F, x.function) if x is not None and x.function else []
    # The step loop and the loops around it run the method once a step (another class's method of the same name,
    # `out.backward(t)` beside `for layer in reversed(layers): layer.backward(g)`): they walk no layers.
    outer, lid = set(), F.s.plan.step_loop
    while lid is not None and lid not in outer:
        outer.add(lid)
        lid = getattr(F.loop_record(lid), "parent", None)
    loops = [lp for lp in loops if lp is not None and lp.id not in outer]
    headers = [getattr(lp, "header", "") or "" for lp in loops]
    backwards = {"reversed(" in h or "[::-1]" in h for h in headers}
    # A dict's keys come in the order they were put in (`for k, g in grads.items()`), not the forward pass's.
    keyed = any(re.search(r"\.(items|keys|values)\(\)", h) for h in headers)
    if len(best) < 3 or not loops or len(backwards) != 1 or keyed:
        return None
    layers = sorted((r for r in best if not r["from_zero"] and r["ratio"] > 0), key=lambda r: r["position"],
                    reverse=backwards.pop())
    return layers if len(layers) >= 3 else None

