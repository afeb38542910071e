"""Fix verification: apply each cause's fix and the fix plan to scratch copies, re-run them traced lightly, judge."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import columns as C
from .explain.fixes import is_patch
from .model import Fix
from .trace.instrument import dotted

# Verdicts, from the re-run's own numbers against the original run's.
CURES = "cures"  # the cause is no longer raised and the run's symptom (non-finite value, error finding) is gone
HELPS = "helps"  # the cause is gone but a symptom remains, or the symptom comes later
NO_EFFECT = "no effect"  # the cause is still raised
WORSE = "makes it worse"  # the re-run fails earlier or the script now crashes where it did not
NOT_APPLIED = "not applied"  # the patch does not match the file or does not parse: nothing was run
NOT_VERIFIED = "not verified"  # the patched script could not be re-run safely or within its budget

# Files copied into the scratch folder: the script's folder, without what could be large or is output.
_SKIP_DIRS = {".git", "__pycache__", "reports", ".venv", "venv", "node_modules", ".ipynb_checkpoints"}
_MAX_COPY_BYTES = 200 * 1024 * 1024


class PatchError(ValueError):
    """A fix that cannot be applied: its line is not in the file, or the patched file does not parse."""


@dataclass(frozen=True)
class RunOutcome:
    """What one traced run said: the causes, the first non-finite step, the error findings, the exit status."""

    causes: tuple[str, ...]
    first_nonfinite_step: int | None
    error_codes: tuple[str, ...]
    exit_status: int | None
    steps: int | None

    @classmethod
    def from_findings(cls, doc: dict) -> "RunOutcome":
        run = doc.get("run") or {}
        fn = doc.get("first_nonfinite")
        return cls(
            tuple(c["tag"] for c in sorted(doc.get("causes", []), key=lambda c: c.get("rank", 99))),
            None if not fn else fn.get("step"),
            tuple(sorted({f["code"] for f in doc.get("findings", []) if f.get("severity") == "error"})),
            run.get("exit_status"), run.get("steps"))


@dataclass(frozen=True)
class FixTrial:
    """One fix (a group of patches applied together) tried on a copy: the verdict and the runs it compares."""

    tag: str
    fix_titles: tuple[str, ...]
    verdict: str
    reason: str
    before: RunOutcome | None = None
    after: RunOutcome | None = None
    patched: dict[str, str] = field(default_factory=dict)  # file (relative to the script's folder) -> new text


def is_advice(fix: Fix) -> bool:
    """Advice names no line and no text to replace: it is shown to the user, never applied."""
    return not is_patch(fix)


def fix_groups(fixes) -> list[list[Fix]]:
    """The patches of a cause as groups applied together: a fix titled "…and …" joins the one before it.
    Advice (no line to change) is no patch and forms no group."""
    groups: list[list[Fix]] = []
    for fx in fixes:
        if is_advice(fx):
            continue
        if groups and fx.title.startswith(("…and", "...and")):
            groups[-1].append(fx)
        else:
            groups.append([fx])
    return groups


def apply_fix(text: str, fix: Fix) -> str:
    """The text with `fix.before` on line `fix.line` replaced by `fix.after`, indented like the line.

    Raises PatchError when the line does not hold `before` or the patched text does not parse."""
    lines = text.splitlines(keepends=True)
    if not fix.line or not 0 < fix.line <= len(lines):
        raise PatchError(f"line {fix.line} is not in the file ({len(lines)} lines)")
    old = lines[fix.line - 1]
    body = old.rstrip("\r\n")
    ending = old[len(body):] or "\n"
    if not fix.before or fix.before.strip() not in body:
        raise PatchError(f"line {fix.line} does not hold `{fix.before.strip()}`: it reads `{body.strip()}`")
    indent = body[: len(body) - len(body.lstrip())]
    start = body.index(fix.before.strip())
    prefix, suffix = body[:start], body[start + len(fix.before.strip()):]
    after = fix.after.splitlines() or [""]
    # Continuation lines of a multi-line replacement take the original line's indentation.
    new = [prefix + after[0].lstrip() if prefix.strip() == "" else prefix + after[0]]
    new += [indent + a.lstrip() if not a.startswith(indent) else a for a in after[1:]]
    new[-1] += suffix
    patched = "".join(lines[: fix.line - 1]) + ending.join(new) + ending + "".join(lines[fix.line:])
    try:
        ast.parse(patched)
    except SyntaxError as e:
        raise PatchError(f"the patched file does not parse: {e.msg} (line {e.lineno})") from None
    return patched


def _copy_tree(src: Path, dst: Path) -> None:
    total = 0
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(root) / name
            try:
                size = path.stat().st_size
            except OSError:
                continue
            total += size
            if total > _MAX_COPY_BYTES:
                raise PatchError(f"the script's folder holds more than {_MAX_COPY_BYTES >> 20} MB: not copied")
            shutil.copy2(path, dst / rel / name)


def traced_run(script: Path, argv: list[str], out: Path, timeout: float, env: dict | None = None) -> RunOutcome | None:
    """Run `script` under `nandoctor run` in its own folder; what its findings.json says (None if none was written)."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "json", "-o", str(out),
                        script.name, *argv], cwd=str(script.parent), capture_output=True, text=True, env=env,
                       timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    try:
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return RunOutcome.from_findings(doc)


def judge(tag: str, before: RunOutcome, after: RunOutcome | None) -> tuple[str, str]:
    """The verdict on a fix for cause `tag`, with the numbers that decided it."""
    if after is None:
        return WORSE, "the re-run wrote no findings (it timed out or nandoctor could not trace it)"
    if after.exit_status not in (0, None) and before.exit_status in (0, None):
        return WORSE, f"the patched script exits with status {after.exit_status}; the original exited 0"
    if before.first_nonfinite_step is not None and after.first_nonfinite_step is not None \
            and after.first_nonfinite_step < before.first_nonfinite_step:
        return WORSE, (f"the first non-finite value comes at step {after.first_nonfinite_step}, "
                       f"earlier than step {before.first_nonfinite_step}")
    if tag in after.causes:
        return NO_EFFECT, f"{tag} is still raised (rank {after.causes.index(tag) + 1})"
    left = []
    if after.first_nonfinite_step is not None:
        later = before.first_nonfinite_step is not None and after.first_nonfinite_step > before.first_nonfinite_step
        left.append(f"a non-finite value remains at step {after.first_nonfinite_step}"
                    + (f" (was {before.first_nonfinite_step})" if later else ""))
    new_errors = [c for c in after.error_codes if c in before.error_codes]
    if new_errors:
        left.append(f"error findings remain: {', '.join(new_errors)}")
    if left:
        return HELPS, f"{tag} is no longer raised, but " + "; ".join(left)
    gone = [c for c in before.error_codes if c not in after.error_codes]
    return CURES, (f"{tag} is no longer raised" + (f" and the error findings {', '.join(gone)} are gone" if gone else "")
                   + ("" if before.first_nonfinite_step is None else
                      f"; the run has no non-finite value (was step {before.first_nonfinite_step})"))


