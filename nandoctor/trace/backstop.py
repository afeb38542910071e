"""After the run: the first non-finite value, pinpointed by replaying its statement on kept values.

Everything works on the recorded observations (post hoc, so the hot path pays nothing, and the script's
numpy error state, warnings and objects are never touched):

- The *first non-finite value*: the first observation holding a NaN or an infinity (deliberate
  infinities such as `best = np.inf` skipped) becomes an event at that statement, with the element
  indices when the value was kept. When the names the statement reads were kept too, the statement is
  replayed on copies of them to name the sub-expression, the operation (`0/0`, `exp overflow`, ...)
  and the operands at the bad elements: source "replay" for an elementwise operation numpy flags,
  "value" for what raises no flag (BLAS products, einsum, NaN in the input data), "recorded" when the
  statement could not be replayed to tell.
- A FloatingPointError numpy raised (source "raise", located from its traceback by fpe.raised_event)
  gets its operands and classification the same way.
- *Absorbed* overflows: an exp inside a statement whose value stayed finite (an exp overflow inside a
  sigmoid that returns 0.0), found by replaying the exp's argument where the statement's value sits
  exactly at 0 or at a bound.
- Events of the opt-in trap (source "flag") are marked absorbed when the statement they happened in
  still produced a finite value (its site's next observation).
"""

from __future__ import annotations

import ast
import re
import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import columns as C
from ..model import FpEvent, partial_writes_into_empty
from ..recording import EV_ITER, Recording
from .stats import IDX

NONFINITE_COLS = (IDX[C.N_NAN], IDX[C.N_POSINF], IDX[C.N_NEGINF])
BLAS_NAMES = {"dot": "dot", "matmul": "matmul", "einsum": "einsum", "tensordot": "tensordot", "inner": "inner",
              "vdot": "vdot", "outer": "outer", "multi_dot": "multi_dot"}
REDUCTIONS = {"sum", "mean", "prod", "std", "var", "average", "cumsum", "cumprod", "norm", "nansum", "nanmean"}
INF_NAMES = {"inf", "Inf", "infty", "Infinity", "PINF", "NINF"}
MAX_ELEMENTS = 64


def nonfinite_rows(rec: Recording) -> np.ndarray:
    """Whether each observation holds a NaN or an infinity (a boolean per row)."""
    if not len(rec.obs_stats):
        return np.zeros(0, bool)
    return (rec.obs_stats[:, list(NONFINITE_COLS)] > 0).any(axis=1)


def resolve_events(rec: Recording, sites, events: list[FpEvent]) -> list[FpEvent]:
    """Events sorted by seq, absorbed ones flagged, plus the backstop event if one is needed."""
    events = sorted(events, key=lambda e: e.seq)
    obs_seq, obs_site = rec.obs_seq, rec.obs_site
    if not len(obs_seq):
        return events
    stats = rec.obs_stats
    nonfinite = nonfinite_rows(rec)
    events = _mark_absorbed(rec, sites, events, obs_seq, obs_site, nonfinite)
    events = [_replay_raised(rec, sites, e) if e.source == "raise" and not e.elements else e for e in events]
    if not any(e.source == "flag" for e in events):  # the trap, when opted in, saw these itself
        try:
            events = sorted(events + _absorbed_overflows(rec, sites, obs_seq, obs_site), key=lambda e: e.seq)
        except Exception:  # noqa: BLE001 -- a malformed session still gets the other events
            pass
    first = next((e for e in events if not e.absorbed), None)
    q = _first_nonfinite_obs(rec, sites, obs_seq, obs_site, nonfinite)
    if q is not None and (first is None or first.seq > int(obs_seq[q])):
        try:
            ev = backstop_event(rec, sites, q)
        except Exception:  # noqa: BLE001 -- a malformed session still gets the other events
            ev = None
        if ev is not None:
            events.append(ev)
            n = _first_nan_obs(rec, obs_seq, nonfinite, int(obs_seq[q])) if stats[q, NONFINITE_COLS[0]] == 0 else None
            if n is not None:
                # The first value held infinities only: where the first NaN was made from them (inf - inf).
                try:
                    ev = backstop_event(rec, sites, n)
                except Exception:  # noqa: BLE001
                    ev = None
                if ev is not None:
                    events.append(ev)
            events.sort(key=lambda e: e.seq)
    return events


@dataclass(frozen=True)
class FirstNonfinite:
    """Where the run first held a NaN or an infinity that was not put there on purpose.

    The one answer every entry point reads (Session.first_nonfinite, Session.first_nonfinite_observation,
    detectors.numerics.first_nonfinite_info): `event` pinpoints the statement (operation, operands), `row`
    is the recorded value that held it. Either may be missing: an event of the opt-in trap whose value was
    never recorded has no row; a row whose statement could not be turned into an event has no event.
    """

    event: FpEvent | None  # the earliest event not absorbed, from resolve_events
    row: int | None  # the earliest observation holding a NaN or an infinity, deliberate infinities skipped


