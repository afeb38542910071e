"""Matplotlib figures (object API only, no pyplot) rendered to deterministic PNG bytes."""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager

import numpy as np

from .timeline import Marker, SiteTimeline

DPI = 100
LEGEND_COLUMNS = 4
GRID_ALPHA = 0.25
LOG_RATIO = 100  # a log axis once the largest value spans 2 decades: spikes stay visible, slow growth stays linear
MARKER_STYLE = {
    "nonfinite": {"color": "#c62828", "linestyle": "--", "linewidth": 1.6},
    "error": {"color": "#8e24aa", "linestyle": ":", "linewidth": 1.3},
    "warning": {"color": "#ef6c00", "linestyle": ":", "linewidth": 1.2},
    "info": {"color": "#757575", "linestyle": ":", "linewidth": 1.0},
}
MARKER_WORDS = {
    "nonfinite": "first non-finite value",
    "error": "error finding starts",
    "warning": "warning finding starts",
    "info": "note starts",
}
C_ABSMAX = "#1565c0"
C_SAT_EXACT = "#c62828"
C_SAT_NEAR = "#ef9a9a"
C_NONFIN = "#c62828"


@contextmanager
def _fixed_style():
    """Default matplotlib style whatever the traced script did to rcParams, and no warnings leaking
    to the user's stderr (missing glyphs in user identifiers, for instance)."""
    import matplotlib
    import matplotlib.style

    with matplotlib.style.context("default"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams["font.size"] = 10
        yield


def new_figure(width_in: float, height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig) -> bytes:
    """PNG without the Software tag or any timestamp, so equal data gives equal bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _markers(ax, markers: list[Marker]) -> None:
    # One collection per kind, not one line per marker: artists are what matplotlib pays for.
    for kind in ("info", "warning", "error", "nonfinite"):
        steps = [m.step for m in markers if m.kind == kind]
        if steps:
            st = MARKER_STYLE[kind]
            ax.vlines(steps, 0, 1, transform=ax.get_xaxis_transform(), colors=st["color"],
                      linestyles=st["linestyle"], linewidths=st["linewidth"])


def _shade_nonfinite(ax, t: SiteTimeline) -> None:
    s = t.nonfinite
    if len(s.x) and np.any(s.y_max > 0):
        ax.fill_between(s.x, 0, 1, where=s.y_max > 0, step="post", transform=ax.get_xaxis_transform(),
                        color=C_NONFIN, alpha=0.12, linewidth=0)


def _plot_absmax(ax, t: SiteTimeline, x_range) -> None:
    s = t.absmax
    if len(s.x):
        ax.plot(s.x, s.y_max, color=C_ABSMAX, linewidth=1.1, drawstyle="steps-post")
        # A step line draws nothing for a last value before NaN (the z = 66.7 just before the first
        # NaN): mark such ends with a dot.
        fin = np.isfinite(s.y_max)
        ends = fin & ~np.r_[fin[1:], True]  # followed by NaN (the run's own last point needs no dot)
        if ends.any():
            ax.plot(s.x[ends], s.y_max[ends], linestyle="none", marker="o", markersize=3.5, color=C_ABSMAX)
        pos = s.y_max[np.isfinite(s.y_max) & (s.y_max > 0)]
        if len(pos) and pos.max() / max(pos.min(), 1e-300) > LOG_RATIO:
            ax.set_yscale("log")
    _shade_nonfinite(ax, t)
    ax.set_xlim(*_xlim(x_range))


def _plot_fractions(ax, t: SiteTimeline, x_range) -> None:
    """Saturation and non-finite share one axis: both are fractions of the value's elements."""
    s = t.nonfinite_frac
    if len(s.x) and np.any(s.y_max > 0):
        ax.fill_between(s.x, 0, s.y_max, step="post", color=C_NONFIN, alpha=0.35, linewidth=0)
    if t.sat_exact is not None:
        ax.plot(t.sat_near.x, t.sat_near.y_max, color=C_SAT_NEAR, linewidth=1.0, drawstyle="steps-post")
        ax.plot(t.sat_exact.x, t.sat_exact.y_max, color=C_SAT_EXACT, linewidth=1.3, drawstyle="steps-post")
    elif not (len(s.x) and np.any(s.y_max > 0)):
        ax.text(0.5, 0.5, "no saturation (values not in [0, 1] or [-1, 1]) and no NaN/inf", ha="center",
                va="center", transform=ax.transAxes, color="#9e9e9e", fontsize=8, parse_math=False)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlim(*_xlim(x_range))


def _light_ticks(ax, x_range, bottom: bool = True) -> None:
    """Few ticks, no minor ones, and x ticks only on the bottom row: creating Tick objects is most of
    matplotlib's cost here. Upper rows get their vertical grid as one cheap line collection."""
    from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

    if ax.get_yscale() == "log":
        lo, hi = ax.get_ylim()
        if hi > 1e100:
            # Over hundreds of decades a LogLocator steps past the largest float (1e360 after 1e300): ticks at
            # whole decades chosen here stay below it.
            from matplotlib.ticker import FixedLocator

            first, last = np.ceil(np.log10(max(lo, 1e-300))), np.floor(np.log10(min(hi, 1e307)))
            ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.unique(np.round(np.linspace(first, last, 5)))))
        else:
            ax.yaxis.set_major_locator(LogLocator(base=10, numticks=5))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_locator(NullLocator())
    x_locator = MaxNLocator(6, integer=True)
    lo, hi = _xlim(x_range)
    if bottom:
        ax.xaxis.set_major_locator(x_locator)
        ax.grid(True, alpha=GRID_ALPHA)
    else:
        ax.xaxis.set_major_locator(NullLocator())
        ax.grid(True, axis="y", alpha=GRID_ALPHA)
        xs = [x for x in x_locator.tick_values(lo, hi) if lo <= x <= hi]
        ax.vlines(xs, 0, 1, transform=ax.get_xaxis_transform(), colors="#b0b0b0", alpha=GRID_ALPHA,
                  linewidths=0.8, zorder=0.5)
    ax.tick_params(labelsize=8)