def try_fix(script: str | os.PathLike, argv: list[str], tag: str, fixes, before: RunOutcome, *,
            timeout: float = 600, scratch: str | os.PathLike | None = None) -> FixTrial:
    """Apply one group of fixes to a copy of the script's folder and re-run it; the user's files are never touched."""
    script = Path(script).resolve()
    titles = tuple(f.title for f in fixes)
    work = Path(tempfile.mkdtemp(prefix="nandoctor-verify-", dir=scratch))
    try:
        copy = work / "src"
        _copy_tree(script.parent, copy)
        patched: dict[str, str] = {}
        # Bottom-up, so the lines a patch inserts do not move the lines the group's other patches name.
        for fx in sorted(fixes, key=lambda f: -(f.line or 0)):
            target = copy / (fx.file if getattr(fx, "file", "") else script.name)
            if getattr(fx, "file", "") and Path(fx.file).is_absolute():
                try:
                    target = copy / Path(fx.file).resolve().relative_to(script.parent)
                except ValueError:
                    raise PatchError(f"{fx.file} is outside the script's folder") from None
            text = patched.get(str(target)) or target.read_text(encoding="utf-8")
            patched[str(target)] = apply_fix(text, fx)
        for path, text in patched.items():
            Path(path).write_text(text, encoding="utf-8")
        after = traced_run(copy / script.name, argv, work / "report", timeout)
        verdict, reason = judge(tag, before, after)
        rel = {str(Path(p).relative_to(copy)): t for p, t in patched.items()}
        return FixTrial(tag, titles, verdict, reason, before, after, rel)
    except (PatchError, OSError, UnicodeDecodeError) as e:
        return FixTrial(tag, titles, NOT_APPLIED, str(e), before)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- measures: what a verdict compares, computed the same way for the original run and each re-run --------------

# Curves are kept at most this many points (evenly spaced steps, the first and last always kept).
CURVE_POINTS = 200
# A sample's output is "stuck" when it moves by less than this over every kept step (a bias-free net maps an
# all-zero input to the same output whatever the weights).
STUCK_SPREAD = 1e-9


@dataclass(frozen=True)
class Measures:
    """One run's numbers on the measures a verdict compares (None: not measurable on this run)."""

    steps: int | None = None
    first_nonfinite_step: int | None = None
    first_nonfinite_where: str | None = None
    loss_how: str | None = None
    loss_first: float | None = None
    loss_last: float | None = None
    loss_min: float | None = None
    loss_curve: tuple = ()  # ((step, value or None), ...)
    accuracy_first: float | None = None
    accuracy_final: float | None = None
    accuracy_best: float | None = None
    accuracy_curve: tuple = ()
    n_samples: int | None = None
    majority_share: float | None = None  # the accuracy of always answering the most common class
    stuck_samples: tuple[int, ...] = ()  # samples whose output is the same at every kept step
    stuck_values: tuple[float, ...] = ()
    saturated_step: int | None = None  # first step an activation output is exactly at its bound
    update_ratio_median: float | None = None
    update_ratio_max: float | None = None
    exit_status: int | None = None
    exception: str | None = None
    stopped_by_budget: bool = False
    elapsed: float | None = None

    def to_dict(self) -> dict:
        from .model import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> "Measures":
        from .model import _unjson_number

        known = {f.name for f in dataclasses.fields(cls)}
        kw = {}
        for k, v in doc.items():
            if k not in known:
                continue
            if k.endswith("_curve"):
                v = tuple((int(s), None if x is None else float(_unjson_number(x))) for s, x in v)
            elif isinstance(v, list):
                v = tuple(v)
            elif isinstance(v, str) and v in ("nan", "inf", "-inf"):
                v = float(_unjson_number(v))
            kw[k] = v
        return cls(**kw)


def _curve(steps: np.ndarray, values: np.ndarray) -> tuple:
    if not len(steps):
        return ()
    idx = np.unique(np.linspace(0, len(steps) - 1, min(len(steps), CURVE_POINTS)).astype(int))
    return tuple((int(steps[i]), float(values[i]) if np.isfinite(values[i]) else None) for i in idx)


