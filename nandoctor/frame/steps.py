"""Which loop is the training step, and the step and epoch of every observation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Loop, Site

EV_ITER = 0


@dataclass(frozen=True)
class StepPlan:
    """The chosen step loop and epoch loop, with how they were chosen."""

    step_loop: int | None
    epoch_loop: int | None
    reason: str
    n_steps: int
    training_loop: int | None = None  # the loop the user calls the training loop (the epoch loop around minibatch steps)
    # seqs at which the steps start: the step loop's iterations that update the parameters (None: every iteration)
    step_starts: np.ndarray | None = field(default=None, compare=False, repr=False)


def param_update_sites(sites: list[Site], obs_counts: dict[int, int] | None = None, sources=None, loops=()) -> list[Site]:
    """Update sites that write a parameter (the program model's roles: analysis/program.py)."""
    from ..analysis.program import classify_updates, index_sources

    ups, _ = classify_updates(list(sites), index_sources(sources or {}), obs_counts, list(loops))
    return [s for s in sites if s.id in set(ups)]


def _iter_starts(ev_seq, ev_loop, ev_kind, lid) -> np.ndarray:
    m = (ev_loop == lid) & (ev_kind == EV_ITER)
    return ev_seq[m]


def plan_steps(
    sites: list[Site],
    loops: list[Loop],
    ev_seq: np.ndarray,
    ev_loop: np.ndarray,
    ev_kind: np.ndarray,
    obs_seq: np.ndarray,
    obs_site: np.ndarray,
    step_loop: str | None = None,
    structure=None,
) -> StepPlan:
    """Choose the step loop and the training loop from the program model's loop roles.

    The step loop is the innermost loop whose iterations update the parameters while the model uses
    them; the training loop is the outermost such loop around it (the epoch loop of minibatches). Loops
    that walk over parameters, restart training or never use the model are passed over; with no such
    loop there are no steps. `step_loop` ("FILE:LINE") overrides, and explicit `nandoctor.step()`
    markers override both.
    """
    counts = {lid: int(((ev_loop == lid) & (ev_kind == EV_ITER)).sum()) for lid in np.unique(ev_loop).tolist()}
    if not counts:
        return StepPlan(None, None, "no loop ran", 0)

    marker = [lp.id for lp in loops if lp.header == "nandoctor.step()" and counts.get(lp.id)]
    chosen: int | None = None
    training: int | None = None
    reason = ""
    if marker:
        chosen, reason = marker[0], "nandoctor.step() markers"
    elif step_loop:
        file_part, _, line_part = step_loop.rpartition(":")
        try:
            line = int(line_part)
        except ValueError as e:
            raise ValueError(f"--step-loop takes FILE:LINE, got {step_loop!r}") from e
        for lp in loops:
            if lp.line == line and (not file_part or lp.file.endswith(file_part)):
                chosen, reason = lp.id, f"--step-loop {step_loop}"
                break
        if chosen is None:
            raise ValueError(f"--step-loop {step_loop}: no loop starts at that line")
    else:
        if structure is None:
            from ..analysis.program import build_structure

            structure = build_structure(sites, loops, {}, ev_seq, ev_loop, ev_kind, obs_seq, obs_site)
        from ..analysis.program import choose_loops

        choice = choose_loops(structure)
        if choice.step_loop is None:
            return StepPlan(None, None, choice.reason, 0)
        chosen, training, reason = choice.step_loop, choice.training_loop, choice.reason
    starts = _iter_starts(ev_seq, ev_loop, ev_kind, chosen)
    own_starts = None
    if not marker and not step_loop and structure is not None:
        # A step is an iteration that updates: the step loop's iterations that only evaluate (the same
        # function run on test data between epochs or after training) are no steps, and number none.
        at = structure.loop_roles[chosen].updating_at
        if at is not None and len(at) and len(at) < len(starts):
            own_starts = starts[at]
            starts = own_starts
    if training is not None and training != chosen:
        epoch = training
    else:
        epoch = _epoch_loop(chosen, loops, counts, ev_seq, ev_loop, ev_kind, starts)
    return StepPlan(chosen, epoch, reason, len(starts), training if training is not None else chosen, own_starts)


def _epoch_loop(chosen, loops, counts, ev_seq, ev_loop, ev_kind, starts) -> int | None:
    """The loop whose iterations each hold one or more steps: the static parent if it fits."""
    n_steps = len(starts)
    candidates = []
    for lid, n in counts.items():
        if lid == chosen or n < 1 or n >= n_steps:
            continue
        m_starts = _iter_starts(ev_seq, ev_loop, ev_kind, lid)
        if len(m_starts) == 0 or m_starts[0] > starts[0]:
            continue
        # Every epoch iteration must contain a step start before the next epoch starts.
        pos = np.searchsorted(starts, m_starts, side="left")
        nxt = np.append(pos[1:], n_steps)
        if np.all(nxt > pos):
            candidates.append(lid)
    if not candidates:
        return None
    parent = loops[chosen].parent
    if parent in candidates:
        return parent
    return max(candidates, key=lambda lid: counts[lid])


def assign_steps(plan: StepPlan, ev_seq, ev_loop, ev_kind, obs_seq) -> tuple[np.ndarray, np.ndarray]:
    """Step and epoch of each observation: -1 before the first step, the last step after the loop."""
    if plan.step_loop is None:
        z = np.zeros(len(obs_seq), dtype=np.int64)
        return z, z.copy()
    starts = plan.step_starts if plan.step_starts is not None else _iter_starts(ev_seq, ev_loop, ev_kind, plan.step_loop)
    step = np.searchsorted(starts, obs_seq, side="right").astype(np.int64) - 1
    if plan.epoch_loop is None:
        epoch = np.where(step >= 0, 0, -1).astype(np.int64)
    else:
        e_starts = _iter_starts(ev_seq, ev_loop, ev_kind, plan.epoch_loop)
        epoch = np.searchsorted(e_starts, obs_seq, side="right").astype(np.int64) - 1
    return step, epoch
