"""Report data from raw observation columns: which sites to plot, spike-keeping downsampled series, per-site stats."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import columns as C
from ..trace.stats import IDX

# Points per plotted series. A figure ~1000 px wide cannot show more; max-pooling into this many
# bins keeps every spike (a one-step blow-up stays visible in a 500k-step run).
MAX_POINTS = 1200
# Sites plotted in the HTML timelines and in summary.png.
MAX_HTML_SITES = 6
MAX_PNG_SITES = 4
SAT_SHARE = 0.95  # share of clean records with a defined saturation for a site to count as bounded


@dataclass
class Series:
    """One downsampled statistic of one site: x are steps, y_max/y_min the max and min in each bin."""

    x: np.ndarray
    y_max: np.ndarray
    y_min: np.ndarray


@dataclass
class SiteTimeline:
    """What the timelines show for one site."""

    site_id: int
    label: str
    absmax: Series
    sat_exact: Series | None  # None when the site's values never lie in a bounded range
    sat_near: Series | None
    nonfinite: Series  # count of NaN/inf elements
    nonfinite_frac: Series  # the same as a fraction of the value's size
    first_nonfinite_step: int | None
    why: str = ""  # why this site is plotted ("cause 1, link 2", "first non-finite value")


@dataclass
class Marker:
    """A vertical marker on every timeline: a finding's first step or the first non-finite value."""

    step: int
    label: str
    kind: str  # "nonfinite", "error", "warning", "info"


@dataclass
class Timelines:
    sites: list[SiteTimeline] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    x_range: tuple[int, int] = (0, 0)
    n_steps: int = 0
    note: str = ""  # what the x range leaves out, in words


# -- recorded columns ----------------------------------------------------------------------------------
class Obs:
    """The observation columns a report needs, site-sorted once (no pandas: a 100k-step session has
    millions of rows and the report must build in seconds)."""

    def __init__(self, session):
        r = session.recording
        self.site = np.asarray(r.obs_site, dtype=np.int64)
        self.stats = np.asarray(r.obs_stats, dtype=np.float64).reshape(len(self.site), len(C.STATS))
        self.shape = np.asarray(r.obs_shape)
        self.shapes = list(r.shapes)
        self.step = np.asarray(session._steps[0], dtype=np.int64) if len(self.site) else np.zeros(0, np.int64)
        # Stable: within a site, observations stay in seq order (so steps are non-decreasing).
        # int16 keys take numpy's radix sort: 4x faster on millions of rows.
        keys = self.site.astype(np.int16) if len(self.site) and self.site.max() < 2**15 and self.site.min() >= 0 else self.site
        self.order = np.argsort(keys, kind="stable")
        self.timelines: dict[tuple[int, int], object] = {}
        self.peaks: np.ndarray | None = None
        sorted_sites = self.site[self.order]
        self.site_ids, starts = np.unique(sorted_sites, return_index=True)
        ends = np.append(starts[1:], len(sorted_sites))
        self.span = {int(s): (int(a), int(b)) for s, a, b in zip(self.site_ids, starts, ends)}
        self.starts = starts
        self._nonfinite = None

    @property
    def nonfinite_all(self) -> np.ndarray:
        if self._nonfinite is None:
            s = self.stats
            self._nonfinite = s[:, IDX[C.N_NAN]] + s[:, IDX[C.N_POSINF]] + s[:, IDX[C.N_NEGINF]]
        return self._nonfinite

    def rows(self, sid: int) -> np.ndarray:
        a, b = self.span.get(sid, (0, 0))
        return self.order[a:b]

    def col(self, rows: np.ndarray, name: str) -> np.ndarray:
        return self.stats[rows, IDX[name]]

    def nonfinite(self, rows: np.ndarray) -> np.ndarray:
        return self.nonfinite_all[rows]


@dataclass(frozen=True)
class BadRecord:
    """The first recorded value holding NaN or inf, from the statistics alone (no event needed)."""

    step: int
    site_id: int
    n_nonfinite: int
    size: int


def first_bad_record(session) -> BadRecord | None:
    obs = obs_of(session)
    bad = obs.nonfinite_all > 0
    if not bad.any():
        return None
    k = int(np.argmax(bad))  # observations are stored in recording order
    return BadRecord(int(obs.step[k]), int(obs.site[k]), int(obs.nonfinite_all[k]), int(obs.stats[k, IDX[C.SIZE]]))


