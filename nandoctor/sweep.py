"""A stability map: re-run a script over a grid of its own hyperparameters and classify each run from its numbers."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .overrides import Knob, OverrideError, find_knob, set_knobs

# How a run ended, from its own numbers (first match wins, in this order).
NAN = "nan"  # a non-finite value appeared
DIVERGENCE = "divergence"  # the loss ended well above where it started
SATURATION = "saturation"  # an activation reached its bound exactly (a sigmoid at 1.0): its gradient is gone
STALL = "stall"  # the loss barely moved
FINE = "fine"  # finite, and the loss fell
FAILED = "failed"  # the script raised, exited non-zero or ran out of time: nothing to classify
NOT_MEASURED = "not measured"  # finite, but no loss could be read or inferred: stall and fine cannot be told apart
OUTCOMES = (NAN, DIVERGENCE, SATURATION, STALL, FINE, FAILED, NOT_MEASURED)

# The loss ending above this multiple of its first value is divergence.
DIVERGE_RISE = 1.5
# A loss that fell by less than this fraction of its first value stalled.
STALL_GAIN = 0.05
# Default number of points per ranged axis, and the per-run time limit in seconds.
DEFAULT_POINTS = 7
DEFAULT_TIMEOUT = 600.0
# Points kept of a run's loss curve (evenly over its steps, the last one always kept).
CURVE_POINTS = 64


class SweepError(ValueError):
    """Bad sweep input: a `--set` that does not parse or names no knob of the script, or an engine that is missing."""


@dataclass(frozen=True)
class RunMeasures:
    """What one run measured: how it ended, its first non-finite step, its loss and accuracy, saturation."""

    exit_status: int | None
    error: str | None  # the exception or the reason the run gave nothing (timeout), None when it ran through
    steps: int | None
    first_nonfinite_step: int | None
    loss_source: str | None  # how the loss was read: a named site, or inferred from the outputs and targets
    loss_first: float | None
    loss_last: float | None
    loss_min: float | None
    loss_nonfinite: bool
    loss_curve: tuple[tuple[int, float], ...] = ()  # (step, loss), at most CURVE_POINTS
    accuracy_last: float | None = None
    saturated: tuple[str, ...] = ()  # sites with values exactly at an activation's bound
    causes: tuple[str, ...] = ()
    elapsed: float | None = None

    def to_dict(self) -> dict:
        doc = asdict(self)
        doc["loss_curve"] = [list(p) for p in self.loss_curve]
        return doc

    @classmethod
    def from_dict(cls, doc: dict) -> "RunMeasures":
        doc = dict(doc)
        doc["loss_curve"] = tuple((int(s), float(v)) for s, v in doc.get("loss_curve") or ())
        doc["saturated"] = tuple(doc.get("saturated") or ())
        doc["causes"] = tuple(doc.get("causes") or ())
        return cls(**doc)

    @classmethod
    def failed(cls, reason: str, exit_status: int | None = None, elapsed: float | None = None) -> "RunMeasures":
        return cls(exit_status, reason, None, None, None, None, None, None, False, elapsed=elapsed)


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def measure(session, exit_status: int | None = None, error: str | None = None, *,
            causes: bool = True) -> RunMeasures:
    """The run's measures, read from the program model the detectors use (the first non-finite search, the loss
    series, the accuracy, the activations at a bound): no cause analysis is needed for them, so a sizing run
    skips it (`causes=False`); a sweep point also lists the causes of its analysed session."""
    from .detectors.facts import facts
    from .detectors.numerics import _bound_hits, first_nonfinite_info
    from .detectors.optimisation import loss_series
    from .detectors.results import correctness

    F = facts(session)
    info = first_nonfinite_info(session)
    first = None if info is None else info.get("step")
    acc_last = None
    got = correctness(F)
    if got is not None:
        acc_last = round(float(got[1].mean(axis=1)[-1]), 4)
    saturated = tuple(sorted({F.by_id[act.site].target for act in F.activations if _bound_hits(F, act)[0].any()}))
    loss = loss_series(F)
    source = first_loss = last_loss = min_loss = None
    nonfinite = False
    curve: tuple = ()
    if loss is not None:
        steps, values, source = loss
        values = np.asarray(values, dtype=float)
        finite = np.isfinite(values)
        nonfinite = bool((~finite).any())
        if finite.any():
            first_loss, last_loss = float(values[finite][0]), float(values[finite][-1])
            min_loss = float(values[finite].min())
        pick = np.unique(np.linspace(0, len(values) - 1, min(CURVE_POINTS, len(values))).astype(int))
        curve = tuple((int(steps[i]), float(values[i])) for i in pick)
    n_steps = None
    try:
        n_steps = int(session.plan.n_steps)
    except Exception:  # noqa: BLE001 -- no training loop found: the run has no steps to count
        n_steps = None
    return RunMeasures(exit_status, error, n_steps, first, source, first_loss, last_loss, min_loss, nonfinite, curve,
                       acc_last, saturated, tuple(c.tag for c in session.causes) if causes else ())


def classify(m: RunMeasures) -> tuple[str, str]:
    """The outcome of a run and the numbers that decided it."""
    if m.first_nonfinite_step is not None or m.loss_nonfinite:
        at = f" at step {m.first_nonfinite_step}" if m.first_nonfinite_step is not None else " in the loss"
        return NAN, f"first non-finite value{at}"
    if m.error is not None or m.exit_status not in (0, None):
        return FAILED, m.error or f"exit status {m.exit_status}"
    if m.loss_first is not None and m.loss_last is not None and m.loss_last > DIVERGE_RISE * m.loss_first:
        return DIVERGENCE, f"loss rose from {m.loss_first:.4g} to {m.loss_last:.4g}"
    if m.saturated:
        return SATURATION, f"values exactly at an activation's bound in {', '.join(m.saturated)}"
    if m.loss_first is None or m.loss_last is None:
        return NOT_MEASURED, "no loss could be read or inferred"
    gain = (m.loss_first - m.loss_last) / max(abs(m.loss_first), 1e-300)
    if gain < STALL_GAIN:
        return STALL, f"loss {m.loss_first:.4g} -> {m.loss_last:.4g} ({gain:+.1%})"
    return FINE, f"loss {m.loss_first:.4g} -> {m.loss_last:.4g} ({-gain:+.1%})"


# -- running one point ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointTask:
    """One run to make: the script's folder copied, `settings` applied to the script, run with `argv`."""

    script: str  # absolute path; its folder is copied (it must be readable where the task runs)
    argv: tuple[str, ...]
    settings: tuple[tuple[Knob, float], ...]
    timeout: float = DEFAULT_TIMEOUT
    env: tuple[tuple[str, str], ...] | None = None  # None: the environment of the process running the task
    values: tuple[tuple[str, float], ...] | None = None  # the point's (name, value) pairs; None: each knob's own
    causes: bool = True  # analyse the run for causes (a sweep point lists them; a sizing run needs only measures)


