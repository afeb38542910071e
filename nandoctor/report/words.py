"""The report's wording, shared by HTML, PNG and terminal: the verdict, numbers, and plain-language meanings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

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

# Short titles for the cause catalogue (DESIGN.md §5); the cause's own summary carries the numbers.
TAG_TITLES = {
    "sigmoid_saturation_bce_0over0": "Sigmoid output reached exactly 1.0, so the loss gradient divided 0 by 0",
    "log_of_zero": "log() of an exact zero",
    "exp_overflow": "exp() overflowed",
    "softmax_overflow_no_max_subtraction": "Softmax overflowed (the max is not subtracted first)",
    "learning_rate_too_high": "The learning rate is too high",
    "gradient_sum_not_mean": "Gradients are summed over the batch instead of averaged",
    "weights_init_too_large": "The initial weights are too large",
    "missing_bias": "The network has no bias term",
    "wrong_derivative_formula": "A hand-written derivative is wrong",
    "derivative_on_preactivation": "A derivative is given the pre-activation instead of the activation",
    "parameter_not_updated": "The update never reaches the parameter",
    "hyperparameter_defined_not_used": "A hyperparameter is defined but not used",
    "gradient_sign_wrong": "The gradient points uphill",
    "inplace_mutation_aliasing": "A function overwrites its argument in place",
    "integer_dtype_truncation": "Integer arrays truncate the values",
    "unnormalized_inputs": "The inputs are not normalised",
    "dead_relu": "ReLU units are dead",
    "vanishing_gradient": "The gradients vanish",
    "exploding_gradient": "The gradients explode",
    "shape_broadcasting_bug": "Shapes broadcast to something unintended",
    "wrong_loss_for_activation": "The loss does not match the output activation",
    "nan_in_input_data": "The input data already holds NaN or infinity",
    "learning_rate_too_low": "The learning rate is too low",
}

SEVERITY_WORDS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
SEVERITY_ORDER = ("error", "warning", "info")


def tag_title(tag: str) -> str:
    if tag.startswith("other:"):
        return tag[len("other:"):].strip() or "Other"
    return TAG_TITLES.get(tag, tag.replace("_", " "))


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

    status: str  # "nonfinite", "problems", "healthy", "crashed"
    headline: str
    detail: str
    causes: list[str] = field(default_factory=list)
    first_nonfinite_step: int | None = None


def verdict(session) -> Verdict:
    from .timeline import first_bad_record, site_label

    fn = session.first_nonfinite
    bad = first_bad_record(session) if fn is None else None
    n_steps = session.plan.n_steps
    causes = [f"{c.rank}. {one_line(c.summary or tag_title(c.tag), 200)}" for c in sorted(session.causes, key=lambda c: c.rank)]
    serious = [f for f in session.findings if f.severity in ("error", "warning")]
    exc = session.meta.get("exception")
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
        detail = f"No NaN or infinity was recorded in the {n_steps} steps that ran."
        status = "crashed"
    elif causes or serious:
        headline = f"No NaN or infinity in {n_steps} steps, but training has problems"
        detail = f"nandoctor found {len(serious)} problem(s) worth fixing; the most important come first below."
        status = "problems"
    elif n_steps == 0:
        headline = "No training loop found, and no NaN or infinity"
        detail = ("nandoctor found no loop that updates a value it reads again, so there are no training steps "
                  "to follow. If your script trains, name its loop with --step-loop FILE:LINE.")
        status = "healthy"
    else:
        headline = f"No NaN or infinity in {n_steps} steps, and no problems found"
        detail = "Every recorded value stayed finite and no detector fired."
        status = "healthy"
    if exc and status != "crashed":
        detail += f" The script then stopped with {one_line(exc, 120)}."
    step = fn.step if fn is not None else (bad.step if bad is not None else None)
    return Verdict(status, headline, detail, causes, step)
