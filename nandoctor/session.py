"""The Session: everything one traced run produced, live or loaded from its folder."""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Mapping
from functools import cached_property

import numpy as np

from . import columns as C
from .frame.phases import assign_phases
from .frame.steps import StepPlan, assign_steps, plan_steps
from .model import PRINTED, Cause, ChainLink, Finding, FpEvent, Fix, flow_sites, from_dict, to_dict
from .recording import Recording, read_only_view
from .store import SessionWriter, read_session_files
from .trace.stats import IDX


class Session:
    """Sites, the frame, events, findings and causes of one run. Built lazily from its Recording."""

    def __init__(self, recording: Recording, *, step_loop: str | None = None, directory: str | None = None):
        if not isinstance(recording, Recording):  # the plain dict of earlier versions
            recording = Recording.from_mapping(recording)
        self.recording = recording
        self.meta: dict = recording.meta
        self.loops = list(recording.loops)
        self.sources: dict[str, str] = recording.sources
        self.errors: list[str] = list(recording.errors)
        self.directory = directory
        self._step_loop = step_loop if step_loop is not None else self.meta.get("step_loop")
        analysis = recording.analysis
        self._findings: list[Finding] | None = None
        self._causes: list[Cause] | None = None
        # Causes the declared rules could not judge on this run (analysis.rules.NotChecked), set by explain().
        self.not_checked: list = []
        # The re-runs of this run's fixes (nandoctor.verify.Verification), once verify() ran or a saved one was loaded.
        self.verification = None
        # The intervention re-runs of an unexplained broken run (nandoctor.probes.Probing), once probe() ran.
        self.probing = None
        if analysis:
            self._findings = [from_dict(Finding, f) for f in analysis.get("findings", [])]
            self._causes = [from_dict(Cause, c) for c in analysis.get("causes", [])]
            from .analysis.rules import NotChecked

            self.not_checked = [NotChecked(**n) for n in analysis.get("not_checked", [])]

    @property
    def raw(self) -> Mapping:
        """Deprecated: the recording as a read-only dict. Read `session.recording`'s attributes instead."""
        warnings.warn("Session.raw is deprecated: read session.recording's attributes", DeprecationWarning, stacklevel=2)
        return read_only_view(self.recording)

    # -- structure ---------------------------------------------------------------------
    @cached_property
    def structure(self):
        """The frame-free program model: roles of update sites and loops (analysis/program.py)."""
        from .analysis.program import build_structure

        r = self.recording
        return build_structure(flow_sites(r.sites), self.loops, self.sources, r.ev_seq, r.ev_loop, r.ev_kind,
                               r.obs_seq, r.obs_site, r.obs_shape, r.shapes)

    @cached_property
    def plan(self) -> StepPlan:
        r = self.recording
        return plan_steps(
            flow_sites(r.sites), self.loops, r.ev_seq, r.ev_loop, r.ev_kind, r.obs_seq, r.obs_site,
            step_loop=self._step_loop, structure=self.structure,
        )

    @cached_property
    def _steps(self) -> tuple[np.ndarray, np.ndarray]:
        r = self.recording
        return assign_steps(self.plan, r.ev_seq, r.ev_loop, r.ev_kind, r.obs_seq)

    @cached_property
    def sites(self):
        r = self.recording
        sizes: dict[int, float] = {}
        if len(r.obs_site):
            size_col = r.obs_stats[:, IDX[C.SIZE]]
            order = np.argsort(r.obs_site, kind="stable")
            s_sorted = r.obs_site[order]
            uniq, start = np.unique(s_sorted, return_index=True)
            mx = np.maximum.reduceat(size_col[order], start)
            sizes = {int(u): float(m) for u, m in zip(uniq, mx)}
        phased = assign_phases(flow_sites(r.sites), sizes, updates=self.structure.updates)
        # a printed value keeps its reads and calls (its label and callees name the loss), with the phase it was given
        return [dataclasses.replace(x, phase=p.phase) if x.kind == PRINTED else p for x, p in zip(r.sites, phased)]

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
        """The observation table as a pandas DataFrame (for users: the analysis reads the table)."""
        from .frame.build import build_frame  # pandas: imported when a frame is first wanted, not before the script runs

        return build_frame(self.table)

    @cached_property
    def table(self):
        """The observations as numpy columns: what the analysis reads."""
        from .frame.table import ObservationTable

        r = self.recording
        step, epoch = self._steps
        return ObservationTable(self.sites, r.obs_seq, r.obs_site, r.obs_shape, r.obs_dtype, r.obs_stats, step, epoch,
                                list(r.shapes), list(r.dtypes))

    def step_of_seq(self, seq) -> np.ndarray:
        r = self.recording
        step, _ = assign_steps(self.plan, r.ev_seq, r.ev_loop, r.ev_kind, np.atleast_1d(np.asarray(seq, np.int64)))
        return step

    def values(self, site) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """Kept raw values of a small site: [(shape, steps, data (n, size))], one entry per shape."""
        sid = site if isinstance(site, int) else getattr(site, "id", None)
        if sid is None:
            sid = self.site(site).id
        groups: dict[int, list] = {}
        for shape_code, seq, data in self.recording.values.get(sid, []):
            groups.setdefault(shape_code, []).append((seq, data))
        out = []
        shapes = self.recording.shapes
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
        evs = resolve_events(self.recording, self.sites, list(self.recording.events))
        if not evs:
            return []
        steps = self.step_of_seq([e.seq for e in evs])
        return [dataclasses.replace(e, step=int(s)) for e, s in zip(evs, steps)]

    @cached_property
    def first_nonfinite_search(self):
        """The one search for the run's first non-finite value (trace.backstop.FirstNonfinite), which
        `first_nonfinite`, `first_nonfinite_observation` and detectors.numerics.first_nonfinite_info read."""
        from .trace.backstop import first_nonfinite

        return first_nonfinite(self.recording, self.sites, self.events)

    @property
    def first_nonfinite(self) -> FpEvent | None:
        """The earliest non-finite value that was not absorbed, as an event, or None for a clean run."""
        return self.first_nonfinite_search.event

    def first_nonfinite_observation(self) -> dict | None:
        """The recorded value that first held a NaN or an infinity (deliberate infinities such as
        `best = np.inf` skipped), or None: the same search as `first_nonfinite`, told as the value."""
        k = self.first_nonfinite_search.row
        if k is None:
            return None
        r = self.recording
        seq = int(r.obs_seq[k])
        site = self.sites[int(r.obs_site[k])]
        stats = r.obs_stats
        return {
            "step": int(self.step_of_seq(seq)[0]), "seq": seq, "site": site.id, "target": site.target,
            "file": site.file, "line": site.line, "function": site.function, "statement": site.statement,
            "n_nan": int(stats[k, IDX[C.N_NAN]]), "n_posinf": int(stats[k, IDX[C.N_POSINF]]),
            "n_neginf": int(stats[k, IDX[C.N_NEGINF]]),
        }

    def analyze(self, force: bool = False) -> "Session":
        """Run the detectors and the explanation (pure functions of this session). Silent: no numpy warning of
        the analysis reaches the user's terminal (a run gone NaN gives all-NaN slices everywhere)."""
        if self._findings is None or force:
            from .detectors import detect
            from .explain import explain

            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
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
            # the seqs of the steps are the session's to recompute, not the report's
            "plan": {k: v for k, v in dataclasses.asdict(self.plan).items() if k != "step_starts"},
            "findings": [to_dict(f) for f in self.findings],
            "causes": [to_dict(c) for c in self.causes],
            "not_checked": [to_dict(n) for n in self.not_checked],
        }

    # -- verification ------------------------------------------------------------------
    def verify(self, *, jobs: int | None = None, scratch=None, alternatives: str = "auto", script=None, argv=None,
               size: bool = True):
        """Re-run the script with each cause's fix and with the fix plan, each in a scratch copy, and judge them
        against this run (nandoctor/verify.py); `size` also searches the numbers the fixes change (a learning
        rate). The causes are re-ranked by what their fixes did; a session with a folder keeps the result there
        (verification.json). Returns the Verification."""
        from .verify import reranked, save_verification, verify_session

        verification = verify_session(self, jobs=jobs, scratch=scratch, alternatives=alternatives, script=script,
                                      argv=argv, size=size)
        self.verification = verification
        if verification.status == "verified":
            self._causes = reranked(self.causes, verification)
            self._rewrite_analysis()
        if self.directory is not None and os.path.isdir(self.directory):
            save_verification(self.directory, verification)
        return verification

    def probe(self, *, jobs: int | None = None, scratch=None, why=None, limit_seconds: float | None = None):
        """When the run is broken and no raised cause explains it, re-run the script once per intervention (the
        learning rate, the inputs' scale, the initial weights' spread, the update's direction), each in a scratch
        copy (nandoctor/probes.py); the most specific change that removes the symptom is added as a cause, its
        patch the fix. A session with a folder keeps the result there (probing.json). `why`: the run's symptom when
        already measured (probes.wanted). Returns the Probing."""
        from .probes import probe_session, save_probing, with_probed

        probing = probe_session(self, jobs=jobs, scratch=scratch, why=why, limit_seconds=limit_seconds)
        self.probing = probing
        if probing.cured() or probing.checked:
            self._causes = with_probed(self.causes, probing)
            named = {c.tag for c in self._causes}
            self.not_checked = [n for n in self.not_checked if n.tag not in named]
            self._rewrite_analysis()
        if self.directory is not None and os.path.isdir(self.directory):
            save_probing(self.directory, probing)
        return probing

    def _rewrite_analysis(self) -> None:
        """Write the analysis again into the session's folder, after re-runs changed its causes."""
        if self.directory is None:
            return
        from .store import SessionWriter

        try:
            SessionWriter.reopen(self.directory).write_analysis(self.analysis_dict())
        except Exception:  # noqa: BLE001 -- a folder we cannot write keeps its analysis; the result is returned
            pass

    # -- output ------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> str:
        """Write this session as a folder that `nandoctor.load` reads back (compacted: one packed file)."""
        r = self.recording
        w = SessionWriter(directory, self.meta)
        w.write_sites(list(r.sites), list(self.loops), self.sources)
        w.write_events(list(r.events), self.errors)
        w.compact(r)
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
        return f"<nandoctor.Session {self.meta.get('script', '?')}: {self.recording.n_observations} observations, {self.plan.n_steps} steps{where}>"


def load(directory: str | os.PathLike) -> Session:
    """Read a session folder written by `nandoctor run`, `trace(...).save()` or `Session.save`."""
    session = Session(read_session_files(directory), directory=str(directory))
    from .probes import load_probing
    from .verify import load_verification

    session.verification = load_verification(directory)
    session.probing = load_probing(directory)
    return session


# Re-exported for readers of findings and causes.
__all__ = ["Session", "Recording", "load", "Finding", "Cause", "ChainLink", "Fix", "FpEvent"]
