"""No bias term: every decision is a boundary through the origin, and the data need one elsewhere."""

from __future__ import annotations

import ast
import re

import numpy as np

from ... import columns as C
from ...detectors.facts import _dotted, base_name, expr_reads, last, parse_statement, strip_comment, value_reads
from ...detectors.structure import bias_params
from ...explain.fixes import advice, bias_fixes
from ...model import ChainLink, Fix
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import input_site, learned_names, loop_rows, samples_axis_length, site_words, target_names, target_site


def _has_product(tree) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.MatMult)):
            return True
        if isinstance(node, ast.Call) and last(_dotted(node.func) or "") in ("dot", "matmul", "inner", "einsum",
                                                                              "tensordot", "vdot"):
            return True
    return False


def _learned(name: str, params: set[str]) -> bool:
    """A read of a parameter, also under another object's name (`self.W` inside the layer, `layer.W` outside)."""
    name = base_name(name)
    return name in params or ("." in name and any("." in p and last(p) == last(name) for p in params))


def _added_terms(tree, params: set[str]) -> list[str]:
    """Learned values added to (or subtracted from) a product: the bias terms of a statement."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if _has_product(other) and not _has_product(side) and not isinstance(side, ast.Constant):
                    reads = [_dotted(n) or "" for n in ast.walk(side) if isinstance(n, (ast.Name, ast.Attribute))]
                    if any(_learned(r, params) for r in reads if r):
                        out.append(ast.unparse(side))
    return out


def decision_statements(F, params: set[str]) -> list:
    """Statements that multiply a parameter with the data on the way to the prediction (not from the targets)."""
    tainted = set(target_names(F))
    for _ in range(4):  # what is computed from the targets (errors, gradients) is not the forward pass
        for x in F.sites:
            own = base_name(x.target)
            if _learned(own, params) or own in tainted:
                continue
            if x.kind == "arg":
                if any(base_name(r) in tainted for _, expr in F.call_args(x.function, own) for r in expr_reads(expr)):
                    tainted.add(own)
            elif any(base_name(r) in tainted for r in value_reads(x)):
                tainted.add(own)
    # the gradients the updates apply (`gW = outs[i].T @ delta`) are products on the way back, not to the prediction
    applied = {base_name(F.by_id[g].target) for u in F.updates for g in F.gradient_of(u)
               if g not in F.forward_sites and g != F.output}  # (the prediction an update reads stays the forward's)
    out = []
    for x in F.sites:
        own = base_name(x.target)
        if x.kind == "arg" or _learned(own, params) or not any(_learned(r, params) for r in x.reads):
            continue
        if any(base_name(r) in tainted for r in value_reads(x)) or own in applied:
            continue
        tree = parse_statement(x.statement)
        if tree is not None and _has_product(tree):
            out.append((x, tree))
    return out


def _target_offset(F):
    """(|mean| / spread of the targets, their mean, their spread, their name) from their recorded statistics, or None."""
    t = target_site(F)
    if t is None:
        return None
    sr = F.ser(t)
    m, sd = float(sr[C.MEAN][0]), float(sr[C.STD][0])
    if not (np.isfinite(m) and np.isfinite(sd)) or sd <= 0 or sr[C.SIZE][0] < 2:
        return None
    if float(sr[C.MIN][0]) >= 0 and float(sr[C.MAX][0]) <= 1:
        # Labels or probabilities: a sigmoid's offset sits in logit space (0 for a balanced base rate), so a mean
        # measured against the spread says nothing about it.
        return None
    v = F.values(t)
    if v is not None and len(v[2]) == 2 and min(v[2]) > 1:
        # Several outputs per sample: each output has its own offset (columns centred at 4, -3 and 5 average to 2
        # with a spread that mostly measures how far apart they sit).
        Y = v[1][0].reshape(v[2])
        n = samples_axis_length(F)
        if n is not None and Y.shape[1] == n and Y.shape[0] != n:
            Y = Y.T
        mean, std = Y.mean(axis=0), Y.std(axis=0)
        live = std > 0
        if live.any():
            r = np.abs(mean[live]) / std[live]
            k = int(np.argmax(r))
            return float(r[k]), float(mean[live][k]), float(std[live][k]), f"{F.by_id[t].target} (output {k})"
    return abs(m) / sd, m, sd, F.by_id[t].target


def _feature_offsets(F):
    """(|mean| / spread of the most off-centre feature, its mean, its spread, what was measured) or None."""
    i = input_site(F)
    if i is not None:
        v = F.values(i)
        t = target_site(F)
        words = F.by_id[i].target
        if v is None or len(v[2]) != 2:
            # A table too large to keep, its minibatches kept (`batch = readings[:, cols]`): judged on the first one
            # kept, against the targets picked with it.
            picks = [c for c in sorted(F.child_map.get(i, ())) if F.root_data(c) == i and F.values(c) is not None
                     and len(F.values(c)[2]) == 2]
            if picks:
                v = F.values(picks[0])
                words = f"{F.by_id[picks[0]].target} (its first kept minibatch)"
                t = next((c for c in sorted(F.child_map.get(t, ())) if t is not None and F.root_data(c) == t
                          and F.by_id[c].line == F.by_id[picks[0]].line), t)
        if v is not None and len(v[2]) == 2:
            X = v[1][0].reshape(v[2])
            n = X.shape[0]
            if t is not None and X.shape[1] == F.ser(t)[C.SIZE][0] and X.shape[0] != X.shape[1]:
                X = X.T  # features x samples
                n = X.shape[0]
            mean, std = X.mean(axis=0), X.std(axis=0)
            live = std > 0
            if live.any() and n > 1:
                r = np.abs(mean[live]) / std[live]
                k = int(np.argmax(r))
                return float(r[k]), float(mean[live][k]), float(std[live][k]), words
        sr = F.ser(i)
        m, s = float(sr[C.MEAN][0]), float(sr[C.STD][0])
        if np.isfinite(m) and s > 0:
            return abs(m) / s, m, s, F.by_id[i].target
        return None
    # Pure Python: features read one number at a time before the loop, each kept.
    best = None
    for x in F.sites:
        v = F.values(x.id)
        if x.id in F.params or x.kind == "arg" or v is None or len(v[0]) < 3 or v[1].shape[1] != 1 or np.any(v[0] >= 0):
            continue
        vals = v[1][:, 0]
        if vals.std() > 0:
            r = abs(vals.mean()) / vals.std()
            if best is None or r > best[0]:
                best = (float(r), float(vals.mean()), float(vals.std()), x.target)
    return best


def _ran_to_the_end(F):
    """(loop header, iterations) when the training loop has an early `break` that never ran: all iterations ran."""
    plan = F.s.plan
    for lp in F.s.loops:
        if lp.id not in (plan.step_loop, plan.epoch_loop):
            continue
        m = re.match(r"for \w+ in range\((\d+)\):", lp.header.strip())
        tree = F.trees.get(lp.file)
        if not m or tree is None:
            continue
        node = next((n for n in ast.walk(tree) if isinstance(n, ast.For) and n.lineno == lp.line), None)
        if node is None or not _breaks(node):
            continue
        total = int(m.group(1))
        if lp.id == plan.epoch_loop:
            ran = int(F.s.table[C.EPOCH].max()) + 1
        else:
            ran = F.n_steps
        if ran == total:
            return lp, total
    return None


def _breaks(loop: ast.For) -> bool:
    """A `break` that leaves this loop (not one of an inner loop)."""
    todo = list(loop.body)
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Break):
            return True
        if isinstance(n, (ast.For, ast.While, ast.FunctionDef, ast.ClassDef)):
            continue
        todo.extend(ast.iter_child_nodes(n))
    return False


@cause_rule(
    "missing_bias",
    "The model has no bias term",
    premises=(
        ("no_bias_term", "no statement adds a learned term to the weighted inputs and no input column is constant"),
        ("offset_needed", "an all-zero input row exists, or the inputs sit off the origin (a feature's mean is at least "
                          "its spread)"),
        ("decision_stuck", "the decision does not fit: an all-zero row's output never moves, the final prediction "
                           "barely varies across samples, its final misses stay a large part of the targets' spread, "
                           "training never reaches its stopping condition, or the loss settled with bias_loss_kept or "
                           "more of its first value left (bias_loss_kept_unjudged when no prediction was judged)"),
    ),
    # A fit that settled (the loss moving by under bias_settled_change over the last quarter of the steps) with
    # bias_loss_kept or more of its first loss left has not fitted its data.
    thresholds={"bias_offset_ratio": 1.0, "bias_flat_output_ratio": 0.25, "bias_miss_ratio": 0.5,
                "bias_loss_kept": 0.5, "bias_loss_kept_unjudged": 0.9, "bias_settled_change": 0.01},
)
def rule(ctx) -> RuleOutcome:
    """No learned offset, data away from the origin, and a decision that cannot fit them."""
    F = ctx.facts
    out = RuleOutcome()
    params = learned_names(F)
    stmts = decision_statements(F, params)
    biases = [b for b in bias_params(F) if b in F.param_names] if F.param_names else []
    added = [(x, t) for x, tree in stmts for t in _added_terms(tree, params)]
    const_col = None
    fit = _closed_form_fit(F)
    i = input_site(F)
    if i is None and fit is not None:
        i = fit["inputs"]
    if i is not None and F.values(i) is not None and len(F.values(i)[2]) == 2:
        X = F.values(i)[1][0].reshape(F.values(i)[2])
        n = samples_axis_length(F)
        # the samples run along axis 0 (rows of samples) unless the targets say features x samples
        axis = 1 if n is not None and X.shape[1] == n and X.shape[0] != n else 0
        const = np.all(X == X.take([0], axis=axis), axis=axis) & (X.take(0, axis=axis) != 0)
        if X.shape[axis] > 1 and X.shape[1 - axis] > 1 and const.any():
            const_col = int(np.argmax(const))
    if const_col is None and i is not None:
        # Values too large to keep: the statements that build the inputs show a column of ones.
        xi = F.by_id[i]
        writers = F.resolve(base_name(xi.target), xi.function)
        # and what a helper that builds them returns (`A = build_features(...)`)
        writers += [p for w in writers for p in F.parents(w) if F.by_id[p].kind == "return"]
        # and the table they are cut from (`X_tr, X_te = X[:k], X[k:]`)
        table = _table_of(F, i)
        if table not in writers:
            writers.append(table)
        for w in writers:
            text = F.by_id[w].statement
            if re.search(r"(hstack|column_stack|stack|concatenate|c_|insert|append)\b.*\bones(_like)?\b", text):
                const_col = f"of ones (line {F.by_id[w].line})"
    seen_text = set()
    stmts = [(x, tree) for x, tree in stmts if not (x.statement.strip() in seen_text or seen_text.add(x.statement.strip()))]
    if not stmts:
        out.check("no_bias_term", None, "no statement multiplying a parameter with the data was recorded")
        return out
    if not out.check("no_bias_term", not (biases or added or const_col is not None),
                     (f"{', '.join(biases)} {'are' if len(biases) > 1 else 'is'} added as a bias" if biases else
                      f"`{strip_comment(added[0][0].statement.strip())}` adds {added[0][1]}" if added else
                      f"input column {const_col} is constant: a bias in disguise" if const_col is not None else
                      f"{'; '.join('`' + strip_comment(x.statement.strip().splitlines()[0]) + '`' for x, _ in stmts[:2])} "
                      f"add nothing learned")):
        return out
    zero = [f for f in ctx.findings.get("missing_bias", []) if f.severity != "info" and "zero_rows" in f.evidence]
    offset = _feature_offsets(F)
    ratio_limit = ctx.threshold("bias_offset_ratio")
    where = "the inputs"
    if offset is None or offset[0] < ratio_limit:
        # Centred inputs through the origin average to an output near 0: targets far from 0 need the offset too
        # (met one number at a time in code on Python floats).
        toff = _target_offset(F) or _scalar_target_offset(F)
        if toff is not None and toff[0] >= ratio_limit:
            offset, where = toff, "the targets"
    if offset is None and fit is not None:
        # No training loop to find the targets by: the vector the closed-form fit solves for (`X.T @ y`).
        sr = F.ser(fit["targets"])
        m, sd = float(sr[C.MEAN][0]), float(sr[C.STD][0])
        if np.isfinite(m) and np.isfinite(sd) and sd > 0:
            offset, where = (abs(m) / sd, m, sd, base_name(F.by_id[fit["targets"]].target)), "the targets"
    if (offset is None or offset[0] < ratio_limit) and not zero:
        # Neither the inputs nor the targets as a whole sit off the origin, but the misses might: a constant miss per
        # output at the end of training is an offset the model cannot learn.
        miss = _residual_offset(F)
        if miss is not None and miss[0] >= ratio_limit:
            offset, where = miss, "the misses"
    if zero:
        out.check("offset_needed", True, f"input row {zero[0].evidence.get('row')} is all zeros", row=zero[0].evidence.get("row"))
    elif not out.check("offset_needed", None if offset is None else offset[0] >= ratio_limit,
                       "the input features' means and spreads were not measured" if offset is None else
                       f"{offset[3]} has {'a feature with ' if where == 'the inputs' else ''}mean {offset[1]:.3g} and "
                       f"spread {offset[2]:.3g} ({offset[0]:.2g} spreads from 0)", ratio=None if offset is None else offset[0]):
        return out
    if zero:
        f = zero[0]
        out.check("decision_stuck", True, f.message)
        chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))]
        for g in ctx.findings.get("accuracy_ceiling", [])[:1]:
            chain.append(ChainLink(g.message, g.last_step, g.site, g.line, {"best": g.evidence.get("best")}))
        out.drafts.append(Draft("missing_bias", LATENT + 10, f.message, chain, _bias_fixes(F, stmts),
                                [f.code] + [g.code for g in ctx.findings.get("accuracy_ceiling", []) +
                                            ctx.findings.get("samples_never_learned", [])], dict(f.evidence)))
        return out
    if where == "the misses":
        # The misses measured at the end of the loop: training ended with them still off zero by the same amount.
        stuck, ev = True, {"miss_mean_end": offset[1], "miss_std_end": offset[2]}
        why = (f"at the end of training {offset[3]} still averages {offset[1]:.3g} with a spread of {offset[2]:.3g}: "
               f"a constant miss that weights through the origin cannot remove")
    elif fit is not None and target_site(F) is None:
        stuck, why, ev = _fit_misses(F, fit, offset[2], ctx.threshold("bias_miss_ratio"))
    else:
        stuck, why, ev = _stuck(F, ctx.threshold("bias_flat_output_ratio"), ctx.threshold("bias_miss_ratio"),
                                decisions=[x.id for x, _ in stmts])
        if stuck is None or not stuck and ev.get("output_std_end") is not None:
            # The prediction was found and judged, and varies: the fit settled while far from its data, the loss no
            # longer falling with most of its first value left. With no prediction of one value per target found,
            # the loss alone says it only when training removed almost none of it (bias_loss_kept_unjudged).
            kept = ctx.threshold("bias_loss_kept" if stuck is not None else "bias_loss_kept_unjudged")
            flat = _settled_high(F, kept, ctx.threshold("bias_settled_change"))
            if flat is not None:
                judged = stuck is not None and why  # the prediction's own reading, when it was measured
                what = flat.pop("what")
                stuck, why, ev = True, f"{why}; {what}" if judged else what, dict(ev or {}, **flat)
    if not out.check("decision_stuck", stuck, why, **ev):
        return out
    x0 = stmts[0][0]
    if fit is not None and target_site(F) is None:
        fixes = _ones_column_fix(F, fit)
    else:
        fixes = _bias_fixes(F, stmts)
    summary = (f"No bias: `{strip_comment(x0.statement.strip().splitlines()[0])}` (line {x0.line}) adds nothing learned to "
               f"the weighted inputs, so every decision boundary passes through the origin, while {where} sit "
               f"{offset[0]:.2g} spreads away from it ({offset[3]}: mean {offset[1]:.3g}, spread {offset[2]:.3g}); {why}.")
    ev.update(offset_ratio=offset[0], feature_mean=offset[1], feature_std=offset[2])
    chain = [ChainLink(summary, None, base_name(x0.target), x0.line, dict(ev))]
    out.drafts.append(Draft("missing_bias", PRIMARY - 5, summary, chain, fixes, [], ev))
    return out


def _table_of(F, sid: int) -> int:
    """The recorded table a slice of it was cut from (`X_tr, X_te = X[:k], X[k:]` -> `X = ...`), up to three cuts
    up; the site itself when it is no slice of one table."""
    for _ in range(3):
        x = F.by_id[sid]
        tree = parse_statement(x.statement or "")
        sliced = tree is not None and any(isinstance(n, ast.Subscript) for n in ast.walk(tree))
        ups = [p for p in F.parents(sid) if p in F.data_like and F.observed(p) and F.by_id[p].kind == "assign"]
        if not sliced or len(ups) != 1:
            break
        sid = ups[0]
    return sid


def _ones_column_fix(F, fit: dict) -> list[Fix]:
    """A column of ones added to the fit's inputs where the table they are cut from is made (`X_tr, X_te = X[:k],
    X[k:]` from `X = np.column_stack(...)`), so the solve learns an intercept and every later use gets it too."""
    from ...explain.fixes import np_alias

    x = F.by_id[_table_of(F, fit["inputs"])]
    line = strip_comment(F.line_text(x.file, x.end_line or x.line))
    name = base_name(x.target)
    if x.kind != "assign" or not line.strip() or not name.isidentifier() or (x.end_line or x.line) != x.line:
        return [advice(f"add a column of ones to {name} before the fit",
                       "The solved coefficient of that column is the intercept the fit lacks.")]
    indent = line[: len(line) - len(line.lstrip())]
    npx = np_alias(F, x.file)
    return [Fix(f"Add a column of ones to {name}, so the fit learns an intercept", x.line, line.strip(),
                f"{line.strip()}\n{indent}{name} = {npx}column_stack([{npx}ones(len({name})), {name}])",
                "The coefficient the solve finds for the column of ones is the intercept: the fit's line or plane no "
                "longer has to pass through the origin.")]


def _closed_form_fit(F) -> dict | None:
    """A least-squares fit solved in one shot (`coef = np.linalg.solve(X.T @ X, X.T @ y)`, `lstsq(X, y)`,
    `pinv(X) @ y`): the recorded sites of its inputs (the operand the call reads most often) and its targets (the
    other one), and of the solution; None when there is none or its operands were not recorded."""
    from ._passes import _MODULES, _solved

    for x in F.sites:
        if x.kind not in ("assign", "unpack") or not _solved(x.statement) or not F.observed(x.id):
            continue
        tree = parse_statement(x.statement)
        value = tree.body[0].value if tree is not None and tree.body and hasattr(tree.body[0], "value") else None
        if value is None:
            continue
        counts: dict[str, int] = {}
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and node.id not in _MODULES | {"linalg"}:
                counts[node.id] = counts.get(node.id, 0) + 1
        data = {}
        for name in counts:
            writers = [w for w in F.resolve(name, x.function) if F.observed(w) and F.ser(w).seq[0] < F.ser(x.id).seq[0]]
            if writers:
                data[name] = max(writers, key=lambda w: F.ser(w).seq[0])
        if len(data) != 2:
            continue
        a, y = sorted(data, key=lambda n: -counts[n])
        if counts[a] == counts[y]:
            continue
        return {"solve": x.id, "inputs": data[a], "targets": data[y]}
    return None


def _fit_misses(F, fit: dict, t_std: float, limit: float):
    """(holds, words, numbers): a difference between the solved fit's predictions and targets, recorded after the
    solve, whose mean is `limit` or more of the targets' spread: a constant miss a fit through the origin leaves."""
    after = F.ser(fit["solve"]).seq[0]
    params = learned_names(F)
    for x in F.sites:
        sr = F.ser(x.id)
        if x.kind == "arg" or sr is None or "-" not in (x.statement or "") or not any(
                base_name(r) in params for r in x.reads):
            continue
        rows = np.nonzero(sr.seq > after)[0]
        if not len(rows) or sr[C.SIZE][rows[-1]] < 2:
            continue
        m = float(sr[C.MEAN][rows[-1]])
        if np.isfinite(m) and t_std > 0 and abs(m) >= limit * t_std:
            words = (f"after the fit, {x.target} (line {x.line}) still averages {m:.3g} across {int(sr[C.SIZE][rows[-1]])} "
                     f"samples, {abs(m) / t_std:.2g} of the targets' spread {t_std:.3g}: a constant miss")
            return True, words, {"miss_mean_end": m, "target_std": t_std}
    return False, "no difference with the targets recorded after the fit misses by a constant", {}


def _settled_high(F, kept: float, change: float) -> dict | None:
    """The loss over the last quarter of the steps changed by less than `change` of its value, while it stays at
    `kept` or more of its first value (the fit settled far from its data); None otherwise or when not measured."""
    from ...detectors.optimisation import loss_series

    ls = loss_series(F)
    if ls is None:
        return None
    steps, loss, how = ls
    ok = np.isfinite(loss)
    steps, loss = steps[ok], loss[ok]
    if len(loss) < 5 or not loss[0] > 0:
        return None
    # at least its last two values: a loss reported every few epochs has few
    last_quarter = loss[min(int(0.75 * len(loss)), len(loss) - 2):]
    start, end = float(last_quarter[0]), float(last_quarter[-1])
    moved = abs(start - end) / max(abs(end), 1e-300)
    share = end / float(loss[0])
    if moved >= change or share < kept:
        return None
    return {"what": f"the loss ({how}) settled at {end:.4g}, {share:.0%} of its first value {float(loss[0]):.4g}, "
                    f"moving by {moved:.2%} over the last quarter of the {len(loss)} steps",
            "loss_first": float(loss[0]), "loss_end": end, "loss_kept": share, "loss_last_quarter_change": moved}


def _differences_with(F, t: int):
    """(site, its rows in the loop, its series) of each recorded assignment that reads the targets `t` and subtracts."""
    t_name = base_name(F.by_id[t].target)
    for x in F.sites:
        if x.kind != "assign" or t_name not in {base_name(r) for r in x.reads} or not F.observed(x.id):
            continue
        tree = parse_statement(x.statement)
        if tree is None or not any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) for n in ast.walk(tree)):
            continue
        yield x, loop_rows(F, x.id), F.ser(x.id)


def _residual_offset(F):
    """(|mean| / spread of the most off-centre output's misses over the last tenth of the loop, that mean, that
    spread, what was measured) from the kept values of a recorded difference with the targets, or None. Samples run
    along the longer axis of a (samples, outputs) or (outputs, samples) difference."""
    t = target_site(F)
    if t is None:
        return None
    for x, rows, sr in _differences_with(F, t):
        v = F.values(x.id)
        if v is None or len(v[2]) != 2 or v[2][0] == v[2][1] or min(v[2]) < 2 or len(v[0]) < 10:
            continue
        steps, data, shape = v
        inside = np.nonzero(steps >= 0)[0]
        if len(inside) < 10:
            continue
        tail = inside[-max(1, len(inside) // 10):]
        cube = data[tail].reshape(len(tail), *shape)
        if shape[0] < shape[1]:
            cube = cube.transpose(0, 2, 1)  # outputs x samples: make the samples the rows
        flat = cube.reshape(-1, cube.shape[2])
        if not np.all(np.isfinite(flat)):
            continue
        mean, std = flat.mean(axis=0), flat.std(axis=0)
        live = std > 0
        if live.any():
            r = np.abs(mean[live]) / std[live]
            k = int(np.argmax(r))
            return (float(r[k]), float(mean[live][k]), float(std[live][k]),
                    f"{x.target} (line {x.line}, output {k}, over the last {len(tail)} steps)")
    return None


def _final_miss(F, out_sid: int, t: int):
    """(site, root mean square over the last tenth of the loop) of the prediction minus the targets, if recorded."""
    out_name = base_name(F.by_id[out_sid].target)
    # minibatches of targets: the last may be shorter than the first
    sizes = set(F.ser(t)[C.SIZE].tolist())
    for x, rows, sr in _differences_with(F, t):
        # the prediction read by name, or returned by the call the difference makes (`predict(params, xb) - yb`)
        if out_name not in {base_name(r) for r in x.reads} and out_sid not in F.parents(x.id):
            continue
        if len(rows) < 2 or sr[C.SIZE][rows[-1]] not in sizes:
            continue
        tail = rows[-max(1, len(rows) // 10):]
        ms = sr[C.MEAN][tail] ** 2 + sr[C.STD][tail] ** 2
        # A difference scaled on the way (`g = 2 * (out - y) / n`, the loss's gradient) is not the misses' size.
        if np.all(np.isfinite(ms)) and _plain_difference(x.statement):
            return x.id, float(np.sqrt(np.mean(ms)))
    return None


def _miss_bound(F, out_sid: int, t: int) -> float | None:
    """The least root mean square the prediction's misses can have at the end, from the recorded means and spreads
    of the prediction and of the targets it was last compared with (sizes alike): the misses' mean square is the
    means' difference squared plus their own variance, which is at least the spreads' difference squared. The last
    tenth of the loop's comparisons, averaged; None when not measured."""
    so, st = F.ser(out_sid), F.ser(t)
    rows = loop_rows(F, out_sid)
    if so is None or st is None or len(rows) < 2:
        return None
    tail = rows[-max(1, len(rows) // 10):]
    found = []
    for r in tail:
        j = st.before_seq(int(so.seq[r]))
        if j is None or so[C.SIZE][r] != st[C.SIZE][j]:
            continue
        dm = float(so[C.MEAN][r]) - float(st[C.MEAN][j])
        ds = float(so[C.STD][r]) - float(st[C.STD][j])
        found.append(dm * dm + ds * ds)
    found = [v for v in found if np.isfinite(v)]
    return float(np.sqrt(np.mean(found))) if found else None


def _plain_difference(statement: str) -> bool:
    """Whether an assignment's value is a subtraction itself (`err = out - y`), not one scaled afterwards."""
    tree = parse_statement(statement)
    node = tree.body[0] if tree is not None and tree.body else None
    return isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.Sub)


def _per_sample_miss(F, t: int):
    """(site, root mean square over the last tenth of the loop, steps) of a one-number miss computed each step from
    the parameters and one target (`miss = predict(w, x[n]) - y[n]`), if recorded."""
    for x, rows, sr in _differences_with(F, t):
        if x.id not in F.derived:
            continue
        if len(rows) < 10 or np.nanmax(sr[C.SIZE][rows]) != 1:
            continue
        tail = rows[-max(1, len(rows) // 10):]
        vals = sr[C.MEAN][tail]
        if np.all(np.isfinite(vals)):
            return x.id, float(np.sqrt(np.mean(vals ** 2))), len(tail)
    return None


def _scalar_misses(F):
    """(miss site, its loop rows, the number subtracted) for each one-number miss computed each step as a
    parameter-derived number minus a number that is not (`d = prob(x) - t` in code on Python floats, where no target
    array exists): the targets met one at a time."""
    for x in F.sites:
        if x.kind != "assign" or x.id not in F.derived or not F.observed(x.id):
            continue
        tree = parse_statement(x.statement)
        subs = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)] if tree else []
        rows = loop_rows(F, x.id)
        sr = F.ser(x.id)
        if not subs or len(rows) < 10 or np.nanmax(sr[C.SIZE][rows]) != 1:
            continue
        subtracted = {base_name(r) for n in subs for r in expr_reads(n.right)}
        for p in F.parent_map.get(x.id, []):
            ps = F.ser(p)
            if p in F.derived or F.is_param(p) or p == x.id or ps is None or not len(ps) \
                    or base_name(F.by_id[p].target).removeprefix("arg ") not in subtracted:
                continue
            yield x, rows, p


def _against(F, x, rows, p):
    """The subtracted number's values at the miss's rows (the last recorded before each), or None."""
    sr, ps = F.ser(x.id), F.ser(p)
    idx = [ps.before_seq(int(sr.seq[k])) for k in rows]
    if any(i is None for i in idx) or np.nanmax(ps[C.SIZE][idx]) != 1:
        return None
    return ps[C.MEAN][idx].astype(np.float64)


def _scalar_miss(F):
    """(site, root mean square over the last tenth of the loop, spread of what it is measured against, steps) of a
    one-number miss (`_scalar_misses`), or None. The spread is that of the subtracted number over the same steps."""
    for x, rows, p in _scalar_misses(F):
        tail = rows[-max(1, len(rows) // 10):]
        against = _against(F, x, tail, p)
        if against is None:
            continue
        miss = F.ser(x.id)[C.MEAN][tail].astype(np.float64)
        t_std = float(np.std(against))
        if np.all(np.isfinite(miss)) and np.all(np.isfinite(against)) and t_std > 0:
            return x.id, float(np.sqrt(np.mean(miss ** 2))), t_std, len(tail)
    return None


def _scalar_target_offset(F):
    """(|mean| / spread, mean, spread, words) of the numbers a one-number miss is measured against over the loop (the
    targets met one at a time, `err = line(x) - y`), or None. Labels in [0, 1] say nothing of an offset."""
    for x, rows, p in _scalar_misses(F):
        against = _against(F, x, rows, p)
        if against is None or not np.all(np.isfinite(against)):
            continue
        m, sd = float(np.mean(against)), float(np.std(against))
        if sd <= 0 or (against.min() >= 0 and against.max() <= 1):
            continue
        name = base_name(F.by_id[p].target).removeprefix("arg ")
        return abs(m) / sd, m, sd, f"{name} (line {F.by_id[p].line}, over {len(rows)} steps)"
    return None


def _stuck(F, flat_limit: float, residual_limit: float | None = None, decisions: list[int] = ()):
    """(holds, words, numbers): the final prediction is flat across samples, or training never converged. With no
    output activation or model output of one value per target, the weighted sum itself (`decisions`) is judged."""
    t = target_site(F)
    if t is not None:
        size = F.ser(t)[C.SIZE][0]
        t_std = float(F.ser(t)[C.STD][0])
        # The last prediction against the first targets' size, or the last minibatch's (a shorter last batch).
        sizes = {size, F.ser(t)[C.SIZE][-1]}
        cands = [a.site for a in F.activations if F.ser(a.site)[C.SIZE][-1] in sizes]
        if F.output is not None and F.ser(F.output)[C.SIZE][-1] in sizes:
            cands.insert(0, F.output)
        if not cands:
            cands = [d for d in decisions if F.ser(d) is not None and len(F.ser(d)) and F.ser(d)[C.SIZE][-1] in sizes]
        cands = [c for c in cands if len(loop_rows(F, c)) >= 2]
        root, picked = F.root_data(t), t
        if not cands and root != t and F.observed(root):
            # Minibatch targets (`step(A[sel], passed[sel])`) and a prediction last computed on the whole table: the
            # prediction is judged against the table the targets are picked from.
            whole = F.ser(root)[C.SIZE][0]
            found = [s for s in [F.output] + [a.site for a in F.activations] + list(decisions)
                     if s is not None and F.observed(s) and F.ser(s)[C.SIZE][-1] == whole and len(loop_rows(F, s)) >= 2]
            if found:
                t, size, t_std, cands = root, whole, float(F.ser(root)[C.STD][0]), found
        if cands and t_std > 0:
            sid = max(cands, key=lambda c: len(loop_rows(F, c)))
            row = loop_rows(F, sid)[-1]
            o_std = float(F.ser(sid)[C.STD][row])
            r = o_std / t_std
            flat_words = (f"at the end {site_words(F, sid)} varies by {o_std:.3g} across samples against the targets' "
                          f"{t_std:.3g}")
            if np.isfinite(r) and r <= flat_limit:
                return True, flat_words, {"output_std_end": o_std, "target_std": t_std}
            # A regression without an offset still varies, but its misses stay a large part of the targets' spread.
            miss = _final_miss(F, sid, t) or (_final_miss(F, sid, picked) if picked != t else None)
            bound = _miss_bound(F, sid, picked) if miss is None and residual_limit is not None else None
            if bound is not None:
                ratio = bound / t_std
                return (bool(ratio >= residual_limit),
                        f"{flat_words}; at the end its misses have a root mean square of at least {bound:.3g} (from "
                        f"the two means and spreads), {ratio:.2f} of the targets' spread",
                        {"output_std_end": o_std, "target_std": t_std, "miss_rms_at_least": bound, "miss_ratio": ratio})
            if miss is not None and residual_limit is not None:
                rx, rms = miss
                ratio = rms / t_std
                return (bool(ratio >= residual_limit),
                        f"{flat_words}, and at the end its misses `{F.by_id[rx].target}` have a root mean square of "
                        f"{rms:.3g}, {ratio:.2f} of the targets' spread",
                        {"output_std_end": o_std, "target_std": t_std, "miss_rms_end": rms, "miss_ratio": ratio})
            return False, flat_words, {"output_std_end": o_std, "target_std": t_std}
        # One sample per step: the prediction is a single number, its miss against one target is recorded each step.
        per = _per_sample_miss(F, t) if not cands and residual_limit is not None and t_std > 0 else None
        if per is not None:
            rx, rms, n = per
            ratio = rms / t_std
            return (bool(ratio >= residual_limit),
                    f"over the last {n} single-sample steps the misses `{F.by_id[rx].target}` (line {F.by_id[rx].line}) "
                    f"have a root mean square of {rms:.3g}, {ratio:.2f} of the targets' spread {t_std:.3g}",
                    {"miss_rms_end": rms, "target_std": t_std, "miss_ratio": ratio})
    scalar = _scalar_miss(F) if t is None and residual_limit is not None else None
    if scalar is not None:
        rx, rms, t_std, n = scalar
        ratio = rms / t_std
        return (bool(ratio >= residual_limit),
                f"over the last {n} single-sample steps the misses `{F.by_id[rx].target}` (line {F.by_id[rx].line}) "
                f"have a root mean square of {rms:.3g}, {ratio:.2f} of the spread {t_std:.3g} of the numbers they are "
                f"measured against", {"miss_rms_end": rms, "target_std": t_std, "miss_ratio": ratio})
    end = _ran_to_the_end(F)
    if end is not None:
        lp, total = end
        return True, f"training ran all {total} iterations of `{lp.header.strip()}` without reaching its `break`", \
            {"iterations": total}
    return None, "neither the final prediction's spread nor the training loop's stopping condition was measured", {}


def _bias_fixes(F, stmts) -> list[Fix]:
    """A bias declared, added and stepped, for the first weighted sum it can be written against; else advice."""
    learned = learned_names(F)
    for x, _ in stmts:
        params = [p for p in x.reads if _learned(p, learned)]
        for p in params[::-1]:
            group = bias_fixes(F, x, base_name(p).split("[", 1)[0])
            if group:
                return group
    x = stmts[0][0]
    params = [p for p in x.reads if _learned(p, learned)]
    w = base_name(params[-1]) if params else "the weights"
    return [advice(f"add a learned bias to `{base_name(x.target)}` (line {x.line})",
                   f"Initialise it to zeros with one entry per output unit, add it after the product with {w}, and "
                   f"update it with the sum over samples of the error signal that updates {w}; without it every "
                   f"boundary passes through the origin.")]


def _add_after_product(line: str, bias: str) -> str:
    """`line` with `+ bias` right after its weighted sum (`sigmoid(X @ w)` -> `sigmoid(X @ w + b)`)."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return f"{line} + {bias}"
    indent = len(line) - len(line.lstrip())
    for node in ast.walk(tree):
        weighted = (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)) or (
            isinstance(node, ast.Call) and last(_dotted(node.func) or "") in ("dot", "matmul", "sum")
            and _has_product(node))
        if weighted and node.lineno == node.end_lineno == 1:
            z = indent + node.end_col_offset
            return f"{line[:z]} + {bias}{line[z:]}"
    return f"{line} + {bias}"
