"""A hyperparameter is defined and never read: the training runs with another value (a literal or a default) instead."""

from __future__ import annotations

import ast
import re

import numpy as np

from ... import columns as C
from ...detectors.facts import parse_statement, strip_comment
from ...explain.fixes import use_hyperparameter_fixes
from ...model import ChainLink, Fix
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule

# What a hyperparameter sets, read from its name: the step size of the updates, or how many steps run.
RATE = re.compile(r"^(lr|learning_?rate|eta|alpha|step_?size|rate|lr_?\w+)$", re.IGNORECASE)
COUNT = re.compile(r"^(n_?|num_?|max_?)?(epochs?|iter(ation)?s?|steps|n_?iter)$", re.IGNORECASE)


def _loads(F) -> set[tuple[str, str]]:
    """(function or '<module>', name) for every name read anywhere in the sources."""
    out = set()
    for fn_name, fn in list(F.function_defs.items()):
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                out.add((fn_name, node.id))
    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                out.add(("*", node.id))
    return out


def _attributes_read(F) -> set[str]:
    """The attribute names read off a plain name anywhere in the sources (`eps` of `c.eps`)."""
    return {node.attr for tree in F.trees.values() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name)}


def unread_constants(F) -> list[dict]:
    """Scalar constants assigned before training (`lr = 0.5`) whose name nothing reads: no recorded statement and
    no expression in the sources."""
    loads = {name for _, name in _loads(F)}
    recorded_reads = {r.split(".")[0] for x in F.sites for r in x.reads}
    out = []
    for x in F.sites:
        if x.kind != "assign" or "." in x.target or "[" in x.target:
            continue
        tree = parse_statement(x.statement)
        stmt = tree.body[0] if tree is not None and tree.body else None
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Constant) \
                or not isinstance(stmt.value.value, (int, float)) or isinstance(stmt.value.value, bool):
            continue
        sr = F.ser(x.id)
        if sr is not None and len(sr) and sr.step[0] >= 0:
            continue  # set inside the training loop
        name = x.target
        role = "rate" if RATE.match(name) else "count" if COUNT.match(name) else None
        if name in loads or name in recorded_reads:
            continue
        if x.function == "<module>" and name in _attributes_read(F):
            continue  # a module's constant read through the module from another file (`c.eps` after `import ... as c`)
        out.append(dict(site=x, name=name, value=stmt.value.value, role=role))
    return out + unread_settings(F)


def _key_reads(F) -> tuple[set[str], set[str]]:
    """The string keys read anywhere (`d["key"]`, `d.get("key")`), and the names used whole in a way that can read
    any key (`**d`, `d.items()`, `for k in d`, `d.get(name)`, `d[name]`)."""
    keys, whole = set(), set()
    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    keys.add(node.slice.value)
                else:
                    whole.add(node.value.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name):
                if node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant):
                    keys.add(str(node.args[0].value))
                elif node.func.attr in ("get", "items", "values", "keys", "update", "copy", "pop", "setdefault"):
                    whole.add(node.func.value.id)
            elif isinstance(node, ast.keyword) and node.arg is None and isinstance(node.value, ast.Name):
                whole.add(node.value.id)
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name):
                whole.add(node.iter.id)
            elif isinstance(node, ast.Starred) and isinstance(node.value, ast.Name):
                whole.add(node.value.id)
    return keys, whole


def unread_settings(F) -> list[dict]:
    """Numeric constants in a dict of settings assigned before training (`cfg = {"step": 0.5, "epochs": 60}`) whose
    key nothing reads, while another key of the same dict is read: the dict is read key by key, and this key never."""
    keys_read, whole = _key_reads(F)
    out = []
    for x in F.sites:
        if x.kind != "assign" or "." in x.target or "[" in x.target or x.target in whole:
            continue
        tree = parse_statement(x.statement)
        stmt = tree.body[0] if tree is not None and tree.body else None
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Dict) or not stmt.value.keys:
            continue
        sr = F.ser(x.id)
        if sr is not None and len(sr) and sr.step[0] >= 0:
            continue  # set inside the training loop
        entries = [(k.value, v.value) for k, v in zip(stmt.value.keys, stmt.value.values)
                   if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Constant)
                   and isinstance(v.value, (int, float)) and not isinstance(v.value, bool)]
        keys = [k.value for k in stmt.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        # Settings may hold a list or a name beside the numbers (`"sizes": [2, 32, 4]`): every key a string, two
        # numbers or more, and some key read.
        if len(keys) != len(stmt.value.keys) or len(entries) < 2 or not set(keys) & keys_read:
            continue  # not a dict of settings read key by key
        for key, value in entries:
            if key in keys_read:
                continue
            role = "rate" if RATE.match(key) else "count" if COUNT.match(key) else None
            out.append(dict(site=x, name=f'{x.target}["{key}"]', value=value, role=role, setting=True))
    return out


def literal_rates(F) -> list[float]:
    """Float literals that multiply a step in the parameter updates (`w -= 0.01 * g`): a rate written in place."""
    updates = _update_statements(F)
    out = []
    for u in updates:
        tree = parse_statement(F.by_id[u].statement)
        stmt = tree.body[0] if tree is not None and tree.body else None
        if not isinstance(stmt, ast.AugAssign) or not isinstance(stmt.op, (ast.Sub, ast.Add)):
            continue
        # The factors of the step's product chain (`0.01 * X.T @ g / n`), not literals inside calls or sums.
        todo = [stmt.value]
        while todo:
            node = todo.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.MatMult, ast.Div)):
                todo.append(node.left)
                if not isinstance(node.op, ast.Div):
                    todo.append(node.right)
            elif isinstance(node, ast.Constant) and isinstance(node.value, float) and 0.0 < node.value < 1.0:
                out.append(float(node.value))
    return sorted(set(out))