@dataclass(frozen=True)
class PointResult:
    """One grid point: the values set, the outcome, why, and the run's measures."""

    values: tuple[tuple[str, float], ...]
    outcome: str
    reason: str
    measures: RunMeasures

    def to_dict(self) -> dict:
        return {"values": dict(self.values), "outcome": self.outcome, "reason": self.reason,
                "measures": self.measures.to_dict()}


def run_point(task: PointTask) -> PointResult:
    """Copy the script's folder to a scratch folder, set the knobs there, run it traced in its own process group
    (killed with all its children when the time limit passes) and measure it. The user's files are never touched."""
    from .verify import PatchError, _copy_tree, kill_group

    values = task.values if task.values is not None else tuple((k.name, float(v)) for k, v in task.settings)
    script = Path(task.script)
    work = Path(tempfile.mkdtemp(prefix="nandoctor-sweep-"))
    t0 = time.monotonic()
    try:
        copy = work / "src"
        try:
            _copy_tree(script.parent, copy)
            target = copy / script.name
            target.write_text(set_knobs(target.read_text(encoding="utf-8"), list(task.settings)), encoding="utf-8")
        except (PatchError, OverrideError, OSError) as e:
            m = RunMeasures.failed(f"not run: {e}")
            return PointResult(values, FAILED, m.error, m)
        env = dict(os.environ if task.env is None else dict(task.env))
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
        result = work / "measures.json"
        mode = "--probe" if task.causes else "--probe-measures"
        proc = subprocess.Popen([sys.executable, "-m", "nandoctor.rerun", mode, str(result), str(target),
                                 *task.argv], cwd=str(copy), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=task.timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            m = RunMeasures.failed(f"timed out after {task.timeout:g} s", elapsed=time.monotonic() - t0)
            return PointResult(values, FAILED, m.error, m)
        try:
            m = RunMeasures.from_dict(json.loads(result.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-3:]
            m = RunMeasures.failed("the run wrote no measures" + (f": {' | '.join(tail)}" if tail else ""),
                                   proc.returncode, time.monotonic() - t0)
        outcome, reason = classify(m)
        return PointResult(values, outcome, reason, m)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- the grid ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One swept hyperparameter: its name as given, the knobs in the script it sets (together), the values tried."""

    name: str
    knobs: tuple[Knob, ...]
    values: tuple[float, ...]


_SET = re.compile(r"^\s*(?P<name>[^=]+?)\s*=\s*(?P<spec>.+?)\s*$")


def parse_values(spec: str, points: int) -> tuple[float, ...]:
    """`1e-3..10` -> `points` values spaced evenly on a log scale; `0.1,0.5,1` -> those; `0.3` -> one value."""
    try:
        if ".." in spec:
            lo, hi = (float(p) for p in spec.split("..", 1))
            if not (lo > 0 and hi > 0):
                raise SweepError(f"a range {spec!r} is log-spaced: both ends must be positive")
            if points < 1:
                raise SweepError("--points must be at least 1")
            if points == 1 or lo == hi:
                return (lo,)
            return tuple(float(f"{v:.6g}") for v in np.geomspace(lo, hi, points))
        return tuple(float(p) for p in spec.split(",") if p.strip())
    except ValueError:
        raise SweepError(f"cannot read the values {spec!r}: write LOW..HIGH, a list a,b,c, or one number") from None


def _addresses(name: str) -> list[str]:
    """`scale:32,33` sets both lines' values together; `a,b` sets two variables together."""
    head, sep, rest = name.partition(":")
    if sep and head == "scale" and "," in rest:
        return [f"scale:{part.strip()}" for part in rest.split(",")]
    return [part.strip() for part in name.split(",")] if "," in name and ":" not in name else [name]


def parse_sets(source: str, sets: list[str], points: int = DEFAULT_POINTS) -> list[Axis]:
    """The axes of `--set NAME=LOW..HIGH` options, each NAME found in the script's source (see overrides.find_knob)."""
    axes = []
    for item in sets:
        m = _SET.match(item)
        if not m:
            raise SweepError(f"--set {item!r}: write NAME=LOW..HIGH (or NAME=a,b,c)")
        name, values = m.group("name"), parse_values(m.group("spec"), points)
        if not values:
            raise SweepError(f"--set {item!r} gives no value")
        try:
            knobs = tuple(find_knob(source, address) for address in _addresses(name))
        except OverrideError as e:
            raise SweepError(f"--set {name}: {e}") from None
        axes.append(Axis(name, tuple(Knob(**{**k.__dict__, "name": name}) for k in knobs), values))
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise SweepError("a name is set twice")
    spots = {(k.line, k.col) for a in axes for k in a.knobs}
    if len(spots) != sum(len(a.knobs) for a in axes):
        raise SweepError("two --set names point at the same literal")
    return axes


@dataclass(frozen=True)
class SweepResult:
    """A grid's runs, their outcomes and how they ran."""

    script: str
    argv: tuple[str, ...]
    axes: tuple[Axis, ...]
    points: tuple[PointResult, ...]
    engine: str
    elapsed: float

    def stable_ranges(self) -> list[str]:
        """In words, where the runs were fine along the first ranged axis (per value of the second if any)."""
        return _stable_ranges(self)

    def to_dict(self) -> dict:
        return {
            "schema": 1,
            "script": self.script,
            "argv": list(self.argv),
            "engine": self.engine,
            "elapsed": round(self.elapsed, 3),
            "thresholds": {"diverge_rise": DIVERGE_RISE, "stall_gain": STALL_GAIN},
            "axes": [{"name": a.name, "values": list(a.values),
                      "knobs": [{"where": k.describe(), "line": k.line, "original": k.text, "kind": k.kind}
                                for k in a.knobs]} for a in self.axes],
            "points": [p.to_dict() for p in self.points],
            "stable": self.stable_ranges(),
        }


def grid_tasks(script: str, argv, axes: list[Axis], timeout: float = DEFAULT_TIMEOUT) -> list[PointTask]:
    script = str(Path(script).resolve())
    return [PointTask(script, tuple(argv), tuple((k, v) for a, v in zip(axes, combo) for k in a.knobs), timeout,
                      values=tuple((a.name, v) for a, v in zip(axes, combo)))
            for combo in itertools.product(*(a.values for a in axes))]


def _local_map(tasks, workers):
    from concurrent.futures import ProcessPoolExecutor

    # Each task starts its own run process; the pool bounds how many run at once (one per core by default).
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return list(pool.map(run_point, tasks))


def _dask_map(tasks, scheduler):
    try:
        from dask.distributed import Client
    except ImportError:
        raise SweepError('--scheduler needs Dask distributed: pip install "nandoctor[dask]"') from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = client.map(run_point, tasks, pure=False)
        try:
            return client.gather(futures)
        except Exception as e:  # noqa: BLE001 -- a run's own failure is a result; this is the cluster failing
            folder = Path(tasks[0].script).parent
            raise SweepError(f"the Dask cluster could not run the points ({type(e).__name__}: {e}); its scheduler "
                             f"and workers need this nandoctor importable and the script's folder at {folder}") from e
    finally:
        if client is not scheduler:
            client.close()


def _ray_map(tasks, address=None):
    try:
        import ray
    except ImportError:
        raise SweepError('--ray needs Ray: pip install "nandoctor[ray]"') from None
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        remote = ray.remote(run_point)
        return ray.get([remote.remote(t) for t in tasks])
    finally:
        if started:
            ray.shutdown()


def sweep(script: str | os.PathLike, argv=(), sets: list[str] = (), *, points: int = DEFAULT_POINTS,
          timeout: float = DEFAULT_TIMEOUT, workers: int | None = None, scheduler=None, ray: bool = False,
          ray_address: str | None = None) -> SweepResult:
    """Run the grid of `sets` (`NAME=LOW..HIGH`, log-spaced) over the script: locally in a process pool, on a Dask
    cluster (`scheduler`: an address or a Client) or on Ray (`ray=True`). Each point runs in a scratch copy."""
    script = Path(script)
    if not script.is_file():
        raise SweepError(f"{script} is not a file")
    if not sets:
        raise SweepError("nothing to sweep: give at least one --set NAME=LOW..HIGH")
    if scheduler is not None and ray:
        raise SweepError("choose one engine: --scheduler or --ray")
    axes = parse_sets(script.read_text(encoding="utf-8"), list(sets), points)
    tasks = grid_tasks(str(script), argv, axes, timeout)
    t0 = time.monotonic()
    if scheduler is not None:
        results, engine = _dask_map(tasks, scheduler), "dask"
    elif ray:
        results, engine = _ray_map(tasks, ray_address), "ray"
    else:
        results, engine = _local_map(tasks, workers), "local"
    return SweepResult(str(script.resolve()), tuple(argv), tuple(axes), tuple(results), engine,
                       time.monotonic() - t0)


# -- output --------------------------------------------------------------------------------------------------


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _stable_ranges(result: SweepResult) -> list[str]:
    ranged = [a for a in result.axes if len(a.values) > 1] or list(result.axes[:1])
    if not ranged:
        return []
    first = ranged[0]
    by_values = {p.values: p for p in result.points}
    others = [a for a in result.axes if a is not first]
    lines = []
    for combo in itertools.product(*(a.values for a in others)):
        fixed = dict(zip((a.name for a in others), combo))
        row = []
        for v in first.values:
            key = tuple((a.name, v if a is first else fixed[a.name]) for a in result.axes)
            row.append((v, by_values[key].outcome if key in by_values else None))
        fine = [v for v, o in row if o == FINE]
        where = "" if not fixed else " with " + ", ".join(f"{n}={_fmt(v)}" for n, v in fixed.items())
        if not fine:
            seen = sorted({o for _, o in row if o})
            lines.append(f"{first.name}: no value tried was fine{where} (outcomes: {', '.join(seen)})")
            continue
        lo, hi = min(fine), max(fine)
        above = next((o for v, o in row if v > hi), None)
        below = next((o for v, o in reversed(row) if v < lo), None)
        gaps = [o for v, o in row if lo < v < hi and o != FINE]
        text = f"{first.name}: fine from {_fmt(lo)} to {_fmt(hi)}{where}"
        if above:
            text += f"; {above} above"
        if below:
            text += f"; {below} below"
        if gaps:
            text += f" ({len(gaps)} value(s) inside the range were not fine)"
        lines.append(text)
    return lines


def table(result: SweepResult) -> str:
    """A plain-text table: one row per point, its values, outcome, loss first/last, first non-finite step."""
    names = [a.name for a in result.axes]
    header = names + ["outcome", "loss first", "loss last", "accuracy", "first NaN", "why"]
    rows = []
    for p in result.points:
        m = p.measures
        rows.append([_fmt(v) for _, v in p.values] + [
            p.outcome,
            "-" if m.loss_first is None else f"{m.loss_first:.4g}",
            "-" if m.loss_last is None else f"{m.loss_last:.4g}",
            "-" if m.accuracy_last is None else f"{m.accuracy_last:.0%}",
            "-" if m.first_nonfinite_step is None else str(m.first_nonfinite_step),
            p.reason,
        ])
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header) - 1)]
    out = []
    for r in [header] + rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + str(r[-1]))
    return "\n".join(out)


