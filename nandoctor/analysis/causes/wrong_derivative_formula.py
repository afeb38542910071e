"""A backward-pass derivative of an activation, replayed at its own call site's values, is not that activation's derivative."""

from __future__ import annotations

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name, strip_comment
from ...detectors.structure import derivative_feeds
from ...explain.fixes import derivative_formula_fix
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule

# The true derivative of each activation, written in terms of its input z and of its output a.
FROM_INPUT = {"sigmoid": lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))),
              "tanh": lambda z: 1 - np.tanh(z) ** 2}
FROM_OUTPUT = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a ** 2}


def kept_rows(F, sid: int) -> list[tuple[int, np.ndarray]]:
    """(seq, values) of each kept observation of a small site, in seq order."""
    rows = []
    for _, seq, data in F.s.recording.values.get(sid, []):
        for s, row in zip(np.asarray(seq), np.asarray(data, dtype=np.float64)):
            rows.append((int(s), row))
    rows.sort(key=lambda r: r[0])
    return rows


def error_descendants(F) -> set[int]:
    """Sites computed from where predictions meet targets (excluding that site): the backward pass, whatever
    phase its statements were given."""
    combine = F.loss_side[2]
    if combine is None:
        return set()
    children: dict[int, set[int]] = {}
    for c, ps in F.parent_map.items():
        for q in ps:
            children.setdefault(q, set()).add(c)
    seen: set[int] = set()
    todo = [combine]
    while todo:
        for m in children.get(todo.pop(), ()):
            if m not in seen and m != combine:
                seen.add(m)
                todo.append(m)
    return seen


def derivative_candidates(F):
    """(site, operand site, activation, 'input' or 'output') for backward values computed from one activation's
    output or input alone, with the same shape: where the code takes that activation's derivative."""
    acts = {}
    for a in F.activations:
        if a.kind in FROM_OUTPUT:
            acts[a.site] = (a, "output")
            if a.pre is not None:
                acts[a.pre] = (a, "input")
    backward_calls = {c.rsplit(".", 1)[-1] for x in F.sites if x.phase == "backward" for c in x.calls}
    # A value multiplied into the error signal is a backward value even where a method named otherwise computes it.
    errors = error_descendants(F)
    consumers: dict[int, set[int]] = {}
    for c, ps in F.parent_map.items():
        for q in ps:
            consumers.setdefault(q, set()).add(c)
    for y in F.sites:
        if y.kind == "arg" or y.id in F.forward_sites or y.id in acts or not F.observed(y.id):
            continue
        # A derivative is part of the backward pass and runs at every step, not once after training.
        in_backward = (y.phase == "backward" or (y.kind == "return" and y.function.rsplit(".", 1)[-1] in backward_calls)
                       or (y.id not in errors and bool(consumers.get(y.id, set()) & errors)))
        if not in_backward or F.loop_steps(y.id) < 2:
            continue
        ops = []
        for p in F.parents(y.id):
            if F.by_id[p].kind == "return" or F.is_hyper(p) or not F.observed(p):
                continue
            ops.append(p)
        if len(ops) != 1:
            continue
        root = F.root_value(ops[0])
        if root not in acts:
            continue
        a, which = acts[root]
        yield y, ops[0], a, which


def replay(F, y, operand, kind: str, which: str) -> dict | None:
    """The derivative statement's kept values against the activation's true derivative at the values it was given."""
    ys, xs = kept_rows(F, y.id), kept_rows(F, operand)
    if not ys or not xs:
        return None
    seqs = np.array([s for s, _ in xs])
    fn = FROM_OUTPUT[kind] if which == "output" else FROM_INPUT[kind]
    worst, compared, wrong, sample = 0.0, 0, 0, None
    with np.errstate(all="ignore"):
        for s, got in ys:
            j = int(np.searchsorted(seqs, s)) - 1
            if j < 0 or xs[j][1].shape != got.shape:
                continue
            given = xs[j][1]
            if np.array_equal(got, given):
                continue  # the value itself passed on, not a derivative of it
            want = fn(given)
            ok = np.isfinite(want) & np.isfinite(got)
            if not ok.any():
                continue
            err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
            compared += 1
            if np.max(err) > 1e-6:
                wrong += 1
                if np.max(err) > worst:
                    k = int(np.argmax(err))
                    worst = float(np.max(err))
                    sample = (float(given[ok][k]), float(got[ok][k]), float(want[ok][k]))
    if not compared:
        return None
    return dict(compared=compared, wrong=wrong, worst_relative_error=worst, sample=sample)


def _output_range(kind: str, lo: float, hi: float) -> tuple[float, float]:
    """The range of the derivative, written in the activation's output, over outputs in [lo, hi]."""
    if kind == "tanh":
        sq = [lo * lo, hi * hi]
        least = 0.0 if lo <= 0 <= hi else min(sq)
        return 1 - max(sq), 1 - least
    ends = [lo * (1 - lo), hi * (1 - hi)]
    return min(ends), 0.25 if lo <= 0.5 <= hi else max(ends)