def first_nonfinite(rec: Recording, sites, resolved: list[FpEvent]) -> FirstNonfinite:
    """The first non-finite value of a run, from its resolved events (resolve_events) and its observations."""
    event = next((e for e in resolved if not e.absorbed), None)
    row = None
    if len(rec.obs_seq):
        row = _first_nonfinite_obs(rec, sites, rec.obs_seq, rec.obs_site, nonfinite_rows(rec))
    return FirstNonfinite(event, row)


def _first_nan_obs(rec, obs_seq, nonfinite, after: int) -> int | None:
    """Index of the earliest observation after seq `after` holding a NaN, or None."""
    has_nan = rec.obs_stats[:, NONFINITE_COLS[0]] > 0
    bad = np.flatnonzero(has_nan & nonfinite & (obs_seq > after))
    if not len(bad):
        return None
    return int(bad[np.argmin(obs_seq[bad])])


def _mark_absorbed(rec, sites, events, obs_seq, obs_site, nonfinite) -> list[FpEvent]:
    if not any(e.source == "flag" and e.site is not None for e in events):
        return events
    order = np.lexsort((obs_seq, obs_site))
    s_site, s_seq = obs_site[order], obs_seq[order]
    ev_seq, ev_loop, ev_kind = rec.ev_seq, rec.ev_loop, rec.ev_kind
    out = []
    for e in events:
        if e.source != "flag" or e.site is None or e.absorbed:
            out.append(e)
            continue
        lo, hi = np.searchsorted(s_site, e.site, "left"), np.searchsorted(s_site, e.site, "right")
        k = lo + np.searchsorted(s_seq[lo:hi], e.seq, "left")
        if k >= hi:
            out.append(e)  # the statement never completed (or its value was never recorded)
            continue
        seq = s_seq[k]
        loop = sites[e.site].loop if e.site < len(sites) else None
        if loop is not None and ev_seq is not None and len(ev_seq):
            # The value must belong to this execution of the statement, not the next iteration's.
            its = ev_seq[(ev_loop == loop) & (ev_kind == EV_ITER)]
            j = np.searchsorted(its, e.seq, "right")
            if j < len(its) and its[j] < seq:
                out.append(e)
                continue
        absorbed = not bool(nonfinite[order[k]])
        out.append(dataclasses.replace(e, absorbed=True) if absorbed else e)
    return out


def _first_nonfinite_obs(rec, sites, obs_seq, obs_site, nonfinite) -> int | None:
    """Index of the earliest observation holding a non-finite value, skipping deliberate infinities."""
    bad = np.flatnonzero(nonfinite)
    if not len(bad):
        return None
    bad = bad[np.argsort(obs_seq[bad], kind="stable")]
    # A partial write into `np.empty` memory is recorded with the elements not yet written: no value of the program.
    garbage = partial_writes_into_empty(sites)
    if garbage:
        bad = bad[~np.isin(obs_site[bad], list(garbage))]
    stats = rec.obs_stats
    # Infinities written on purpose (`best = np.inf`, a -inf attention mask) and values computed from
    # them are not numerical accidents, as long as they hold no NaN.
    deliberate: set[tuple[str, str]] = set()  # (file, target)
    checked: dict[int, bool] = {}
    for k in bad[:10_000]:
        sid = int(obs_site[k])
        if stats[k, NONFINITE_COLS[0]] == 0 and sid < len(sites):
            if sid not in checked:
                site = sites[sid]
                on_purpose = _mentions_inf(site) or any((site.file, r) in deliberate for r in site.reads)
                checked[sid] = on_purpose
                if on_purpose:
                    deliberate.add((site.file, site.target.removeprefix("arg ")))
            if checked[sid]:
                continue
        return int(k)
    return None


def _value_node(site) -> tuple[ast.AST | None, ast.AST | None]:
    """(statement node, the expression whose value the site records) parsed from the site's statement."""
    try:
        tree = ast.parse(site.statement.strip())
    except SyntaxError:
        return None, None
    if not tree.body:
        return None, None
    stmt = tree.body[0]
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)):
        return stmt, stmt.value
    return stmt, None


def infinite_default(site) -> bool:
    """Whether an argument site's default is an infinity (`lr_max=np.inf`): a bound left open, read from its def
    line."""
    if site.kind != "arg":
        return False
    name = re.escape(site.target.removeprefix("arg "))
    return bool(re.search(rf"\b{name}\s*(:[^=,)]*)?=\s*(-?\s*(np|numpy|math)\.(inf|Inf|infty|PINF|NINF)\b"
                          rf"|float\(\s*['\"][+-]?inf(inity)?['\"]\s*\))", site.statement or ""))


