"""The report's wording, shared by HTML, PNG and terminal: the verdict, numbers, and plain-language meanings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..model import PRINTED

# What each classified operation means, for someone who has not met IEEE 754 yet.
OPERATION_MEANINGS = (
    ("0/0", "zero divided by zero has no value, so numpy returns NaN (\"not a number\")"),
    ("x/0", "a non-zero number divided by zero gives an infinity"),
    ("inf-inf", "infinity minus infinity has no value, so numpy returns NaN"),
    ("0*inf", "zero times infinity has no value, so numpy returns NaN"),
    ("exp overflow", "exp() of a number above about 709.8 (float64) or 88.7 (float32) is too large to store, so it becomes infinity"),
    ("log(0)", "log(0) is minus infinity"),
    ("log(<0)", "the logarithm of a negative number is not a real number, so numpy returns NaN"),
    ("sqrt(<0)", "the square root of a negative number is not a real number, so numpy returns NaN"),
    ("power overflow", "the power is too large to store, so it becomes infinity"),
    ("overflow", "the result is too large to store, so it becomes infinity"),
    ("nan in", "a NaN came in from an input, and any arithmetic with NaN gives NaN"),
)

SEVERITY_WORDS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
SEVERITY_ORDER = ("error", "warning", "info")


def tag_title(tag: str) -> str:
    """A cause's short title, as its rule declares it (analysis/causes/)."""
    from ..analysis.rules import load_rules

    rule = load_rules().get(tag)
    return rule.title if rule is not None else tag.replace("_", " ")


def meaning(operation: str) -> str:
    op = (operation or "").lower()
    for key, text in OPERATION_MEANINGS:
        if op.startswith(key) or key in op:
            return text
    return ""


def result_word(ev) -> str:
    """"NaN" or "infinity" when the operation tells which, else "non-finite value"."""
    op = (ev.operation or "").lower()
    if any(k in op for k in ("0/0", "inf-inf", "0*inf", "sqrt(<0)", "log(<0)", "nan")) or ev.error == "invalid value":
        return "NaN"
    if any(k in op for k in ("x/0", "overflow", "log(0)")) or ev.error in ("divide by zero", "overflow"):
        return "infinity"
    return "non-finite value"


def num(x, digits: int = 4) -> str:
    """A number as a learner reads it: 4 significant digits, nan/inf spelled out."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return str(x)
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    if f == int(f) and abs(f) < 1e6:
        return f"{f:.1f}"  # "1.0": an exact float, which is often the point (a sigmoid at exactly 1.0)
    s = f"{f:.{digits}g}"
    r = float(s)
    if r != f and r == round(r) and abs(f) < 100:
        # 0.99999999997 must not print as "1": near a whole number, show the digits that differ.
        s = f"{f:.12g}"
        if float(s) == round(float(s)):
            s = repr(f)
    return s


def value(x) -> str:
    """Evidence values: numbers formatted, lists shortened, everything else as text."""
    if isinstance(x, (list, tuple)):
        items = [value(v) for v in x[:8]]
        more = f", … ({len(x)} in all)" if len(x) > 8 else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(x, dict):
        return ", ".join(f"{k}={value(v)}" for k, v in list(x.items())[:8])
    return num(x)


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_sentence(text: str, limit: int = 240) -> str:
    """The first sentence of a message (ends at ". " followed by a capital), shortened to `limit`."""
    text = " ".join(str(text).split())
    m = re.search(r"\.\s+(?=[A-Z])", text)
    if m and m.end() <= limit:
        return text[: m.start() + 1]
    return one_line(text, limit)


@dataclass
class Verdict:
    """The first screen: one headline, a plain-language sentence, and the causes one line each."""

    status: str  # "nonfinite", "problems", "healthy", "crashed", "unjudged" (too little observed to judge)
    headline: str
    detail: str
    causes: list[str] = field(default_factory=list)
    first_nonfinite_step: int | None = None
    checked: str = ""  # what nandoctor checked on this run, in numbers
    not_checked: list[str] = field(default_factory=list)  # causes not judged: which premise was not measured
    not_traced: list[str] = field(default_factory=list)  # the user's code and values nandoctor did not see
    probed: str = ""  # causes withdrawn by their own fix's re-run, and intervention re-runs that removed nothing


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 file', '3 files', '0 parameters'."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@dataclass(frozen=True)
class Coverage:
    """What this run let nandoctor observe, counted from the recording."""

    assignments: int  # recorded places that are not arguments or returns
    calls: int  # arguments and returns recorded
    files: int
    observed: int  # places with at least one recorded value
    arrays: int  # places that held an array of more than one element
    steps: int
    loop_line: int | None
    params: tuple[str, ...]  # parameters updated in the training loop
    ratios_measured: tuple[str, ...]  # parameters whose update ratio was measured at one step or more
    ratio_steps: int  # the most steps at which one parameter's update ratio was measured
    loss: str | None = None  # how the loss was measured ("xent (line 48)"), None when no loss was measured
    loss_steps: int = 0  # steps at which it was measured


def coverage(session) -> Coverage:
    """Counts of what was recorded: places, files, arrays, the training loop and the parameters it updates.
    Read in silence: the terminal verdict asks for it outside the analysis, and a run gone NaN gives all-NaN
    slices that numpy would warn about on the user's terminal."""
    import warnings

    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _coverage(session)


