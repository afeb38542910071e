"""Phase of each site (forward, loss, backward, update, other), from data flow between sites.

Parameters are the targets of update sites. Values computed from parameters are parameter-derived.
The training targets are the array data first combined with a parameter-derived value deeper than
the parameters themselves (`-y/a_jk` meets the output; `x @ W` meets a parameter). Forward is what
feeds the first use of the targets; loss is what depends on the targets but feeds no update;
backward is what feeds the updates. Functions take the phase of the sites that call them.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from ..model import Site
from .steps import param_update_sites

TARGET_HINT = re.compile(r"^(y|t|yb|y_?batch|y_?true|ys|targets?|labels?|truth|gt)\w*$", re.IGNORECASE)
LOSS_HINT = re.compile(r"(loss|cost|error|err|objective|nll|mse|xent)", re.IGNORECASE)


def _key(site_function: str, name: str) -> str:
    """Scope key of a name: attribute chains are shared by a class, plain names are per function."""
    return name if "." in name else f"{site_function}::{name}"


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def assign_phases(sites: list[Site], sizes: dict[int, float], updates=None) -> list[Site]:
    """Sites with their phase set. `sizes` maps site id to the largest array size it held; `updates` are
    the parameter update sites of the program model (analysis/program.py), found here when not given."""
    if not sites:
        return []
    updates = set(updates) if updates is not None else {s.id for s in param_update_sites(sites)}
    by_func: dict[str, list[Site]] = defaultdict(list)
    for s in sites:
        by_func[s.function].append(s)
    func_last = defaultdict(list)  # "Sigmoid" -> ["ArtificialNeuralNetwork.Sigmoid"]
    for f in by_func:
        func_last[_last(f)].append(f)

    # Writers of each scoped name; module-level names are visible as globals in every function.
    writers: dict[str, list[int]] = defaultdict(list)
    for s in sites:
        if s.kind == "arg":
            writers[_key(s.function, s.target[4:])].append(s.id)
        elif s.kind != "return":
            name = s.target.split(" = ")[0].split("[", 1)[0]
            writers[_key(s.function, name)].append(s.id)

    def sources_of(s: Site) -> set[int]:
        src: set[int] = set()
        for r in s.reads:
            for key in (_key(s.function, r), _key("<module>", r)):
                if key in writers:
                    src.update(w for w in writers[key] if w != s.id or s.kind in ("update", "augassign"))
                    break
        for callee in s.calls:
            for f in func_last.get(_last(callee), ()):
                src.update(x.id for x in by_func[f] if x.kind == "return")
        if s.kind == "arg":  # arguments come from whatever the callers pass
            for caller in sites:
                if any(_last(c) == _last(s.function) for c in caller.calls):
                    src.update(sources_of_reads(caller))
        return src

    def sources_of_reads(s: Site) -> set[int]:
        src: set[int] = set()
        for r in s.reads:
            for key in (_key(s.function, r), _key("<module>", r)):
                if key in writers:
                    src.update(writers[key])
                    break
        return src

    parents = {s.id: sources_of(s) for s in sites}
    children: dict[int, set[int]] = defaultdict(set)
    for c, ps in parents.items():
        for p in ps:
            children[p].add(c)

    def closure(start: set[int], edges, stop: set[int] = frozenset()) -> set[int]:
        """Nodes reachable from `start`, not expanding through `stop` (the loop-carried cut)."""
        seen = set(start)
        todo = list(start)
        while todo:
            n = todo.pop()
            if n in stop and n not in start:
                continue
            for m in edges.get(n, ()):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return seen

    # A parameter's other writers (its initialisation) are the parameter too.
    param_keys = {_key(sites[u].function, sites[u].target.split("[", 1)[0]) for u in updates}
    params = updates | {i for k in param_keys for i in writers.get(k, ())}
    cut = params  # values flow from one step to the next only through the parameters

    # Parameter-derived values, and their depth along edges that run forward in the code.
    derived = closure(params, children, stop=cut) - params
    order = sorted(sites, key=lambda s: (s.file, s.line, s.col))

    def forward_edge(p: int, c: int) -> bool:
        return sites[p].function != sites[c].function or sites[p].line < sites[c].line

    depth: dict[int, int] = {u: 0 for u in params}
    for _ in range(4):
        for s in order:
            if s.id in derived:
                ds = [depth[p] for p in parents[s.id] if p in depth and forward_edge(p, s.id)]
                if ds:
                    depth[s.id] = 1 + max(ds)

    # Training targets: the array data first met (in code order) by a value derived from parameters.
    data = {s.id for s in sites if s.id not in derived and s.id not in params and sizes.get(s.id, 0) > 1}
    candidates: dict[int, tuple] = {}
    for s in order:
        if s.id in params:
            continue
        ps = parents[s.id]
        deep = [depth.get(p, 0) for p in ps if p in derived and forward_edge(p, s.id)]
        if not deep or max(deep) < 1:
            continue
        # A name that holds the data and then the values computed from it (`h = x`, then `h = layer.forward(h)`)
        # carries the input through the layers: where it is met, that data is the input, not a target.
        carried = {(sites[q].function, sites[q].target) for q in ps if q in derived}
        for p in ps & data:
            name = sites[p].target.replace("arg ", "")
            if (sites[p].function, sites[p].target) in carried:
                continue
            # Earlier meeting wins; a target-like name breaks ties.
            score = (bool(TARGET_HINT.match(_last(name))), -s.line)
            if p not in candidates or score > candidates[p]:
                candidates[p] = score
    targets: set[int] = set()
    if candidates:
        hinted = {p: sc for p, sc in candidates.items() if sc[0]}
        pool = hinted or candidates
        first = max(sc[1] for sc in pool.values())
        targets = {p for p, sc in pool.items() if sc[1] == first}

    y_dep = closure(targets, children, stop=cut) - targets - params
    frontier = {c for t in targets for c in children.get(t, ()) if c not in params}
    ancestors_of_frontier = closure(frontier, parents, stop=cut) - frontier
    feeds_update = closure(updates, parents, stop=set()) - params
    updates = params & updates

    phase: dict[int, str] = {}
    for s in sites:
        i = s.id
        if i in updates:
            phase[i] = "update"
        elif i in derived and i not in y_dep and i in ancestors_of_frontier:
            phase[i] = "forward"
        elif i in y_dep and i not in feeds_update:
            phase[i] = "loss"
        elif i in feeds_update and (i in derived or i in y_dep):
            phase[i] = "forward" if not targets and i in derived and not _looks_backward(s) else "backward"
        elif i in y_dep:
            phase[i] = "loss"
        else:
            phase[i] = "other"
        if phase[i] in ("backward", "other") and i in y_dep and LOSS_HINT.search(s.target) and sizes.get(i, 1) <= 1:
            phase[i] = "loss"

    # Functions called from sites take their callers' phase (first non-"other" caller in line order).
    for f, fsites in by_func.items():
        callers = [s for s in order if any(_last(c) == _last(f) for c in s.calls) and s.function != f]
        called_phases = [phase[c.id] for c in callers if phase[c.id] != "other"]
        if called_phases and not any(x.id in updates for x in fsites):
            for x in fsites:
                phase[x.id] = called_phases[0]
    return [dataclasses.replace(s, phase=phase[s.id]) for s in sites]


def _looks_backward(s: Site) -> bool:
    t = _last(s.target.split("[")[0])
    return bool(re.match(r"^(d|grad|delta|nabla|g_|dl|dw|db)", t, re.IGNORECASE))
