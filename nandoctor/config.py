"""The `[tool.nandoctor]` table of the user's pyproject.toml: found, parsed, validated and merged with CLI flags.

    [tool.nandoctor]
    include = ["../lib"]            # extra folders whose modules are traced (relative to this file)
    exclude = ["*_test.py"]         # glob patterns of files never traced
    output = "build/nandoctor"      # reports go to <output>/<script-stem>/ (relative to this file)
    step_loop = "train.py:42"       # FILE:LINE of the training loop
    fail_on = "nan"                 # nan | error | warning (see `nandoctor run --fail-on`)
    formats = ["html", "json"]      # outputs to write

    [tool.nandoctor.thresholds]     # detector thresholds (names in THRESHOLDS)
    spike_factor = 20

Reading is pure: `load_config` returns a `Config`, or raises `ConfigError` whose text names the
file and the offending key; the CLI prints it and exits 2.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Detector thresholds a config may set, with their defaults. Each name is the lowercase name of the
# constant in nandoctor/detectors/ that it overrides (SPIKE_FACTOR -> spike_factor), defaults as there
# (DESIGN.md §4). Detectors read them as `LIM.NAME` (detectors.Limits) during an analysis, so a value set in
# pyproject.toml or with --threshold (kept in session.meta["config"]["thresholds"]) wins. A detector
# module may declare more names in a `THRESHOLDS` dict of its own (nandoctor.detectors.THRESHOLDS);
# those are accepted too.
THRESHOLDS: dict[str, float] = {
    # detectors/optimisation.py
    "spike_factor": 10.0,  # an update spike: above this many times the running median
    "spike_window": 50,  # steps the running median looks back
    "spike_min_ratio": 0.01,  # a spike matters when the update moves the weights by this fraction
    "ratio_high": 0.1,  # update/weight ratio above this is too big (about 1e-3 is healthy)
    "healthy_ratio": 1e-3,
    "growth_factor": 2.0,  # sustained growth: at least this factor per check ...
    "growth_checks": 5,  # ... over this many consecutive checks
    "n_checks": 50,  # checks spread over a run
    "vanish_grad": 1e-7,  # mean |gradient| below this is vanishing
    "vanish_ratio": 1e-4,  # update/weight ratio below this, sustained, is vanishing
    "diverge_factor": 1e3,  # weights growing this many times over the run diverge
    "loss_rise": 1.5,  # loss at the end this many times the start is rising
    "loss_stall": 0.01,  # loss moving less than this fraction over the run is stalled
    "osc_reversals": 0.4,  # fraction of reversing checks that makes the loss oscillate ...
    "osc_swing": 0.1,  # ... with swings above this fraction of its level
    "sum_batch": 32,  # summing gradients over a batch this large is flagged
    # detectors/numerics.py
    "cancel_tol": 1e-8,  # `1 - a` with a within this of 1 is catastrophic cancellation
    "near_sat_fraction": 0.5,  # near saturation on more than this fraction of the batch
    "tail": 0.1,  # fraction of the run (its end) judged for sustained conditions
    # detectors/structure.py
    "input_scale": 10.0,  # input features with |x| above this are unnormalized
    "input_spread": 100.0,  # a spread between feature scales above this is unnormalized
}

FAIL_ON = ("nan", "error", "warning")
FORMATS = ("html", "png", "json", "session")
KEYS = ("include", "exclude", "output", "step_loop", "fail_on", "formats", "thresholds")


class ConfigError(ValueError):
    """A pyproject.toml that cannot be used: bad TOML, an unknown key or a value of the wrong type."""


@dataclass
class Config:
    """The validated `[tool.nandoctor]` table; paths already resolved against the file's folder."""

    path: str | None = None  # the pyproject.toml it came from, None when there was none
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    output: str | None = None
    step_loop: str | None = None
    fail_on: str | None = None
    formats: tuple[str, ...] | None = None
    thresholds: dict[str, float] = field(default_factory=dict)

    def as_meta(self) -> dict:
        """The JSON-ready form kept in `session.meta["config"]`."""
        return {
            "path": self.path,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "output": self.output,
            "step_loop": self.step_loop,
            "fail_on": self.fail_on,
            "formats": list(self.formats) if self.formats is not None else None,
            "thresholds": dict(self.thresholds),
        }


def _known(known) -> dict[str, float]:
    """The threshold names a config may set: `known` as given by the entry point (the analysis's declared
    thresholds, `analysis.catalogue.known_thresholds`), else this module's THRESHOLDS."""
    if callable(known):  # called only when a config sets thresholds: the analysis is imported late
        known = known()
    return dict(known) if known is not None else dict(THRESHOLDS)


