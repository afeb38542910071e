"""Which loop is the training step, and the step and epoch of every observation."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def _names_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", text))


def param_update_sites(sites: list[Site], obs_counts: dict[int, int] | None = None) -> list[Site]:
    """Update sites whose target is read again somewhere else: the parameters' writes."""
    read_anywhere: dict[str, set[int]] = {}
    for s in sites:
        for r in s.reads:
            read_anywhere.setdefault(r, set()).add(s.id)
    # `p[k] = p[k] - lr * g[k]` writes a parameter held in a container just like `W -= lr * g`.
    updates = [s for s in sites if s.kind == "update"
               or (s.kind == "setitem" and s.target.split("[", 1)[0] in s.reads)]
    # A gradient accumulator (`dW += ...` inside a time loop) is read by an update outside that loop
    # (`W -= lr * dW`): it feeds a parameter, it is not one. (A recurrence `delta = delta @ W.T`
    # inside the time loop reads W the other way round and makes W no accumulator.)
    def deeper(w: Site, r: Site) -> bool:
        return w.loop is not None and (r.loop is None or (w.function == r.function and w.loop > r.loop))

    feeds_update = {w.target.split("[", 1)[0] for r in updates for w in updates
                    if w.target.split("[", 1)[0] != r.target.split("[", 1)[0] and w.target.split("[", 1)[0] in r.reads
                    and deeper(w, r)}
    returned = {(s.function, r) for s in sites if s.kind == "return" for r in s.reads}
    out = []
    for s in updates:
        key = s.target.split("[", 1)[0]
        readers = read_anywhere.get(key, set()) - {s.id}
        if not readers or key in feeds_update:
            continue
        if obs_counts is not None and any(
                w.kind == "assign" and w.target == key and key not in w.reads and obs_counts.get(w.id, 0) > 1
                and (w.function == s.function or "." in key) for w in sites):
            continue  # re-initialised at every step (`delta = outer(...)`, `self.dW = zeros`): working storage
        # Rebuilt from scratch at each call and handed back (`g = zeros...; g[k] += ...; return g`):
        # a per-step result, not a value carried to the next step.
        if "." not in key and (s.function, key) in returned and any(
                w.function == s.function and w.kind == "assign" and w.target == key for w in sites):
            continue
        out.append(s)
    return out


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
) -> StepPlan:
    """Choose the step loop: the loop whose iterations most often contain a parameter update.

    A loop whose own variable indexes the update (`for W, g in zip(Ws, gs): W -= lr * g`) walks
    over parameters, not over steps, and is passed over. `step_loop` ("FILE:LINE") overrides,
    and explicit `nandoctor.step()` markers override both.
    """
    counts = {lid: int(((ev_loop == lid) & (ev_kind == EV_ITER)).sum()) for lid in np.unique(ev_loop).tolist()}
    if not counts:
        return StepPlan(None, None, "no loop ran", 0)

    marker = [lp.id for lp in loops if lp.header == "nandoctor.step()" and counts.get(lp.id)]
    chosen: int | None = None
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
        ids, cnt = np.unique(obs_site, return_counts=True) if len(obs_site) else (np.zeros(0, int), np.zeros(0, int))
        updates = param_update_sites(sites, {int(i): int(c) for i, c in zip(ids, cnt)})
        fire = np.isin(obs_site, [u.id for u in updates]) if updates else np.zeros(len(obs_site), bool)
        fire_seq = obs_seq[fire]
        best = None
        if not len(fire_seq):
            # Updates that record nothing (a dict entry `p[k] = p[k] - ...`): the loop that holds
            # them in the code, skipping loops over the parameters themselves.
            for u in updates:
                lid = u.loop
                while lid is not None and lid < len(loops) and _names_in(u.target) & set(loops[lid].targets):
                    lid = loops[lid].parent
                if lid is not None and counts.get(lid):
                    best = ((1, 1.0, counts[lid]), lid)
                    break
        for lid, n in counts.items():
            if n == 0 or (best is not None and not len(fire_seq)):
                continue
            lp = loops[lid]
            if any(u.loop == lid and _names_in(u.target) & set(lp.targets) for u in updates):
                continue  # a loop over parameters
            starts = _iter_starts(ev_seq, ev_loop, ev_kind, lid)
            if len(fire_seq):
                idx = np.searchsorted(starts, fire_seq, side="right") - 1
                hit = len(np.unique(idx[idx >= 0]))
            else:
                hit = 0
            # Equal hits: prefer the loop where every iteration updates (an epoch loop over an inner
            # time loop that merely ends just before the update).
            key = (hit, hit / n, n)
            if best is None or key > best[0]:
                best = (key, lid)
        if best is None:
            return StepPlan(None, None, "no loop ran", 0)
        chosen = best[1]
        if best[0][0] > 0:
            reason = "innermost loop whose iterations update a parameter"
        else:
            reason = "no parameter update seen: the loop with the most iterations"
    starts = _iter_starts(ev_seq, ev_loop, ev_kind, chosen)
    epoch = _epoch_loop(chosen, loops, counts, ev_seq, ev_loop, ev_kind, starts)
    return StepPlan(chosen, epoch, reason, len(starts))


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
    starts = _iter_starts(ev_seq, ev_loop, ev_kind, plan.step_loop)
    step = np.searchsorted(starts, obs_seq, side="right").astype(np.int64) - 1
    if plan.epoch_loop is None:
        epoch = np.where(step >= 0, 0, -1).astype(np.int64)
    else:
        e_starts = _iter_starts(ev_seq, ev_loop, ev_kind, plan.epoch_loop)
        epoch = np.searchsorted(e_starts, obs_seq, side="right").astype(np.int64) - 1
    return step, epoch