def _coverage(session) -> Coverage:
    from ..detectors.facts import base_name, facts
    from ..detectors.optimisation import loss_series, update_ratios

    sites = list(session.sites)
    F = facts(session)
    observed = [x.id for x in sites if F.observed(x.id)]
    arrays = sum(1 for sid in observed if F._array(sid))
    params: dict[str, None] = {}
    measured: dict[str, None] = {}
    ratio_steps = 0
    for u in F.updates:
        name = base_name(F.by_id[u].target)
        params[name] = None
        try:
            steps = update_ratios(F, u)[0]
        except Exception:  # noqa: BLE001 -- a series that cannot be read counts as not measured
            continue
        if len(steps):
            measured[name] = None
            ratio_steps = max(ratio_steps, len(steps))
    plan = session.plan
    loop_line = None
    if plan.step_loop is not None:
        loop_line = next((getattr(lp, "line", None) for lp in session.loops
                          if getattr(lp, "id", None) == plan.step_loop), None)
    try:
        ls = loss_series(F) if plan.n_steps else None
    except Exception:  # noqa: BLE001 -- a loss that cannot be read counts as not measured
        ls = None
    return Coverage(assignments=sum(x.kind not in ("arg", "return", PRINTED) for x in sites),
                    calls=sum(x.kind in ("arg", "return") for x in sites),
                    files=len({x.file for x in sites}), observed=len(observed), arrays=arrays, steps=plan.n_steps,
                    loop_line=loop_line, params=tuple(params), ratios_measured=tuple(measured),
                    ratio_steps=ratio_steps, loss=ls[2] if ls is not None and len(ls[0]) else None,
                    loss_steps=len(ls[0]) if ls is not None else 0)


def _names(names, most: int = 3) -> str:
    names = list(names)
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def checked_text(cov: Coverage) -> str:
    """'traced 31 assignments in 1 file; 250 training steps (loop at line 30); 2 parameters updated (w1, w2), ...'"""
    parts = [f"traced {plural(cov.assignments, 'assignment')}"
             + (f" and {plural(cov.calls, 'argument or return', 'arguments and returns')}" if cov.calls else "")
             + f" in {plural(cov.files, 'file')}"]
    parts.append(f"{plural(cov.arrays, 'of them', 'of them')} held arrays" if cov.arrays else "no arrays")
    if cov.steps:
        parts.append(f"{plural(cov.steps, 'training step')}"
                     + (f" (the loop at line {cov.loop_line})" if cov.loop_line else ""))
    else:
        parts.append("no training loop found")
    if cov.params:
        text = f"{plural(len(cov.params), 'parameter')} updated ({_names(cov.params)})"
        if cov.ratios_measured:
            text += (f", the update ratio of {plural(len(cov.ratios_measured), 'parameter')} measured at up to "
                     f"{plural(cov.ratio_steps, 'step')}")
        else:
            text += ", no update ratio measured"
        parts.append(text)
    else:
        parts.append("no parameters updated")
    if cov.steps:
        parts.append(f"the loss measured at {plural(cov.loss_steps, 'step')} from {cov.loss}" if cov.loss else
                     "no loss measured")
    return "; ".join(parts)