def _mentions_inf(site) -> bool:
    if site.kind == "arg":
        return infinite_default(site)
    _, node = _value_node(site)
    if node is None:
        return False
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in INF_NAMES:
            return True
        if isinstance(n, ast.Name) and n.id in INF_NAMES:
            return True
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip().lower().lstrip("+-") in ("inf", "infinity"):
            return True
        if isinstance(n, ast.Constant) and isinstance(n.value, float) and not np.isfinite(n.value):
            return True
    return False


def _shape(rec, code: int) -> tuple | None:
    shapes = rec.shapes
    if code >= len(shapes):
        return None
    try:
        return tuple(ast.literal_eval(shapes[code]))
    except (ValueError, SyntaxError, TypeError):
        return None


_SEQ_ORDER: list = []  # [(obs_seq, its argsort, obs_seq sorted)] of the last recording asked about


def _row_of_seq(obs_seq: np.ndarray, seq: int) -> int | None:
    """The row of the observation numbered `seq`, or None. A session read back from its chunks holds its rows chunk
    by chunk, not in seq order: the rows are looked up through their order, sorted once per recording."""
    if not _SEQ_ORDER or _SEQ_ORDER[0][0] is not obs_seq:
        order = np.argsort(obs_seq, kind="stable")
        _SEQ_ORDER[:] = [(obs_seq, order, obs_seq[order])]
    _, order, in_order = _SEQ_ORDER[0]
    k = int(np.searchsorted(in_order, seq, "left"))
    if k < len(order) and in_order[k] == seq:
        return int(order[k])
    return None


def _latest(rec, sid: int, seq: int, before: bool):
    """(observation seq, shaped value) of site `sid` kept at `seq` (or the latest before it), or None."""
    best = None
    for code, seqs, data in rec.values.get(sid, []):
        seqs = np.asarray(seqs)
        if before:
            i = int(np.searchsorted(seqs, seq, "left")) - 1
            if i >= 0 and (best is None or seqs[i] > best[0]):
                best = (int(seqs[i]), code, data[i])
        else:
            i = int(np.searchsorted(seqs, seq, "left"))
            if i < len(seqs) and seqs[i] == seq:
                best = (seq, code, data[i])
                break
    if best is None:
        return None
    shape = _shape(rec, best[1])
    row = np.asarray(best[2])
    if shape is not None and int(np.prod(shape)) == row.size:
        row = row.reshape(shape)
    # Values are kept as float64; replay in the dtype the program used (float32 overflows sooner).
    obs_seq = rec.obs_seq
    j = _row_of_seq(obs_seq, best[0])
    dtypes = rec.dtypes
    if j is not None and int(rec.obs_dtype[j]) < len(dtypes):
        try:
            dt = np.dtype(dtypes[int(rec.obs_dtype[j])])
            if dt.kind in "fiub" and dt != row.dtype:
                row = row.astype(dt)
        except TypeError:
            pass
    return best[0], row


def kept_value(rec, sid: int, seq: int, before: bool = False):
    """The kept value of site `sid` at observation `seq` (or its latest one before `seq`), shaped; else None."""
    got = _latest(rec, sid, seq, before)
    return None if got is None else got[1]


def backstop_event(rec, sites, k: int) -> FpEvent | None:
    """An event for observation k: the first recorded value holding NaN or inf that no flag announced."""
    sid = int(rec.obs_site[k])
    seq = int(rec.obs_seq[k])
    if sid >= len(sites):
        return None
    site = sites[sid]
    stats = rec.obs_stats[k]
    kind = "nan" if stats[NONFINITE_COLS[0]] > 0 else "inf"
    stmt, value_node = _value_node(site)
    expression = ast.unparse(value_node) if value_node is not None else site.target
    source = rec.sources.get(site.file)
    if value_node is not None and stmt is not None:
        seg = ast.get_source_segment(site.statement.strip(), value_node)
        if seg:
            expression = seg
    value = kept_value(rec, sid, seq)
    elements: tuple = ()
    operands: dict = {}
    if value is not None and value.dtype.kind in "fc":
        idx = np.argwhere(~np.isfinite(value))[:MAX_ELEMENTS]
        elements = tuple(tuple(int(i) for i in ix) for ix in idx)
        operands = {site.target: [float(value[tuple(ix)]) for ix in idx]}
    operation = _backstop_operation(site, value_node, kind)
    line, expr_out, op_out = site.line, expression, operation
    # "value": nothing numpy flags made it (a BLAS product, einsum, the input data); "recorded": arithmetic
    # that could not be replayed (the values it read were not kept), so whether numpy flagged it is unknown.
    error, how = "nonfinite", ("recorded" if operation.endswith(" in value") else "value")
    replayed = _replay(rec, sites, site, value_node, seq, source, expect=value)
    if replayed is None:
        inferred = _infer_from_stats(rec, sites, site, value_node, seq, source, made=kind)
        if inferred is None:
            inferred = _division_by_recorded_zero(rec, sites, site, value_node, seq, source, kind)
        if inferred is not None:
            expr_out, op_out, operands, error = inferred
            elements = ()  # the elements of the sub-expression are not known, only its operand's range
    if replayed is not None:
        expr_out, op_out, r_elements, r_operands, elementwise = replayed
        if r_elements:  # the elements of the sub-expression that made them, as its operands are
            elements = r_elements
        if r_operands:
            operands = r_operands
        flag = label_flag(op_out) if elementwise else None
        if flag is not None:  # an operation numpy reports (whether the script's setting showed it or not)
            error, how = flag, "replay"
        else:  # a BLAS product or einsum raises no flag; a reduction's overflow may have
            how = "value" if op_out.split(" ", 1)[0] in BLAS_NAMES else "recorded"
    return FpEvent(
        step=-1, seq=seq, file=site.file, line=line, function=site.function, statement=site.statement,
        expression=expr_out, error=error, operation=op_out, elements=elements, operands=operands,
        source=how, absorbed=False, site=sid,
    )