def _num(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def measure(session, until_step: int | None = None) -> Measures:
    """The verdict's measures of a session, over its steps below `until_step` (all when None).

    The same detectors' readings as the analysis uses (loss series, accuracy, update ratios), so the original
    run and a re-run are read alike. numpy's warnings about the run's own NaN are not the user's to see."""
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return _measure(session, until_step)


def _after_cleaning(session, F, obs: dict | None):
    """False unless the first non-finite value was overwritten with finite values before anything read it (`table =
    np.array(rows)` holding a NaN, then `table = np.where(np.isfinite(table), table, mean)`): then the first
    non-finite observation after that overwrite (as first_nonfinite_observation gives it), or None when there is
    none. A value nothing ever read harmed nothing."""
    from .detectors.facts import base_name

    if obs is None:
        return False
    x = F.by_id.get(obs["site"])
    if x is None:
        return False
    name, seq = base_name(x.target), obs["seq"]
    table = F.s.table
    writers = [w for w in F.resolve(name, x.function) if w != x.id]
    nxt = [(F.ser(w).seq[i], w, i) for w in writers if F.observed(w)
           for i in [int(np.searchsorted(F.ser(w).seq, seq, "right"))] if i < len(F.ser(w).seq)]
    if not nxt:
        return False
    clean_seq, w, i = min(nxt)
    sw = F.ser(w)
    if sw[C.N_NAN][i] + sw[C.N_POSINF][i] + sw[C.N_NEGINF][i] > 0:
        return False
    readers = [c for c, ps in F.parent_map.items() if x.id in ps and c != w]
    for r in readers:
        rs = F.ser(r)
        if rs is not None and len(rs) and ((rs.seq > seq) & (rs.seq < clean_seq)).any():
            return False
    rows = np.nonzero(table.nonfinite() & (table[C.SEQ] > clean_seq))[0]
    if not len(rows):
        return None
    k = int(rows[0])
    site = F.by_id[int(table[C.SITE][k])]
    return {"step": int(table[C.STEP][k]), "seq": int(table[C.SEQ][k]), "site": site.id, "target": site.target,
            "line": site.line}


def _measure(session, until_step: int | None) -> Measures:
    from .detectors.facts import facts, kept_output_target
    from .detectors.numerics import _bound_hits
    from .detectors.optimisation import loss_series, update_ratios
    from .detectors.results import correctness, majority_share

    F = facts(session)
    limit = np.inf if until_step is None else until_step
    kw: dict = {"steps": int(session.plan.n_steps if until_step is None else min(session.plan.n_steps, until_step))}
    ev, obs = session.first_nonfinite, session.first_nonfinite_observation()
    later = _after_cleaning(session, F, obs)
    if later is not False:  # the first NaN was overwritten at once (the data imputed): what comes after counts
        ev, obs = None, later
    if ev is not None and ev.step is not None and ev.step < limit:
        kw.update(first_nonfinite_step=int(ev.step),
                  first_nonfinite_where=f"line {ev.line} `{ev.expression or ev.statement}`")
    elif obs is not None and obs["step"] < limit:
        kw.update(first_nonfinite_step=int(obs["step"]), first_nonfinite_where=f"line {obs['line']} `{obs['target']}`")
    got = loss_series(F)
    if got is not None:
        steps, vals, how = got
        m = (steps >= 0) & (steps < limit)
        steps, vals = steps[m], np.asarray(vals, dtype=np.float64)[m]
        fin = np.isfinite(vals)
        if fin.any():
            kw.update(loss_how=how, loss_first=float(vals[fin][0]), loss_last=float(vals[fin][-1]),
                      loss_min=float(np.min(vals[fin])), loss_curve=_curve(steps, vals))
    got = correctness(F)
    if got is not None:
        steps, corr, _ = got
        m = steps < limit
        if m.sum() >= 1:
            acc = corr[m].mean(axis=1)
            kw.update(accuracy_first=float(acc[0]), accuracy_final=float(acc[-1]), accuracy_best=float(acc.max()),
                      accuracy_curve=_curve(steps[m], acc), n_samples=int(corr.shape[1]),
                      majority_share=majority_share(F))
    kept = kept_output_target(F)
    if kept is not None:
        so, do = kept[0], kept[1]
        m = (so >= 0) & (so < limit) & np.all(np.isfinite(do), axis=1)
        if m.sum() >= 3:
            d = do[m]
            spread = d.max(axis=0) - d.min(axis=0)
            stuck = np.nonzero(spread < STUCK_SPREAD)[0]
            kw.update(stuck_samples=tuple(int(i) for i in stuck[:50]),
                      stuck_values=tuple(float(d[-1, i]) for i in stuck[:50]))
            kw.setdefault("n_samples", int(d.shape[1]))
    first_sat = None
    for act in F.activations:
        sr = F.ser(act.site)
        hits, _, _ = _bound_hits(F, act)
        hits = hits & (sr.step < limit)
        if hits.any():
            step = int(sr.step[int(np.argmax(hits))])
            first_sat = step if first_sat is None else min(first_sat, step)
    kw["saturated_step"] = first_sat
    ratios = []
    for u in session.structure.updates:
        steps, _, _, ratio = update_ratios(F, u)
        ratios.append(ratio[steps < limit])
    ratios = np.concatenate(ratios) if ratios else np.zeros(0)
    ratios = ratios[np.isfinite(ratios)]
    if len(ratios):
        kw.update(update_ratio_median=float(np.median(ratios)), update_ratio_max=float(np.max(ratios)))
    meta = session.meta
    kw.update(exit_status=meta.get("exit_status"), exception=meta.get("exception"), elapsed=_num(meta.get("elapsed")))
    return Measures(**kw)


# -- judging a re-run against the original on the same measures ---------------------------------------------------

# A loss or an accuracy "changed" when it moved by more than this share (loss) or by at least one sample (accuracy).
LOSS_CHANGE = 0.1
# A run "learns" when its loss ends at least this share below where it started.
LEARNS = 0.1
ORDER = {CURES: 0, HELPS: 1, NOT_VERIFIED: 2, NOT_APPLIED: 3, NO_EFFECT: 4, WORSE: 5}


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def compare(before: Measures, after: Measures) -> tuple[list[str], list[str], list[str], list[str]]:
    """(better, worse, same, told) sentences, each with the two numbers, on the measures both runs have; `told`
    holds what is reported but rates nothing (update ratios: smaller is not better in itself)."""
    better, worse, same, told = [], [], [], []
    b, a = before.first_nonfinite_step, after.first_nonfinite_step
    if b is not None and a is None:
        better.append(f"no non-finite value in {after.steps} steps (the original's first came at step {b})")
    elif b is None and a is not None:
        worse.append(f"a non-finite value at step {a} ({after.first_nonfinite_where}); the original had none")
    elif b is not None and a is not None:
        (better if a > b else worse if a < b else same).append(
            f"first non-finite value at step {a} (the original's at step {b})")
    if before.loss_last is not None and after.loss_last is not None and after.loss_how == before.loss_how:
        text = (f"loss {_fmt(after.loss_first)} -> {_fmt(after.loss_last)} (min {_fmt(after.loss_min)}); "
                f"the original {_fmt(before.loss_first)} -> {_fmt(before.loss_last)} (min {_fmt(before.loss_min)})")
        scale = max(abs(before.loss_last), 1e-12)
        if after.loss_last < before.loss_last - LOSS_CHANGE * scale:
            better.append(text)
        elif after.loss_last > before.loss_last + LOSS_CHANGE * scale:
            worse.append(text)
        else:
            same.append(text)
    if before.accuracy_final is not None and after.accuracy_final is not None:
        n = after.n_samples or before.n_samples or 1
        text = (f"final accuracy {_pct(after.accuracy_final)} (best {_pct(after.accuracy_best)}); the original "
                f"{_pct(before.accuracy_final)} (best {_pct(before.accuracy_best)})")
        if after.accuracy_final >= before.accuracy_final + 0.5 / n:
            better.append(text)
        elif after.accuracy_final <= before.accuracy_final - 0.5 / n:
            worse.append(text)
        else:
            same.append(text)
    freed = [i for i in before.stuck_samples if i not in after.stuck_samples]
    if freed and after.n_samples is not None:
        was = dict(zip(before.stuck_samples, before.stuck_values))
        better.append("no longer stuck: " + ", ".join(f"sample {i} (its output was {was[i]:.4g} at every step)"
                                                     for i in freed[:5]))
    new_stuck = [i for i in after.stuck_samples if i not in before.stuck_samples]
    if new_stuck and before.n_samples is not None:
        worse.append(f"{len(new_stuck)} sample(s) now give the same output at every step: "
                     + ", ".join(f"sample {i}" for i in new_stuck[:5]))
    if before.saturated_step is not None and after.saturated_step is None:
        better.append(f"no activation reaches its bound exactly (the original did from step {before.saturated_step})")
    elif before.saturated_step is None and after.saturated_step is not None:
        worse.append(f"an activation reaches its bound exactly from step {after.saturated_step}; "
                     "the original's never did")
    if before.update_ratio_max is not None and after.update_ratio_max is not None:
        told.append(f"largest update {_fmt(after.update_ratio_max)} of the weight norm, median "
                    f"{_fmt(after.update_ratio_median)} (the original {_fmt(before.update_ratio_max)}, median "
                    f"{_fmt(before.update_ratio_median)})")
    return better, worse, same, told


def verdict_of(before: Measures, after: Measures | None, failure: str = "") -> tuple[str, str]:
    """cures / helps / no effect / makes it worse, with the numbers that decided it."""
    if after is None:
        return NOT_VERIFIED, failure or "the re-run left no measures"
    crashed = after.exit_status not in (0, None) or bool(after.exception)
    if crashed and before.exit_status in (0, None) and not before.exception:
        return WORSE, (f"the patched script stops with {after.exception or f'exit status {after.exit_status}'}; "
                       "the original ran to its end")
    better, worse, same, told = compare(before, after)
    same = same + told
    finite = after.first_nonfinite_step is None
    learns = (after.loss_first is not None and after.loss_last is not None
              and after.loss_last < after.loss_first * (1 - LEARNS))
    if before.first_nonfinite_step is not None:
        if finite and learns and not worse:
            return CURES, "; ".join(better + same)
        if finite:
            why = ("its loss does not fall" if after.loss_last is not None else
                   "no loss was measured to show that it learns, so it is not rated as curing")
            return HELPS, "; ".join(better + worse + same + ([why] if why else []))
    if worse and not better:
        return WORSE, "; ".join(worse + same)
    if better and not worse:
        if before.first_nonfinite_step is None and finite:
            return CURES if learns or after.loss_last is None else HELPS, "; ".join(better + same)
        return HELPS, "; ".join(better + same)
    if better and worse:
        return HELPS, "; ".join(better + ["but " + w for w in worse] + same)
    if len(same) == len(told):
        return NOT_VERIFIED, ("the measures that rate a fix (non-finite values, loss, accuracy, stuck outputs, "
                              "saturation) were not taken on both runs" + (f"; {'; '.join(told)}" if told else ""))
    return NO_EFFECT, "nothing the verdict measures changed: " + "; ".join(same)


# The seed of every re-run of a script that does not seed its random numbers itself.
CONTROL_SEED = 12345

# -- the budget and the safety of a re-run ------------------------------------------------------------------------

# A run whose traced script took at most this long is re-run whole; a longer one only up to BUDGET_FACTOR times its
# failing step (or the steps that fit in SHORT_RUN seconds when it has none).
SHORT_RUN = 60.0
BUDGET_FACTOR = 10
# A re-run is killed after TIMEOUT_FACTOR times its expected time plus TIMEOUT_SLACK seconds (start-up, measuring).
TIMEOUT_FACTOR = 4.0
TIMEOUT_SLACK = 30.0
# `--verify auto` verifies when the re-runs' expected wall time is at most this many times the traced run's.
AUTO_FACTOR = 3.0
# Start-up and measuring time of one re-run, added to its expected traced time.
RERUN_OVERHEAD = 3.0
# A whole re-run expected to take longer than this (a long run whose step loop is unknown) is not attempted.
MAX_RERUN_SECONDS = 600.0


@dataclass(frozen=True)
class Budget:
    """How far each re-run goes: its step cap (None: the whole run), the loop it counts, its time limit."""

    max_steps: int | None
    loop: tuple[str, int] | None  # (file, line) of the step loop in the original files
    timeout: float
    expected: float  # seconds one re-run is expected to take
    reason: str


def plan_budget(session, *, factor: int = BUDGET_FACTOR, short: float = SHORT_RUN) -> Budget:
    """The re-runs' budget from the original run's own length, failing step and time."""
    elapsed = float(session.meta.get("elapsed") or 0.0)
    steps = int(session.plan.n_steps or 0)
    lid = session.plan.step_loop
    loop = next(((lp.file, lp.line) for lp in session.loops if lp.id == lid), None) if lid is not None else None
    fn = session.first_nonfinite
    failing = fn.step if fn is not None else None
    if elapsed <= short or not steps or loop is None:
        why = (f"the whole run ({steps} steps, {elapsed:.1f} s traced)" if elapsed <= short else
               f"the whole run: its step loop is not known ({elapsed:.1f} s traced)")
        return Budget(None, loop, TIMEOUT_FACTOR * elapsed + TIMEOUT_SLACK, elapsed + RERUN_OVERHEAD, why)
    if failing is not None and failing >= 0:
        cap = min(steps, max(1, factor * (failing + 1)))
        why = f"the first {cap} of {steps} steps ({factor} x the failing step {failing})"
    else:
        cap = max(1, min(steps, int(steps * short / elapsed)))
        why = f"the first {cap} of {steps} steps (what fits in {short:.0f} s)"
    expected = elapsed * cap / steps
    return Budget(None if cap >= steps else cap, loop, TIMEOUT_FACTOR * expected + TIMEOUT_SLACK,
                  expected + RERUN_OVERHEAD, why)


# Calls that make a re-run unsafe or impossible to repeat unattended: they read the terminal or the network.
_STDIN_CALLS = {"input", "sys.stdin.read", "sys.stdin.readline", "sys.stdin.readlines", "fileinput.input",
                "getpass.getpass"}
_NETWORK_MODULES = ("socket", "urllib.request", "requests", "http.client", "httpx", "urllib3", "aiohttp", "ftplib",
                    "smtplib")


def rerun_hazard(sources: dict[str, str]) -> str | None:
    """Why the script cannot be re-run unattended (it reads stdin or opens network connections), or None."""
    for path, text in sorted(sources.items()):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        name = Path(path).name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = dotted(node.func)
                if called in _STDIN_CALLS:
                    return f"it reads the terminal: `{called}(...)` on line {node.lineno} of {name}"
            elif isinstance(node, ast.Attribute) and dotted(node) == "sys.stdin":
                return f"it reads the terminal: `sys.stdin` on line {node.lineno} of {name}"
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for mod in mods:
                    if any(mod == m or mod.startswith(m + ".") for m in _NETWORK_MODULES):
                        return f"it may use the network: `import {mod}` on line {node.lineno} of {name}"
    return None


# Calls that fix a script's random draws: with none, a re-run draws other numbers than the run it is compared with.
_SEED_CALLS = ("seed", "default_rng", "RandomState", "PCG64", "MT19937", "Generator", "SeedSequence")


def seeds_itself(sources: dict[str, str]) -> bool:
    """Whether the script seeds its random numbers (np.random.seed(...), default_rng(<seed>), random.seed(...))."""
    for text in sources.values():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (node.args or node.keywords):
                name = dotted(node.func) or ""
                if name.rsplit(".", 1)[-1] in _SEED_CALLS:
                    return True
    return False


def draws_random(sources: dict[str, str]) -> bool:
    """Whether the script's text names `random` at all (numpy's or Python's): a script that never does draws the
    same numbers on every run and needs no seeded control re-run."""
    for text in sources.values():
        if "random" in text:
            return True
    return False


# -- patches and the fix plan -------------------------------------------------------------------------------------

def _patch_key(fx: Fix) -> tuple:
    return (fx.file or "", fx.line, fx.before.strip(), fx.after.strip())


def user_roots(meta: dict) -> tuple[Path, ...]:
    """The folders the run traced beside the script's own (`--include`), resolved from the run's folder."""
    cwd = Path(meta.get("cwd") or os.getcwd())
    return tuple((cwd / p).resolve() for p in ((meta.get("config") or {}).get("include") or ()))


def user_excludes(meta: dict) -> tuple[str, ...]:
    return tuple((meta.get("config") or {}).get("exclude") or ())


def _target_file(fx: Fix, script: Path, roots=()) -> Path:
    """The user's file a fix changes: the script itself unless the fix names another file under its folder or
    under a folder the run traced (`roots`)."""
    if not fx.file:
        return script
    path = Path(fx.file)
    if not path.is_absolute():
        path = script.parent / path
    path = path.resolve()
    for root in (script.parent, *roots):
        try:
            path.relative_to(root)
            return path
        except ValueError:
            continue
    raise PatchError(f"{fx.file} is outside the script's folder" + (" and the folders traced with it" if roots else ""))


def patch_files(script: Path, fixes, roots=()) -> dict[Path, tuple[str, str]]:
    """{user file: (its text, its patched text)} with all `fixes` applied bottom-up; PatchError when one fails.
    `roots`: the folders traced beside the script's, whose files may be patched too."""
    texts: dict[Path, str] = {}
    originals: dict[Path, str] = {}
    for fx in sorted(fixes, key=lambda f: -(f.line or 0)):
        target = _target_file(fx, script, roots)
        if target not in texts:
            originals[target] = texts[target] = target.read_text(encoding="utf-8")
        texts[target] = apply_fix(texts[target], fx)
    return {p: (originals[p], texts[p]) for p in texts}


def unified_diff(script: Path, patched: dict[Path, tuple[str, str]]) -> str:
    import difflib

    out = []
    for path, (old, new) in sorted(patched.items()):
        try:
            rel = str(path.relative_to(script.parent))
        except ValueError:
            rel = str(path)
        out.extend(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{rel}", tofile=f"b/{rel}"))
    return "".join(out)


def shifted_line(line: int, fixes) -> int:
    """Where `line` of the original file sits after the fixes insert their extra lines above it."""
    return line + sum(len(fx.after.splitlines()) - 1 for fx in fixes if fx.line and fx.line < line and fx.after)


_NUMBER = {"NUMBER"}


def is_knob(group) -> bool:
    """A fix that only changes numbers in the code (a learning rate, a scale): a setting, not a code change."""
    import io
    import tokenize

    def tokens(text):
        try:
            return [(tokenize.tok_name[t.type], t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline)
                    if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER,
                                      tokenize.INDENT, tokenize.DEDENT)]
        except (tokenize.TokenError, IndentationError, SyntaxError):
            return None

    for fx in group:
        a, b = tokens(fx.before.strip()), tokens(fx.after.strip())
        if a is None or b is None or len(a) != len(b):
            return False
        if any((ta[0] != tb[0]) or (ta[0] not in _NUMBER and ta[1] != tb[1]) for ta, tb in zip(a, b)):
            return False
    return bool(group)


# -- re-running a patched copy in its own worker process ----------------------------------------------------------

def kill_group(proc: subprocess.Popen) -> None:
    """Kill a worker started with `start_new_session` and everything it started (the traced script), then reap it."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run_patched(script: Path, argv: list[str], fixes, budget: Budget, *, scratch: str | os.PathLike | None = None,
                env: dict | None = None, step_loop: str | None = None, seed: int | None = None,
                scale: dict | None = None, include=(), exclude=()) -> tuple[Measures | None, str, str]:
    """Patch a scratch copy of the script's folder, re-run it in a worker process (its own process group, killed
    on timeout) under the budget; (measures or None, why none, the diff). The user's files are never written.
    `scale` ({"factor": k, "where": [[file, line], ...]}) multiplies those updates' steps at run time.
    `include`, `exclude`: the run's own; a patched file under an included folder (outside the script's) is not
    copied: the re-run's import hook compiles its patched text in its place, in memory."""
    script = Path(script).resolve()
    include = tuple(Path(p).resolve() for p in include)
    patched = patch_files(script, fixes, include) if fixes else {}
    diff = unified_diff(script, patched)
    work = Path(tempfile.mkdtemp(prefix="nandoctor-verify-", dir=scratch))
    try:
        copy = work / "src"
        _copy_tree(script.parent, copy)
        sources: dict[str, str] = {}
        for path, (_, text) in patched.items():
            try:
                (copy / path.relative_to(script.parent)).write_text(text, encoding="utf-8")
            except ValueError:  # under an included folder
                sources[str(path)] = text
        out = work / "report"
        spec = {"script": str(copy / script.name), "args": list(argv), "out": str(out), "step_loop": step_loop,
                "include": [str(p) for p in include], "exclude": list(exclude), "sources": sources}
        caps = {}
        if budget.max_steps is not None and budget.loop is not None:
            file, line = budget.loop
            moved = [fx for fx in fixes if _target_file(fx, script, include) == Path(file).resolve()]
            caps = {"max_steps": budget.max_steps, "budget_loop": [file, shifted_line(line, moved)]}
        if seed is not None:
            caps["seed"] = seed
        if scale:
            caps["scale_updates"] = scale
        if caps:
            spec["budget"] = caps
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        run_env = dict(os.environ if env is None else env)
        run_env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + run_env.get("PYTHONPATH", "")
        with open(work / "output.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "nandoctor.rerun", str(work / "spec.json")],
                                    cwd=str(copy), env=run_env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True)
            try:
                proc.wait(timeout=budget.timeout)
            except subprocess.TimeoutExpired:
                kill_group(proc)
                return None, f"the re-run did not finish within its time limit of {budget.timeout:.0f} s", diff
        try:
            doc = json.loads((out / "measures.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = (work / "output.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            return None, "the re-run wrote no measures" + (f": {' / '.join(tail)}" if tail else ""), diff
        if doc.get("error"):
            return None, doc["error"], diff
        return Measures.from_dict(doc), "", diff
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Trial:
    """One fix group (or the plan) re-run: the causes it belongs to, its patches, the verdict and the numbers."""

    name: str  # "plan", or the first fix's title
    causes: tuple[str, ...]
    fixes: tuple[Fix, ...]
    verdict: str
    reason: str
    measures: Measures | None = None
    diff: str = ""
    knob: bool = False  # only numbers change (a setting): sized by a search rather than planned blind


@dataclass(frozen=True)
class RankedCause:
    """A cause re-ranked by its best verified fix."""

    tag: str
    rank: int  # the analysis's rank
    verified_rank: int
    verdict: str  # its best fix's verdict, or "no fix" when it offers only advice
    reason: str
    tried: tuple[str, ...] = ()  # titles of its fixes that were tried and failed (no effect, worse, not applied)


@dataclass(frozen=True)
class Verification:
    """The re-runs of one run: budget, the original's measures, each fix group's trial, the plan and the ranking."""

    status: str  # "verified", or "not verified"
    reason: str
    budget: Budget | None = None
    before: Measures | None = None
    trials: tuple[Trial, ...] = ()
    plan: Trial | None = None
    plan_left_out: tuple[str, ...] = ()  # why fix groups were kept out of the plan
    ranking: tuple[RankedCause, ...] = ()
    wall_seconds: float | None = None
    # Searches of the numbers the fixes change (a learning rate): every value tried and the one recommended.
    sizings: tuple = ()
    sizing_notes: tuple[str, ...] = ()  # why a changed number was not searched

    def to_dict(self) -> dict:
        from .model import to_dict

        doc = to_dict(dataclasses.replace(self, sizings=()))
        doc["sizings"] = [z.to_dict() for z in self.sizings]
        return doc

    @classmethod
    def from_dict(cls, doc: dict) -> "Verification":
        """Rebuild from `to_dict` output (a session folder's verification.json)."""
        from .model import from_dict
        from .sizing import Sizing

        def trial(d):
            if d is None:
                return None
            return Trial(d["name"], tuple(d["causes"]), tuple(from_dict(Fix, f) for f in d["fixes"]), d["verdict"],
                         d["reason"], None if d.get("measures") is None else Measures.from_dict(d["measures"]),
                         d.get("diff", ""), bool(d.get("knob")))

        budget = doc.get("budget")
        if budget is not None:
            budget = Budget(budget["max_steps"], None if budget["loop"] is None else tuple(budget["loop"]),
                            float(budget["timeout"]), float(budget["expected"]), budget["reason"])
        return cls(doc["status"], doc["reason"], budget,
                   None if doc.get("before") is None else Measures.from_dict(doc["before"]),
                   tuple(trial(t) for t in doc.get("trials", [])), trial(doc.get("plan")),
                   tuple(doc.get("plan_left_out", [])),
                   tuple(RankedCause(r["tag"], r["rank"], r["verified_rank"], r["verdict"], r["reason"],
                                     tuple(r.get("tried", []))) for r in doc.get("ranking", [])),
                   doc.get("wall_seconds"), tuple(Sizing.from_dict(d) for d in doc.get("sizings", [])),
                   tuple(doc.get("sizing_notes", [])))

    def trial_of(self, fixes) -> Trial | None:
        keys = {_patch_key(f) for f in fixes}
        for t in self.trials:
            if {_patch_key(f) for f in t.fixes} == keys:
                return t
        return None


def cause_groups(causes) -> list[tuple[str, list[Fix]]]:
    """(cause tag, fix group) for every patch group of every cause, in rank order."""
    return [(c.tag, g) for c in sorted(causes, key=lambda c: c.rank) for g in fix_groups(c.fixes)]


def estimate_seconds(session, jobs: int | None = None) -> float:
    """The re-runs' expected wall time: one per distinct fix group plus the plan, `jobs` at a time."""
    budget = plan_budget(session)
    groups = {tuple(sorted(_patch_key(f) for f in g)) for _, g in cause_groups(session.causes)}
    jobs = max(1, jobs or os.cpu_count() or 1)
    rounds = -(-len(groups) // jobs) + (1 if groups else 0)
    return rounds * budget.expected


def _plan_groups(trials: list[Trial]) -> tuple[list[Trial], list[str]]:
    """The trials whose patches go into the plan, and why the others stay out.

    Per cause the best-verified group (cures > helps; in rank order among equals); a group that made things worse,
    changed nothing or did not apply stays out. A knob (a changed number) stays out when a code change cures:
    the code change then works at the script's own setting. A group that edits a line another chosen group already
    edits differently stays out (the two cannot both apply)."""
    chosen: list[Trial] = []
    left: list[str] = []
    seen: set[int] = set()
    by_cause: dict[str, list[Trial]] = {}
    for t in trials:
        for tag in t.causes:
            by_cause.setdefault(tag, []).append(t)
    for tag, ts in by_cause.items():
        good = [t for t in ts if t.verdict in (CURES, HELPS)]
        if not good:
            continue
        best = min(good, key=lambda t: ORDER[t.verdict])
        if id(best) not in seen:
            seen.add(id(best))
            chosen.append(best)
    for t in trials:
        if id(t) not in seen and t.verdict in (WORSE, NO_EFFECT, NOT_APPLIED):
            left.append(f"{t.name}: {t.verdict}")
    if any(t.verdict == CURES and not t.knob for t in chosen):
        for t in [t for t in chosen if t.knob]:
            chosen.remove(t)
            left.append(f"{t.name}: a changed setting, left out because a code change cures at the script's own")
    lines: dict[tuple, tuple] = {}
    kept = []
    for t in chosen:
        clash = [fx for fx in t.fixes if lines.get((fx.file or "", fx.line), _patch_key(fx)) != _patch_key(fx)]
        if clash:
            left.append(f"{t.name}: it edits line {clash[0].line}, which a fix already in the plan edits differently")
            continue
        for fx in t.fixes:
            lines[(fx.file or "", fx.line)] = _patch_key(fx)
        kept.append(t)
    return kept, left


def _user_sources(session, script: Path) -> dict[str, str]:
    out = {}
    for path, text in session.sources.items():
        try:
            Path(path).resolve().relative_to(script.parent)
        except (ValueError, OSError):
            continue
        out[path] = text
    return out


def verify_session(session, *, script: str | os.PathLike | None = None, argv: list[str] | None = None,
                   jobs: int | None = None, scratch: str | os.PathLike | None = None, env: dict | None = None,
                   budget: Budget | None = None, alternatives: str = "auto", size: bool = True) -> Verification:
    """Re-run every distinct fix group of the session's causes, then the plan, each in a scratch copy; judge them
    against the original run on the same measures and rank the causes by what their fixes did.

    `alternatives`: "auto" tries a cause's other fix groups only when its first does not cure; "all" tries each.
    `size`: search each changed number (a fix that only sets a learning rate) for the largest value that stays
    finite and learns (see sizing.size_knob), when the whole run fits the re-run budget."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    if alternatives not in ("auto", "all"):
        raise ValueError(f"alternatives must be 'auto' or 'all', not {alternatives!r}")
    t0 = time.monotonic()
    meta = session.meta
    if not (script or meta.get("script")):
        return Verification(NOT_VERIFIED, "this session was traced inside Python (nandoctor.trace), not from a script "
                                          "file: there is no script to re-run (pass script= and argv=)")
    script = Path(script or meta.get("script"))
    if not script.is_absolute():
        script = Path(meta.get("cwd") or os.getcwd()) / script
    script = script.resolve()
    argv = list((meta.get("argv") or [None])[1:]) if argv is None else list(argv)
    if not script.is_file():
        return Verification(NOT_VERIFIED, f"the script {script} is not there to re-run")
    recorded = session.sources.get(str(script))
    if recorded is not None and recorded != script.read_text(encoding="utf-8", errors="replace"):
        return Verification(NOT_VERIFIED, f"{script.name} changed since the run: its fixes name lines of the old text")
    hazard = rerun_hazard(_user_sources(session, script) or {str(script): script.read_text(encoding="utf-8")})
    if hazard:
        return Verification(NOT_VERIFIED, f"not re-run: {hazard}")
    roots, excluded = user_roots(meta), user_excludes(meta)
    pairs = cause_groups(session.causes)
    if not pairs:
        return Verification(NOT_VERIFIED, "no cause offers a patch to try (only advice)")
    budget = budget or plan_budget(session)
    if budget.max_steps is None and budget.expected > MAX_RERUN_SECONDS:
        return Verification(NOT_VERIFIED, f"too long to re-run: {budget.reason}, about {budget.expected:.0f} s a "
                                          f"re-run, with no step loop to cut it short", budget)
    before = measure(session, until_step=budget.max_steps)
    sources = _user_sources(session, script) or {str(script): script.read_text(encoding="utf-8")}
    seed, control_note = None, ""
    if draws_random(sources) and not seeds_itself(sources):
        # Unseeded draws differ from run to run: every re-run is seeded alike and compared with an unpatched
        # re-run under that seed, not with the original, so a verdict reads the fix and not the dice.
        seed = CONTROL_SEED
        control, why, _ = run_patched(script, argv, [], budget, scratch=scratch, env=env,
                                      step_loop=meta.get("step_loop"), seed=seed, include=roots, exclude=excluded)
        if control is None:
            return Verification(NOT_VERIFIED, f"the script does not seed its random numbers and its seeded re-run "
                                              f"failed: {why}", budget, before)
        before = control
        control_note = (f"; the script does not seed its random numbers, so each fix is compared with an unpatched "
                        f"re-run seeded like it ({CONTROL_SEED})")
    distinct: dict[tuple, tuple[list[str], list[Fix], bool]] = {}
    firsts = set()
    for tag, group in pairs:
        key = tuple(sorted(_patch_key(f) for f in group))
        first = tag not in firsts
        firsts.add(tag)
        if key in distinct:
            if tag not in distinct[key][0]:
                distinct[key][0].append(tag)
            if first:
                distinct[key] = (distinct[key][0], group, True)
        else:
            distinct[key] = ([tag], group, first)

    def attempt(item) -> Trial:
        tags, group = item[0], item[1]
        name = group[0].title
        try:
            patch_files(script, group, roots)
        except (PatchError, OSError, UnicodeDecodeError) as e:
            return Trial(name, tuple(tags), tuple(group), NOT_APPLIED, str(e), knob=is_knob(group))
        try:
            after, why, diff = run_patched(script, argv, group, budget, scratch=scratch, env=env,
                                           step_loop=meta.get("step_loop"), seed=seed, include=roots,
                                           exclude=excluded)
        except (PatchError, OSError) as e:
            return Trial(name, tuple(tags), tuple(group), NOT_VERIFIED, str(e), knob=is_knob(group))
        verdict, reason = verdict_of(before, after, why)
        return Trial(name, tuple(tags), tuple(group), verdict, reason, after, diff, is_knob(group))

    workers = max(1, jobs or os.cpu_count() or 1)
    sizer = ThreadPoolExecutor(1)  # lives through the plan's re-run; shut down below
    with ThreadPoolExecutor(workers) as pool:
        # Each cause's first fix first; its alternatives ("Or ...") only when that did not cure (unless asked for
        # all): an alternative to a fix that cures adds a re-run and no answer.
        primary = [item for item in distinct.values() if item[2]]
        trials = list(pool.map(attempt, primary))
        # The first fixes' numbers are searched while the alternatives and the plan re-run: those rounds often
        # hold one run, and the search fills the idle core.
        sizing = sizer.submit(_size_knobs, script, argv, list(trials), budget, jobs, seed) if size else None
        cured = {tag for t in trials if t.verdict == CURES for tag in t.causes}
        rest = [item for item in distinct.values() if not item[2]
                and (alternatives == "all" or not set(item[0]) <= cured)]
        trials += list(pool.map(attempt, rest))
        skipped = [item[1][0].title for item in distinct.values() if not item[2] and item not in rest]
    kept, left = _plan_groups(trials)
    plan = None
    if len(kept) == 1:
        plan = dataclasses.replace(kept[0], name="plan")  # one group: its re-run is the plan's
    elif kept:
        fixes, keys = [], set()
        for t in kept:
            for fx in t.fixes:
                if _patch_key(fx) not in keys:
                    keys.add(_patch_key(fx))
                    fixes.append(fx)
        tags = tuple(dict.fromkeys(tag for t in kept for tag in t.causes))
        plan = attempt((list(tags), fixes))
        plan = dataclasses.replace(plan, name="plan")
    ranking = rank_causes(session.causes, trials)
    left += [f"{title}: not tried, an alternative to a fix that cures" for title in skipped]
    sizings, notes = ((), ())
    try:
        if sizing is not None:
            sizings, notes = sizing.result()
    finally:
        sizer.shutdown()
    if sizing is not None:
        more, more_notes = _size_knobs(script, argv, trials[len(primary):], budget, jobs, seed)
        known = {(z.name, z.where) for z in sizings}
        sizings += tuple(z for z in more if (z.name, z.where) not in known)
        notes += more_notes
    return Verification("verified", f"each fix re-run over {budget.reason}{control_note}", budget, before,
                        tuple(trials), plan,
                        tuple(left), tuple(ranking), round(time.monotonic() - t0, 3), sizings, notes)


def _knob_name(script: Path, fx: Fix) -> str | None:
    """The script's own name for the number a fix changes: a word of the fix's title that names, in the script,
    the very literal the fix edits (`learning_rate` for the `1` passed as it); None when no word does."""
    import re

    from .overrides import OverrideError, find_variable, knob_from_fix

    try:
        source = script.read_text(encoding="utf-8")
        edited = knob_from_fix(source, fx.line, fx.before, fx.after)
    except (OverrideError, OSError, UnicodeDecodeError):
        return None
    for word in dict.fromkeys(re.findall(r"[A-Za-z_][\w.]*", fx.title)):
        try:
            knob = find_variable(source, word)
        except (OverrideError, SyntaxError):
            continue
        if (knob.line, knob.col) == (edited.line, edited.col):
            return word
    return None


# Causes whose fix rescales the weights' initialisation: the scale itself is searched, on the lines the fix edits.
INIT_SCALE_CAUSES = ("weights_init_too_large", "weights_init_too_small")


def _size_knobs(script: Path, argv: list[str], trials, budget: Budget, jobs: int | None,
                seed: int | None) -> tuple[tuple, tuple[str, ...]]:
    """A search for each number a fix changes (one literal, such as a learning rate), and for the scale of the
    initialisations an init fix rescales: the largest value that stays finite and learns, bisected on a log scale.
    Each searched run is the whole script, so a run the re-run budget cuts short is not searched (the boundary of a
    cut run says nothing of the whole one)."""
    from .sizing import SizingError, size_knob

    sizings, notes, done = [], [], set()
    for t in trials:
        if t.verdict == NOT_APPLIED:
            continue
        if t.knob and len(t.fixes) == 1:
            fx = t.fixes[0]
            target, name, files = fx, _knob_name(script, fx), {fx.file or ""}
        elif set(t.causes) & set(INIT_SCALE_CAUSES) and all(fx.line for fx in t.fixes):
            lines = sorted({fx.line for fx in t.fixes})
            target, name, files = [f"scale:{line}" for line in lines], "init scale", {fx.file or "" for fx in t.fixes}
        else:
            continue
        key = (tuple(sorted(files)), str(target if isinstance(target, list) else (target.line, target.before)))
        if key in done:
            continue
        done.add(key)
        if budget.max_steps is not None:
            notes.append(f"{t.name}: not sized, each searched run would be cut at {budget.max_steps} steps")
            continue
        if seed is not None:
            notes.append(f"{t.name}: not sized, the script does not seed its random numbers, so one run per value "
                         f"would measure the dice as much as the value")
            continue
        outside = [f for f in files if f and Path(f).resolve() != script]
        if outside:
            notes.append(f"{t.name}: not sized, its numbers are in {Path(outside[0]).name}, not in the script")
            continue
        try:
            sizings.append(size_knob(script, argv, target, name=name, timeout=budget.timeout, workers=jobs))
        except SizingError as e:
            notes.append(f"{t.name}: not sized, {e}")
    return tuple(sizings), tuple(notes)


def rank_causes(causes, trials) -> list[RankedCause]:
    """Causes ordered by their best fix's verdict (cures first, a fix that changed nothing or did harm last),
    the analysis's order kept among equals."""
    rows = []
    for c in sorted(causes, key=lambda c: c.rank):
        mine = [t for t in trials if c.tag in t.causes]
        tried = tuple(t.name for t in mine if t.verdict in (NO_EFFECT, WORSE, NOT_APPLIED))
        if not mine:
            rows.append((ORDER[NOT_VERIFIED], c, "no fix", "it offers advice only, nothing to re-run", tried))
            continue
        best = min(mine, key=lambda t: ORDER[t.verdict])
        rows.append((ORDER[best.verdict], c, best.verdict, f"{best.name}: {best.reason}", tried))
    rows.sort(key=lambda r: (r[0], r[1].rank))
    return [RankedCause(c.tag, c.rank, k + 1, verdict, reason, tried)
            for k, (_, c, verdict, reason, tried) in enumerate(rows)]


def reranked(causes, verification: Verification) -> list:
    """The causes in their verified order, ranks renumbered (a cause the verification did not rank keeps its place
    after the ranked ones)."""
    order = {r.tag: r.verified_rank for r in verification.ranking}
    ordered = sorted(causes, key=lambda c: (order.get(c.tag, len(order) + c.rank), c.rank))
    return [dataclasses.replace(c, rank=k + 1) for k, c in enumerate(ordered)]


VERIFICATION_FILE = "verification.json"


def save_verification(directory: str | os.PathLike, verification: Verification) -> Path:
    from .store import write_json

    path = Path(directory) / VERIFICATION_FILE
    write_json(path, verification.to_dict())
    return path


def load_verification(directory: str | os.PathLike) -> Verification | None:
    """The verification saved in a session folder, or None when it holds none."""
    from .store import read_json_record

    return read_json_record(Path(directory) / VERIFICATION_FILE, Verification.from_dict, "a verification")


def plan_fixes(session) -> tuple[list[Fix], str]:
    """The fix plan's patches and what backs them: the verified plan when the session was verified, else each
    cause's first fix group (no two editing one line differently), marked as not verified."""
    v = getattr(session, "verification", None)
    if v is not None and v.status == "verified":
        if v.plan is None:
            return [], "verified: no fix cured or helped, so there is no plan (" + "; ".join(v.plan_left_out) + ")"
        return list(v.plan.fixes), f"verified: the plan {v.plan.verdict} ({v.plan.reason})"
    fixes, keys, lines = [], set(), {}
    for c in sorted(session.causes, key=lambda c: c.rank):
        groups = fix_groups(c.fixes)
        if not groups:
            continue
        group = groups[0]
        if any(lines.get((fx.file or "", fx.line), _patch_key(fx)) != _patch_key(fx) for fx in group):
            continue
        for fx in group:
            lines[(fx.file or "", fx.line)] = _patch_key(fx)
            if _patch_key(fx) not in keys:
                keys.add(_patch_key(fx))
                fixes.append(fx)
    return fixes, "not verified: each cause's first fix, as the analysis proposes it (run with --verify to test it)"


def backup_path(path: Path) -> Path:
    """`file.py.orig`, or `file.py.orig.N` when that exists: a backup never overwrites another."""
    candidate = path.with_name(path.name + ".orig")
    k = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.orig.{k}")
        k += 1
    return candidate


def apply_plan(script: str | os.PathLike, fixes) -> list[tuple[Path, Path]]:
    """Write the patched files in place, each after copying it to a backup; [(file, its backup)].
    Nothing is written when any patch fails (PatchError)."""
    script = Path(script).resolve()
    patched = patch_files(script, fixes)
    done = []
    for path, (old, new) in sorted(patched.items()):
        backup = backup_path(path)
        shutil.copy2(path, backup)
        path.write_text(new, encoding="utf-8")
        done.append((path, backup))
    return done


def verification_lines(v: Verification) -> list[str]:
    """The terminal's account of a verification (lines without the `nandoctor:` mark)."""
    if v.status != "verified":
        return [f"fixes not verified: {v.reason}"]
    lines = [f"fixes verified in {v.wall_seconds:.1f} s ({v.reason}):"]
    for r in v.ranking:
        moved = "" if r.rank == r.verified_rank else f" (was {r.rank})"
        lines.append(f"  cause {r.verified_rank}{moved} [{r.tag}]: {r.verdict} - {_short(r.reason)}")
        if r.tried:
            lines.append(f"    tried, did not work: {'; '.join(r.tried)}")
    if v.plan is not None:
        lines.append(f"  plan ({len(v.plan.fixes)} changes, `nandoctor fix` shows them): {v.plan.verdict} - "
                     f"{_short(v.plan.reason, 4)}")
    for z in v.sizings:
        tried = ", ".join(f"{t.value:.3g} {t.outcome}" for t in z.searched())
        lines.append(f"  sized {z.summary()}")
        lines.append(f"    searched: {tried}")
    for note in v.sizing_notes:
        lines.append(f"  {note}")
    return lines


def _short(reason: str, parts: int = 3) -> str:
    """The first sentences of a verdict's reason (the report and findings.json keep all of it)."""
    pieces = reason.split("; ")
    return "; ".join(pieces[:parts]) + ("; ..." if len(pieces) > parts else "")
