"""The report's fix plan: one de-duplicated diff, each re-run fix's verdict and curves beside the original's, sizings."""

from __future__ import annotations

import difflib
import math
import os
import shlex
from pathlib import Path

from . import words

# The verdicts a fix is shown as a fix under; any other verdict puts it under "tried".
WORKED = ("cures", "helps")
# Most rows of a searched-values table (a sizing runs at most sizing.MAX_RUNS values; a saved one may hold more).
MAX_SEARCH_ROWS = 40


def verification_of(session):
    return getattr(session, "verification", None)


def verified(session) -> bool:
    v = verification_of(session)
    return v is not None and v.status == "verified"


def ordered_causes(session) -> list:
    """The causes in their verified order when the fixes were re-run (ranks renumbered), else the analysis's."""
    causes = sorted(session.causes, key=lambda c: c.rank)
    if verified(session) and verification_of(session).ranking:
        from ..verify import reranked

        return reranked(causes, verification_of(session))
    return causes


def _script(session) -> str | None:
    script = session.meta.get("script")
    if not script:
        return None
    path = Path(script)
    if not path.is_absolute():
        path = Path(session.meta.get("cwd") or os.getcwd()) / path
    return str(path)


def recorded_diff(session, fixes) -> tuple[str, str]:
    """(unified diff, problem) of `fixes` applied bottom-up to the source text recorded with the run (not the file
    on disk, which may have changed since): the diff is against what ran. problem is "" when every patch applied."""
    from ..verify import PatchError, apply_fix

    script = _script(session)
    texts: dict[str, str] = {}
    originals: dict[str, str] = {}
    for fx in sorted(fixes, key=lambda f: -(f.line or 0)):
        target = fx.file or script
        if target and not os.path.isabs(target) and script:
            target = str(Path(script).parent / target)
        if not target:
            return "", "the run has no script file to patch"
        if target not in texts:
            text = session.sources.get(target)
            if text is None:
                return "", f"the source of {os.path.basename(target)} was not recorded with the run"
            originals[target] = texts[target] = text
        try:
            texts[target] = apply_fix(texts[target], fx)
        except PatchError as e:
            return "", f"{fx.title}: {e}"
    base = Path(script).parent if script else None
    out = []
    for path in sorted(texts):
        try:
            rel = str(Path(path).relative_to(base)) if base else os.path.basename(path)
        except ValueError:
            rel = path
        out.extend(difflib.unified_diff(originals[path].splitlines(keepends=True), texts[path].splitlines(keepends=True),
                                        fromfile=f"a/{rel}", tofile=f"b/{rel}"))
    return "".join(out), ""


# -- the charts' data -----------------------------------------------------------------------------------------------

def _merged(before: tuple, after: tuple) -> tuple[list, list, list]:
    """(steps, original's values, fix's values) on the union of both curves' steps; null where a run has no value
    (not kept, or not finite: the measures keep a non-finite value as null)."""
    a = {int(s): v for s, v in before}
    b = {int(s): v for s, v in after}
    xs = sorted(set(a) | set(b))
    return xs, [a.get(s) for s in xs], [b.get(s) for s in xs]


def _log_ok(*series) -> bool:
    vals = [v for ys in series for v in ys if v is not None]
    return bool(vals) and min(vals) > 0


def _compare_curves(before, after, trial_title: str) -> list[dict]:
    """The loss and accuracy charts of one re-run beside the original's, or a reason each cannot be drawn."""
    out = []
    for key, title, percent in (("loss_curve", "Loss", False), ("accuracy_curve", "Accuracy", True)):
        b = getattr(before, key, ()) if before is not None else ()
        a = getattr(after, key, ()) if after is not None else ()
        if not b and not a:
            continue
        if key == "loss_curve" and before is not None and after is not None and before.loss_how != after.loss_how:
            out.append({"kind": key[:-6], "title": title, "missing": "the two runs' losses were not read the same way "
                        f"(original: {before.loss_how or 'none'}; re-run: {after.loss_how or 'none'})"})
            continue
        xs, yb, ya = _merged(b, a)
        log = not percent and _log_ok(yb, ya)
        spread = [v for v in yb + ya if v is not None and v > 0]
        out.append({"kind": key[:-6], "title": title, "percent": percent, "x": xs,
                    "series": [{"label": "original", "y": yb}, {"label": trial_title, "y": ya}],
                    "log_ok": log, "scale": "log" if log and spread and max(spread) / min(spread) > 100 else "linear"})
    return out