def threshold(session_or_meta, name: str, default: float | None = None) -> float:
    """The threshold `name` for this session: its config's value, else `default`, else the built-in default.

    A configured value takes the default's type where that is an integer (windows and counts)."""
    meta = getattr(session_or_meta, "meta", session_or_meta) or {}
    fallback = default if default is not None else THRESHOLDS[name]
    value = ((meta.get("config") or {}).get("thresholds") or {}).get(name)
    if value is None:
        return fallback
    return int(value) if isinstance(fallback, int) and not isinstance(fallback, bool) else float(value)


def find_pyproject(start: str | os.PathLike) -> Path | None:
    """The nearest pyproject.toml with a [tool.nandoctor] table, from `start` upwards."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            except tomllib.TOMLDecodeError as e:
                # Only an error if it might be ours: a broken file that mentions the table.
                if "tool.nandoctor" in candidate.read_text(encoding="utf-8", errors="replace"):
                    raise ConfigError(f"{candidate}: not valid TOML: {e}") from e
                continue
            if isinstance(data.get("tool"), dict) and "nandoctor" in data["tool"]:
                return candidate
    return None


def _suggest(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _strings(path: Path, key: str, value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{path}: [tool.nandoctor] {key} must be a string or a list of strings, got {value!r}")


def parse_table(table: dict, path: Path, known=None) -> Config:
    """Validate a `[tool.nandoctor]` table read from `path`."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.nandoctor] must be a table")
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                f"{path}: unknown key {key!r} in [tool.nandoctor]{_suggest(key, KEYS)}; "
                f"known keys: {', '.join(KEYS)}"
            )
    base = path.parent
    cfg = Config(path=str(path))
    if "include" in table:
        cfg.include = tuple(str((base / p).resolve()) for p in _strings(path, "include", table["include"]))
    if "exclude" in table:
        cfg.exclude = _strings(path, "exclude", table["exclude"])
    if "output" in table:
        if not isinstance(table["output"], str) or not table["output"]:
            raise ConfigError(f"{path}: [tool.nandoctor] output must be a folder name, got {table['output']!r}")
        cfg.output = str((base / table["output"]).resolve())
    if "step_loop" in table:
        sl = table["step_loop"]
        if not isinstance(sl, str) or not sl.rpartition(":")[2].isdigit():
            raise ConfigError(f"{path}: [tool.nandoctor] step_loop must be \"FILE:LINE\", got {sl!r}")
        cfg.step_loop = sl
    if "fail_on" in table:
        if table["fail_on"] not in FAIL_ON:
            raise ConfigError(
                f"{path}: [tool.nandoctor] fail_on must be one of {', '.join(FAIL_ON)}, got {table['fail_on']!r}"
            )
        cfg.fail_on = table["fail_on"]
    if "formats" in table:
        fmts = _strings(path, "formats", table["formats"])
        for f in fmts:
            if f not in FORMATS:
                raise ConfigError(f"{path}: [tool.nandoctor] formats: unknown format {f!r}; choose from {', '.join(FORMATS)}")
        cfg.formats = fmts
    if "thresholds" in table:
        cfg.thresholds = parse_thresholds(table["thresholds"], f"{path}: [tool.nandoctor.thresholds]", known)
    return cfg


def parse_thresholds(table, where: str, known=None) -> dict[str, float]:
    """Validate a mapping of threshold names to numbers; `where` prefixes error messages; `known` as in `_known`."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of name = number")
    known = _known(known)
    out = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown threshold {key!r}{_suggest(key, known)}; known thresholds: {', '.join(sorted(known))}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: threshold {key!r} must be a number, got {value!r}")
        out[key] = value
    return out


def load_config(start: str | os.PathLike | None = None, path: str | os.PathLike | None = None, known=None) -> Config:
    """The config for a run: `path` if given, else the nearest pyproject.toml with a [tool.nandoctor] table
    from `start` (the script's folder) upwards, else an empty Config."""
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise ConfigError(f"cannot read config {p}: {e.strerror or e}") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{p}: not valid TOML: {e}") from e
        table = (data.get("tool") or {}).get("nandoctor") if isinstance(data.get("tool"), dict) else None
        if table is None:
            raise ConfigError(f"{p}: has no [tool.nandoctor] table")
        return parse_table(table, p.resolve(), known)
    found = find_pyproject(start if start is not None else os.getcwd())
    if found is None:
        return Config()
    data = tomllib.loads(found.read_text(encoding="utf-8"))
    return parse_table(data["tool"]["nandoctor"], found, known)


__all__ = ["Config", "ConfigError", "THRESHOLDS", "load_config", "find_pyproject", "threshold", "parse_thresholds"]