def probed_line(session) -> str:
    """The raised causes withdrawn because their own fix, re-run, made the run worse, and what the intervention
    re-runs tried when none removed the symptom; "" when neither (a change that removed it is a cause)."""
    from ..verify import CURES, HELPS, NO_EFFECT, ORDER, WORSE

    probing = getattr(session, "probing", None)
    if probing is None:
        return ""
    parts = [f"withdrawn {p.tag}: re-run with {p.change}, {p.reason}" for p in probing.refuted]
    kept = [p for p in probing.checked if p.verdict != WORSE]
    if kept and kept[0].verdict != CURES and any(p.verdict in (CURES, HELPS, NO_EFFECT) for p in kept):
        parts.append("ranked by what their own fixes did when re-run: " +
                     ", ".join(f"{p.tag} ({p.verdict})" for p in sorted(kept, key=lambda p: ORDER[p.verdict])))
    if probing.status == "probed" and not probing.cured():
        tried = ", ".join(f"{p.change} ({p.verdict})" for p in probing.probes)
        parts.append(f"probed {probing.symptom}: no single change removed it; re-run with {tried}")
    return "; ".join(parts)


def not_checked_lines(session) -> list[str]:
    """'learning_rate_too_low — the update ratio of w was not measured (w is a Python float)', one per rule."""
    out = []
    for n in getattr(session, "not_checked", None) or ():
        why = (n.why or n.premise or "").strip().rstrip(".")
        out.append(f"{n.tag} — {why}" if why else n.tag)
    return out


def not_traced_lines(session) -> list[str]:
    """The user's files the script used that were not traced, and the objects whose values were not summarised,
    one sentence each, from session.meta (written by the recorder's import hook)."""
    import os

    meta = session.meta or {}
    out = []
    groups: dict[tuple, list] = {}
    for n in meta.get("not_traced") or ():
        if not isinstance(n, dict) or not n.get("file"):
            continue
        groups.setdefault((n.get("folder") or os.path.dirname(n["file"]), n.get("why") or ""), []).append(n)
    for (folder, why), notes in groups.items():
        by_how: dict[str, list] = {}
        for n in notes:
            by_how.setdefault(n.get("how") or "loaded", []).append(os.path.relpath(n["file"], folder))
        what = "; ".join(f"{_names(files, 4)} {how}" for how, files in by_how.items())
        advice = f"; add --include {folder}" if why == "outside the script's folder" else ""
        out.append(f"not traced: {what} from {folder} ({why}{advice})")
    loop_sites = _loop_sites(session)
    user_files = set(getattr(session, "sources", None) or ())
    measured = bool(coverage(session).ratios_measured)
    shown = {x.id for x in session.sites if x.kind == PRINTED}  # a printed tuple or object is only shown
    for t in meta.get("unsummarised") or ():
        if not isinstance(t, dict):
            continue
        if t.get("sites") and set(t["sites"]) <= shown:
            continue
        sites = [s for s in t.get("sites", ()) if (loop_sites is None or s in loop_sites) and s not in shown]
        builtin = t.get("module") == "builtins"
        # Containers are everywhere (a list of batches, a dict of settings); they are named when they held
        # values in the training loop of a run where no parameter's update ratio could be measured.
        if builtin and (loop_sites is None or not sites or measured):
            continue
        path = t.get("file") or (meta.get("script") if t.get("module") == "__main__" else None)
        if path and t.get("module") == "__main__":
            path = os.path.abspath(str(path))
        if not builtin and (not sites if loop_sites is not None else path not in user_files):
            continue  # without a training loop, only the classes of the user's own files are named
        where = f" ({_user_path(session, path)})" if path else ""
        kind = f"objects of class {t['class']}{where}" if not builtin else f"{t['class']} objects"
        n_sites = len(t.get("sites") or ())
        out.append(f"values held in {kind} were not summarised ({plural(int(t.get('count', 0)), 'value')} at "
                   f"{plural(n_sites, 'place')}{'' if n_sites < 16 else ' or more'})")
    return out


def _user_path(session, path: str) -> str:
    """A file as the user knows it: relative to the script's folder when under it, else as it is."""
    import os

    script = (session.meta or {}).get("script")
    if script:
        rel = os.path.relpath(path, os.path.dirname(os.path.abspath(str(script))))
        if not rel.startswith(".."):
            return rel
    return path


