"""The forward pass is computed once, outside the loop: the loop applies the same gradient at every step."""

from __future__ import annotations

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name, last, strip_comment
from ...explain.fixes import recompute_in_loop_fix, stale_statement
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import loop_rows

_STATS = (C.MIN, C.MAX, C.MEAN, C.L2)


def _row_ids(rows: np.ndarray) -> list[int]:
    """One integer per row, equal exactly when the rows compare equal element by element: -0.0 is 0.0, and a row
    holding a NaN equals no row (as `==` has it), so it gets an id of its own."""
    flat = rows.reshape(len(rows), -1)
    if flat.dtype.kind in "fc":
        flat = flat + flat.dtype.type(0)  # -0.0 + 0.0 is 0.0: the two zeros compare equal, so they share an id
        nan_rows = np.isnan(flat).any(axis=1)
    else:
        nan_rows = np.zeros(len(flat), dtype=bool)
    flat = np.ascontiguousarray(flat)
    seen: dict[bytes, int] = {}
    ids = []
    for k in range(len(flat)):
        ids.append(-1 - k if nan_rows[k] else seen.setdefault(flat[k].tobytes(), len(seen)))
    return ids


def _period(rows: np.ndarray) -> int | None:
    """The shortest period p (over at least two full cycles) with every row equal to the row p before it: 1 when
    every row is the same, the number of minibatches when each pass over the data repeats the last; else None."""
    n = len(rows)
    if n < 2:
        return None
    if rows.dtype.kind not in "biufc":
        return _period_by_comparison(rows)
    # The shortest period of a sequence is its length less its longest border (a prefix that is also a suffix),
    # which the prefix function finds in one pass: comparing each candidate period whole took time quadratic in
    # the steps when many rows equal the first (a gradient that is often zero).
    ids = _row_ids(rows)
    border = [0] * n
    for i in range(1, n):
        k = border[i - 1]
        while k and ids[i] != ids[k]:
            k = border[k - 1]
        if ids[i] == ids[k]:
            k += 1
        border[i] = k
    p = n - border[-1]
    return p if p <= n // 2 else None