def plan_document(session) -> dict | None:
    """The JSON the page's script draws the fix plan's charts from: per re-run, its curves beside the original's;
    per sizing, the searched values. None when the fixes were not verified."""
    if not verified(session):
        return None
    v = verification_of(session)
    runs = []
    for k, t in enumerate(_shown_trials(v)):
        if t.measures is None:
            continue
        label = "with the plan" if t is v.plan else "with this fix"
        runs.append({"id": _trial_id(v, t), "title": t.name, "verdict": t.verdict,
                     "curves": _compare_curves(v.before, t.measures, label)})
    sizings = []
    for k, z in enumerate(v.sizings):
        sizings.append({"id": f"sizing-{k}", "name": z.name, "largest_good": _finite(z.largest_good),
                        "smallest_bad": _finite(z.smallest_bad), "recommended": _finite(z.recommended),
                        "original": _finite(z.original),
                        "points": [{"value": _finite(t.value), "outcome": t.outcome, "good": t.good,
                                    "loss_last": _finite(t.loss_last)} for t in z.searched()]})
    return {"runs": runs, "sizings": sizings}


def _finite(x):
    return None if x is None or not isinstance(x, (int, float)) or not math.isfinite(x) else float(x)


def _shown_trials(v) -> list:
    return ([v.plan] if v.plan is not None else []) + list(v.trials)


def _trial_id(v, t) -> str:
    return "plan" if t is v.plan else f"trial-{list(v.trials).index(t)}"


# -- the section ----------------------------------------------------------------------------------------------------

def _esc(x) -> str:
    from .html import esc

    return esc(x)


def _rich(x) -> str:
    from .html import rich

    return rich(x)


def diff_block(diff: str) -> str:
    """A unified diff, each line marked as removed, added or context (colour is not the only mark: the +/- stays)."""
    rows = []
    for line in diff.splitlines():
        cls = ("hunk" if line.startswith("@@") else "file" if line.startswith(("---", "+++"))
               else "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx")
        rows.append(f'<span class="{cls}">{_esc(line) or " "}</span>')
    return f'<pre class="udiff mono" tabindex="0">{"".join(rows)}</pre>'


def _verdict_badge(verdict: str) -> str:
    cls = {"cures": "ok", "helps": "ok", "no effect": "warn", "makes it worse": "bad"}.get(verdict, "muted")
    return f'<span class="vbadge {cls}">{_esc(verdict)}</span>'


def _num(x, pct: bool = False) -> str:
    if x is None:
        return "not measured"
    if pct:
        return f"{100 * x:.1f}%"
    return words.num(x)


def measures_table(before, after, label: str) -> str:
    """The measures a verdict compares, the original's and the re-run's side by side (each row its own values)."""
    def first_bad(m):
        if m is None:
            return "not measured"
        if m.first_nonfinite_step is None:
            return f"none in {m.steps} steps" if m.steps is not None else "none"
        return f"step {m.first_nonfinite_step}" + (f" ({m.first_nonfinite_where})" if m.first_nonfinite_where else "")

    def stuck(m):
        if m is None or m.n_samples is None:
            return "not measured"
        return (", ".join(f"sample {i} at {words.num(x)}" for i, x in zip(m.stuck_samples, m.stuck_values))
                or "none")

    rows = [("first NaN or infinity", first_bad(before), first_bad(after)),
            ("steps run", _num(getattr(before, "steps", None)), _num(getattr(after, "steps", None))),
            ("loss, first", _num(getattr(before, "loss_first", None)), _num(getattr(after, "loss_first", None))),
            ("loss, last", _num(getattr(before, "loss_last", None)), _num(getattr(after, "loss_last", None))),
            ("loss, lowest", _num(getattr(before, "loss_min", None)), _num(getattr(after, "loss_min", None))),
            ("accuracy, final", _num(getattr(before, "accuracy_final", None), True),
             _num(getattr(after, "accuracy_final", None), True)),
            ("accuracy, best", _num(getattr(before, "accuracy_best", None), True),
             _num(getattr(after, "accuracy_best", None), True)),
            ("samples whose output never changed", stuck(before), stuck(after)),
            ("first step an activation sat exactly on its bound",
             "never" if before is not None and before.saturated_step is None else _num(getattr(before, "saturated_step", None)),
             "never" if after is not None and after.saturated_step is None else _num(getattr(after, "saturated_step", None))),
            ("largest update, as a fraction of the weight norm", _num(getattr(before, "update_ratio_max", None)),
             _num(getattr(after, "update_ratio_max", None)))]
    body = "".join(f"<tr><th scope=\"row\">{_esc(name)}</th><td class=\"num\">{_rich(b)}</td>"
                   f"<td class=\"num\">{_rich(a)}</td></tr>" for name, b, a in rows)
    return (f'<div class="tablewrap"><table class="measures"><tr><th scope="col">measure</th>'
            f'<th scope="col">original run</th><th scope="col">{_esc(label)}</th></tr>{body}</table></div>')