# Outcome colours: a sequential read from bad to good, distinguishable in greyscale and for colour-blind readers.
_COLOURS = {NAN: "#7f0000", DIVERGENCE: "#d7301f", SATURATION: "#fc8d59", STALL: "#fdd49e", FINE: "#1a9850",
            FAILED: "#525252", NOT_MEASURED: "#bdbdbd"}


def heatmap(result: SweepResult, path: str | os.PathLike) -> str:
    """A PNG heat map of the outcomes over the first two ranged axes (one row when there is one)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    ranged = [a for a in result.axes if len(a.values) > 1] or list(result.axes[:1])
    if len(ranged) > 2:
        raise SweepError("the heat map shows at most two ranged axes; sweep fewer at once")
    fixed = {a.name: a.values[0] for a in result.axes if a not in ranged}
    x_axis = ranged[0]
    y_axis = ranged[1] if len(ranged) > 1 else None
    y_values = y_axis.values if y_axis else (None,)
    index = {o: i for i, o in enumerate(OUTCOMES)}
    by_values = {p.values: p for p in result.points}
    grid = np.full((len(y_values), len(x_axis.values)), np.nan)
    labels = [[""] * len(x_axis.values) for _ in y_values]
    for r, yv in enumerate(y_values):
        for c, xv in enumerate(x_axis.values):
            key = tuple((a.name, xv if a is x_axis else yv if a is y_axis else fixed[a.name]) for a in result.axes)
            p = by_values.get(key)
            if p is not None:
                grid[r, c] = index[p.outcome]
                m = p.measures
                labels[r][c] = (p.outcome if m.first_nonfinite_step is None else f"NaN@{m.first_nonfinite_step}") \
                    if p.outcome != FINE or m.loss_last is None else f"{m.loss_last:.3g}"
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(x_axis.values) + 2), max(2.4, 0.7 * len(y_values) + 1.8)))
    ax.imshow(grid, cmap=ListedColormap([_COLOURS[o] for o in OUTCOMES]), vmin=-0.5, vmax=len(OUTCOMES) - 0.5,
              aspect="auto", origin="lower")
    for r in range(len(y_values)):
        for c in range(len(x_axis.values)):
            dark = grid[r, c] in (index[NAN], index[DIVERGENCE], index[FINE], index[FAILED])
            ax.text(c, r, labels[r][c], ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_xticks(range(len(x_axis.values)), [_fmt(v) for v in x_axis.values])
    ax.set_xlabel(x_axis.name)
    if y_axis:
        ax.set_yticks(range(len(y_values)), [_fmt(v) for v in y_values])
        ax.set_ylabel(y_axis.name)
    else:
        ax.set_yticks([])
    title = f"Where {Path(result.script).name} trains stably"
    if fixed:
        title += " (" + ", ".join(f"{n}={_fmt(v)}" for n, v in fixed.items()) + ")"
    ax.set_title(title, fontsize=10)
    fig.text(0.01, 0.01, "In each cell: the last loss of a fine run, the first non-finite step (NaN@step), or the "
             "outcome.", fontsize=7, color="#333333")
    shown = sorted({int(v) for v in grid.ravel() if np.isfinite(v)})
    ax.legend(handles=[Patch(color=_COLOURS[OUTCOMES[i]], label=OUTCOMES[i]) for i in shown],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def write_outputs(result: SweepResult, out: str | os.PathLike) -> dict[str, str]:
    """sweep.json, sweep.png and sweep.txt (the table) in the folder `out`; their paths by kind."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": str(out / "sweep.json"), "png": str(out / "sweep.png"), "table": str(out / "sweep.txt")}
    Path(paths["json"]).write_text(json.dumps(result.to_dict(), indent=1), encoding="utf-8")
    Path(paths["table"]).write_text(table(result) + "\n", encoding="utf-8")
    heatmap(result, paths["png"])
    return paths