def replay_stats(F, y, operand, kind: str, which: str) -> dict | None:
    """Without kept values: the derivative's recorded range against the range the true derivative can take over
    the recorded range of the values it was given. Outside it, the formula is measurably wrong; inside, undecided."""
    ys, xs = F.ser(y.id), F.ser(operand)
    if ys is None or xs is None or not len(ys) or not len(xs):
        return None
    compared, wrong, sample = 0, 0, None
    with np.errstate(all="ignore"):
        for i in np.nonzero(ys.step >= 0)[0]:
            j = xs.before_seq(int(ys.seq[i]))
            if j is None:
                continue
            lo, hi = float(xs[C.MIN][j]), float(xs[C.MAX][j])
            glo, ghi = float(ys[C.MIN][i]), float(ys[C.MAX][i])
            if not all(np.isfinite([lo, hi, glo, ghi])):
                continue
            if which == "input":
                act = np.tanh if kind == "tanh" else (lambda z: 1 / (1 + np.exp(-z)))
                lo, hi = float(act(lo)), float(act(hi))
            dlo, dhi = _output_range(kind, lo, hi)
            compared += 1
            tol = 1e-6 * max(1.0, abs(dlo), abs(dhi))
            if glo < dlo - tol or ghi > dhi + tol:
                wrong += 1
                if sample is None:
                    sample = dict(given_range=[lo, hi], got_range=[glo, ghi], derivative_range=[dlo, dhi])
    if not compared:
        return None
    return dict(compared=compared, wrong=wrong, worst_relative_error=None, sample=None, ranges=sample, from_stats=True)


@cause_rule(
    "wrong_derivative_formula",
    "The backward pass uses a wrong derivative of an activation",
    premises=(
        ("derivative_site", "a backward value is computed from one activation's input or output alone"),
        ("values_recorded", "its values and the values it was given were recorded at its evaluations"),
        ("mismatch_measured", "replayed at the values it was given (or over their recorded range), it differs from the activation's derivative"),
    ),
    thresholds={"wrong_derivative_fraction": 0.5},
)
def rule(ctx) -> RuleOutcome:
    """A derivative of an activation measured at its own call site's values differs from the true derivative there."""
    F = ctx.facts
    out = RuleOutcome()
    _, feeds = derivative_feeds(F)
    # A formula fed the pre-activation is derivative_on_preactivation: the formula itself may be right.
    fed_wrong = {f["site"].id for f in feeds if f["frac"] > 0.5}
    cands = [c for c in derivative_candidates(F) if c[0].id not in fed_wrong]
    if not out.check("derivative_site", bool(cands),
                     f"{len(cands)} backward values are computed from one activation alone" if cands else
                     "no backward value is computed from one activation's input or output alone"):
        return out
    judged = [(c, replay(F, c[0], c[1], c[2].kind, c[3]) or replay_stats(F, c[0], c[1], c[2].kind, c[3]))
              for c in cands]
    measured = [(c, r) for c, r in judged if r is not None]
    if not out.check("values_recorded", bool(measured) or None,
                     f"{len(measured)} of {len(cands)} replayed" if measured else
                     "the derivative's values and the values it was given were not recorded together"):
        return out
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [(c, r) for c, r in measured if r["wrong"] / r["compared"] > limit]
    (y, op, a, which), r = (bad or measured)[0]
    given = base_name(F.by_id[op].target)
    why = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) given {given}, the {a.kind} {which}: "
           f"{r['wrong']} of {r['compared']} evaluations differ from the {a.kind} derivative")
    # From ranges alone a formula inside the derivative's range is undecided, not shown right.
    undecided = not bad and all(r.get("from_stats") for _, r in measured)
    if not out.check("mismatch_measured", None if undecided else bool(bad),
                     why + (" (from recorded ranges, which cannot show it right)" if undecided else ""),
                     fraction=r["wrong"] / r["compared"], threshold=limit):
        return out
    if r.get("from_stats"):
        rg = r["ranges"]
        at = (f"given {given} from {rg['given_range'][0]:.3g} to {rg['given_range'][1]:.3g} it runs from "
              f"{rg['got_range'][0]:.3g} to {rg['got_range'][1]:.3g}, where the derivative stays within "
              f"[{rg['derivative_range'][0]:.3g}, {rg['derivative_range'][1]:.3g}]")
    else:
        g, got, want = r["sample"]
        at = f"at {given} = {g:.4g} it gives {got:.4g} where the derivative is {want:.4g}"
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is used as the {a.kind} derivative, but replayed "
               f"at the values it is given ({given}, the {a.kind} {which}) it is wrong at {r['wrong']} of "
               f"{r['compared']} evaluations: {at}.")
    ev = dict(r, given=given, activation=a.kind, given_is=which, line=y.line)
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, None, base_name(y.target), y.line, dict(ev))],
                            [fx for fx in [derivative_formula_fix(F, y.id, op, a.kind, which)] if fx], [], ev))
    return out
