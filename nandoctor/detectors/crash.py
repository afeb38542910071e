"""Crash after a NaN: connect the exception that ended the run to the non-finite values before it."""

from __future__ import annotations

import ast
import math

import numpy as np

from .. import columns as C
from ..model import Finding
from . import register

CODE = "crash_after_nonfinite"


def _names_read(source: str | None, line: int | None) -> set[str]:
    """Names and attribute chains read by the statement at `line` of `source` (empty if unknown)."""
    if not source or not line:
        return set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While,
                                     ast.If, ast.With, ast.Try)):
                best = node  # the innermost simple statement wins: ast.walk goes outside in
    if best is None:
        return set()
    out = set()
    for sub in ast.walk(best):
        if isinstance(sub, ast.Name):
            out.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            try:
                out.add(ast.unparse(sub))
            except Exception:  # noqa: BLE001 -- a name we cannot print is a name we cannot match
                pass
    return out


def _line_text(source: str | None, line: int | None) -> str:
    if not source or not line:
        return ""
    lines = source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


@register
def crash_after_nonfinite(session) -> list[Finding]:
    """The run ended with an exception after some recorded value had become NaN or infinite.

    Errors such as `ValueError: probabilities contain NaN` (np.random.choice) or an `int(nan)` are
    symptoms: the finding points from the crash back to the first non-finite value and to the
    non-finite values the crashing statement read.
    """
    meta = session.meta or {}
    exception = meta.get("exception")
    if not exception:
        return []
    where = meta.get("where") or {}
    table = session.table
    first = None  # (step, name, line, function, how)
    fn = session.first_nonfinite
    if fn is not None:
        first = (fn.step, fn.expression or fn.statement, fn.line, fn.function, fn.operation)
    nonfinite = table.nonfinite()
    site_of = {s.id: s for s in session.sites}
    if first is None and nonfinite.any():
        r = int(np.nonzero(nonfinite)[0][0])  # rows are in seq order
        site = site_of[int(table[C.SITE][r])]
        how = "NaN" if table[C.N_NAN][r] > 0 else "infinite"
        first = (int(table[C.STEP][r]), site.target, site.line, site.function, how)
    if first is None:
        return []
    source = session.sources.get(where.get("file")) if where else None
    read = _names_read(source, where.get("line"))
    culprits: list[str] = []
    if read and nonfinite.any():
        # The last observation of each site the crashing statement read, if that value was non-finite.
        func = where.get("function")
        names = {s.id: s.target for s in session.sites if s.target in read}
        rows = np.nonzero(np.isin(table[C.SITE], list(names)))[0]
        same = [r for r in rows if site_of[int(table[C.SITE][r])].function == func] if func else []
        rows = same or rows
        last_of: dict[str, int] = {}
        for r in rows:  # in seq order: the last row of each name wins
            last_of[names[int(table[C.SITE][r])]] = int(r)
        culprits = sorted(n for n, r in last_of.items() if nonfinite[r])
    steps = table[C.STEP]
    crash_step = int(steps.max()) if len(steps) else None
    step0, name0, line0, func0, how0 = first
    at = f"line {where['line']}" if where.get("line") else "an unknown line"
    text = _line_text(source, where.get("line"))
    msg = (f"The run crashed with {exception} at {at}"
           + (f" (`{text}`)" if text else "")
           + (f", at step {crash_step}" if crash_step is not None and crash_step >= 0 else "")
           + f"; it follows the first non-finite value, `{name0}` at step {step0} (line {line0}, {how0})")
    if culprits:
        msg += f", and the crashing statement read non-finite {', '.join(f'`{c}`' for c in culprits)}"
    msg += ". The crash is a symptom: fix the NaN, not the crash."
    evidence = {
        "exception": exception,
        "crash_file": where.get("file"),
        "crash_line": where.get("line"),
        "crash_function": where.get("function"),
        "crash_statement": text,
        "crash_step": crash_step,
        "first_nonfinite_step": int(step0) if step0 is not None and not (isinstance(step0, float) and math.isnan(step0)) else None,
        "first_nonfinite_name": name0,
        "first_nonfinite_line": line0,
        "nonfinite_inputs": culprits,
    }
    return [Finding(code=CODE, kind="numerics", severity="error", message=msg,
                    first_step=evidence["first_nonfinite_step"], last_step=crash_step,
                    site=culprits[0] if culprits else name0, line=where.get("line"), evidence=evidence)]