def obs_of(session) -> Obs:
    """One Obs per session object (the HTML and PNG renderers share it)."""
    cached = session.__dict__.get("_nd_report_obs")
    if cached is None:
        cached = Obs(session)
        session.__dict__["_nd_report_obs"] = cached
    return cached


# -- downsampling ---------------------------------------------------------------------------------
def downsample(steps: np.ndarray, values: np.ndarray, lo: int, hi: int, max_points: int = MAX_POINTS) -> Series:
    """Max/min-pool `values` over step bins in [lo, hi]: at most `max_points` bins, NaN-aware.

    A bin whose values are all NaN stays NaN (a gap in the line), so "no finite value" is visible.
    """
    keep = (steps >= lo) & (steps <= hi)
    s, v = steps[keep], values[keep]
    if len(s) == 0:
        e = np.zeros(0)
        return Series(e, e, e)
    width = max(1, -(-(hi - lo + 1) // max_points))
    b = (s - lo) // width
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    with np.errstate(invalid="ignore"):
        y_max = np.fmax.reduceat(v, starts)
        y_min = np.fmin.reduceat(v, starts)
    if width > 1:
        x = lo + b[starts] * width
    else:
        x = s[starts]
    return Series(x.astype(np.float64), y_max, y_min)


# -- labels ---------------------------------------------------------------------------------------
def site_label(site) -> str:
    """A learner-readable name: `a_jk`, `return of Sigmoid`, `argument x of Sigmoid`."""
    fn = site.function.rsplit(".", 1)[-1]
    if site.target == "return":
        return f"return of {fn}() (line {site.line})"
    if site.target.startswith("arg "):
        return f"argument {site.target[4:]} of {fn}() (line {site.line})"
    return f"{site.target} (line {site.line})"


# -- which sites ----------------------------------------------------------------------------------
def resolve_site(session, name: str | None, line: int | None):
    """The site a finding or chain link names (target text and line); None if no site matches."""
    sites = session.sites
    if name is None and line is None:
        return None
    if name is not None:
        exact = [s for s in sites if s.target == name and (line is None or s.line == line)]
        if exact:
            return exact[0]
        # Chain links may say "arg x of Sigmoid" style text or an attribute without "self."
        loose = [s for s in sites if s.target.endswith(name) or name.endswith(s.target)]
        if line is not None:
            on_line = [s for s in loose if s.line == line]
            if on_line:
                return on_line[0]
        if loose:
            return loose[0]
    if line is not None:
        on_line = [s for s in sites if s.line == line and s.kind not in ("arg",)]
        if on_line:
            return on_line[0]
    return None


def chosen_sites(session, obs: Obs, limit: int) -> list[tuple[int, str]]:
    """(site id, why) of the sites worth plotting, most important first."""
    out: dict[int, str] = {}

    def add(site, why):
        if site is not None and site.id not in out and len(out) < limit and _in_loop(obs, site.id):
            out[site.id] = why

    fn = session.first_nonfinite
    for c in sorted(session.causes, key=lambda c: c.rank):
        links = []
        for k, link in enumerate(c.chain):
            site = resolve_site(session, link.site, link.line)
            if site is not None and _in_loop(obs, site.id) and site.id not in out and site.id not in {x[0].id for x in links}:
                links.append((site, k, link))
        for site, k, _ in _pick_links(links, limit - len(out), obs):
            add(site, f"cause {c.rank}, link {k + 1}")
    if fn is not None:
        site = session.sites[fn.site] if fn.site is not None and 0 <= fn.site < len(session.sites) else None
        add(site or resolve_site(session, None, fn.line), "where the first non-finite value appeared")
    else:
        bad = first_bad_record(session)
        if bad is not None and bad.site_id < len(session.sites):
            add(session.sites[bad.site_id], "the first recorded value holding NaN or inf")
    for f in session.findings:
        add(resolve_site(session, f.site, f.line), f"finding {f.code}")
    if len(out) < min(limit, 2):
        # Nothing named a site: show the parameters' updates, then the largest values.
        for s in session.sites:
            if s.phase == "update":
                add(s, "a parameter update")
        # Integer arrays (indices, permutations, labels) are large but say nothing about training.
        ranked = sorted((s for s in session.sites if s.id in obs.span and _floating(session, obs, s.id)),
                        key=lambda s: -_peak(obs, s.id))
        for s in ranked:
            add(s, "one of the largest values")
    return list(out.items())


def _floating(session, obs: Obs, sid: int) -> bool:
    rows = obs.rows(sid)
    dtypes = session.recording.dtypes
    code = int(session.recording.obs_dtype[rows[-1]]) if len(rows) else -1
    return 0 <= code < len(dtypes) and str(dtypes[code]).startswith(("float", "complex"))


def _pick_links(links: list, k: int, obs: Obs) -> list:
    """At most k chain links to plot, in chain order. A long chain keeps its symptom (last), the links
    that cross a numeric threshold or sit at a bound (the sigmoid at exactly 1.0), its root (first),
    then links evenly spaced between."""
    if k <= 0:
        return []
    if len(links) <= k:
        return links
    keep: list[int] = [len(links) - 1]
    keep += [i for i, (_, _, ln) in enumerate(links)
             if {"threshold", "at_bound", "bound"} & set(ln.numbers) and i not in keep]
    if 0 not in keep:
        keep.append(0)
    rest = [i for i in range(len(links)) if i not in keep]
    room = k - len(keep)
    if room > 0 and rest:
        step = len(rest) / room
        keep += [rest[int(j * step)] for j in range(min(room, len(rest)))]
    # Over the limit (many threshold links): priority order above decides who stays.
    keep = keep[:k]
    return [links[i] for i in sorted(keep)]


def _in_loop(obs: Obs, sid: int) -> bool:
    """Whether a site was recorded during the training steps (a timeline of it would not be empty)."""
    rows = obs.rows(sid)
    return bool(len(rows)) and bool(obs.step[rows[-1]] >= 0)


def _peak(obs: Obs, sid: int) -> float:
    if obs.peaks is None:
        obs.peaks = np.zeros(int(obs.site.max()) + 1 if len(obs.site) else 0)
        np.fmax.at(obs.peaks, obs.site, obs.stats[:, IDX[C.ABSMAX]])
    return float(obs.peaks[sid]) if sid < len(obs.peaks) else 0.0


def _first_nonfinite_step(steps: np.ndarray, nonfinite: np.ndarray) -> int | None:
    hit = np.flatnonzero(nonfinite > 0)
    return int(steps[hit[0]]) if len(hit) else None


def build_timelines(session, limit: int = MAX_HTML_SITES, max_points: int = MAX_POINTS) -> Timelines:
    """The timelines of the chosen sites with the finding markers, downsampled for plotting."""
    obs = obs_of(session)
    key = (limit, max_points)
    if key not in obs.timelines:
        obs.timelines[key] = _build_timelines(session, obs, limit, max_points)
    return obs.timelines[key]


def _build_timelines(session, obs: Obs, limit: int, max_points: int) -> Timelines:
    n_steps = int(session.plan.n_steps)
    in_loop = obs.step[obs.step >= 0]
    lo = 0
    hi = int(in_loop.max()) if len(in_loop) else 0
    fn = session.first_nonfinite
    bad = first_bad_record(session)
    bad_step = fn.step if fn is not None else (bad.step if bad is not None else None)
    note = ""
    if bad_step is not None and bad_step >= 0 and hi > bad_step:
        # After the first NaN, NaN usually spreads to everything: zoom on the run up to it.
        margin = max(10, bad_step // 10)
        if bad_step + margin < hi:
            note = (f"The view ends at step {bad_step + margin}, shortly after the first non-finite value "
                    f"(step {bad_step}); the run went on to step {hi}.")
            hi = bad_step + margin
    tl = Timelines(x_range=(lo, hi), n_steps=n_steps, note=note)
    for sid, why in chosen_sites(session, obs, limit):
        rows = obs.rows(sid)
        steps = obs.step[rows]
        nonfin = obs.nonfinite(rows)
        sat_e, sat_n = obs.col(rows, C.FRAC_SAT_EXACT), obs.col(rows, C.FRAC_SAT_NEAR)
        # Saturation is only defined while values lie in [0, 1] or [-1, 1]: plot it for activations that
        # stay there, not for a gradient that happens to be small most of the time.
        # (Records holding NaN have no saturation: judge on the clean ones.)
        clean_sat = sat_n[(steps >= 0) & (nonfin == 0)]
        has_sat = bool(len(clean_sat) and np.mean(np.isfinite(clean_sat)) >= SAT_SHARE
                       and np.nanmax(clean_sat) > 0)  # a flat zero says nothing: plot only when it moves
        tl.sites.append(SiteTimeline(
            site_id=sid,
            label=site_label(session.sites[sid]),
            absmax=downsample(steps, obs.col(rows, C.ABSMAX), lo, hi, max_points),
            sat_exact=downsample(steps, sat_e, lo, hi, max_points) if has_sat else None,
            sat_near=downsample(steps, sat_n, lo, hi, max_points) if has_sat else None,
            nonfinite=downsample(steps, nonfin, lo, hi, max_points),
            nonfinite_frac=downsample(steps, nonfin / np.maximum(obs.col(rows, C.SIZE), 1), lo, hi, max_points),
            first_nonfinite_step=_first_nonfinite_step(steps[steps >= 0], nonfin[steps >= 0]),
            why=why,
        ))
    if bad_step is not None and bad_step >= 0:
        tl.markers.append(Marker(int(bad_step), f"first non-finite value (step {bad_step})", "nonfinite"))
    # A finding that starts where the first non-finite value is adds no information as a second line.
    seen = {(m.step, k) for m in tl.markers for k in ("nonfinite", "error", "warning", "info")}
    for f in session.findings:
        if f.first_step is None or f.first_step < lo or f.first_step > hi:
            continue
        key = (int(f.first_step), f.severity)
        if key in seen:
            continue
        seen.add(key)
        tl.markers.append(Marker(int(f.first_step), f"{f.code} (step {f.first_step})", f.severity))
    tl.markers.sort(key=lambda m: (m.step, m.kind != "nonfinite"))
    return tl


# -- per-site table -------------------------------------------------------------------------------
@dataclass
class SiteRow:
    site_id: int
    label: str
    function: str
    line: int
    phase: str
    shape: str
    n_obs: int
    absmax: float
    last_l2: float
    min: float
    max: float
    sat_exact_max: float
    n_nonfinite_obs: int
    first_nonfinite_step: int | None


def site_rows(session) -> list[SiteRow]:
    """One summary row per observed site, in source order: unbuffered ufunc.at reductions over all
    observations at once (no sort, no per-site pass)."""
    obs = obs_of(session)
    if not len(obs.site):
        return []
    n_sites = int(obs.site.max()) + 1
    site = obs.site
    pos = np.arange(len(site))

    def red(ufunc, name, init=np.nan):
        out = np.full(n_sites, init)
        ufunc.at(out, site, obs.stats[:, IDX[name]])
        return out

    absmax, lo, hi, sat = red(np.fmax, C.ABSMAX), red(np.fmin, C.MIN), red(np.fmax, C.MAX), red(np.fmax, C.FRAC_SAT_EXACT)
    n_obs = np.bincount(site, minlength=n_sites)
    bad = obs.nonfinite_all > 0
    n_bad = np.bincount(site[bad], minlength=n_sites)
    first_bad = np.full(n_sites, np.iinfo(np.int64).max)
    np.minimum.at(first_bad, site[bad], obs.step[bad])  # steps never decrease along the run
    last = np.full(n_sites, -1)
    np.maximum.at(last, site, pos)
    l2 = obs.stats[:, IDX[C.L2]]
    fin = np.isfinite(l2)
    last_l2 = np.full(n_sites, -1)
    np.maximum.at(last_l2, site[fin], pos[fin])
    out = []
    # In source order, as the reader meets them in their file.
    for s in sorted(session.sites, key=lambda s: (s.file, s.line, s.col, s.id)):
        k = s.id
        if k >= n_sites or n_obs[k] == 0:
            continue
        code = int(obs.shape[last[k]])
        out.append(SiteRow(
            site_id=k, label=s.target, function=s.function, line=s.line, phase=s.phase,
            shape=obs.shapes[code] if code < len(obs.shapes) else "?", n_obs=int(n_obs[k]),
            absmax=float(absmax[k]), last_l2=float(l2[last_l2[k]]) if last_l2[k] >= 0 else float("nan"),
            min=float(lo[k]), max=float(hi[k]), sat_exact_max=float(sat[k]), n_nonfinite_obs=int(n_bad[k]),
            first_nonfinite_step=int(first_bad[k]) if n_bad[k] else None,
        ))
    return out
