"""The interactive report's data: curves, per-step site values for the inspector and the network diagram, as JSON."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import numpy as np

from .. import columns as C
from ..trace.stats import EXACT_ROWS_MAX, IDX
from .timeline import build_timelines, obs_of, site_label

# Points per curve outside the detail window: a chart ~1000 px wide cannot show more, and max/min pooling
# keeps every spike. Inside the window around the first non-finite step every kept step is plotted.
OVERVIEW_POINTS = 1000
DETAIL_BEFORE = 3000  # steps before the first non-finite value plotted one by one (the first view's range)
# Steps whose every site value is embedded for the step inspector (the page must stay small).
MAX_INSPECT_STEPS = 160
EVENLY_SPACED_STEPS = 60
MAX_INSPECT_RECORDS = 12_000  # site values at embedded steps, summed over sites
MAX_ELEMENT_VALUES = 120_000  # elements embedded for the inspector in all (about 2.5 MB of JSON at most)
# Arrays up to this many elements show their elements in the inspector and the diagram.
MAX_ELEMENTS = 64
MAX_NAN_POSITIONS = 4096
MAX_DIAGRAM_UNITS = 64  # weights of matrices up to 64 * 64 / 4 elements are embedded (the diagram draws 16 units a layer)
NEAR_BOUND = 1e-2  # a value that came this close to its bound gets a distance-from-bound chart
SIGNIFICANT = 6  # digits of the curves' values (the inspector keeps full precision)


@dataclass(frozen=True)
class Bound:
    """The interval a bounded value (a sigmoid's or a tanh's output) lives in."""

    low: float
    high: float


def _num(x, digits: int | None = None):
    """A JSON-safe number: non-finite values as the strings the page's script turns back into numbers."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if digits is not None and x != 0:
        return float(f"{x:.{digits}g}")
    return x


def _nums(values, digits: int | None = SIGNIFICANT) -> list:
    return [_num(v, digits) for v in np.asarray(values, dtype=np.float64).ravel()]