# Calls whose failure a recorded operand's range proves: its max (min when negated) beyond the dtype's
# exp limit, its min at or below zero.
RANGE_FAILS = {"exp": "over", "exp2": "over2", "expm1": "over", "cosh": "overabs", "sinh": "overabs",
               "log": "log", "log2": "log", "log10": "log", "sqrt": "sqrt"}


def _infer_from_stats(rec, sites, site, value_node, seq: int, source: str | None, made: str | None = None):
    """When the statement cannot be replayed (the arrays it read were too large to keep): the innermost
    call of RANGE_FAILS whose argument, a recorded name, had a range that makes it non-finite, from the
    name's statistics just before `seq`. (expression, operation, operands, error), or None. `made` is what the
    statement's value holds ("inf" or "nan"): with it, a log of part of a recorded array is judged too."""
    found = _statement_value(site, value_node, source)
    if found is None:
        return None
    index, value = found
    return _infer_node(rec, sites, _Where(site.file, site.function), index, value, seq, made)


def _statement_value(site, value_node, source: str | None):
    """(the file's index, the value expression of the site's statement as the file holds it), or None: positions
    and operand texts are then the original ones."""
    index = _index(source or "")
    if index is None or value_node is None:
        return None
    stmt = next((n for n in ast.walk(index.tree) if isinstance(n, ast.stmt) and n.lineno == site.line
                 and index.segment(n) == site.statement), None)
    if stmt is None or getattr(stmt, "value", None) is None:
        return None
    return index, stmt.value


def _division_by_recorded_zero(rec, sites, site, value_node, seq: int, source: str | None, kind: str):
    """When the statement cannot be replayed whole: a division whose divisor, a name, was recorded exactly 0 just
    before `seq` (`... / count` with `count = inside.sum()` at 0). NaN from it is 0/0, infinity x/0. (expression,
    operation, operands, error), or None."""
    found = _statement_value(site, value_node, source)
    if found is None:
        return None
    index, value = found
    for node in _postorder(value):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Name)):
            continue
        name = node.right.id
        env = _environment(rec, sites, _Where(site.file, site.function), node.right, seq)
        value = env.get(name)
        if value is not None and np.ndim(value) == 0 and float(value) == 0.0:
            zero_over_zero = kind == "nan"
            return (index.segment(node), "0/0" if zero_over_zero else "x/0", {name: [0.0]},
                    "invalid value" if zero_over_zero else "divide by zero")
    return None