def _period_by_comparison(rows: np.ndarray) -> int | None:
    """_period for rows that are not numbers: each candidate period compared whole."""
    n = len(rows)
    # A period p needs row p to equal row 0: only those p are compared whole.
    like_first = np.all(rows[1:n // 2 + 1] == rows[0], axis=tuple(range(1, rows.ndim)))
    for p in np.nonzero(like_first)[0] + 1:
        if np.all(rows[p:] == rows[:-p]):
            return int(p)
    return None


def _steps_needed(F) -> int:
    """Loop steps a gradient must be recorded at: three, or two when the loop itself ran only two (a run stopped
    early because its loss stopped changing is the very case where the gradient repeats)."""
    n = getattr(F.s.plan, "n_steps", None) or 0
    return 2 if n == 2 else 3


def _read_rows(F, sid: int, u: int) -> np.ndarray | None:
    """For a gradient written several times per step (a running sum, `dw += ...` per sample), the rows the update
    reads: the last write before each of its loop writes, in the same step. None when the gradient is written no
    more often than the update."""
    rows, urows = loop_rows(F, sid), loop_rows(F, u)
    if len(rows) <= len(urows) or not len(urows):
        return None
    sg, su = F.ser(sid), F.ser(u)
    at = np.searchsorted(sg.seq[rows], su.seq[urows]) - 1
    ok = at >= 0
    picked = rows[at[ok]]
    return picked[sg.step[picked] == su.step[urows][ok]]


def _repeats(F, sid: int, u: int | None = None):
    """(repeats at every loop step or every pass over the data, how it was compared, steps compared) for a site's
    loop values; with the update `u`, of the values it reads (a running sum's total, not each partial sum)."""
    need = _steps_needed(F)
    read = _read_rows(F, sid, u) if u is not None else None
    rows = loop_rows(F, sid) if read is None else read
    v = F.values(sid) if read is None else None
    if v is not None and len(v[0]) >= need and len({d.shape for d in v[1]}) == 1:
        steps, data, _ = v
        data = data[steps >= 0] if (steps >= 0).sum() >= need else data
        same = bool(np.all((data == data[0]) | (np.isnan(data) & np.isnan(data[0]))))
        if same and not np.any(data[0]):
            return True, "zero", len(data)
        if same:
            return True, "kept values", len(data)
        p = _period(np.asarray(data).reshape(len(data), -1))
        return (p is not None, f"kept values, repeating every {p} steps", len(data))
    if len(rows) < need:
        return None, "", 0
    sr = F.ser(sid)
    stats = np.column_stack([sr[c][rows] for c in _STATS])
    if not np.isfinite(stats).all():
        return None, "", len(rows)
    if np.all(stats == 0):
        return True, "zero", len(rows)
    p = _period(stats)
    # A minibatch's gradient computed from stale predictions comes back unchanged at the next pass over the data.
    return p is not None, ("min, max, mean and norm" if p == 1 else
                           f"min, max, mean and norm, repeating every {p} steps"), len(rows)


def _applied(F, u: int) -> list[int]:
    """The gradient sites whose value the update reads: of several writers of one name (`dW = zeros` then
    `dW += ...`), the one recorded last before the update."""
    su = F.ser(u)
    rows = loop_rows(F, u)
    if su is None or not len(rows):
        return []
    at = int(su.seq[rows[0]])
    best: dict[str, tuple[int, int]] = {}
    for g in F.gradient_of(u) or F.gradient_through_containers(u):
        if g in F.data_like:
            continue  # the data an update multiplies by (`delta @ X.T`) is the same at every step by design
        sg = F.ser(g)
        before = sg.seq[sg.seq < at]
        if not len(before):
            continue
        name = base_name(F.by_id[g].target)
        if name not in best or before[-1] > best[name][0]:
            best[name] = (int(before[-1]), g)
    return [g for _, g in best.values()]


STALE_DEPTH = 8


def _stale_sources(F, g: int, pname: str) -> list[int]:
    """Values the gradient `g` is computed from (a few statements up its chain) that were recorded only before the
    loop and are themselves computed from the parameter `pname`: the forward pass the loop never redoes."""
    stale, seen, todo = [], {g}, [g]
    # Recorded before the loop, and otherwise only once the gradient was last computed (an evaluation after
    # training): never recomputed while the loop ran.
    last = F.ser(g).seq[-1]
    # Deep enough for a loss object between them: the gradient's return, the probabilities it keeps, their
    # exponentials, the shifted scores, the method's argument, the scores made before the loop.
    for _ in range(STALE_DEPTH):
        nxt = []
        for q in todo:
            for p in F.parents(q):
                if p in seen:
                    continue
                seen.add(p)
                sp = F.ser(p)
                if sp is None or not len(sp):
                    continue
                if sp.step[0] < 0 and np.all((sp.step < 0) | (sp.seq > last)):
                    if p in F.derived and F.by_id[p].kind != "arg" and _reads_name(F, p, pname):
                        stale.append(p)
                else:
                    nxt.append(p)
        todo = nxt
    return stale


def _reads_name(F, sid: int, name: str) -> bool:
    """Whether a site's value is computed from `name`, directly or a few statements up its chain."""
    seen, todo = {sid}, [sid]
    for _ in range(4):
        nxt = []
        for q in todo:
            for p in F.parents(q):
                own = base_name(F.by_id[p].target)
                # `fit.w` outside the class is `self.w` inside it, or the class attribute `w` it falls back to
                if own == name or ("." in name and last(own) == last(name)
                                   and ("." in own or F.by_id[p].function in F.class_names)):
                    return True
                if p not in seen:
                    seen.add(p)
                    nxt.append(p)
        todo = nxt
    return False


@cause_rule(
    "forward_outside_loop",
    "The forward pass is computed once, outside the training loop",
    premises=(
        ("gradient_recorded", "the gradient an update applies was recorded at three or more loop steps (two when the "
                              "loop ran only two)"),
        ("gradient_repeats", "that gradient is bit-identical at every step, or each pass over the data repeats the "
                             "last pass's gradients exactly"),
        ("parameters_move", "while the parameter it updates changes at every step"),
        ("forward_stale", "the gradient reads a value computed from that parameter before the loop and never "
                          "recomputed in it"),
    ),
    # An update that lands on a rebound copy leaves the parameters where they were: the forward pass inside the
    # loop then computes the same values, and the same gradient, at every step.
    yields_to=("parameter_not_updated",),
)
def rule(ctx) -> RuleOutcome:
    """The gradient applied in the loop never changes although the parameters do: it is computed from stale values."""
    F = ctx.facts
    out = RuleOutcome()
    need = _steps_needed(F)
    pairs = [(u, g) for u in F.updates for g in _applied(F, u) if len(loop_rows(F, g)) >= need]
    if not out.check("gradient_recorded", bool(pairs) or None,
                     f"{len(pairs)} gradients recorded in the loop" if pairs else "no gradient of an update was recorded "
                     f"at {'two' if need == 2 else 'three'} loop steps"):
        return out
    same = [(u, g, how, n) for u, g in pairs for ok, how, n in [_repeats(F, g, u)] if ok]
    judged = [p for p in pairs if _repeats(F, p[1], p[0])[0] is not None]
    # A gradient that is exactly 0 at every step repeats trivially, but it moves nothing: nothing flows back to it
    # (dead units, a detached branch), which is not a stale forward pass.
    zero = [q for q in same if q[2] == "zero"]
    same = [q for q in same if q[2] != "zero"]
    if not same:
        out.check("gradient_repeats", False if judged else None,
                  f"the only repeating gradient, {base_name(F.by_id[zero[0][1]].target)} (line "
                  f"{F.by_id[zero[0][1]].line}), is exactly 0 at all {zero[0][3]} steps" if zero else
                  "every recorded gradient changes between steps" if judged else "no gradient's values or statistics "
                  "were measured at every step")
        return out
    u, g, how, n = same[0]
    gname = base_name(F.by_id[g].target)
    out.check("gradient_repeats", True, f"{gname} (line {F.by_id[g].line}) has identical {how} at all {n} steps"
              if "repeating" not in how else f"{gname} (line {F.by_id[g].line}) has the same {how} over {n} steps",
              steps=n)
    su = F.ser(u)
    rows = loop_rows(F, u)
    moved = su[C.UPDATE_L2][rows]
    moving = moved[np.isfinite(moved)]
    kept = F.values(u)
    if not len(moving) and kept is not None and len(kept[0]) >= need:
        # Python floats carry no update norm: the change between consecutive kept values is the update.
        moving = np.linalg.norm(np.diff(kept[1], axis=0), axis=1)
        moving = moving[np.isfinite(moving)]
    pname = base_name(F.by_id[u].target)
    if not out.check("parameters_move", bool(len(moving) and np.all(moving > 0)) if len(moving) else None,
                     f"{pname} moves by {np.median(moving):.3g} per step (median), at {int(np.sum(moving > 0))} of "
                     f"{len(moving)} steps" if len(moving) else f"the change of {pname} was not measured",
                     median_update=float(np.median(moving)) if len(moving) else None):
        return out
    # The stale value: what the gradient reads that was computed from the parameter before the loop only. Without
    # one, a repeating gradient has other reasons (a constant the loss hands back, a value that is no parameter).
    stale = _stale_sources(F, g, pname)
    if stale:
        x = F.by_id[stale[0]]
        where = (base_name(x.target), x.line, strip_comment(x.statement.strip().splitlines()[0]).strip())
    else:
        # A value nandoctor does not summarise (a Python list of predictions) is found by its statement: a
        # single-line assignment before the loop that the gradient reads and that reads the parameter.
        found = stale_statement(F, g, {pname})
        where = (found[2].split("=", 1)[0].strip(), found[1], found[2]) if found is not None else None
    if not out.check("forward_stale", True if where else None,
                     f"{gname} reads {where[0]} (line {where[1]}), computed from {pname} before the loop and not "
                     f"again in it" if where else
                     f"no value {gname} reads was found computed from {pname} before the loop only"):
        return out
    ev = {"gradient": gname, "steps": n, "parameter": pname, "median_update": float(np.median(moving)),
          "stale": where[0], "stale_line": where[1]}
    fixes, chain = [], []
    chain.append(ChainLink(f"{where[0]} is computed from the parameters once, before the loop (line "
                           f"{where[1]}), and never again", None, where[0], where[1], {}))
    fx = recompute_in_loop_fix(F, g, where[1], where[2])
    if fx is not None:
        fixes.append(fx)
    stale_txt = f" It reads {where[0]}, computed once before the loop (line {where[1]})."
    same_words = (f"is bit-identical at all {n} steps" if "repeating" not in how else
                  f"comes back bit-identical {how.split('repeating ')[1]} over {n} steps (each pass over the data)")
    summary = (f"The forward pass is not recomputed in the loop: the gradient {gname} (line {F.by_id[g].line}) "
               f"{same_words} while {pname} moves by {np.median(moving):.3g} per step, so the same "
               f"update is applied again and again.{stale_txt}")
    chain.append(ChainLink(summary, int(F.ser(g).step[loop_rows(F, g)[0]]), gname, F.by_id[g].line, dict(ev)))
    out.drafts.append(Draft("forward_outside_loop", PRIMARY, summary, chain, fixes, [], ev))
    return out