def _charts_host(v, t) -> str:
    if t.measures is None:
        return ""
    return (f'<div class="nd-compare" data-run="{_trial_id(v, t)}"></div>'
            '<noscript><p>The before/after charts need JavaScript; the table above has the numbers.</p></noscript>')


def _trial_card(session, v, t, tried: bool) -> str:
    causes = ", ".join(words.tag_title(c) for c in t.causes)
    parts = [f'<div class="fix trial{" tried" if tried else ""}" id="{_trial_id(v, t)}">',
             f"<h4>{_rich(t.name)} {_verdict_badge(t.verdict)}</h4>",
             f'<p class="muted">For: {_esc(causes)}.</p>' if causes else "",
             f"<p><strong>{_esc(t.verdict[0].upper() + t.verdict[1:])}:</strong> {_rich(t.reason)}.</p>"]
    diff = t.diff or recorded_diff(session, t.fixes)[0]
    if diff:
        parts.append("<details><summary>The change tried</summary>" + diff_block(diff) + "</details>")
    if t.measures is not None:
        parts.append(measures_table(v.before, t.measures, "with this fix"))
        parts.append(_charts_host(v, t))
    parts.append("</div>")
    return "\n".join(p for p in parts if p)


def _how_to_verify(session) -> str:
    script = session.meta.get("script")
    argv = [str(a) for a in (session.meta.get("argv") or [])[1:]]
    cmd = "nandoctor run --verify on " + " ".join(shlex.quote(a) for a in
                                                   [os.path.basename(str(script)) if script else "script.py"] + argv)
    return (f"<p>To re-run your script with each fix and with the plan, and rate each from the numbers, run "
            f"<code>{_esc(cmd)}</code> (from Python or Jupyter: <code>session.verify()</code>, then "
            f"<code>session.report()</code>); <code>nandoctor fix</code> prints the plan as a diff.</p>")


def _sizing(k: int, z) -> str:
    rows = []
    for t in z.searched()[:MAX_SEARCH_ROWS]:
        mark = []
        if z.recommended is not None and t.value == z.recommended:
            mark.append("recommended")
        if z.largest_good is not None and t.value == z.largest_good:
            mark.append("largest fine")
        if z.smallest_bad is not None and t.value == z.smallest_bad:
            mark.append("smallest failing above it")
        if t.value == z.original:
            mark.append("your value")
        cls = ' class="hasbad"' if not t.good else ""
        rows.append(f"<tr{cls}><td class=\"num\">{_esc(f'{t.value:.4g}')}</td><td>{_esc(t.outcome)}</td>"
                    f"<td class=\"num\">{_esc(_num(t.loss_first))}</td><td class=\"num\">{_esc(_num(t.loss_last))}</td>"
                    f"<td class=\"num\">{_esc('' if t.first_nonfinite_step is None else t.first_nonfinite_step)}</td>"
                    f"<td class=\"num\">{_esc(_num(t.accuracy_last, True))}</td><td>{_esc(t.reason)}</td>"
                    f"<td>{_esc(', '.join(mark))}</td></tr>")
    bracket = ""
    if z.largest_good is not None:
        bracket = (f"<p>The boundary lies between <strong>{z.largest_good:.4g}</strong> (fine)"
                   + (f" and <strong>{z.smallest_bad:.4g}</strong> ({_esc(_outcome_at(z, z.smallest_bad))})"
                      if z.smallest_bad is not None else ", the largest value searched")
                   + (f"; the recommendation <strong>{z.recommended:.4g}</strong> keeps a factor of "
                      f"{z.safety_factor:g} below it" if z.recommended is not None else "") + ".</p>")
    return "\n".join([
        f'<div class="sizing" id="sizing-{k}">',
        f"<h4>Sized: <code>{_esc(z.name)}</code> ({_esc(z.where)}), now {z.original:g}</h4>",
        f"<p>{_rich(z.summary())}.</p>", bracket,
        '<div class="tablewrap"><table class="searched"><tr><th scope="col">value</th><th scope="col">outcome</th>'
        '<th scope="col">loss, first</th><th scope="col">loss, last</th><th scope="col">first NaN/inf step</th>'
        '<th scope="col">final accuracy</th><th scope="col">why</th><th scope="col">which value</th></tr>'
        + "".join(rows) + "</table></div>",
        f'<div class="nd-sizing-chart" data-sizing="sizing-{k}"></div>',
        "</div>"])