def _loop_sites(session) -> set[int] | None:
    """Ids of the places inside the training loop (its own and nested loops, and the functions it calls are
    not known here: those count as inside), or None without a loop."""
    lid = session.plan.step_loop
    if lid is None:
        return None
    loops = {getattr(lp, "id", None): lp for lp in session.loops}
    inside = {lid}
    changed = True
    while changed:
        changed = False
        for k, lp in loops.items():
            if k not in inside and getattr(lp, "parent", None) in inside:
                inside.add(k)
                changed = True
    step_fn = getattr(loops.get(lid), "function", None)
    body = {x.id for x in session.sites if x.function == step_fn and x.loop in inside}
    # The functions the loop's statements call by name count as inside it (one call deep).
    called = {c.rsplit(".", 1)[-1] for x in session.sites if x.id in body for c in x.calls}
    return body | {x.id for x in session.sites if x.function != step_fn and x.function.rsplit(".", 1)[-1] in called}


def verdict(session) -> Verdict:
    from .timeline import first_bad_record, site_label

    fn = session.first_nonfinite
    bad = first_bad_record(session) if fn is None else None
    n_steps = session.plan.n_steps
    causes = [f"{c.rank}. {one_line(c.summary or tag_title(c.tag), 200)}" for c in sorted(session.causes, key=lambda c: c.rank)]
    serious = [f for f in session.findings if f.severity in ("error", "warning")]
    exc = session.meta.get("exception")
    cov = coverage(session)
    checked = checked_text(cov)
    # Training can be judged only when a loop updated parameters nandoctor measured: held in arrays, or with
    # their update ratio measured.
    judged = bool(cov.steps and cov.params and (cov.arrays or cov.ratios_measured))
    if fn is not None:
        what = result_word(fn)
        headline = f"First {what} at step {fn.step}: {fn.expression or fn.statement} computed {fn.operation} (line {fn.line})"
        detail = meaning(fn.operation)
        detail = (detail[0].upper() + detail[1:] + ". ") if detail else ""
        detail += f"It happened in {fn.function}, in the statement {one_line(fn.statement, 120)}."
        if fn.source == "value":
            detail += " numpy raised no warning for it; nandoctor found it in the recorded values."
        status = "nonfinite"
    elif bad is not None:
        site = session.sites[bad.site_id] if bad.site_id < len(session.sites) else None
        name = site_label(site) if site is not None else f"site {bad.site_id}"
        headline = f"First NaN/inf at step {bad.step}: {name} held {bad.n_nonfinite} non-finite of {bad.size} elements"
        detail = ("nandoctor found it in the recorded values; no floating-point event pinpoints the "
                  "operation that produced it.")
        if site is not None:
            detail += f" The statement: {one_line(site.statement, 120)}."
        status = "nonfinite"
    elif exc:
        headline = f"The script stopped with {one_line(exc, 140)}"
        detail = (f"No NaN or infinity was recorded in the {plural(cov.observed, 'place')} observed over "
                  f"{plural(n_steps, 'step')} that ran.")
        status = "crashed"
    elif causes or serious:
        headline = (f"No NaN or infinity in {plural(n_steps, 'step')}, but training has problems" if n_steps else
                    "No NaN or infinity and no training loop, but the model has problems")
        detail = f"nandoctor found {len(serious)} problem(s) worth fixing; the most important come first below."
        status = "problems"
    elif not judged:
        headline = (f"{checked[0].upper()}{checked[1:]}: "
                    + ("too little measured to judge the training" if cov.steps and cov.params
                       else "nothing to judge the training by"))
        detail = (f"No NaN or infinity in the values recorded at {plural(cov.observed, 'place')}, but that says little "
                  "here. ")
        if not cov.steps:
            detail += ("nandoctor found no loop that updates a value it reads again. If your script trains, name its "
                       "loop with --step-loop FILE:LINE.")
        elif not cov.params:
            detail += ("The training loop updated nothing nandoctor records as a parameter (arrays or numbers "
                       "written in the loop and read again).")
        else:
            detail += (f"No array was recorded and the update ratio of {_names(cov.params)} could not be measured, "
                       "so how the training moves its parameters was not measured.")
        status = "unjudged"
    else:
        headline = f"No NaN or infinity in {plural(n_steps, 'step')}, and no error or warning"
        detail = f"Checked: {checked}."
        status = "healthy"
    if exc and status != "crashed":
        detail += f" The script then stopped with {one_line(exc, 120)}."
    step = fn.step if fn is not None else (bad.step if bad is not None else None)
    return Verdict(status, headline, detail, causes, step, checked=checked, not_checked=not_checked_lines(session),
                   not_traced=not_traced_lines(session), probed=probed_line(session))


