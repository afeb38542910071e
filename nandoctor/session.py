"""The Session: everything one traced run produced, live or loaded from its folder."""

from __future__ import annotations

import dataclasses
import os
from functools import cached_property

import numpy as np

from . import columns as C
from .frame.phases import assign_phases
from .frame.steps import StepPlan, assign_steps, plan_steps
from .model import Cause, ChainLink, Finding, FpEvent, Fix, from_dict, to_dict
from .store import SessionWriter, read_session_files
from .trace.stats import IDX


class Session:
    """Sites, the frame, events, findings and causes of one run. Built lazily from raw columns."""

    def __init__(self, raw: dict, *, step_loop: str | None = None, directory: str | None = None):
        self.raw = raw
        self.meta: dict = raw.get("meta", {})
        self.loops = raw.get("loops", [])
        self.sources: dict[str, str] = raw.get("sources", {})
        self.errors: list[str] = list(raw.get("errors", []))
        self.directory = directory
        self._step_loop = step_loop if step_loop is not None else self.meta.get("step_loop")
        analysis = raw.get("analysis")
        self._findings: list[Finding] | None = None
        self._causes: list[Cause] | None = None
        # Causes the declared rules could not judge on this run (analysis.rules.NotChecked), set by explain().
        self.not_checked: list = []
        if analysis:
            self._findings = [from_dict(Finding, f) for f in analysis.get("findings", [])]
            self._causes = [from_dict(Cause, c) for c in analysis.get("causes", [])]
            from .analysis.rules import NotChecked

            self.not_checked = [NotChecked(**n) for n in analysis.get("not_checked", [])]

    # -- structure ---------------------------------------------------------------------
    @cached_property
    def structure(self):
        """The frame-free program model: roles of update sites and loops (analysis/program.py)."""
        from .analysis.program import build_structure

        r = self.raw
        return build_structure(r["sites"], self.loops, self.sources, r["ev_seq"], r["ev_loop"], r["ev_kind"],
                               r["obs_seq"], r["obs_site"], r.get("obs_shape"))

    @cached_property
    def plan(self) -> StepPlan:
        r = self.raw
        return plan_steps(
            r["sites"], self.loops, r["ev_seq"], r["ev_loop"], r["ev_kind"], r["obs_seq"], r["obs_site"],
            step_loop=self._step_loop, structure=self.structure,
        )

    @cached_property
    def _steps(self) -> tuple[np.ndarray, np.ndarray]:
        r = self.raw
        return assign_steps(self.plan, r["ev_seq"], r["ev_loop"], r["ev_kind"], r["obs_seq"])

    @cached_property
    def sites(self):
        r = self.raw
        sizes: dict[int, float] = {}
        if len(r["obs_site"]):
            size_col = r["obs_stats"][:, IDX[C.SIZE]]
            order = np.argsort(r["obs_site"], kind="stable")
            s_sorted = r["obs_site"][order]
            uniq, start = np.unique(s_sorted, return_index=True)
            mx = np.maximum.reduceat(size_col[order], start)
            sizes = {int(u): float(m) for u, m in zip(uniq, mx)}
        return assign_phases(list(r["sites"]), sizes, updates=self.structure.updates)

    def site(self, key) -> object:
        """A site by id, or by target text (first match)."""
        if isinstance(key, int):
            return self.sites[key]
        for s in self.sites:
            if s.target == key:
                return s
        raise KeyError(key)

    @cached_property
    def frame(self):
        r = self.raw
        step, epoch = self._steps
        from .frame.build import build_frame  # pandas: imported when a frame is first wanted, not before the script runs

        return build_frame(
            self.sites, r["obs_seq"], r["obs_site"], r["obs_shape"], r["obs_dtype"], r["obs_stats"],
            step, epoch, r["shapes"], r["dtypes"],
        )

    def step_of_seq(self, seq) -> np.ndarray:
        r = self.raw
        step, _ = assign_steps(self.plan, r["ev_seq"], r["ev_loop"], r["ev_kind"], np.atleast_1d(np.asarray(seq, np.int64)))
        return step

    def values(self, site) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """Kept raw values of a small site: [(shape, steps, data (n, size))], one entry per shape."""
        sid = site if isinstance(site, int) else getattr(site, "id", None)
        if sid is None:
            sid = self.site(site).id
        groups: dict[int, list] = {}
        for shape_code, seq, data in self.raw.get("values", {}).get(sid, []):
            groups.setdefault(shape_code, []).append((seq, data))
        out = []
        shapes = self.raw.get("shapes", [])
        for code, parts in groups.items():
            seq = np.concatenate([p[0] for p in parts])
            data = np.concatenate([p[1] for p in parts])
            out.append((shapes[code] if code < len(shapes) else "?", self.step_of_seq(seq) if len(seq) else seq, data))
        return out

    # -- events, findings, causes -------------------------------------------------------
    @cached_property
    def events(self) -> list[FpEvent]:
        from .trace.backstop import resolve_events

        # Absorbed events flagged, and the value backstop's event added (see trace/backstop.py).
        evs = resolve_events(self.raw, self.sites, list(self.raw.get("events", [])))
        if not evs:
            return []
        steps = self.step_of_seq([e.seq for e in evs])
        return [dataclasses.replace(e, step=int(s)) for e, s in zip(evs, steps)]

    @property
    def first_nonfinite(self) -> FpEvent | None:
        """The earliest non-finite value that was not absorbed, or None for a clean run."""
        for e in self.events:
            if not e.absorbed:
                return e
        return None

    def first_nonfinite_observation(self) -> dict | None:
        """The earliest recorded value holding a NaN or an infinity, or None.

        The value backstop for `first_nonfinite`: it also sees what raises no floating-point flag
        (BLAS products, NaN in the input data, a user's errstate(all="ignore")).
        """
        r = self.raw
        stats = r["obs_stats"]
        if not len(stats):
            return None
        cols = [IDX[C.N_NAN], IDX[C.N_POSINF], IDX[C.N_NEGINF]]
        bad = np.flatnonzero((stats[:, cols] > 0).any(axis=1))
        if not len(bad):
            return None
        k = int(bad[np.argmin(r["obs_seq"][bad])])
        seq = int(r["obs_seq"][k])
        site = self.sites[int(r["obs_site"][k])]
        return {
            "step": int(self.step_of_seq(seq)[0]), "seq": seq, "site": site.id, "target": site.target,
            "file": site.file, "line": site.line, "function": site.function, "statement": site.statement,
            "n_nan": int(stats[k, cols[0]]), "n_posinf": int(stats[k, cols[1]]), "n_neginf": int(stats[k, cols[2]]),
        }

    def analyze(self, force: bool = False) -> "Session":
        """Run the detectors and the explanation (pure functions of this session)."""
        if self._findings is None or force:
            from .detectors import detect
            from .explain import explain

            self._findings = detect(self)
            self._causes = explain(self, self._findings)
            # The detectors' per-site copies of the frame (Facts.series, as large as the frame's
            # statistics) are not needed by the report: free them before it is drawn.
            from .detectors.facts import _FACTS

            _FACTS.pop(self, None)
        return self

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            self.analyze()
        return self._findings or []

    @property
    def causes(self) -> list[Cause]:
        if self._causes is None:
            self.analyze()
        return self._causes or []

    def analysis_dict(self) -> dict:
        return {
            "plan": dataclasses.asdict(self.plan),
            "findings": [to_dict(f) for f in self.findings],
            "causes": [to_dict(c) for c in self.causes],
            "not_checked": [to_dict(n) for n in self.not_checked],
        }

    # -- output ------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> str:
        """Write this session as a folder that `nandoctor.load` reads back."""
        from .trace.recorder import Chunk

        r = self.raw
        w = SessionWriter(directory, self.meta)
        w.write_sites(list(r["sites"]), list(self.loops), self.sources)
        w.write_events(list(r.get("events", [])), self.errors)
        values = [(sid, code, seq, data) for sid, parts in r.get("values", {}).items() for code, seq, data in parts]
        w.write_chunk(
            Chunk(r["obs_seq"], r["obs_site"], r["obs_shape"], r["obs_dtype"], r["obs_stats"],
                  r["ev_seq"], r["ev_loop"], r["ev_kind"], values),
            r["shapes"], r["dtypes"],
        )
        w.write_analysis(self.analysis_dict())
        self.directory = str(directory)
        return str(directory)

    def report(self, path: str | os.PathLike | None = None, formats=None) -> str:
        """Render the report folder (HTML, PNG, findings.json) for this session; returns its path."""
        from .report import write_report

        target = path or self.directory
        if target is None:
            raise ValueError("Session.report needs a folder: this session was never saved")
        return write_report(self, target, formats=formats)

    def _repr_html_(self) -> str:
        """The inline summary Jupyter shows for a session (small, escaped, self-contained)."""
        from .ipython import session_html

        return session_html(self)

    def __repr__(self) -> str:
        fn = self.first_nonfinite
        where = f", first non-finite at step {fn.step}" if fn else ""
        return f"<nandoctor.Session {self.meta.get('script', '?')}: {len(self.raw['obs_seq'])} observations, {self.plan.n_steps} steps{where}>"


def load(directory: str | os.PathLike) -> Session:
    """Read a session folder written by `nandoctor run`, `trace(...).save()` or `Session.save`."""
    return Session(read_session_files(directory), directory=str(directory))


# Re-exported for readers of findings and causes.
__all__ = ["Session", "load", "Finding", "Cause", "ChainLink", "Fix", "FpEvent"]
