"""Diagnosis by intervention: when a broken run has no measured cause, re-run copies with one knob changed each."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .explain.fixes import is_patch
from .model import Cause, ChainLink, Fix, to_dict
from .verify import (CONTROL_SEED, CURES, HELPS, MAX_RERUN_SECONDS, NO_EFFECT, NOT_VERIFIED, WORSE, NOT_APPLIED, Budget, Measures, PatchError, _user_sources,
                     draws_random, measure, patch_files, plan_budget, rerun_hazard, run_patched, seeds_itself,
                     user_excludes, user_roots, verdict_of)

# The interventions per symptom, most specific first: when several remove the symptom, the first names the cause
# and the others are told as what else removed it. The learning rate comes last: a smaller step delays almost any
# blow-up (a larger one speeds up almost any slow descent), so it names the cause only when no change aimed at one
# part of the program does.
BLOWUP, STALL = "blowup", "stall"
PROBES = {
    BLOWUP: (
        ("gradient_sign_wrong", "every parameter update stepped against its gradient instead of along it"),
        ("unnormalized_inputs", "the inputs standardized where they are made"),
        ("weights_init_too_large", "the random initial weights drawn with spread sqrt(gain / fan-in)"),
        ("gradient_sum_not_mean", "the gradient divided by the batch size"),
        ("learning_rate_too_high", "the learning rate divided by 10, 100 or 1000"),
    ),
    STALL: (
        ("gradient_sign_wrong", "every parameter update stepped against its gradient instead of along it"),
        ("weights_init_symmetric", "the weights that start with every unit equal started from small random values"),
        ("missing_bias", "a learned bias added to the weighted sum"),
        ("unnormalized_inputs", "the inputs standardized where they are made"),
        ("weights_init_too_small", "the random initial weights drawn with spread sqrt(gain / fan-in)"),
        ("learning_rate_too_low", "the learning rate multiplied by 10, 100 or 1000"),
    ),
}

PROBING_FILE = "probing.json"

# Standardized inputs: every feature's mean within this of 0 and its spread within this factor of 1. Such inputs
# are not probed with standardizing (the change would do nothing but rescale by a few percent).
STANDARD_MEAN = 0.5
STANDARD_SPREAD = 2.0


@dataclass(frozen=True)
class Probe:
    """One intervention re-run: the cause it tests, what it changed, the verdict and the numbers that decided it."""

    tag: str
    change: str
    fixes: tuple[Fix, ...]
    verdict: str
    reason: str
    measures: Measures | None = None
    diff: str = ""


@dataclass(frozen=True)
class Probing:
    """Every intervention tried on one run, and why some were not (by cause tag)."""

    status: str  # "probed", or "not probed"
    reason: str
    probes: tuple[Probe, ...] = ()
    not_tried: tuple[tuple[str, str], ...] = ()  # (tag, why no patch was made)
    before: Measures | None = None
    wall_seconds: float | None = None
    symptom: str = ""  # what was broken, in this run's numbers
    # Raised causes whose own first fix, re-run, made the run worse: withdrawn (their re-runs as the evidence).
    refuted: tuple[Probe, ...] = ()
    checked: tuple[Probe, ...] = ()  # every raised cause's own fix re-run, refuted or not

    def to_dict(self) -> dict:
        return to_dict(self)

    def cured(self) -> list[Probe]:
        return [p for p in self.probes if p.verdict == CURES]

    @classmethod
    def from_dict(cls, doc: dict) -> "Probing":
        """Rebuild from `to_dict` output (a session folder's probing.json)."""
        from .model import from_dict

        def probe(d):
            return Probe(d["tag"], d["change"], tuple(from_dict(Fix, f) for f in d["fixes"]), d["verdict"], d["reason"],
                         None if d.get("measures") is None else Measures.from_dict(d["measures"]), d.get("diff", ""))

        return cls(doc["status"], doc["reason"], tuple(probe(p) for p in doc.get("probes", [])),
                   tuple(tuple(t) for t in doc.get("not_tried", [])),
                   None if doc.get("before") is None else Measures.from_dict(doc["before"]), doc.get("wall_seconds"),
                   doc.get("symptom", ""), tuple(probe(p) for p in doc.get("refuted", [])),
                   tuple(probe(p) for p in doc.get("checked", [])))


# Error findings that say values grow without bound: a blow-up even before any NaN.
GROWTH_FINDINGS = ("weight_divergence", "sustained_growth", "weights_nonfinite", "division_by_zero", "log_of_zero")


def symptom(session) -> tuple[str, str] | None:
    """(kind, what) of what is broken about the run, in its own numbers, or None. A blow-up: a non-finite value, an
    error finding of growth, or a measured loss that ends more than LEARNS above where it started. A stall: a loss
    that ends less than LEARNS below its start, or, with no loss measured, any other error finding; or a training
    accuracy that never beats always answering the most common class."""
    from .verify import LEARNS

    fn = session.first_nonfinite
    if fn is not None:
        return BLOWUP, f"a non-finite value first at step {fn.step}"
    errors = [f for f in session.findings if f.severity == "error"]
    growth = [f for f in errors if f.code in GROWTH_FINDINGS]
    if growth:
        return BLOWUP, f"the error finding {growth[0].code}: {growth[0].message}"
    m = measure(session)
    start, end, over = _loss_ends(m)
    if start is not None and end is not None and start > 0:
        if end > start * (1 + LEARNS):
            return BLOWUP, (f"the loss ({m.loss_how}) rose from {start:.4g} to {end:.4g}{over}, more than "
                            f"{LEARNS:.0%} above its start")
        if end > start * (1 - LEARNS):
            return STALL, (f"the loss ({m.loss_how}) went from {start:.4g} to {end:.4g}{over}, less than "
                           f"{LEARNS:.0%} below its start")
        return _at_chance(m)
    if errors:
        return STALL, f"the error finding {errors[0].code}: {errors[0].message}"
    return _at_chance(m)


# The loss's end is the median of up to this many of its last values (one per tenth of the measured curve): a loss
# read one batch or one sample at a time is noisy, and its last value says little of where training ended. Its start
# is its first value, before training has moved anything (a run that learns fast is near its end a tenth in).
ENDS_MAX = 5


def _loss_ends(m: Measures) -> tuple[float | None, float | None, str]:
    """(start, end, words) of the measured loss: its first value, and its last value or, when its curve holds twenty
    values or more, the median of its last tenth (at most ENDS_MAX values)."""
    values = [v for _, v in m.loss_curve if v is not None]
    k = min(ENDS_MAX, len(values) // 10)
    if k < 2:
        return m.loss_first, m.loss_last, ""
    return m.loss_first, float(np.median(values[-k:])), f" (the median of its last {k} measured values)"


# A classifier whose training accuracy never rises more than this above always answering the most common class, on
# at least CHANCE_SAMPLES samples, has not learned, whatever its loss did.
CHANCE_MARGIN = 0.02
CHANCE_SAMPLES = 20


def _at_chance(m: Measures) -> tuple[str, str] | None:
    """A stall measured on the accuracy: the best training accuracy is no better than the majority class's share."""
    if (m.accuracy_best is None or m.majority_share is None or (m.n_samples or 0) < CHANCE_SAMPLES
            or m.accuracy_best > m.majority_share + CHANCE_MARGIN):
        return None
    return STALL, (f"the training accuracy never rose above {m.accuracy_best:.1%} ({m.n_samples} samples), what always "
                   f"answering the most common class scores ({m.majority_share:.1%})")


def wanted(session) -> tuple[str, str] | None:
    """Why the run is probed: its symptom (the raised causes, if any, are first put to their own fix's test);
    None when it shows none."""
    return symptom(session)


def refutable(causes) -> list[tuple]:
    """(tag, change, fixes, no scaling, no rungs) of each raised cause's first patch group: the re-run that tests
    the cause itself."""
    from .verify import fix_groups

    out = []
    for c in sorted(causes, key=lambda c: c.rank):
        groups = fix_groups(c.fixes)
        if groups:
            out.append((c.tag, f"its own fix ({groups[0][0].title})", groups[0], None, []))
    return out


def _standardized(F) -> bool | None:
    """True when the inputs' kept values are standardized (every feature near mean 0, spread near 1), False when not,
    None when no input values were kept."""
    import numpy as np

    i = F.inputs
    v = F.values(i) if i is not None else None
    if v is None or not len(v[1]):
        return None
    shape = tuple(v[2])
    data = np.asarray(v[1][-1], dtype=float).reshape(shape) if len(shape) else np.asarray(v[1][-1], dtype=float)
    if data.ndim != 2:
        return None
    axis = F.layout.samples_axis
    if axis is None:
        axis = 1 if data.shape[1] > data.shape[0] else 0
    mean, spread = np.nanmean(data, axis=axis), np.nanstd(data, axis=axis)
    varying = spread > 0
    if not varying.any():
        return None
    return bool((np.abs(mean[varying]) <= STANDARD_MEAN).all()
                and ((spread[varying] <= STANDARD_SPREAD) & (spread[varying] >= 1 / STANDARD_SPREAD)).all())


def _gradient_divided(F, update: int) -> bool:
    """True when the statement computing the update's gradient already divides or averages."""
    for g in F.gradient_of(update):
        text = F.by_id[g].statement or ""
        if "/" in text or "mean" in text:
            return True
    return False


def _started_equal(F) -> list[str]:
    """The parameters whose first kept value (before or at the first update) has every unit equal: the columns,
    or the rows, of a 2-D array all copies of the first."""
    import numpy as np

    from .analysis.causes.weights_init_symmetric import _identical_axes
    from .detectors.facts import base_name

    out = []
    for u in F.updates:
        v = F.values(u)
        if v is None or not len(v[1]) or len(tuple(v[2])) != 2:
            continue
        first = np.asarray(v[1][0], dtype=float).reshape(tuple(v[2]))
        name = base_name(F.by_id[u].target)
        if np.isfinite(first).all() and _identical_axes(first) and name not in out:
            out.append(name)
    return out


def _bias_probe(F) -> tuple[list[Fix], str]:
    """A bias declared, added and stepped, when no weighted sum on the way to the prediction adds a learned term;
    (fixes, why none)."""
    from .analysis.causes._passes import learned_names
    from .analysis.causes.missing_bias import _added_terms, _bias_fixes, decision_statements

    learned = learned_names(F)
    stmts = decision_statements(F, learned)
    if not stmts:
        return [], "no weighted sum of a parameter and the data was found"
    if any(_added_terms(tree, learned) for _, tree in stmts):
        return [], "a weighted sum already adds a learned term"
    return _bias_fixes(F, stmts), "no line of the program could be patched for it"


# The learning-rate probes go up this ladder of factors, one re-run a rung, while each rung helps and none cures.
RATE_LADDER = (10.0, 100.0, 1000.0)


def _rate_ladder(F, tag: str) -> list[tuple[str, list[Fix], dict | None]]:
    """(change, fixes, run-time scaling) for each rung of the learning rate's ladder: the script's own number
    patched when it is written as one, else every update's step scaled at run time (the fix is then advice)."""
    from .explain.fixes import advice, located, lower_lr_fix

    where = sorted({(F.by_id[u].file, F.by_id[u].line) for u in F.updates if F.by_id[u].kind == "update"})
    rungs = []
    for size in RATE_LADDER:
        factor = size if tag == "learning_rate_too_high" else 1 / size
        change = f"the learning rate {'divided' if factor > 1 else 'multiplied'} by {size:g}"
        patches = located(F, [fx for u in F.updates for fx in [lower_lr_fix(F, u, factor)]
                              if fx is not None and is_patch(fx)], F.s.meta.get("script"))
        if patches:
            rungs.append((change, list({(fx.file, fx.line, fx.after): fx for fx in patches}.values()), None))
        elif where:
            lines = ", ".join(f"line {line}" for _, line in where)
            scaled = f"1/{size:g} of" if factor > 1 else f"{size:g} times"
            rungs.append((change, [advice(f"make each step of the updates at {lines} {scaled} what it is now",
                                          "The re-run that did so at run time removed the symptom.")],
                          {"factor": 1 / factor, "where": [list(w) for w in where]}))
    return rungs


def candidates(session, kind: str) -> tuple[list[tuple], list[tuple[str, str]]]:
    """(tag, change, fixes, run-time scaling, further rungs) of every intervention for a symptom of `kind` that can
    be made in this program (a patch, or the updates' steps scaled at run time), and (tag, why not) of the others.
    Further rungs, (change, fixes, scaling) each, are tried in turn while the last one helps."""
    from .detectors.facts import base_name, facts
    from .explain.fixes import (divide_gradient_fix, flip_update_fixes, init_scale_fixes, located,
                                normalize_fixes, random_init_fixes)

    F = facts(session)
    made, skipped = [], []
    if not F.updates:
        return [], [(tag, "no parameter update was found to change") for tag, _ in PROBES[kind]]
    for tag, change in PROBES[kind]:
        fixes: list[Fix] = []
        why = "no line of the program could be patched for it"
        if tag == "gradient_sign_wrong":
            fixes = flip_update_fixes(F)
        elif tag == "unnormalized_inputs":
            standard = _standardized(F)
            if standard is None:
                why = "the inputs' values were not measured"
            elif standard:
                why = "the inputs are already standardized (every feature's mean near 0, spread near 1)"
            else:
                fixes = normalize_fixes(F)
        elif tag in ("weights_init_too_large", "weights_init_too_small"):
            fixes = init_scale_fixes(F, {base_name(F.by_id[u].target) for u in F.updates})
        elif tag == "gradient_sum_not_mean":
            summed = [u for u in F.updates if not _gradient_divided(F, u)]
            fixes = [fx for u in summed for fx in [divide_gradient_fix(F, u, None)] if fx is not None]
            if not summed:
                why = "every gradient is already divided or averaged where it is computed"
        elif tag == "weights_init_symmetric":
            equal = _started_equal(F)
            fixes = [fx for name in equal for fx in random_init_fixes(F, name)]
            if not equal:
                why = "no parameter's first kept value has its units all equal"
        elif tag == "missing_bias":
            fixes, why = _bias_probe(F)
        elif tag in ("learning_rate_too_high", "learning_rate_too_low"):
            rungs = _rate_ladder(F, tag)
            if rungs:
                made.append((tag, rungs[0][0], rungs[0][1], rungs[0][2], rungs[1:]))
                continue
            why = "no update statement's step could be scaled"
        unique, keys = [], set()
        for fx in located(F, fixes, session.meta.get("script")):
            key = (fx.file, fx.line, fx.before, fx.after)
            if is_patch(fx) and key not in keys:
                keys.add(key)
                unique.append(fx)
        if unique:
            made.append((tag, change, unique, None, []))
        else:
            skipped.append((tag, why))
    return made, skipped


def stall_verdict(before: Measures, after: Measures | None, failure: str = "") -> tuple[str, str]:
    """A stalled run's re-run cures when it stays finite and its loss ends at least LEARNS below both its own start
    and the original's end, and, when the original's accuracy stayed at chance, the re-run's does not; the numbers
    that decided it."""
    from .verify import HELPS, LEARNS, NO_EFFECT, NOT_VERIFIED, WORSE, compare

    if after is None:
        return NOT_VERIFIED, failure or "the re-run left no measures"
    if after.exit_status not in (0, None) or after.exception:
        return WORSE, f"the changed script stops with {after.exception or f'exit status {after.exit_status}'}"
    better, worse, same, told = compare(before, after)
    text = "; ".join(better + worse + same)
    if after.loss_last is not None and before.loss_last is not None and after.loss_how != before.loss_how:
        # A patch that adds lines moves the loss's line: the same loss, compared here by its numbers.
        text = "; ".join([f"loss {after.loss_first:.4g} -> {after.loss_last:.4g}; the original {before.loss_first:.4g} "
                          f"-> {before.loss_last:.4g}"] + better + worse + same)
    if after.first_nonfinite_step is not None:
        return WORSE, text
    if after.loss_last is None or before.loss_last is None or after.loss_first is None:
        return NOT_VERIFIED, "no loss was measured on both runs"
    scale = max(abs(before.loss_last), 1e-12)
    below_original = after.loss_last <= before.loss_last - LEARNS * scale
    learns = after.loss_last <= after.loss_first - LEARNS * max(abs(after.loss_first), 1e-12)
    if below_original and learns and (_at_chance(before) is None or _at_chance(after) is None):
        return CURES, text
    return (HELPS if below_original or better else NO_EFFECT), text


def probe_session(session, *, jobs: int | None = None, scratch: str | os.PathLike | None = None,
                  env: dict | None = None, budget: Budget | None = None, why: tuple[str, str] | None = None,
                  limit_seconds: float | None = None) -> Probing:
    """Re-run the script once per intervention, each in a scratch copy, and judge each against the run (or against
    an unpatched re-run under the same seed when the script does not seed its random numbers). `why`: the run's
    `wanted(session)` when the caller has it already (measuring the symptom reads the whole run). `limit_seconds`:
    when a raised cause still stands after its own fix was re-run, the interventions after it run only if they are
    expected to end within this many seconds of the start (`--probe auto`)."""
    from concurrent.futures import ThreadPoolExecutor

    t0 = time.monotonic()
    meta = session.meta
    why = wanted(session) if why is None else why
    if why is None:
        return Probing("not probed", "the run shows no symptom")
    if meta.get("interrupted") or meta.get("signal"):
        return Probing("not probed", "the run was interrupted: it is not started again unasked", symptom=why[1])
    if not meta.get("script"):
        return Probing("not probed", "this session was traced inside Python, not from a script file: there is no "
                                     "script to re-run")
    script = Path(meta["script"])
    if not script.is_absolute():
        script = Path(meta.get("cwd") or os.getcwd()) / script
    script = script.resolve()
    argv = list((meta.get("argv") or [None])[1:])
    if not script.is_file():
        return Probing("not probed", f"the script {script} is not there to re-run")
    recorded = session.sources.get(str(script))
    if recorded is not None and recorded != script.read_text(encoding="utf-8", errors="replace"):
        return Probing("not probed", f"{script.name} changed since the run")
    sources = _user_sources(session, script) or {str(script): script.read_text(encoding="utf-8")}
    hazard = rerun_hazard(sources)
    if hazard:
        return Probing("not probed", f"not re-run: {hazard}")
    kind = why[0]
    causes = list(session.causes)
    tests = refutable(causes)
    # With no raised cause to test (none raised, or only advice), the interventions are all there is to re-run.
    made, skipped = candidates(session, kind) if not tests else ([], [])
    if not made and not tests:
        return Probing("not probed", "no intervention could be written into this program" +
                       ("" if not causes else ", and no raised cause offers a patch to test it by"), (),
                       tuple(skipped), symptom=why[1])
    roots, excluded = user_roots(meta), user_excludes(meta)
    budget = budget or plan_budget(session)
    if budget.max_steps is None and budget.expected > MAX_RERUN_SECONDS:
        return Probing("not probed", f"too long to re-run: {budget.reason}", (), tuple(skipped))
    before = measure(session, until_step=budget.max_steps)
    seed = None
    if draws_random(sources) and not seeds_itself(sources):
        seed = CONTROL_SEED
        control, failure, _ = run_patched(script, argv, [], budget, scratch=scratch, env=env,
                                          step_loop=meta.get("step_loop"), seed=seed, include=roots, exclude=excluded)
        if control is None:
            return Probing("not probed", f"the script does not seed its random numbers and its seeded re-run failed: "
                                         f"{failure}", (), tuple(skipped))
        before = control

    def one(tag, change, fixes, scale) -> Probe:
        patches = [fx for fx in fixes if is_patch(fx)]
        try:
            patch_files(script, patches, roots)
            after, failure, diff = run_patched(script, argv, patches, budget, scratch=scratch, env=env,
                                               step_loop=meta.get("step_loop"), seed=seed, scale=scale,
                                               include=roots, exclude=excluded)
        except (PatchError, OSError, UnicodeDecodeError) as e:
            return Probe(tag, change, tuple(fixes), NOT_APPLIED, str(e))
        verdict, reason = (stall_verdict if kind == STALL else verdict_of)(before, after, failure)
        return Probe(tag, change, tuple(fixes), verdict, reason, after, diff)

    def attempt(item) -> Probe:
        tag, change, fixes, scale, higher = item
        got = one(tag, change, fixes, scale)
        for change, fixes, scale in higher:  # the next rung only while the last one moved the right way
            lower = (got.measures is not None and got.measures.loss_last is not None and before.loss_last is not None
                     and got.measures.first_nonfinite_step is None and got.measures.loss_last < before.loss_last)
            if got.verdict != HELPS and not (kind == STALL and lower):
                break
            got = one(tag, change, fixes, scale)
        return got

    with ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1)) as pool:
        checked = tuple(pool.map(attempt, tests))
        refuted = tuple(p for p in checked if p.verdict == WORSE)
        cured = [p.tag for p in checked if p.verdict == CURES]
        if cured:  # a raised cause's own fix removed the symptom: that re-run explains the run
            return Probing("not probed", f"{why[1]}; the own fix of {cured[0]} removed it, re-run over "
                                         f"{budget.reason}", (), (), before, round(time.monotonic() - t0, 3), why[1],
                           refuted, checked)
        if tests:  # no raised cause's own fix removed the symptom: look for the change that does
            made, skipped = candidates(session, kind)
            width = max(1, jobs or os.cpu_count() or 1)
            more = -(-sum(1 + len(m[4]) for m in made) // width) * budget.expected
            # Every raised cause withdrawn: the interventions are all that is left, and run as they always did.
            standing = len(refuted) < len(causes)
            if limit_seconds is not None and standing and made and time.monotonic() - t0 + more > limit_seconds:
                return Probing("not probed", f"{why[1]}; no raised cause's own fix removed it, and the interventions "
                                             f"would take about {more:.0f} s more", (), tuple(skipped), before,
                               round(time.monotonic() - t0, 3), why[1], refuted, checked)
        probes = tuple(pool.map(attempt, made))
    told = ("no raised cause explained it" if not causes else "no raised cause offers a patch to re-run"
            if not tests else "every raised cause's own fix made the run worse" if len(refuted) == len(causes)
            else "no raised cause's own fix removed it")
    return Probing("probed", f"{why[1]}, and {told}; each change re-run over {budget.reason}",
                   probes, tuple(skipped), before, round(time.monotonic() - t0, 3), why[1], refuted, checked)


def estimate_seconds(session, jobs: int | None = None, why: tuple[str, str] | None = None) -> float:
    """The first re-runs' expected wall time: one per raised cause's own fix, or with none, one per intervention of
    the symptom's kind (and a seeded control when the script does not seed itself), `jobs` at a time. `why` as for
    probe_session."""
    why = wanted(session) if why is None else why
    if why is None:
        return 0.0
    budget = plan_budget(session)
    jobs = max(1, jobs or os.cpu_count() or 1)
    # The raised causes' own fixes are re-run first; the interventions after them are held to the same limit by
    # probe_session itself (`limit_seconds`), once it knows whether they are needed.
    runs = len(refutable(session.causes)) or len(PROBES[why[0]]) + len(RATE_LADDER) - 1
    return (-(-runs // jobs) + 1) * budget.expected


def probed_causes(probing: Probing, start_rank: int = 1) -> list[Cause]:
    """The cause named by the most specific intervention that removed the symptom (the others that also did are
    told in its evidence); [] when none did."""
    cured = probing.cured()
    if not cured:
        return []
    first, others = cured[0], cured[1:]
    also = "; ".join(f"{p.change} also removed it" for p in others)
    summary = f"Re-run with {first.change}: {'; '.join(first.reason.split('; ')[:2])}"
    chain = [ChainLink(f"re-run with {first.change}: {first.reason}")]
    if also:
        chain.append(ChainLink(also))
    evidence = {"probe": first.change, "verdict": first.verdict, "reason": first.reason,
                "also_cured": [p.change for p in others], "diff": first.diff}
    return [Cause(first.tag, start_rank, summary, tuple(chain), first.fixes, (), evidence)]


def with_probed(causes, probing: Probing) -> list[Cause]:
    """The causes after the re-runs: the raised ones their own fixes did not refute, in their order while the first
    one's own fix removed the symptom. Else, in order: those whose own fix removed it; those that offer no fix to
    re-run (their premises were measured, nothing tested them); the cause a probe's change proved; then those whose
    own fix helped, was not measured, or changed nothing (the analysis's order among equals)."""
    import dataclasses

    gone = {p.tag for p in probing.refuted}
    kept = sorted((c for c in causes if c.tag not in gone), key=lambda c: c.rank)
    verdicts = {p.tag: p.verdict for p in probing.checked}
    proved = probed_causes(probing)
    first_cured = bool(kept) and verdicts.get(kept[0].tag) == CURES
    nothing_to_reorder = not proved and all(v == CURES for v in verdicts.values())
    if first_cured or nothing_to_reorder:
        return [dataclasses.replace(c, rank=k) for k, c in enumerate(kept, 1)]
    order = {CURES: 0, None: 1, HELPS: 3, NOT_VERIFIED: 4, NOT_APPLIED: 5, NO_EFFECT: 6}
    rows = [(order.get(verdicts.get(c.tag), 4), c) for c in kept]
    if proved:
        cause = proved[0]
        raised = next((c for c in kept if c.tag == cause.tag), None)
        if raised is not None:  # the rule named it; the probe's larger change is what removed the symptom
            cause = dataclasses.replace(raised, fixes=cause.fixes + raised.fixes, chain=raised.chain + cause.chain,
                                        evidence={**raised.evidence, "probe": cause.evidence})
        rows = [r for r in rows if r[1].tag != cause.tag] + [(2, cause)]
    ordered = [c for _, c in sorted(rows, key=lambda r: (r[0], r[1].rank if r[0] != 2 else 0))]
    return [dataclasses.replace(c, rank=k) for k, c in enumerate(ordered, 1)]


def save_probing(directory: str | os.PathLike, probing: Probing) -> Path:
    """Write probing.json into a session folder."""
    from .store import write_json

    path = Path(directory) / PROBING_FILE
    write_json(path, probing.to_dict())
    return path


def load_probing(directory: str | os.PathLike) -> Probing | None:
    """The probing saved in a session folder, or None when it holds none."""
    from .store import read_json_record

    return read_json_record(Path(directory) / PROBING_FILE, Probing.from_dict, "a probing")