def _update_statements(F) -> list[int]:
    """The parameter updates, and any statement rebinding its own name from a step (`w = w - lr * g`)."""
    return list(dict.fromkeys(list(F.updates) + [x.id for x in F.sites if x.kind == "update"]))


def _owner(text: str) -> str:
    """The name a target or read is held in (`vel[k]` and `self.v` give vel and self)."""
    return text.split("[")[0].split(".")[0]


def _velocities(F, updates: list[int]) -> list[int]:
    """The values the updates add that are rewritten from their own previous value (`vel[k] = beta * vel[k] - ...`)."""
    out: list[int] = []
    for u in updates:
        for p in F.parents(u):
            x = F.by_id[p]
            if p not in out and p not in updates and not F.is_hyper(p) \
                    and _owner(x.target) in {_owner(r) for r in x.reads}:
                out.append(p)
    return out


def _name_for_literal(F, file: str, line: int, value: float, u: dict) -> list[Fix]:
    """[the fix putting the unread setting's name where the literal `value` stands on that line], or [] when the
    literal is not there exactly once."""
    text = strip_comment(F.line_text(file, line)).strip()
    pattern = rf"(?<![\w.]){re.escape(repr(value))}(?![\w.])"
    if len(re.findall(pattern, text)) != 1:
        return []
    return [Fix(f"Use {u['name']} where the literal {value!r} stands", line, text, re.sub(pattern, u["name"], text),
                f"{u['name']} = {u['value']!r} is defined for this and never read.")]


def rates_in_effect(F) -> list[float]:
    """The learning rates the updates used: recorded values of the scalars they read, and literal factors in them."""
    out = []
    updates = _update_statements(F)
    for u in updates:
        for s in F.lr_sites(u):
            sr = F.ser(s)
            if sr is not None and len(sr):
                vals = sr[C.MEAN][np.isfinite(sr[C.MEAN])]
                # A step size is positive: a scalar that takes zero or negative values (a per-sample error
                # in a pure-Python update) multiplies the step, it does not set its size.
                if len(vals) and np.all(vals > 0):
                    out.extend(float(v) for v in np.unique(vals))
        tree = parse_statement(F.by_id[u].statement)
        if tree is not None:
            for node in ast.walk(tree):
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                    for side in (node.left, node.right):
                        if isinstance(side, ast.Constant) and isinstance(side.value, float):
                            out.append(float(side.value))
    # A velocity an update adds (`params[k] += vel[k]` after `vel[k] = beta * vel[k] - 0.3 * g[k]`): the literal
    # scaling what it adds to itself is the rate; the one scaling its own previous value is the momentum.
    for p in _velocities(F, updates):
        x = F.by_id[p]
        own = _owner(x.target)
        tree = parse_statement(strip_comment(x.statement.strip()))
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                for side, other in ((node.left, node.right), (node.right, node.left)):
                    names = {n.id for n in ast.walk(other) if isinstance(n, ast.Name)}
                    if isinstance(side, ast.Constant) and isinstance(side.value, float) and own not in names:
                        out.append(float(side.value))
    return sorted(set(out))


def factor_literals(F) -> list[dict]:
    """Float literals in the update path that set what a hyperparameter sets: a weight-decay strength (the literal
    multiplies a trained parameter) or a momentum (it multiplies the previous value of the buffer the statement
    rewrites). Read from the updates and the loop statements they read."""
    updates = _update_statements(F)
    params = {n.split("[")[0].split(".")[0] for n in F.param_names}
    params |= {F.by_id[u].target.split("[")[0].split(".")[0] for u in updates}
    path = list(updates)
    for u in updates:
        path += [p for p in F.parents(u) if F.observed(p) and F.ser(p).step[0] >= 0]
    out, seen = [], set()
    for sid in dict.fromkeys(path):
        x = F.by_id[sid]
        tree = parse_statement(strip_comment(x.statement.strip()))
        if tree is None or not tree.body:
            continue
        target = x.target.split("[")[0].split(".")[0]
        for node in ast.walk(tree.body[0]):
            if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Mult):
                continue
            for lit, other in ((node.left, node.right), (node.right, node.left)):
                if not (isinstance(lit, ast.Constant) and isinstance(lit.value, float)) or lit.value in (0.0, 1.0, 2.0):
                    continue
                # The literal scales a value on its own (`0.5 * theta[k]`, `0.9 * v`), not a whole step expression.
                base = other
                while isinstance(base, (ast.Subscript, ast.Attribute)):
                    base = base.value
                if not isinstance(base, ast.Name):
                    continue
                kind = ("decay" if base.id in params and base.id != target else
                        "momentum" if base.id == target and target not in params else None)
                if kind and (sid, lit.value) not in seen:
                    seen.add((sid, lit.value))
                    out.append(dict(value=float(lit.value), kind=kind, line=x.line, site=sid,
                                    text=strip_comment(x.statement.strip())))
    return out