# What each finding code means, in a few plain words (the page shows these, with the code as a tooltip).
FINDING_TITLES = {
    "accuracy": "training accuracy", "accuracy_ceiling": "accuracy ceiling",
    "catastrophic_cancellation": "digits lost subtracting near-equal numbers",
    "dead_units": "units that never activate", "derivative_on_preactivation": "derivative taken of the wrong value",
    "division_by_zero": "division by zero", "exact_saturation": "output exactly at its bound",
    "exp_overflow": "exp() overflowed", "exploding_gradient": "gradient blew up",
    "first_nonfinite": "first NaN or infinity", "gradient_sum_not_mean": "gradient summed over samples, not averaged",
    "inplace_mutation": "array changed in place", "integer_dtype_truncation": "integers cut off decimals",
    "log_of_zero": "log of zero", "loss_oscillating": "loss oscillates", "loss_rising": "loss rises",
    "loss_stalled": "loss stalls", "missing_bias": "no bias", "near_saturation": "output close to its bound",
    "nonfinite_in_data": "NaN or infinity in the data", "normalised_over_samples": "normalised over samples",
    "output_frozen": "output frozen", "samples_never_learned": "samples never learned",
    "saturation_margin": "digits left before the bound", "shape_broadcasting": "shapes broadcast unexpectedly",
    "sustained_growth": "values keep growing", "unnormalized_inputs": "inputs not normalised",
    "update_ratio_high": "updates large for the weights", "update_spike": "one update much larger than usual",
    "vanishing_gradient": "gradient vanishes", "vanishing_updates": "updates vanish", "weight_divergence": "weights diverge",
    "weights_nonfinite": "weights hold NaN or infinity",
}

# What evidence and chain-number keys mean, shown beside them on the page.
EVIDENCE_WORDS = {
    "change_vs_typical": "times the usual step-to-step change", "ratio": "update size / weight size",
    "typical_ratio": "usual update size / weight size", "update_norm": "size (L2 norm) of the update",
    "weight_norm": "size (L2 norm) of the weights", "absmax": "largest absolute value", "l2": "L2 norm",
    "threshold": "the limit it crossed", "at_bound": "elements exactly at the bound", "bound": "the bound",
    "digits_lost": "significant digits lost", "digits_total": "significant digits the type holds",
    "elements_at_bound": "elements exactly at the bound", "steps_at_bound": "steps at the bound",
    "first_nonfinite_step": "step of the first NaN/inf", "learning_rate": "learning rate",
    "accuracy_cap": "highest accuracy possible", "stuck_value": "value the output is stuck at",
    "never_learned": "samples never predicted right", "n_samples": "samples", "spike_step": "step of the spike",
    "jump": "how many times larger than usual", "factor": "factor", "divisor": "the divisor",
    "smallest_gap": "smallest distance from the bound", "loss_first": "loss at the start",
    "loss_last": "loss at the end", "lowest": "lowest value", "best": "best value", "final": "final value",
    "typical_update": "usual update size", "saturated_step": "step it saturated", "operation": "operation",
    "leads_to_nonfinite": "leads to NaN/inf", "before_nonfinite": "just before the NaN/inf",
    "fraction_calls_changed": "share of calls that changed the argument", "entry_max": "largest value on entry",
    "entry_min": "smallest value on entry", "after_max": "largest value after", "after_min": "smallest value after",
    "unstable_from": "unstable from", "n_spikes": "number of spikes", "spike_steps": "steps of the spikes",
    "pre_site": "the value fed into the squashing function", "pre_value": "its value",
    "result_alias": "the name the result is also bound to", "caller_reads_after": "caller lines reading it afterwards",
    "zero_rows": "input rows that are all zero", "passed": "what the caller passed", "chained_to": "leads to the cause",
    "steps_checked": "steps measured", "by_step": "value at sampled steps", "how": "how it was measured",
    "row": "the input row", "rows": "the input rows", "samples": "sample numbers", "change": "change in one step",
    "activation": "activation function", "elements": "element positions", "operands": "operand values",
}


def finding_title(code: str) -> str:
    return FINDING_TITLES.get(code, code.replace("_", " "))


def evidence_label(key: str) -> str:
    """A key with its meaning, when the key alone would not say it."""
    words_for = EVIDENCE_WORDS.get(key)
    if words_for is None:
        return key
    plain = key.replace("_", " ")
    return plain if words_for == plain else f"{plain} ({words_for})"
