"""Size a numeric knob by search: bisect on a log scale for the largest value whose run stays finite and learns."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .overrides import Knob, OverrideError, find_knob, knob_from_fix
from .sweep import DEFAULT_TIMEOUT, FINE, STALL, PointTask, _dask_map, _local_map

# The recommended value is the largest good value found divided by this: a boundary found on one seed and one
# run moves with the data order and the init, so the advice keeps a factor of room below it.
SAFETY_FACTOR = 2.0
# The search stops when the largest good and the smallest bad value are within this ratio of each other.
RESOLUTION = 1.3
# The first bracket steps by this factor from the script's own value, at most BRACKET_STEPS times each way.
BRACKET_FACTOR = 10.0
BRACKET_STEPS = 4
# Runs at most, the recommended value's own check included.
MAX_RUNS = 12


class SizingError(ValueError):
    """A knob that cannot be sized: not found in the script, or its own value cannot be run."""


@dataclass(frozen=True)
class SearchedValue:
    """One searched value and what its run measured."""

    value: float
    outcome: str  # as sweep.classify: fine, nan, divergence, saturation, stall, failed, not measured
    reason: str
    finite: bool
    loss_first: float | None
    loss_last: float | None
    first_nonfinite_step: int | None
    accuracy_last: float | None

    @property
    def good(self) -> bool:
        return self.outcome == FINE


@dataclass(frozen=True)
class Sizing:
    """The search for one knob: every value tried with its outcome, the boundary found and the recommendation."""

    name: str
    where: str
    original: float
    trials: tuple[SearchedValue, ...]  # in the order they ran
    largest_good: float | None
    smallest_bad: float | None  # the smallest value above largest_good that was not good (the boundary's far side)
    recommended: float | None
    safety_factor: float
    recommended_trial: SearchedValue | None  # the run at the recommended value, when it was checked
    note: str

    def searched(self) -> tuple[SearchedValue, ...]:
        return tuple(sorted(self.trials, key=lambda t: t.value))

    def summary(self) -> str:
        if self.recommended is None:
            return f"{self.name} (now {self.original:g}): {self.note}"
        text = (f"{self.name}: use {self.recommended:.3g} (now {self.original:g}); runs were fine up to "
                f"{self.largest_good:.3g}")
        if self.smallest_bad is not None:
            bad = next(t for t in self.trials if t.value == self.smallest_bad)
            text += f" and {bad.outcome} from {self.smallest_bad:.3g} ({bad.reason})"
        text += f"; {self.recommended:.3g} is {self.safety_factor:g}x below the boundary"
        if self.recommended_trial is not None:
            text += f" and its own run is {self.recommended_trial.outcome} ({self.recommended_trial.reason})"
        return text

    def to_dict(self) -> dict:
        return {"name": self.name, "where": self.where, "original": self.original,
                "largest_good": self.largest_good, "smallest_bad": self.smallest_bad,
                "recommended": self.recommended, "safety_factor": self.safety_factor, "note": self.note,
                "recommended_outcome": None if self.recommended_trial is None else self.recommended_trial.outcome,
                "trials": [t.__dict__ | {"good": t.good} for t in self.searched()]}

    @classmethod
    def from_dict(cls, doc: dict) -> "Sizing":
        """Rebuild from `to_dict` output (a saved verification)."""
        fields = SearchedValue.__dataclass_fields__
        trials = tuple(SearchedValue(**{k: v for k, v in t.items() if k in fields}) for t in doc.get("trials", []))
        checked = next((t for t in trials if doc.get("recommended") is not None and t.value == doc["recommended"]),
                       None)
        return cls(doc["name"], doc["where"], doc["original"], trials, doc.get("largest_good"),
                   doc.get("smallest_bad"), doc.get("recommended"), doc["safety_factor"], checked, doc.get("note", ""))


def _knobs(source: str, target) -> list[Knob]:
    """The knobs one search sets together: an address, a list of them, or a fix (line, before, after)."""
    if hasattr(target, "line") and hasattr(target, "before") and hasattr(target, "after"):
        return [knob_from_fix(source, target.line, target.before, target.after)]
    from .sweep import _addresses

    targets = target if isinstance(target, (list, tuple)) else _addresses(str(target)) \
        if isinstance(target, str) else [target]
    if not targets:
        raise SizingError("nothing to size: no variable or line given")
    return [find_knob(source, t) for t in targets]


def size_knob(script: str | os.PathLike, argv=(), variable_or_line=None, *, name: str | None = None,
              low: float | None = None, high: float | None = None, steps: int | None = None,
              steps_knob: str | int | None = None, safety_factor: float = SAFETY_FACTOR,
              resolution: float = RESOLUTION, max_runs: int = MAX_RUNS, check_recommended: bool = True,
              timeout: float = DEFAULT_TIMEOUT, workers: int | None = None, scheduler=None) -> Sizing:
    """Search the value of a knob (`variable_or_line`: a name, a line, `LINE:LITERAL`, `scale:LINE`, a list of
    them set together, or a fix changing one number) for the largest value whose run is fine: finite, the loss
    falling by the sweep's stall margin, no divergence, no exact saturation.

    From the script's own value it steps by BRACKET_FACTOR (down when that value fails, up when it is fine or
    stalls) until the outcome changes, then narrows the bracket on a log scale, `workers` values per round (the
    cores by default), to `resolution`. `steps` with `steps_knob` (the knob holding the step count) caps each run;
    otherwise each run is the whole script. `low`/`high` bound the search."""
    script = Path(script).resolve()
    if not script.is_file():
        raise SizingError(f"{script} is not a file")
    source = script.read_text(encoding="utf-8")
    try:
        knobs = _knobs(source, variable_or_line)
        fixed = []
        if steps is not None:
            if steps_knob is None:
                raise SizingError("a step budget needs the knob that holds the step count (steps_knob)")
            fixed = [(find_knob(source, steps_knob), float(steps))]
    except OverrideError as e:
        raise SizingError(str(e)) from None
    if safety_factor < 1 or resolution <= 1:
        raise SizingError("safety_factor must be at least 1 and resolution above 1")
    scale = all(k.kind == "scale" for k in knobs)
    original = 1.0 if scale else knobs[0].value
    if original is None or original <= 0:
        raise SizingError(f"{knobs[0].describe()} is {original}: only a positive value is searched on a log scale")
    label = name or (variable_or_line if isinstance(variable_or_line, str) else knobs[0].name)
    where = "; ".join(k.describe() for k in knobs)
    per_round = max(1, workers or os.cpu_count() or 1)
    trials: dict[float, SearchedValue] = {}

    def run(values):
        values = [float(f"{v:.6g}") for v in values if float(f"{v:.6g}") not in trials]
        values = [v for v in values if (low is None or v >= low) and (high is None or v <= high)]
        values = values[:max(0, max_runs - len(trials))]
        if not values:
            return
        tasks = [PointTask(str(script), tuple(argv), tuple([(k, v) for k in knobs] + fixed), timeout,
                           values=((label, v),), causes=False) for v in values]
        results = _dask_map(tasks, scheduler) if scheduler is not None else _local_map(tasks, per_round)
        for v, r in zip(values, results):
            m = r.measures
            trials[v] = SearchedValue(v, r.outcome, r.reason, m.first_nonfinite_step is None and not m.loss_nonfinite,
                              m.loss_first, m.loss_last, m.first_nonfinite_step, m.accuracy_last)

    # The first step up is run beside the script's own value when a second worker is free: the value a fix
    # proposes is usually fine, so the search goes up first, and the round costs no more wall time.
    run([original] + ([original * BRACKET_FACTOR] if per_round >= 2 else []))
    # Bracket: the largest good value below the smallest bad one above it.
    up = trials[original].outcome in (FINE, STALL)
    for i in range(1, BRACKET_STEPS + 1):
        lo, hi = _bracket(trials)
        if lo is not None and hi is not None:
            break
        if len(trials) >= max_runs:
            break
        nxt = original * BRACKET_FACTOR ** (i if up else -i)
        if (high is not None and nxt > high) or (low is not None and nxt < low):
            break
        # Going down from a failing value, a stall means the window of good values (if any) was stepped over.
        if not up and any(t.outcome == STALL for t in trials.values()):
            break
        run([nxt])
    # Narrow on a log scale, `per_round` interior values at a time.
    while True:
        lo, hi = _bracket(trials)
        if lo is None:
            # Nothing fine yet: a window of good values may lie between the largest stall and the failure above it.
            lo, hi = _stall_window(trials)
        if lo is None or hi is None or hi / lo <= resolution or len(trials) >= max_runs:
            break
        ratios = np.linspace(math.log(lo), math.log(hi), per_round + 2)[1:-1]
        run([math.exp(r) for r in ratios])
    lo, hi = _bracket(trials)
    recommended = checked = None
    if lo is None:
        note = ("no value tried was fine: " +
                ", ".join(f"{t.value:.3g} {t.outcome}" for t in sorted(trials.values(), key=lambda t: t.value)))
    else:
        recommended = float(f"{lo / safety_factor:.3g}")
        note = "the boundary was not reached within the search's bounds" if hi is None else \
            f"bracketed to a ratio of {hi / lo:.3g}"
        if check_recommended:
            budget, max_runs = max_runs, max_runs + 1  # the check is one run past the search's own budget
            run([recommended])
            max_runs = budget
            checked = trials.get(recommended)
    return Sizing(label, where, original, tuple(trials.values()), lo, hi, recommended, safety_factor, checked, note)


def _stall_window(trials: dict[float, SearchedValue]) -> tuple[float | None, float | None]:
    """The largest stalling value and the smallest failing value above it, when no value was fine."""
    stalls = [v for v, t in trials.items() if t.outcome == STALL]
    if not stalls:
        return None, None
    above = [v for v, t in trials.items() if v > max(stalls) and t.outcome != STALL]
    return max(stalls), (min(above) if above else None)


def _bracket(trials: dict[float, SearchedValue]) -> tuple[float | None, float | None]:
    """The largest good value, and the smallest value above it that is not good (stalls below it do not count)."""
    good = [v for v, t in trials.items() if t.good]
    if not good:
        return None, None
    lo = max(good)
    above = [v for v, t in trials.items() if v > lo and not t.good]
    return lo, (min(above) if above else None)


def size_learning_rate(script: str | os.PathLike, argv=(), variable_or_line=None, **options) -> Sizing:
    """The largest learning rate that stays finite and improves the loss, with a safety margin (see size_knob)."""
    return size_knob(script, argv, variable_or_line, **options)


def size_init_scale(script: str | os.PathLike, argv=(), variable_or_lines=None, **options) -> Sizing:
    """The largest init scale that stays finite and learns: a variable holding the scale, or `scale:LINE` addresses
    of the weight initialisations multiplied together by the searched factor (see size_knob)."""
    if isinstance(variable_or_lines, int):
        variable_or_lines = f"scale:{variable_or_lines}"
    elif isinstance(variable_or_lines, (list, tuple)) and all(isinstance(v, int) for v in variable_or_lines):
        variable_or_lines = [f"scale:{v}" for v in variable_or_lines]
    return size_knob(script, argv, variable_or_lines, **options)