def _xlim(x_range):
    lo, hi = x_range
    return (lo, hi if hi > lo else lo + 1)


def _legend(fig, markers: list[Marker], with_sat: bool, y: float) -> None:
    handles = _legend_handles(markers, with_sat)
    fig.legend(handles=handles, loc="upper center", ncol=min(len(handles), LEGEND_COLUMNS), frameon=False,
               bbox_to_anchor=(0.5, y), fontsize=9)


def _legend_handles(markers: list[Marker], with_sat: bool) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=C_ABSMAX, label="largest |value|")]
    if with_sat:
        handles += [Line2D([], [], color=C_SAT_EXACT, label="fraction exactly at the bound"),
                    Line2D([], [], color=C_SAT_NEAR, label="fraction near the bound")]
    handles.append(Patch(color=C_NONFIN, alpha=0.35, label="NaN/inf present"))
    for kind in ("nonfinite", "error", "warning", "info"):
        if any(m.kind == kind for m in markers):
            handles.append(Line2D([], [], label=MARKER_WORDS[kind], **MARKER_STYLE[kind]))
    return handles


def _legend_rows(markers: list[Marker], with_sat: bool) -> int:
    n = 2 + (2 if with_sat else 0) + len({m.kind for m in markers})
    return -(-n // LEGEND_COLUMNS)


def summary_png(model) -> bytes:
    """summary.png from its model (png.SummaryModel): timelines left, verdict box right."""
    with _fixed_style():
        w, h = model.size_px
        fig = new_figure(w / DPI, h / DPI)
        gs = fig.add_gridspec(max(1, len(model.panels)), 2, width_ratios=(1.65, 1.0), left=0.07, right=0.985,
                              top=0.875, bottom=0.08, wspace=0.08, hspace=0.35)
        fig.text(0.012, 0.965, model.title, fontsize=17, fontweight="bold", va="top", parse_math=False)
        fig.text(0.012, 0.925, model.subtitle, fontsize=11, va="top", color="#424242", parse_math=False)
        if model.panels:
            for k, p in enumerate(model.panels):
                ax = fig.add_subplot(gs[k, 0])
                _plot_absmax(ax, p.timeline, model.x_range)
                if p.timeline.sat_exact is not None:
                    twin = ax.twinx()
                    twin.plot(p.timeline.sat_near.x, p.timeline.sat_near.y_max, color=C_SAT_NEAR, linewidth=1.0,
                              drawstyle="steps-post")
                    twin.plot(p.timeline.sat_exact.x, p.timeline.sat_exact.y_max, color=C_SAT_EXACT,
                              linewidth=1.2, drawstyle="steps-post")
                    twin.set_ylim(-0.05, 1.05)
                    twin.set_ylabel("at/near bound", fontsize=8, color=C_SAT_EXACT, parse_math=False)
                    twin.tick_params(labelsize=7, colors=C_SAT_EXACT)
                _markers(ax, model.markers)
                _light_ticks(ax, model.x_range, bottom=k == len(model.panels) - 1)
                ax.set_title(p.label, fontsize=10, loc="left", parse_math=False)
            ax.set_xlabel("training step", fontsize=9, parse_math=False)
        else:
            ax = fig.add_subplot(gs[:, 0])
            ax.axis("off")
            ax.text(0.5, 0.5, "No site was recorded inside the training loop.", ha="center", va="center",
                    parse_math=False)
        box = fig.add_subplot(gs[:, 1])
        box.set_xticks([])
        box.set_yticks([])
        colour = {"nonfinite": "#c62828", "crashed": "#c62828", "problems": "#ef6c00"}.get(model.status, "#2e7d32")
        for side in box.spines.values():
            side.set_edgecolor(colour)
            side.set_linewidth(2.5)
        box.set_facecolor("#fffdf7")
        from .png import BOX_TEXT_TOP, box_advance, box_wrap

        y = BOX_TEXT_TOP
        for size, weight, text in model.box_lines:
            wrapped = box_wrap(text, size, weight)
            box.text(0.04, y, wrapped, fontsize=size, fontweight=weight, va="top", transform=box.transAxes,
                     parse_math=False, color=colour if weight == "bold" and y > 0.9 else "#212121")
            y -= box_advance(wrapped, size)
        # The legend sits at the foot of the verdict box, where it never covers a curve.
        box.legend(handles=_legend_handles(model.markers, any(p.timeline.sat_exact is not None for p in model.panels)),
                   loc="lower left", ncol=2, frameon=False, fontsize=9, title="How to read the timelines",
                   title_fontsize=9, bbox_to_anchor=(0.02, 0.01))
        return png_bytes(fig)