def _outcome_at(z, value) -> str:
    return next((t.outcome for t in z.trials if t.value == value), "not fine")


def verdict_line(session) -> str:
    """One line for the verdict at the top: what re-running the fixes showed, or that they were not re-run."""
    v = verification_of(session)
    if v is None:
        return ('<p class="muted">These fixes were not re-run: <a href="#fix-plan">the fix plan</a> says how to test '
                "them.</p>")
    if v.status != "verified":
        return f'<p class="muted">The fixes were not re-run: {_esc(v.reason)}.</p>'
    if v.plan is None:
        return '<p><strong>Re-run with each fix:</strong> none cured or helped (<a href="#fix-plan">what was tried</a>).</p>'
    m = v.plan.measures
    said = []
    if m is not None:
        if m.first_nonfinite_step is None and m.steps is not None:
            said.append(f"no NaN or infinity in {m.steps} steps")
        if m.accuracy_final is not None:
            said.append(f"final accuracy {100 * m.accuracy_final:.1f}%")
        if m.loss_last is not None:
            said.append(f"last loss {words.num(m.loss_last)}")
    n = len(v.plan.fixes)
    return (f'<p><strong>Re-run with the <a href="#fix-plan">fix plan</a> ({n} change{"s" if n != 1 else ""}):</strong> '
            f"{_esc(v.plan.verdict)}" + (f" ({_esc('; '.join(said))})" if said else "") + ".</p>")