def counts_in_effect(F) -> list[int]:
    """How many times the training loop ran: its steps, and its epochs when there is an epoch loop."""
    if F.s.plan.step_loop is None:
        return []
    out = [int(F.n_steps)]
    e = F.s.table[C.EPOCH]
    if len(e):
        e = e[e >= 0]
        if len(e):
            out.append(int(np.max(e)) + 1)
    return out


@cause_rule(
    "hyperparameter_defined_not_used",
    "A hyperparameter is defined but the training never reads it",
    premises=(
        ("hyperparameter_unread", "a learning rate or a step count, or a tuning constant while a literal sets a decay "
                                  "or momentum in the update, is assigned a constant that nothing reads"),
        ("other_value_in_effect", "the training measurably runs with a different value for it"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """A learning rate or step count defined as a constant, never read, while the training uses a different one."""
    F = ctx.facts
    out = RuleOutcome()
    factors = factor_literals(F)
    unread = []
    written_rates = literal_rates(F)
    for u in unread_constants(F):
        if not u["role"] and u.get("setting") and isinstance(u["value"], float) and 0.0 < u["value"] < 1.0 \
                and written_rates:
            # A step-sized setting nothing reads, while the updates multiply their step by a literal of their own.
            u = dict(u, role="rate")
        if not u["role"] and factors and isinstance(u["value"], float):
            # Not a rate or a count: an unread tuning constant, while a literal sets a decay or momentum in its place.
            u = dict(u, role="factor")
        if u["role"]:
            unread.append(u)
    if not out.check("hyperparameter_unread", bool(unread),
                     f"{unread[0]['name']} = {unread[0]['value']!r} (line {unread[0]['site'].line}) is never read"
                     if unread else "every learning rate and step count assigned is read"):
        return out
    found = []
    unmeasured = []
    for u in unread:
        in_effect = (rates_in_effect(F) if u["role"] == "rate" else counts_in_effect(F) if u["role"] == "count"
                     else sorted({f["value"] for f in factors}))
        if not in_effect:
            unmeasured.append(u)
            continue
        if not any(np.isclose(v, u["value"], rtol=1e-9) for v in in_effect):
            found.append((u, in_effect))
    if not out.check("other_value_in_effect", bool(found) if found or not unmeasured else None,
                     (f"{found[0][0]['name']} = {found[0][0]['value']!r}, but the training used "
                      f"{', '.join(f'{v:g}' for v in found[0][1][:3])}" if found else
                      "the value defined is the one in effect") if found or not unmeasured else
                     f"the {unmeasured[0]['role']} the training used was not recorded"):
        return out
    u, in_effect = found[0]
    literal = next((f for f in factors if f["value"] in in_effect), None) if u["role"] == "factor" else None
    what = ("learning rate" if u["role"] == "rate" else "number of steps" if u["role"] == "count" else
            f"{'weight-decay strength' if literal['kind'] == 'decay' else 'momentum'} (`{literal['text']}`, line "
            f"{literal['line']})")
    defined = (f"`{u['name']}` = {u['value']!r}" if u.get("setting") else f"`{strip_comment(u['site'].statement.strip())}`")
    summary = (f"{defined} (line {u['site'].line}) is never read: the training "
               f"runs with a {what} of {', '.join(f'{v:g}' for v in in_effect[:3])} instead of {u['value']!r} "
               + ("(the literal takes its place)." if literal else "(a literal or a default argument takes its place)."))
    ev = dict(name=u["name"], defined=u["value"], in_effect=in_effect[:5], role=u["role"], line=u["site"].line)
    stalled = bool(ctx.findings.get("loss_stalled") or ctx.findings.get("vanishing_updates"))
    fixes = []
    if literal:
        fixes += _name_for_literal(F, F.by_id[literal["site"]].file, literal["line"], literal["value"], u)
    if not fixes and u["role"] == "rate":
        # The rate written as a literal in an update or in the velocity it adds: the defined name goes in its place.
        updates = _update_statements(F)
        fixes = next((fx for v in in_effect for sid in updates + _velocities(F, updates)
                      if (fx := _name_for_literal(F, F.by_id[sid].file, F.by_id[sid].line, v, u))), [])
    out.drafts.append(Draft("hyperparameter_defined_not_used", PRIMARY - 12 if stalled else LATENT + 5, summary,
                            [ChainLink(summary, None, u["name"], u["site"].line, dict(ev))],
                            fixes or (use_hyperparameter_fixes(F, u["name"], u["site"].line) if u["role"] == "rate"
                                      else []),
                            [], ev))
    return out
