"""Results detectors: accuracy by step when outputs and targets pair up, its ceiling, and the
samples that are never learned."""

from __future__ import annotations

import numpy as np

from ..model import Finding
from . import register
from .facts import Facts, facts, kept_output_target
from .numerics import _f
from .structure import _input_rows

# A sample is "learned" at a step when its prediction is right; "never learned" means wrong at
# every step after the first 10% (the start of training is allowed to be wrong).
WARMUP = 0.1


def correctness(F: Facts):
    """(steps, correct (steps, n) bool or NaN-aware, kind) pairing outputs with targets, or None."""
    kept = kept_output_target(F)
    if kept is None:
        return None
    so, do, sho, st, dt, sht = kept
    j = np.searchsorted(st, so, side="right") - 1
    ok = (j >= 0) & (so >= 0)
    if ok.sum() < 2:
        return None
    # Only steps whose outputs are all finite: after a NaN nothing is predicted at all.
    ok &= np.all(np.isfinite(do), axis=1)
    if ok.sum() < 2:
        return None
    out, tg = do[ok], dt[j[ok]]
    steps = so[ok]
    finite = np.isfinite(tg)
    if not finite.all():
        return None
    if out.shape[1] == tg.shape[1]:
        vals = np.unique(tg)
        if not np.all(np.isin(vals, (0.0, 1.0))):
            return None
        if len(sho) == 2 and sho[1] > 1:  # one-hot rows: argmax
            n, k = sho
            if tg.shape[1] != n * k:
                return None
            o3, t3 = out.reshape(len(out), n, k), tg.reshape(len(tg), n, k)
            if not np.all(t3.sum(axis=2) == 1):
                return None
            with np.errstate(invalid="ignore"):
                corr = np.argmax(np.nan_to_num(o3, nan=-np.inf), axis=2) == np.argmax(t3, axis=2)
            corr &= np.all(np.isfinite(o3), axis=2)
            return steps, corr, "classes"
        lo, hi = np.nanmin(out), np.nanmax(out)
        thr = 0.5 if lo >= 0 and hi <= 1 else 0.0
        with np.errstate(invalid="ignore"):
            # Exactly on the threshold is undecided: neither class.
            corr = np.where(tg == 1, out > thr, out < thr) & np.isfinite(out)
        return steps, corr, "binary"
    if len(sho) == 2 and out.shape[1] == tg.shape[1] * sho[1]:  # integer labels against (n, k) scores
        n, k = sho
        o3 = out.reshape(len(out), n, k)
        with np.errstate(invalid="ignore"):
            corr = (np.argmax(np.nan_to_num(o3, nan=-np.inf), axis=2) == tg.astype(int)) & np.all(np.isfinite(o3), axis=2)
        return steps, corr, "classes"
    return None


def majority_share(F: Facts) -> float | None:
    """The accuracy of always answering the targets' most common class (the last kept targets), or None when the
    targets are not 0/1 rows, one-hot rows or integer labels that correctness() pairs with the outputs."""
    kept = kept_output_target(F)
    got = correctness(F)
    if kept is None or got is None:
        return None
    _, _, sho, _, dt, sht = kept
    tg = dt[-1]
    if got[2] == "binary":
        ones = float(np.mean(tg == 1))
        return max(ones, 1.0 - ones)
    if len(sht) == 2 and sht[1] > 1 and tg.size == sht[0] * sht[1]:  # one-hot rows
        counts = tg.reshape(sht).sum(axis=0)
    else:  # integer labels
        counts = np.unique(tg.astype(int), return_counts=True)[1]
    return float(np.max(counts) / max(np.sum(counts), 1))


@register
def accuracy(session) -> list[Finding]:
    """Training accuracy by step, its ceiling, and the samples that are never learned."""
    F = facts(session)
    got = correctness(F)
    if got is None:
        return []
    steps, corr, kind = got
    acc = corr.mean(axis=1)
    n = corr.shape[1]
    name = F.by_id[F.output].target
    best = float(np.max(acc))
    k = int(np.argmax(acc))
    idx = np.unique(np.linspace(0, len(acc) - 1, min(len(acc), 20)).astype(int))
    out = [_f("accuracy", "results", "info",
              f"Training accuracy of {name} ({kind}): {acc[0]:.0%} at step {steps[0]}, best {best:.0%} at step "
              f"{steps[k]}, {acc[-1]:.0%} at step {steps[-1]}.", int(steps[0]), int(steps[-1]), name,
              F.by_id[F.output].line, by_step={int(steps[i]): round(float(acc[i]), 4) for i in idx}, best=best,
              final=float(acc[-1]), n_samples=n)]
    w = int(len(acc) * WARMUP)
    never = [int(i) for i in np.nonzero(~corr[w:].any(axis=0))[0]] if len(acc) - w >= 2 else []
    if never and len(never) < n:
        X = _input_rows(F)
        rows = {i: X[i].tolist() for i in never[:5]} if X is not None and X.shape[0] == n else {}
        row_txt = ", ".join(f"sample {i} {rows[i]}" if i in rows else f"sample {i}" for i in never[:5])
        out.append(_f("samples_never_learned", "results", "warning",
                      f"{len(never)} of {n} samples are never predicted right after the first {w} steps: {row_txt}.",
                      int(steps[w]), int(steps[-1]), name, F.by_id[F.output].line, samples=never[:50], rows=rows))
    if best < 1.0:
        out.append(_f("accuracy_ceiling", "results", "warning" if never else "info",
                      f"Training accuracy never exceeds {best:.0%} ({int(round(best * n))} of {n} samples).",
                      int(steps[0]), int(steps[-1]), name, F.by_id[F.output].line, best=best, n_samples=n,
                      never_learned=never[:50]))
    return out