def _steps_axis(steps: np.ndarray, lo: int, hi: int, detail: tuple[int, int] | None) -> np.ndarray:
    """The x values a curve is plotted at: pooled bins overall, every step inside the detail window.
    Returns (x, bin id of each step in `steps`), -1 for steps outside [lo, hi]."""
    width = max(1, -(-(hi - lo + 1) // OVERVIEW_POINTS))
    bins = np.where((steps >= lo) & (steps <= hi), lo + (steps - lo) // width * width, -1)
    if detail is not None:
        inside = (steps >= detail[0]) & (steps <= detail[1])
        bins = np.where(inside, steps, bins)
    return bins


def _pool(steps: np.ndarray, values: np.ndarray, lo: int, hi: int, detail) -> tuple[list, list, list]:
    """(x, max, min) per plotted point, NaN-aware (an all-NaN bin stays a gap)."""
    keep = (steps >= lo) & (steps <= hi)
    steps, values = steps[keep], values[keep]
    if not len(steps):
        return [], [], []
    bins = _steps_axis(steps, lo, hi, detail)
    order = np.argsort(bins, kind="stable")
    b, v = bins[order], values[order]
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    with np.errstate(invalid="ignore"):
        hi_v = np.fmax.reduceat(v, starts)
        lo_v = np.fmin.reduceat(v, starts)
    return [int(x) for x in b[starts]], _nums(hi_v), _nums(lo_v)


def _bound_of(mins: np.ndarray, maxs: np.ndarray, sat: np.ndarray) -> Bound | None:
    """The interval of a squashed value: all its finite records in [0, 1] or [-1, 1] and saturation defined."""
    fin = np.isfinite(mins) & np.isfinite(maxs)
    if fin.sum() < 2 or not np.isfinite(sat[fin]).mean() >= 0.95:
        return None
    lo, hi = float(np.min(mins[fin])), float(np.max(maxs[fin]))
    if lo >= 0 and hi <= 1:
        return Bound(0.0, 1.0)
    if lo >= -1 and hi <= 1:
        return Bound(-1.0, 1.0)
    return None


def _checked(obs, rows: np.ndarray) -> np.ndarray:
    """Records whose statistics were computed (a screened large array's unread records have NaN statistics)."""
    stats = obs.stats[rows]
    big = stats[:, IDX[C.SIZE]] > EXACT_ROWS_MAX
    unread = big & np.isnan(stats[:, IDX[C.ABSMAX]]) & (obs.nonfinite(rows) == 0)
    return ~unread


class ReportData:
    """Everything the page's script draws, computed once from the session."""

    def __init__(self, session):
        self.session = session
        self.obs = obs_of(session)
        self.tl = build_timelines(session)
        in_loop = self.obs.step[self.obs.step >= 0]
        self.last_step = int(in_loop.max()) if len(in_loop) else 0
        fn = session.first_nonfinite
        self.bad_step = self.tl.markers[0].step if self.tl.markers and self.tl.markers[0].kind == "nonfinite" else None
        if fn is not None and fn.step is not None and fn.step >= 0:
            self.bad_step = int(fn.step)
        self.detail = None
        self.view = (0, self.last_step)
        if self.bad_step is not None and self.bad_step < self.last_step:
            # After the first NaN it usually spreads to everything: the first view ends shortly after it.
            self.view = (0, min(self.last_step, self.bad_step + max(10, self.bad_step // 10)))
        if self.bad_step is not None:
            self.detail = (max(0, self.bad_step - DETAIL_BEFORE), self.view[1])
        self._facts = None

    @property
    def facts(self):
        if self._facts is None:
            from ..detectors.facts import facts

            self._facts = facts(self.session)
        return self._facts

    # -- curves ------------------------------------------------------------------------------
    def curves(self) -> list[dict]:
        out = []
        loss = self._loss_curve()
        if loss:
            out.append(loss)
        acc = self._accuracy_curve()
        if acc:
            out.append(acc)
        for t in self.tl.sites:
            out.extend(self._site_curves(t))
        return out

    def _loss_curve(self) -> dict | None:
        from ..detectors.optimisation import loss_series

        try:
            got = loss_series(self.facts)
        except Exception as exc:  # the page still shows the other curves, and says why this one is missing
            return {"id": "loss", "title": "Loss", "missing": f"the loss could not be read: {exc}"}
        if got is None:
            return {"id": "loss", "title": "Loss", "missing": "no loss was found: no scalar loss value was recorded and "
                    "the outputs and targets were not both kept"}
        steps, values, how = got
        steps = np.asarray(steps, np.int64)
        values = np.asarray(values, np.float64)
        x, top, bottom = _pool(steps, values, 0, self.last_step, self.detail)
        positive = bool(np.all(values[np.isfinite(values)] > 0)) if np.isfinite(values).any() else False
        return {"id": "loss", "title": "Loss", "source": how, "x": x,
                "series": [{"label": "loss", "y": top}] + ([{"label": "lowest in bin", "y": bottom, "faint": True}]
                                                           if bottom != top else []),
                "scale": "log" if positive and _spread(values) > 100 else "linear", "log_ok": positive,
                "what": f"The loss at each training step, from {how}."}

    def _accuracy_curve(self) -> dict | None:
        from ..detectors.results import correctness

        try:
            got = correctness(self.facts)
        except Exception as exc:
            return {"id": "accuracy", "title": "Training accuracy", "missing": f"the accuracy could not be measured: {exc}"}
        if got is None:
            return None
        steps, corr, kind = got
        acc = np.asarray(corr, dtype=np.float64).mean(axis=1)
        x, top, bottom = _pool(np.asarray(steps, np.int64), acc, 0, self.last_step, self.detail)
        return {"id": "accuracy", "title": "Training accuracy", "x": x, "scale": "linear", "log_ok": False,
                "series": [{"label": "accuracy", "y": top}] + ([{"label": "lowest in bin", "y": bottom, "faint": True}]
                                                               if bottom != top else []),
                "percent": True,
                "what": f"The share of the {corr.shape[1]} training samples predicted right ({kind}), at each step "
                        "where the outputs were finite."}

    def _site_curves(self, t) -> list[dict]:
        obs = self.obs
        rows = obs.rows(t.site_id)
        rows = rows[obs.step[rows] >= 0]
        checked = _checked(obs, rows)
        note = ""
        if not checked.all():
            note = (f"Plotted from the {int(checked.sum()):,} checked records of {len(rows):,}: the others of this "
                    "large array were screened (not read), so they have no values to plot.")
        rows = rows[checked]
        steps = obs.step[rows]
        absmax = obs.col(rows, C.ABSMAX)
        nonfin = obs.nonfinite(rows).astype(np.float64)
        label = t.label
        x, top, _ = _pool(steps, absmax, 0, self.last_step, self.detail)
        _, bad, _ = _pool(steps, nonfin, 0, self.last_step, self.detail)
        out = [{"id": f"site-{t.site_id}-absmax", "site": t.site_id, "title": f"{label}: largest |value|",
                "x": x, "series": [{"label": "largest |value|", "y": top}],
                "bad": bad, "scale": "log", "log_ok": True, "why": t.why, "note": note,
                "what": f"The largest absolute value of {label} at each step; steps where it held NaN or infinity are "
                        "shaded red."}]
        mins, maxs = obs.col(rows, C.MIN), obs.col(rows, C.MAX)
        bound = _bound_of(mins, maxs, obs.col(rows, C.FRAC_SAT_NEAR))
        site = self.session.sites[t.site_id]
        if bound is not None and (site.phase in ("update", "backward") or t.site_id in self._params()):
            bound = None  # weights or gradients that happen to lie in [-1, 1] have no bound to approach
        if bound is not None:
            with np.errstate(invalid="ignore"):
                gaps = np.minimum(bound.high - maxs, mins - bound.low)
            gaps = gaps[np.isfinite(gaps)]
            if not (len(gaps) and gaps.min() < NEAR_BOUND):
                bound = None  # never came near its bound: the distance would only repeat the value
        if bound is not None:
            with np.errstate(invalid="ignore"):
                to_top = bound.high - maxs
                to_bottom = mins - bound.low
            x2, near_top, _ = _pool(steps, -to_top, 0, self.last_step, self.detail)  # max of -d = -(min distance)
            _, near_bottom, _ = _pool(steps, -to_bottom, 0, self.last_step, self.detail)
            flip = lambda ys: [(-y if isinstance(y, float) else y) for y in ys]  # noqa: E731
            lo_txt = "0" if bound.low == 0 else "-1"
            out.append({"id": f"site-{t.site_id}-bound", "site": t.site_id, "title": f"{label}: distance from its bounds",
                        "x": x2, "series": [{"label": "1 - largest value", "y": flip(near_top)},
                                            {"label": f"smallest value - ({lo_txt})" if bound.low else "smallest value",
                                             "y": flip(near_bottom)}],
                        "bad": bad, "scale": "log", "log_ok": True, "why": t.why, "note": note, "bound": True,
                        "what": f"{label} lives in [{lo_txt}, 1]. Plotted is how close it came to either end: 1 minus its "
                                f"largest value and its smallest value minus {lo_txt}, on a log scale, so a drift to "
                                "1 - 2e-12 shows. Zero (the bottom of the chart) means a value sat exactly on the bound, "
                                "where the gradient vanishes and 1 - a is 0."})
        return out

    def _params(self) -> set[int]:
        try:
            return set(self.facts.params)
        except Exception:
            return set()

    def markers(self) -> list[dict]:
        from .words import finding_title

        out = []
        for m in self.tl.markers:
            code = m.label.split(" (step")[0]
            plain = "first NaN or infinity" if m.kind == "nonfinite" else finding_title(code)
            out.append({"step": m.step, "label": m.label, "kind": m.kind, "title": f"{plain} (step {m.step})"})
        return out

    # -- the inspector -------------------------------------------------------------------------
    def inspect_steps(self) -> list[int]:
        """The steps whose site values are embedded: every step named on the page, the one before each, the
        steps around the first non-finite value, and evenly spaced steps over the run."""
        named: set[int] = set()
        if self.bad_step is not None:
            named.update(range(max(0, self.bad_step - 3), self.bad_step + 2))
        for m in self.tl.markers:
            named.add(m.step)
        for c in self.session.causes:
            for link in c.chain:
                if link.step is not None and link.step >= 0:
                    named.add(int(link.step))
        named = {s for s in named if 0 <= s <= self.last_step}
        self.named_steps = named | {s - 1 for s in named if s > 0}
        spaced = set(np.linspace(0, self.last_step, EVENLY_SPACED_STEPS).round().astype(int).tolist()) - named
        # A program with many sites gets fewer evenly spaced steps: the page must stay within its size.
        n_sites = sum(1 for sid in self.obs.span if _in_loop_rows(self.obs, sid))
        by_size = MAX_INSPECT_RECORDS // max(1, n_sites) // 2 - len(named)
        room = max(0, min(MAX_INSPECT_STEPS // 2 - len(named), by_size))
        if room < len(spaced):
            spaced = set(sorted(spaced)[:: max(1, -(-len(spaced) // max(room, 1)))][:room])
        chosen = named | spaced
        # Each step is shown beside the one before it.
        chosen |= {s - 1 for s in chosen if s > 0}
        return sorted(chosen)[:MAX_INSPECT_STEPS]

    def inspector(self, steps: list[int]) -> dict:
        obs = self.obs
        s = self.session
        sites = [x for x in sorted(s.sites, key=lambda x: (x.file, x.line, x.col, x.id))
                 if len(obs.rows(x.id)) and (obs.step[obs.rows(x.id)] >= 0).any()]
        step_arr = np.asarray(steps, np.int64)
        named = getattr(self, "named_steps", set())
        # Elements are embedded up to a budget, the steps the page names first.
        budget = {"named": MAX_ELEMENT_VALUES // 2, "spaced": MAX_ELEMENT_VALUES // 2}
        table = []
        for site in sites:
            rows = obs.rows(site.id)
            st = obs.step[rows]
            left = np.searchsorted(st, step_arr, side="left")
            right = np.searchsorted(st, step_arr, side="right")
            kept = self._kept_values(site.id)
            per_step = {}
            for k, step in enumerate(steps):
                n = int(right[k] - left[k])
                if n == 0:
                    continue
                row = rows[right[k] - 1]  # the last record at this step: the value the step ended with
                stats = obs.stats[row]
                size = int(stats[IDX[C.SIZE]])
                rec = {"n": n, "size": size, "shape": self._shape(row),
                       "min": _num(stats[IDX[C.MIN]]), "max": _num(stats[IDX[C.MAX]]),
                       "mean": _num(stats[IDX[C.MEAN]]), "absmax": _num(stats[IDX[C.ABSMAX]]),
                       "nan": int(stats[IDX[C.N_NAN]]), "inf": int(stats[IDX[C.N_POSINF]] + stats[IDX[C.N_NEGINF]])}
                if size > EXACT_ROWS_MAX and np.isnan(stats[IDX[C.ABSMAX]]) and rec["nan"] == 0 and rec["inf"] == 0:
                    rec["screened"] = True
                pool = "named" if step in named else "spaced"
                if kept is not None and size <= MAX_ELEMENTS and budget[pool] >= size:
                    v = _value_at(kept, step)
                    if v is not None and v.size == size:
                        rec["elements"] = _nums(v, None)
                        budget[pool] -= size
                per_step[str(step)] = rec
            table.append({"id": site.id, "label": site_label(site), "target": site.target, "line": site.line,
                          "function": site.function, "phase": site.phase,
                          # An argument's statement is its whole function: its first line says enough.
                          "code": (site.statement.strip().splitlines() or [""])[0] if site.kind == "arg" else site.statement.strip(),
                          "values": per_step})
        return {"steps": steps, "sites": table}

    def _shape(self, row) -> str:
        code = int(self.obs.shape[row])
        return self.obs.shapes[code] if code < len(self.obs.shapes) else "?"

    def _kept_values(self, sid: int):
        """(steps, data) of the kept values of a site, in recording order, or None when none were kept."""
        try:
            groups = self.session.values(sid)
        except Exception:
            return None
        parts = [(np.asarray(st), np.asarray(d)) for _, st, d in groups if len(st)]
        if not parts:
            return None
        # Different shapes (a last short batch) go together: each value is read back with its own length.
        steps = np.concatenate([p[0] for p in parts])
        data = [row for p in parts for row in p[1]]
        order = np.argsort(steps, kind="stable")
        return steps[order], [data[i] for i in order]

    # -- the network diagram -------------------------------------------------------------------
    def network(self, steps: list[int]) -> dict:
        """Layers and weights from the shapes of the 2-D parameters, when they chain into a layered net."""
        s = self.session
        try:
            params = sorted(self.facts.params)
        except Exception as exc:
            return {"missing": f"the parameters could not be identified: {exc}"}
        by_name: dict[str, list[int]] = {}
        shapes: dict[str, tuple[int, ...]] = {}
        for sid in params:
            rows = self.obs.rows(sid)
            if not len(rows):
                continue
            shape = _parse_shape(self._shape(rows[-1]))
            site = s.sites[sid]
            by_name.setdefault(site.target, []).append(sid)
            if shape is not None:
                shapes.setdefault(site.target, shape)
        mats = [(name, sh) for name, sh in shapes.items() if len(sh) == 2]
        if not mats:
            return {"missing": "no two-dimensional weight matrix was recorded among the parameters, so there are no "
                    "layers to draw"}
        # Weights are the matrices the code multiplies (`x @ W`, `np.dot(W, x)`); a matrix only ever added is a bias.
        uses = {name: self._matmul_side(name) for name, _ in mats}
        weights = [(n, sh) for n, sh in mats if uses[n] is not None]
        biases = [n for n, _ in mats if uses[n] is None]
        sides = {uses[n] for n, _ in weights}
        layout = (True if sides == {"left"} else False if sides == {"right"} else None)
        chain = _chain(weights, self._first_reads([n for n, _ in weights]), layout) if weights else None
        if chain is not None and len(chain[0]) < len(weights):
            chain = None  # a diagram of part of the weights would mislead
        if chain is None:
            return {"missing": "no layered net found: the weight matrices "
                    + (", ".join(f"{n} {sh}" for n, sh in weights) if weights else "(none is multiplied in the code)")
                    + " do not chain into layers (each layer's output size the next one's input size)"}
        names, widths, transposed = chain
        if max(widths) > 4096:
            return {"missing": f"a layer has {max(widths):,} units: too wide to draw"}
        layers = [{"units": w, "label": "inputs" if i == 0 else ("outputs" if i == len(widths) - 1 else f"hidden layer {i}")}
                  for i, w in enumerate(widths)]
        acts = self._activations(widths)
        for i, sid in acts.items():
            layers[i]["site"] = s.sites[sid].target
        weights = []
        for i, name in enumerate(names):
            sids = by_name[name]
            kept = [self._kept_values(x) for x in sids]
            kept = [k for k in kept if k is not None]
            merged = _merge_kept(kept)
            per_step = {}
            for step in steps:
                v = _value_at(merged, step) if merged is not None else None
                if v is None:
                    continue
                m = np.asarray(v, np.float64).reshape(shapes[name])
                if transposed:
                    m = m.T
                bad = np.flatnonzero(~np.isfinite(m.ravel()))
                # Only the drawn corner of a big matrix needs its NaN positions; the count says the rest.
                entry = {"n_nan": int(len(bad)), "nan": [int(j) for j in bad[:MAX_NAN_POSITIONS]]}
                if m.size <= MAX_DIAGRAM_UNITS * MAX_DIAGRAM_UNITS // 4:
                    entry["w"] = _nums(m, 4)
                per_step[str(step)] = entry
            weights.append({"name": name, "shape": list(shapes[name]), "from": i, "to": i + 1,
                            "transposed": transposed, "values": per_step})
        units = {}
        for i, sid in acts.items():
            kept = self._kept_values(sid)
            if kept is None:
                continue
            rows = self.obs.rows(sid)
            bounded = _bound_of(self.obs.col(rows, C.MIN), self.obs.col(rows, C.MAX),
                                self.obs.col(rows, C.FRAC_SAT_NEAR)) is not None
            per_step = {}
            for step in steps:
                v = _value_at(kept, step)
                if v is None or v.size % widths[i]:
                    continue
                a = np.asarray(v, np.float64).reshape(-1, widths[i])
                with np.errstate(invalid="ignore"):
                    # A squashed unit is saturated for a sample when its output is exactly 1 (or -1): 1 - a is 0 there.
                    at_bound = (np.abs(a) == 1.0) & bounded
                per_step[str(step)] = {"nan": [int(j) for j in np.flatnonzero(~np.all(np.isfinite(a), axis=0))],
                                       "saturated": {str(j): [int(r) for r in np.flatnonzero(at_bound[:, j])]
                                                     for j in np.flatnonzero(at_bound.any(axis=0))},
                                       "nan_samples": {str(j): [int(r) for r in np.flatnonzero(~np.isfinite(a[:, j]))]
                                                       for j in np.flatnonzero(~np.all(np.isfinite(a), axis=0))}}
            units[str(i)] = {"site": s.sites[sid].target, "values": per_step}
        failing = None
        fn = s.first_nonfinite
        if fn is not None and fn.site is not None and 0 <= fn.site < len(s.sites):
            shape = _parse_shape(self._shape(self.obs.rows(fn.site)[-1])) if len(self.obs.rows(fn.site)) else None
            if shape:
                hits = [i for i, w in enumerate(widths) if i > 0 and w == shape[-1]]
                if len(hits) == 1:
                    failing = {"layer": hits[0], "why": f"the first non-finite value, in {fn.site and s.sites[fn.site].target} "
                               f"(line {fn.line}), has this layer's width ({widths[hits[0]]})",
                               "elements": [list(e) for e in fn.elements], "step": int(fn.step)}
        stuck = []
        for f in s.findings:
            if f.code == "samples_never_learned":
                rows = f.evidence.get("rows") or {}
                for k in f.evidence.get("samples", [])[:10]:
                    stuck.append({"sample": int(k), "row": rows.get(k, rows.get(str(k)))})
        return {"layers": layers, "weights": weights, "units": units, "failing": failing, "stuck": stuck, "biases": biases,
                "orientation": "weights (outputs, inputs): x = W @ a" if transposed else "weights (inputs, outputs): a @ W"}

    def _matmul_side(self, name: str) -> str | None:
        """"left" when a recorded statement multiplies `name @ x` (or np.dot(name, x)), "right" for `x @ name`, None
        when no statement multiplies it."""
        pattern = re.escape(name) + r"(?:\.T)?"
        left = re.compile(r"(?<![\w.])" + pattern + r"\s*@|dot\(\s*" + pattern + r"\s*,|(?<![\w.])" + re.escape(name) + r"\.dot\(")
        right = re.compile(r"@\s*" + pattern + r"(?![\w\[])|dot\([^,()]+(?:\([^()]*\))?[^,()]*,\s*" + pattern + r"\s*\)")
        found = None
        for site in sorted(self.session.sites, key=lambda x: (x.phase != "forward", x.line)):
            if site.phase == "update" or site.target == name:
                continue
            text = site.statement
            if left.search(text):
                return "left" if found is None else found
            if right.search(text):
                return "right" if found is None else found
        return found

    def _first_reads(self, names: list[str]) -> dict[str, int]:
        """Where each parameter is first read by a recorded statement that is not its own update (the forward pass
        reads the first layer's weights first)."""
        out: dict[str, int] = {}
        for site in sorted(self.session.sites, key=lambda x: (x.line, x.col)):
            if site.phase == "update" or site.target in names:
                continue
            for name in names:
                if name not in out and name in getattr(site, "reads", ()):
                    out[name] = site.line
        return out

    def _activations(self, widths: list[int]) -> dict[int, int]:
        """Layer index -> the forward site computed last with that layer's width (its activation), when the
        width belongs to one layer only."""
        s = self.session
        out = {}
        for i, w in enumerate(widths):
            if i == 0 or widths.count(w) > 1:
                continue
            found = None
            for site in sorted(s.sites, key=lambda x: (x.file, x.line, x.id)):
                if site.phase != "forward" or site.kind == "arg":
                    continue
                rows = self.obs.rows(site.id)
                if not len(rows) or not (self.obs.step[rows] >= 0).any():
                    continue
                sh = _parse_shape(self._shape(rows[-1]))
                if sh and len(sh) == 2 and sh[-1] == w:
                    found = site.id
            if found is not None:
                out[i] = found
        return out

    # -- all of it -----------------------------------------------------------------------------
    def document(self) -> dict:
        steps = self.inspect_steps()
        view = self.view
        return {"last_step": self.last_step, "first_nonfinite": self.bad_step, "view": {"min": view[0], "max": view[1]},
                "detail": list(self.detail) if self.detail else None,
                "markers": self.markers(), "curves": self.curves(), "inspector": self.inspector(steps),
                "network": self.network(steps)}


def _in_loop_rows(obs, sid: int) -> bool:
    rows = obs.rows(sid)
    return bool(len(rows)) and bool((obs.step[rows] >= 0).any())


def _spread(values: np.ndarray) -> float:
    fin = values[np.isfinite(values) & (values > 0)]
    if len(fin) < 2:
        return 1.0
    return float(fin.max() / fin.min())


def _parse_shape(text: str) -> tuple[int, ...] | None:
    try:
        got = tuple(int(p) for p in text.strip("()").replace(" ", "").split(",") if p)
    except ValueError:
        return None
    return got


def _chain(mats: list[tuple[str, tuple[int, int]]], order: dict[str, int] | None = None, layout: bool | None = None):
    """(names in layer order, widths, transposed?) of the longest chain of matrices, in either layout.

    Shapes alone can chain both ways ((1, 5) then (5, 2) reads as 1-5-2 or, transposed, 2-5-1): `order`, where
    each matrix is first used in the forward pass, decides, since the first layer's weights are read first."""
    found = []
    for transposed in (False, True):
        dims = {n: ((sh[1], sh[0]) if transposed else sh) for n, sh in mats}
        for start in dims:
            names = [start]
            widths = [dims[start][0], dims[start][1]]
            used = {start}
            while True:
                nxt = [n for n in dims if n not in used and dims[n][0] == widths[-1]]
                if len(nxt) != 1:
                    break
                names.append(nxt[0])
                used.add(nxt[0])
                widths.append(dims[nxt[0]][1])
            # A chain must start where no other matrix feeds it.
            if any(dims[n][1] == widths[0] for n in dims if n not in used):
                continue
            found.append((names, widths, transposed))
    if not found:
        return None

    def agrees(chain) -> bool:
        if not order or any(n not in order for n in chain[0]):
            return True
        firsts = [order[n] for n in chain[0]]
        return firsts == sorted(firsts)

    # `layout`: True when the code multiplies W @ x (weights (outputs, inputs)), False for x @ W, None unknown.
    return max(found, key=lambda c: (len(c[0]), layout is None or c[2] == layout, agrees(c), not c[2]))


def _merge_kept(kept: list):
    if not kept:
        return None
    steps = np.concatenate([k[0] for k in kept])
    data = [row for k in kept for row in k[1]]
    order = np.argsort(steps, kind="stable")
    return steps[order], [data[i] for i in order]


def _value_at(kept, step: int):
    """The last kept value at or before `step` (the value the step ended with), or None."""
    steps, data = kept
    j = int(np.searchsorted(steps, step, side="right")) - 1
    if j < 0:
        return None
    return np.asarray(data[j], dtype=np.float64)


def json_for_script(document: dict) -> str:
    """JSON that is safe inside a <script type="application/json"> element (no markup can close it)."""
    text = json.dumps(document, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