def _infer_node(rec, sites, site, index, root, seq: int, made: str | None = None):
    """_infer_from_stats for the sub-expressions of `root` (postorder), read in `site`'s file and function."""
    stats, obs_seq, obs_site = rec.obs_stats, rec.obs_seq, rec.obs_site
    dtypes = rec.dtypes
    for node in _postorder(root):
        if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        kind = RANGE_FAILS.get(name)
        arg = node.args[0]
        neg = isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub)
        inner = arg.operand if neg else arg
        # `log(1 - p)`, `log(p + 1e-9)`: a recorded name shifted by a number, its range shifted the same way.
        shift, flip = 0.0, False
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, (ast.Add, ast.Sub)):
            left, right = inner.left, inner.right
            if _number(right) is not None and isinstance(left, (ast.Name, ast.Attribute)):
                shift = _number(right) if isinstance(inner.op, ast.Add) else -_number(right)
                inner = left
            elif _number(left) is not None and isinstance(right, (ast.Name, ast.Attribute)):
                shift, flip = _number(left), isinstance(inner.op, ast.Sub)
                inner = right
            elif isinstance(left, (ast.Name, ast.Attribute)) and isinstance(right, ast.Name):
                # `log(p + eps)` with `eps = 1e-9` recorded as a number: shifted by its recorded value
                small = _environment(rec, sites, _Where(site.file, site.function), right, seq).get(right.id)
                if small is not None and np.ndim(small) == 0 and np.isfinite(float(small)):
                    shift = float(small) if isinstance(inner.op, ast.Add) else -float(small)
                    inner = left
        # `np.log(X[:, j])`: part of a recorded array, whose range holds the part's. Only the log is judged from it,
        # and only as what the statement made shows: -inf from a log comes from an exact 0 alone, NaN from a
        # negative; the array's least value says whether such an entry was there.
        part = None
        if (kind == "log" and made is not None and not shift and not flip and not neg
                and isinstance(inner, ast.Subscript) and isinstance(inner.value, (ast.Name, ast.Attribute))):
            part, inner = inner, inner.value
        if kind is None or not isinstance(inner, (ast.Name, ast.Attribute)):
            continue
        text = ast.unparse(inner)
        ids = [x.id for x in sites if x.file == site.file and (x.target in (text, f"arg {text}"))
               and (x.function == site.function or "." in text)]
        rows = np.flatnonzero(np.isin(obs_site, ids) & (obs_seq < seq)) if ids else []
        if not len(rows):
            continue
        k = int(rows[np.argmax(obs_seq[rows])])
        row = stats[k]
        if (row[list(NONFINITE_COLS)] > 0).any():
            continue  # a non-finite operand: not where it was made
        lo, hi = float(row[IDX[C.MIN]]), float(row[IDX[C.MAX]])
        try:
            dt = np.dtype(dtypes[int(rec.obs_dtype[k])])
        except (IndexError, TypeError, ValueError):
            dt = np.dtype(np.float64)
        if dt.kind != "f":
            dt = np.dtype(np.float64)
        if flip:
            lo, hi = -hi, -lo
        if shift:
            # computed in the array's dtype, as numpy would (1 - p rounds to 0 for p within half an ulp of 1)
            lo, hi = float(dt.type(lo) + dt.type(shift)), float(dt.type(hi) + dt.type(shift))
        if neg:
            lo, hi = -hi, -lo
        top = float(np.log(np.finfo(dt).max))
        edge = {"over": hi, "over2": hi, "overabs": max(abs(lo), abs(hi))}.get(kind)
        if kind == "over2":
            top = float(np.log2(np.finfo(dt).max))
        label = None
        if edge is not None and np.isfinite(edge) and edge > top:
            label, error = f"{name} overflow (arg {_arg_text(edge)})", "overflow"
            operands = {f"max {ast.unparse(arg)}": [edge]}
        elif part is not None:
            if not ((lo == 0 and made == "inf") or (lo < 0 and made == "nan")):
                continue
            label, error = (f"{name}(0)", "divide by zero") if lo == 0 else (f"{name}(<0)", "invalid value")
            operands = {f"min {text} (whole array)": [lo]}
        elif kind == "log" and np.isfinite(lo) and lo <= 0:
            label, error = (f"{name}(0)", "divide by zero") if lo == 0 else (f"{name}(<0)", "invalid value")
            operands = {f"min {ast.unparse(arg)}": [lo]}
        elif kind == "sqrt" and np.isfinite(lo) and lo < 0:
            label, error = "sqrt(<0)", "invalid value"
            operands = {f"min {ast.unparse(arg)}": [lo]}
        if label is not None:
            return index.segment(node), label, operands, error
    return None


def _number(node) -> float | None:
    """The value of a numeric literal (`1`, `1.0`, `1e-9`, `-0.5`), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _number(node.operand)
        return None if v is None else -v
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def _arg_text(x: float) -> str:
    return f"{x:.1f}" if abs(x) < 1e6 else f"{x:.3g}"  # as fpe.classify words an exp's argument


def label_flag(operation: str) -> str | None:
    """numpy's word for the flag an operation raises ("invalid value", ...), None for a non-finite operand."""
    from .fpe import label_flag as flag_of

    first = operation.split(", ", 1)[0]
    return flag_of(first)


def _backstop_operation(site, node, kind: str) -> str:
    """What probably made the value non-finite, from the statement's shape alone."""
    if site.kind == "arg":
        return f"{kind} in input data"
    if node is None:
        return f"{kind} in value"
    blas = None
    arithmetic = False
    for n in ast.walk(node):
        if isinstance(n, ast.BinOp):
            if isinstance(n.op, ast.MatMult):
                blas = blas or "matmul"
            else:
                arithmetic = True
        elif isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else "")
            if name in BLAS_NAMES:
                blas = blas or BLAS_NAMES[name]
            elif isinstance(getattr(np, name, None), np.ufunc) or name in REDUCTIONS:
                arithmetic = True  # numpy math; loaders, constructors and reshapes are not
        elif isinstance(n, ast.UnaryOp):
            arithmetic = True
    if blas is not None:
        return f"{blas} overflow"
    if not arithmetic:
        return f"{kind} in input data"
    return f"{kind} in value"


