"""A backward-pass derivative of an activation, replayed at its own call site's values, is not that activation's derivative."""

from __future__ import annotations

import numpy as np

from ...detectors.facts import base_name, strip_comment
from ...detectors.structure import derivative_feeds
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule

# The true derivative of each activation, written in terms of its input z and of its output a.
FROM_INPUT = {"sigmoid": lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))),
              "tanh": lambda z: 1 - np.tanh(z) ** 2}
FROM_OUTPUT = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a ** 2}


def kept_rows(F, sid: int) -> list[tuple[int, np.ndarray]]:
    """(seq, values) of each kept observation of a small site, in seq order."""
    rows = []
    for _, seq, data in F.s.raw.get("values", {}).get(sid, []):
        for s, row in zip(np.asarray(seq), np.asarray(data, dtype=np.float64)):
            rows.append((int(s), row))
    rows.sort(key=lambda r: r[0])
    return rows


def derivative_candidates(F):
    """(site, operand site, activation, 'input' or 'output') for backward values computed from one activation's
    output or input alone, with the same shape: where the code takes that activation's derivative."""
    acts = {}
    for a in F.activations:
        if a.kind in FROM_OUTPUT:
            acts[a.site] = (a, "output")
            if a.pre is not None:
                acts[a.pre] = (a, "input")
    for y in F.sites:
        if y.kind == "arg" or y.id in F.forward_sites or y.id in acts or not F.observed(y.id):
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


@cause_rule(
    "wrong_derivative_formula",
    "The backward pass uses a wrong derivative of an activation",
    premises=(
        ("derivative_site", "a backward value is computed from one activation's input or output alone"),
        ("values_kept", "its values and the values it was given were kept at its evaluations"),
        ("mismatch_measured", "replayed at the values it was given, it differs from the activation's derivative"),
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
    judged = [(c, replay(F, c[0], c[1], c[2].kind, c[3])) for c in cands]
    measured = [(c, r) for c, r in judged if r is not None]
    if not out.check("values_kept", bool(measured) or None,
                     f"{len(measured)} of {len(cands)} replayed from kept values" if measured else
                     "the arrays are too large for their values to be kept, so the formula could not be replayed"):
        return out
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [(c, r) for c, r in measured if r["wrong"] / r["compared"] > limit]
    (y, op, a, which), r = (bad or measured)[0]
    given = base_name(F.by_id[op].target)
    why = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) given {given}, the {a.kind} {which}: "
           f"{r['wrong']} of {r['compared']} evaluations differ from the {a.kind} derivative (worst relative error "
           f"{r['worst_relative_error']:.3g})")
    if not out.check("mismatch_measured", bool(bad), why, fraction=r["wrong"] / r["compared"], threshold=limit):
        return out
    g, got, want = r["sample"]
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is used as the {a.kind} derivative, but replayed "
               f"at the values it is given ({given}, the {a.kind} {which}) it is wrong at {r['wrong']} of "
               f"{r['compared']} evaluations: at {given} = {g:.4g} it gives {got:.4g} where the derivative is {want:.4g}.")
    ev = dict(r, given=given, activation=a.kind, given_is=which, line=y.line)
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, None, base_name(y.target), y.line, dict(ev))], [], [], ev))
    return out