def plan_section(session) -> str:
    """The "fix plan" section: verified (the plan's diff and outcome, each fix's verdict and curves, the fixes tried
    that did not work, the sized numbers), or a plan not yet re-run with how to re-run it."""
    v = verification_of(session)
    if not session.causes:
        return ""
    parts = ['<section id="fix-plan">']
    if v is None or v.status != "verified":
        from ..verify import plan_fixes

        fixes, _ = plan_fixes(session)  # not verified: each cause's first fix, as the analysis proposes it
        parts.append("<h2>The fix plan (not re-run)</h2>")
        why = ("The fixes were not re-run, so none of them is tested." if v is None else
               f"The fixes were not re-run: {_esc(v.reason)}.")
        parts.append(f"<p><strong>{why}</strong> Below is each cause's first fix merged into one change to your "
                     "file, as the analysis proposes it.</p>")
        if v is None:
            parts.append(_how_to_verify(session))
        if fixes:
            diff, problem = recorded_diff(session, fixes)
            parts.append(diff_block(diff) if diff else f'<p class="muted">No diff: {_esc(problem)}.</p>')
        else:
            parts.append('<p class="muted">No cause offers a change to a line of your code (only advice).</p>')
        parts.append("</section>")
        return "\n".join(parts)
    parts.append("<h2>The fix plan, verified by re-running your script</h2>")
    took = f" in {v.wall_seconds:.0f} s" if v.wall_seconds is not None else ""
    parts.append(f'<p class="nd-help">nandoctor re-ran your script{took}, once with each fix and once with the plan, '
                 f"each in a scratch copy: {_rich(v.reason)}. Each run is rated against the original on the same "
                 "measures: <em>cures</em> (no NaN or infinity and the loss falls), <em>helps</em>, "
                 "<em>no effect</em>, or <em>makes it worse</em>.</p>")
    if v.plan is not None:
        parts.append(f"<h3>The plan: {len(v.plan.fixes)} change{'s' if len(v.plan.fixes) != 1 else ''} "
                     f"{_verdict_badge(v.plan.verdict)}</h3>")
        parts.append(f"<p><strong>{_esc(v.plan.verdict[0].upper() + v.plan.verdict[1:])}:</strong> "
                     f"{_rich(v.plan.reason)}.</p>")
        diff = v.plan.diff or recorded_diff(session, v.plan.fixes)[0]
        if diff:
            parts.append(diff_block(diff))
        parts.append('<p class="muted"><code>nandoctor fix --apply</code> writes it, keeping a backup of your file.</p>')
        if v.plan.measures is not None:
            parts.append(measures_table(v.before, v.plan.measures, "with the plan"))
            parts.append(_charts_host(v, v.plan))
    else:
        parts.append("<h3>No plan</h3><p>No fix cured or helped when re-run, so nandoctor proposes no change.</p>")
    if v.plan_left_out:
        parts.append("<p><strong>Kept out of the plan:</strong></p><ul>"
                     + "".join(f"<li>{_rich(x)}</li>" for x in v.plan_left_out) + "</ul>")
    worked = [t for t in v.trials if t.verdict in WORKED]
    tried = [t for t in v.trials if t.verdict not in WORKED]
    if worked:
        parts.append(f'<h3 id="fixes-worked">Each fix that worked, re-run on its own ({len(worked)})</h3>')
        parts.extend(_trial_card(session, v, t, False) for t in worked)
    if tried:
        parts.append(f'<h3 id="fixes-tried">Tried, and did not work ({len(tried)})</h3>'
                     '<p class="muted">These were re-run and are not fixes: each shows what its re-run measured.</p>')
        parts.extend(_trial_card(session, v, t, True) for t in tried)
    if v.sizings or v.sizing_notes:
        parts.append('<h3 id="sizing">Numbers searched, not guessed</h3>')
        parts.extend(_sizing(k, z) for k, z in enumerate(v.sizings))
        if v.sizing_notes:
            parts.append("<ul>" + "".join(f"<li>{_rich(n)}</li>" for n in v.sizing_notes) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def fix_verdicts(session, cause) -> dict[int, object]:
    """{id(fix): its trial} for the cause's patch fixes that were re-run (a group's members share one trial)."""
    if not verified(session):
        return {}
    from ..verify import fix_groups

    v = verification_of(session)
    out = {}
    for group in fix_groups(cause.fixes):
        trial = v.trial_of(group)
        if trial is not None:
            for fx in group:
                out[id(fx)] = trial
    return out


def ranked(session, tag: str):
    """The cause's place in the verified ranking (verify.RankedCause), or None when the fixes were not re-run."""
    if not verified(session):
        return None
    return next((r for r in verification_of(session).ranking if r.tag == tag), None)


def in_plan(session, fix) -> bool:
    """Whether the verified plan holds this patch (the plan lists each patch once, however many causes offer it)."""
    v = verification_of(session)
    if v is None or v.status != "verified" or v.plan is None:
        return False
    from ..verify import _patch_key

    return _patch_key(fix) in {_patch_key(f) for f in v.plan.fixes}


CSS = """
pre.udiff{background:var(--code);padding:8px 0;border-radius:4px;overflow-x:auto;font-size:13px;line-height:1.45}
pre.udiff span{display:block;padding:0 10px;white-space:pre}
pre.udiff .add{background:var(--after)}
pre.udiff .del{background:var(--before)}
pre.udiff .hunk{color:var(--muted)}
pre.udiff .file{font-weight:600}
.vbadge{display:inline-block;font-size:13px;font-weight:600;padding:1px 8px;border-radius:10px;border:1px solid}
.vbadge.ok{color:var(--ok)}
.vbadge.warn{color:var(--warn)}
.vbadge.bad{color:var(--bad)}
.vbadge.muted{color:var(--muted)}
a.vbadge{text-decoration:none}
.fix.tried{border-style:dashed}
table.measures th[scope=row]{text-align:left;font-weight:500}
.nd-compare{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}
.nd-compare figure{margin:6px 0;min-width:0}
.nd-sizing-chart figure{margin:6px 0}
@media print{.nd-compare,.nd-sizing-chart{display:none}pre.udiff span{white-space:pre-wrap}}
"""