# -- replay on kept values -----------------------------------------------------------------------

_INDEXES: dict = {}


def _index(source: str):
    """The NodeIndex of a source text (cached: replays look up the same few files many times)."""
    from .evaluate import NodeIndex

    got = _INDEXES.get(source)
    if got is None:
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        try:
            got = _INDEXES[source] = NodeIndex(source)
        except SyntaxError:
            got = _INDEXES[source] = False
    return got or None


def _replay(rec, sites, site, value_node, seq: int, source: str | None, expect=None):
    """Re-run the statement's sub-expressions on copies of the kept values of the names it reads.

    Returns (expression, operation, elements, operands, elementwise) for the innermost sub-expression that
    made a non-finite value from finite operands, or None when the values needed were not all kept.
    """
    found = _statement_value(site, value_node, source)
    if found is None:
        return None
    index, value = found
    return _replay_node(rec, sites, site.file, site.function, index, value, seq, expect)


def _replay_node(rec, sites, file: str, function: str, index, root, seq: int, expect=None):
    """The innermost sub-expression of `root` (postorder) that, replayed on the values kept before `seq`,
    makes a non-finite value from finite operands: (expression, operation, elements, operands,
    elementwise), or None. With `expect` (the statement's kept value), a replay whose whole value is
    non-finite elsewhere than `expect` is refused: the values it read were not the ones the statement
    read (changed in place since they were kept, or kept from an earlier step)."""
    from .evaluate import SafeEvaluator, Unsafe
    from .fpe import Analysis, _explain

    env = _environment(rec, sites, _Where(file, function), root, seq)
    if env is None:
        return None
    ev = SafeEvaluator(env, {"np": np, "numpy": np}, {})
    with np.errstate(all="ignore"):
        if expect is not None and expect.dtype.kind in "fc":
            try:
                whole = np.asarray(ev.eval(root))
            except Exception:  # noqa: BLE001 -- not evaluable as a whole: its parts may still be
                whole = None
            if whole is not None and (whole.shape != expect.shape or whole.dtype.kind not in "fc"
                                      or not np.array_equal(np.isfinite(whole), np.isfinite(expect))):
                return None
        for node in _postorder(root):
            if not isinstance(node, (ast.BinOp, ast.Call)):
                continue
            try:
                val = np.asarray(ev.eval(node))
            except Exception:  # noqa: BLE001 -- unevaluable sub-expression: keep looking
                continue
            if val.dtype.kind not in "fc" or np.isfinite(val).all():
                continue
            an = Analysis()
            try:
                _explain(an, node, ev, index)
            except (Unsafe, Exception):  # noqa: BLE001
                continue
            # Elements whose operand was already NaN or inf were not made here: the operation is the one that
            # made a non-finite value from finite operands (`0 * inf` where other elements are `w * inf`).
            made = [j for j, lab in enumerate(an.labels) if not _carried(lab)]
            if not made:
                continue
            labels = [an.labels[j] for j in made]
            bases = list(dict.fromkeys(lab.split(" (", 1)[0] for lab in labels))
            operation = labels[0] if len(bases) == 1 else ", ".join(bases)
            keep = made[:MAX_ELEMENTS]
            elements = tuple(tuple(int(i) for i in an.elements[j]) for j in keep)
            operands = {t: [v[j] for j in keep] for t, v in an.operands.items()} or dict(an.summary_operands)
            return index.segment(node), operation, elements, operands, bool(an.operands)
    return None


def _carried(label: str) -> bool:
    """Whether an element's label says its non-finite value came in with an operand."""
    return label in ("nan operand", "inf operand") or label.endswith(" of non-finite operand")


class _Where:
    """The file and function whose recorded names a replay reads."""

    def __init__(self, file: str, function: str):
        self.file, self.function = file, function


def _replay_raised(rec, sites, e: FpEvent) -> FpEvent:
    """A FloatingPointError's event (located from its traceback) with the operation replayed on kept values."""
    index = _index(rec.sources.get(e.file) or "")
    if index is None:
        return e
    node = next((n for n in ast.walk(index.tree) if isinstance(n, ast.expr) and n.lineno == e.line
                 and n.col_offset == e.col and n.end_col_offset == e.end_col), None)
    if node is None:
        return e
    try:
        got = _replay_node(rec, sites, e.file, e.function, index, node, e.seq)
        if got is None:  # the arrays were too large to keep: what their recorded ranges prove
            inferred = _infer_node(rec, sites, _Where(e.file, e.function), index, node, e.seq)
            if inferred is not None:
                return dataclasses.replace(e, operation=inferred[1], operands=inferred[2])
    except Exception:  # noqa: BLE001 -- the location alone is still the answer
        got = None
    if got is None:
        return e
    _expr, operation, elements, operands, _elementwise = got
    return dataclasses.replace(e, operation=operation, elements=elements, operands=operands)


# exp-like functions whose overflow a later operation can absorb (1 / (1 + inf) is exactly 0.0).
OVERFLOWING = ("exp", "exp2", "expm1", "cosh", "sinh")
ABSORBED_REPLAYS = 400  # replays per exp call at most: observations whose value sits at 0 or a bound
ABSORBED_STATS = (IDX[C.FRAC_ZERO], IDX[C.FRAC_SAT_EXACT])


def _absorbed_overflows(rec, sites, obs_seq, obs_site) -> list[FpEvent]:
    """The first absorbed overflow of each exp-like call in the recorded statements: where the statement's
    value stayed finite but sat exactly at 0 or at a bound (what an absorbed inf leaves), the call's
    argument is replayed on kept values; an element beyond the dtype's exp limit is an absorbed event."""
    from .evaluate import SafeEvaluator
    from .fpe import classify

    stats = rec.obs_stats
    sources = rec.sources
    out: list[FpEvent] = []
    for site in sites:
        if site.kind not in ("assign", "update", "augassign", "return") or not any(
                f in site.statement for f in OVERFLOWING):
            continue
        index = _index(sources.get(site.file) or "")
        if index is None:
            continue
        stmt = next((n for n in ast.walk(index.tree) if isinstance(n, ast.stmt) and n.lineno == site.line
                     and index.segment(n) == site.statement), None)
        if stmt is None or getattr(stmt, "value", None) is None:
            continue
        calls = [n for n in ast.walk(stmt.value) if isinstance(n, ast.Call) and len(n.args) == 1 and not n.keywords
                 and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")) in OVERFLOWING]
        if not calls or calls[0] is stmt.value:
            continue  # a bare exp: its overflow is an inf in the value itself, the first non-finite's business
        rows = np.flatnonzero(obs_site == site.id)
        if not len(rows):
            continue
        st = stats[rows]
        finite = (st[:, list(NONFINITE_COLS)] == 0).all(axis=1)
        edge = np.nan_to_num(st[:, list(ABSORBED_STATS)], nan=0.0).max(axis=1) > 0
        picked = rows[finite & edge][:ABSORBED_REPLAYS]
        for call in calls:
            for k in picked:
                seq = int(obs_seq[k])
                env = _environment(rec, sites, site, call.args[0], seq)
                try:
                    with np.errstate(all="ignore"):
                        arg = np.asarray(SafeEvaluator(env, {"np": np, "numpy": np}, {}).eval(call.args[0]))
                        if arg.dtype.kind != "f":
                            continue
                        name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
                        res = getattr(np, name)(arg)
                except Exception:  # noqa: BLE001 -- unevaluable from kept values: look no further here
                    break
                bad = np.isinf(res) & np.isfinite(arg)
                if not bad.any():
                    continue
                idx = np.argwhere(bad)[:MAX_ELEMENTS]
                elements = tuple(tuple(int(i) for i in ix) for ix in idx)
                labels = [classify(name, [arg[tuple(ix)]], res[tuple(ix)]) for ix in idx]
                text = index.operand_text(call.args[0], call)
                out.append(FpEvent(
                    step=-1, seq=seq, file=site.file, line=call.lineno, function=site.function,
                    statement=site.statement, expression=index.segment(call), error="overflow",
                    operation=labels[0], elements=elements, operands={text: [float(arg[tuple(ix)]) for ix in idx]},
                    source="replay", absorbed=True, col=call.col_offset, end_col=call.end_col_offset, site=site.id,
                ))
                break
    return out


def _postorder(node):
    for child in ast.iter_child_nodes(node):
        yield from _postorder(child)
    yield node


def _environment(rec, sites, site, node, seq: int) -> dict | None:
    """Kept values, just before `seq`, of the plain names the expression reads; numpy names pass through."""
    env: dict = {}
    for n in ast.walk(node):
        if not isinstance(n, ast.Name) or n.id in env:
            continue
        name = n.id
        cands = [s for s in sites if s.file == site.file and s.function == site.function
                 and (s.target == name or s.target == f"arg {name}")]
        best = _latest_among(rec, cands, seq)  # the name's most recent binding before the statement
        if best is None and any(s.target == f"arg {name}" for s in cands):
            # An argument whose value was not kept at the call: the caller's array of the same name, as kept
            # (`train(pts, side)`); a replay that reads something else is refused by its caller's check.
            best = _latest_among(rec, [s for s in sites if s.file == site.file and s.target == name
                                       and s.function != site.function], seq)
        if best is None:  # a number whose statistics were kept, or a count read from an array's shape
            number = _scalar_of(rec, cands, seq)
            number = _size_of(rec, sites, site, cands, seq) if number is None else number
            best = None if number is None else (seq, number)
        if best is not None:
            env[name] = best[1]
        elif hasattr(np, name) and callable(getattr(np, name)):
            env[name] = getattr(np, name)  # `from numpy import exp`
        elif name in ("np", "numpy"):
            env[name] = np
    # Entries of a dict under a constant key (`layer["inp"]`) by their subscripted target, written in any function
    # of the file: a layer's dict is filled by the forward pass and read back by the backward one.
    for n in ast.walk(node):
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and isinstance(n.slice, ast.Constant) \
                and isinstance(n.slice.value, str) and not isinstance(env.get(n.value.id), np.ndarray):
            target = f"{n.value.id}[{n.slice.value!r}]"
            found = _latest_among(rec, [s for s in sites if s.file == site.file and s.target == target], seq)
            if found is not None:
                entries = env.setdefault(n.value.id, {})
                if isinstance(entries, dict):
                    entries[n.slice.value] = found[1]
    # Attribute chains (`self.w`) are looked up by their dotted target.
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id not in ("np", "numpy"):
            dotted = f"{n.value.id}.{n.attr}"
            for s in sites:
                if s.file == site.file and s.target == dotted:
                    v = kept_value(rec, s.id, seq, before=True)
                    if v is not None:
                        env.setdefault(n.value.id, _Namespace())
                        setattr(env[n.value.id], n.attr, v)
    return env


def _latest_among(rec, candidates, seq: int):
    """(observation seq, shaped value) of the latest kept value before `seq` among the candidate sites, or None."""
    best = None
    for s in candidates:
        got = _latest(rec, s.id, seq, before=True)
        if got is not None and (best is None or got[0] > best[0]):
            best = got
    return best


def _last_row_before(rec, sid: int, seq: int) -> int | None:
    """The row of site `sid`'s last observation before `seq` (kept value or not), or None."""
    rows = np.nonzero((rec.obs_site == sid) & (rec.obs_seq < seq))[0]
    return int(rows[-1]) if len(rows) else None


def _scalar_of(rec, bindings, seq: int):
    """A number whose value was not kept but whose statistics were (`count = inside.sum()`): a single element's
    mean is its value, at the binding's last observation before `seq`."""
    best = None
    for b in bindings:
        k = _last_row_before(rec, b.id, seq)
        if k is None:
            continue
        stats = rec.obs_stats[k]
        if stats[IDX[C.SIZE]] != 1 or not np.isfinite(stats[IDX[C.MEAN]]):
            continue
        if best is None or int(rec.obs_seq[k]) > best[0]:
            best = (int(rec.obs_seq[k]), float(stats[IDX[C.MEAN]]))
    return None if best is None else best[1]


def _size_of(rec, sites, where, bindings, seq: int) -> int | None:
    """A count the recorder keeps no value of, bound from an array's shape (`m = len(batch)`, `n = X.shape[0]`,
    `k = X.size`): read from that array's recorded shape at its last observation before the binding's own last
    run before `seq`. Scalars are not kept, yet such a count is the divisor of many a gradient (0 for an empty
    batch)."""
    best = None
    for b in bindings:
        if b.kind != "assign":
            continue
        try:
            tree = ast.parse(b.statement.strip()).body[0]
        except (SyntaxError, IndexError):
            continue
        value = getattr(tree, "value", None)
        of, axis = shape_read(value)
        if of is None:
            continue
        arrays = [a for a in sites if a.file == where.file and a.function == where.function
                  and (a.target == of or a.target == f"arg {of}")]
        for a in arrays:
            k = _last_row_before(rec, a.id, seq)
            if k is None:
                continue
            shape = _shape(rec, int(rec.obs_shape[k]))
            if shape is None:
                continue
            got = int(np.prod(shape)) if axis == "size" else (shape[axis] if -len(shape) <= axis < len(shape) else None)
            if got is not None and (best is None or int(rec.obs_seq[k]) > best[0]):
                best = (int(rec.obs_seq[k]), int(got))
    return None if best is None else best[1]


def shape_read(node) -> tuple[str | None, int | str | None]:
    """(array name, axis or "size") of `len(a)`, `a.shape[k]` or `a.size`; (None, None) otherwise."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Name):
        return node.args[0].id, 0
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and isinstance(node.value.value, ast.Name) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, int):
        return node.value.value.id, node.slice.value
    if isinstance(node, ast.Attribute) and node.attr == "size" and isinstance(node.value, ast.Name):
        return node.value.id, "size"
    return None, None


class _Namespace:
    """Stands in for `self` when replaying `self.w` from kept values."""
