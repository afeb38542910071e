"""An array is overwritten in place while another holder still uses it: a caller's argument, or a list that keeps it."""

from __future__ import annotations

import ast

import numpy as np

from ... import columns as C
from ...detectors.facts import last, strip_comment
from ...model import Fix
from ...detectors.structure import argument_mutations, inplace_premises
from ...explain.fixes import copy_fix
from ...model import ChainLink
from ...detectors.optimisation import loss_progress, trouble
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "inplace_mutation_aliasing",
    "A function overwrites an array its caller still uses",
    premises=(
        ("writes_argument", "a called function writes into one of its arguments in place, or a loop writes in place "
                            "into an array it has stored in a list, or a statement writes in place into one of two names "
                            "bound to the same array (`b = a`), or into a slice of stored data (`xb = X[a:b]`, a view)"),
        ("caller_keeps_array", "the caller passes an array it keeps: not a trained parameter, not rebound to the result "
                               "(a list keeps each array it is given; the second name holds an array, not a number)"),
        ("array_changed", "the argument's values after the writes differ from its values on entry (the values stored "
                          "in the list differ from one store to the next; for two names, the values after the write "
                          "differ, or a statement compares the two names and so can see no change; for a view: the slice read at the "
                          "same place of the next pass over the data differs)"),
        ("caller_sees_change", "the caller reads the array after the call, or keeps the result (the same array) under "
                               "another name (the list is read after the loop by the training; the other name is read "
                               "after the write at the training steps, and either compares the two names (one array, "
                               "always equal) or the run goes wrong: a non-finite value, a loss that rises or barely "
                               "falls; a view's data is read again by the loop at its next pass)"),
    ),
    thresholds={"ALIAS_SLOW_DROP": 0.1},
)
def rule(ctx) -> RuleOutcome:
    """A function overwrites its argument in place and the caller measurably sees its own array changed."""
    F = ctx.facts
    out = RuleOutcome()
    views = [v for v in views_written_in_place(F) if v["changed"]]
    if views:
        return _view_outcome(out, views)
    recs = argument_mutations(F)
    kept_in_lists = stored_then_overwritten(F)
    renamed = [r for r in renamed_then_written(F) if r["array"] is not False]
    # Two names for one array are judged when the write measurably reached the other name's reader, or when
    # nothing else writes in place.
    if renamed and ((not recs and not kept_in_lists) or any(r["changed"] and r["read_at_steps"] for r in renamed)):
        return _renamed_outcome(ctx, out, renamed)
    # The list case is judged when it measurably happened, or when no function writes into an argument.
    if kept_in_lists and (not recs or any(r["changed"] and r["read_after"] for r in kept_in_lists)):
        return _list_alias_outcome(F, out, kept_in_lists)
    if not out.check("writes_argument", bool(recs),
                     f"{len(recs)} called functions write into an argument" if recs else
                     "no called function writes into its arguments"):
        return out
    judged = [(r, *inplace_premises(r)) for r in recs]
    kept = [j for j in judged if j[1]]
    first = recs[0]
    why = (f"{last(first['function'])}() is passed {', '.join(first['passed']) or 'nothing named'}"
           + (", rebound to its result" if first["rebound"] else "")
           + (", a trained parameter" if first["parameters_passed"] else ""))
    if not out.check("caller_keeps_array", bool(kept),
                     f"{last(kept[0][0]['function'])}() is passed {', '.join(kept[0][0]['passed'])}, which its caller keeps"
                     if kept else why):
        return out
    measured = [j for j in kept if j[2] is not None]
    changed = [j for j in measured if j[2]]
    if not out.check("array_changed", bool(changed) if measured else None,
                     (f"{last(changed[0][0]['function'])}()'s argument {changed[0][0]['parameter']} changed at "
                      f"{changed[0][0]['changed']:.0%} of the calls" if changed else
                      "the argument's values on entry and after the writes are the same at every call") if measured else
                     "the argument was not recorded on entry and after the writes"):
        return out
    seen = [j for j in changed if j[3]]
    if not out.check("caller_sees_change", bool(seen),
                     (f"the caller reads {seen[0][0]['reads_after'][0]} after the call" if seen and seen[0][0]["reads_after"]
                      else f"the caller keeps {seen[0][0]['result_alias']}, the same array" if seen else
                      "the caller neither reads the array after the call nor keeps the mutated result under another name")):
        return out
    for rec, *_ in seen:
        p, writes, passed = rec["parameter"], rec["writes"], rec["passed"]
        ev = dict(rec["evidence"], function=rec["function"], parameter=p, lines=[w[0] for w in writes], passed=passed,
                  caller_reads_after=rec["reads_after"], result_alias=rec["result_alias"])
        who = " and ".join(f"`{v}`" for v in passed)
        short = last(rec["function"])
        summary = (f"{short}() overwrites its argument {p} in place (`{writes[0][1]}`, line {writes[0][0]}); the caller "
                   f"passes {who}, so {who} is changed too. On entry {p} ran from {ev['entry_min']:.3g} "
                   f"to {ev['entry_max']:.3g}; after line {writes[-1][0]} from {ev['after_min']:.3g} to {ev['after_max']:.3g}.")
        chain = [ChainLink(f"{short}() writes into its argument {p} (line {writes[0][0]})", ev.get("step"), p,
                           writes[0][0], {k: ev[k] for k in ("entry_min", "entry_max", "after_min", "after_max")})]
        if rec["reads_after"]:
            chain.append(ChainLink(f"The caller reads {rec['reads_after'][0]} afterwards and gets the overwritten values",
                                   ev.get("step"), rec["reads_after"][0], None, {}))
        else:
            chain.append(ChainLink(f"The caller keeps {passed[0]} and the result {rec['result_alias']}: one array under "
                                   f"two names, the first no longer holding what was assigned to it", ev.get("step"),
                                   rec["result_alias"], None, {}))
        score = LATENT + 25 if rec["reads_after"] else LATENT
        out.drafts.append(Draft("inplace_mutation_aliasing", score, summary, chain,
                                copy_fix(F, rec["function"], p, passed), ["inplace_mutation"], ev))
    return out


def _scopes(F):
    """(qualified name, scope node, file) of every function the program defines and of every file's module code."""
    scopes = [(q, fn) for q, fn in F.function_defs.items()] + [("<module>", t) for t in F.trees.values()]
    # the file of each scope, from one walk of each file (a library of many functions: not one walk per function)
    owner: dict[int, str] = {}
    for path, tree in F.trees.items():
        owner.setdefault(id(tree), path)
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                owner.setdefault(id(n), path)
    for qual, scope in scopes:
        yield qual, scope, owner.get(id(scope))


def _loops(scope) -> list:
    """The loops of one scope's own code (not those of the functions and classes defined inside it)."""
    out, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.For, ast.While)):
            out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return sorted(out, key=lambda n: n.lineno)


def _inplace_writes(stmt, name: str) -> bool:
    """`name[...] = v`, `name += v` (numpy writes in place), or `f(..., out=name)`."""
    if isinstance(stmt, ast.Assign):
        return any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
                   for t in stmt.targets)
    if isinstance(stmt, ast.AugAssign):
        t = stmt.target
        base = t.value if isinstance(t, ast.Subscript) else t
        return isinstance(base, ast.Name) and base.id == name
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return any(kw.arg == "out" and isinstance(kw.value, ast.Name) and kw.value.id == name
                   for kw in stmt.value.keywords)
    return False


def _rebinds(stmt, name: str) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, (ast.For,
                                                                                                   ast.AnnAssign)) else []
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for t in targets for n in ast.walk(t))


def stored_then_overwritten(F) -> list[dict]:
    """Loops that append an array to a list (`kept.append(v)`) and also write `v` in place (`v[:] = ...`, `v += ...`,
    `out=v`) without rebinding it: every entry of the list is then the one array, holding its last values. Each
    with the store's recorded values (whether they differ from one store to the next) and whether the list is
    read after the loop."""
    if "stored_then_overwritten" in F.memo:
        return F.memo["stored_then_overwritten"]
    out = []
    for qual, scope, path in _scopes(F):
        for loop in _loops(scope):
            body = [n for n in ast.walk(loop) if isinstance(n, ast.stmt) and n is not loop]
            for stmt in body:
                call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
                if call is None or not isinstance(call.func, ast.Attribute) or call.func.attr != "append" \
                        or not isinstance(call.func.value, ast.Name) or len(call.args) != 1 \
                        or not isinstance(call.args[0], ast.Name):
                    continue
                kept, name = call.func.value.id, call.args[0].id
                writes = [w for w in body if _inplace_writes(w, name)]
                if not writes or any(_rebinds(w, name) for w in body) or _rebinds(loop, name):
                    continue
                # The list is read after the loop (returned, indexed or iterated by later statements) by the
                # training itself: a statement run at the training steps reads it, here or where it is returned to.
                # A list of snapshots only printed or plotted after training does not change the run.
                end = getattr(loop, "end_lineno", loop.lineno)
                later = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == kept
                         and isinstance(n.ctx, ast.Load) and n.lineno > end]
                names = {kept}
                if any(isinstance(r, ast.Return) and any(n in later for n in ast.walk(r)) for r in ast.walk(scope)):
                    names |= _result_names(F, qual)
                read_after = bool(later) and any(
                    F.observed(x.id) and (F.ser(x.id).step >= 0).any() and x.line > end
                    and any(r.split(".")[0].split("[")[0] in names for r in x.reads) for x in F.sites)
                rec = {"function": qual, "file": path, "list": kept, "name": name, "store_line": stmt.lineno,
                       "writes": [(w.lineno, strip_comment(ast.unparse(w))) for w in writes], "read_after": read_after,
                       "changed": None, "evidence": {}}
                site = next((x for x in F.sites if x.line == stmt.lineno and x.function == qual and F.observed(x.id)),
                            None)
                if site is not None:
                    sr = F.ser(site.id)
                    rows = np.nonzero(sr.step >= 0)[0]
                    if len(rows) and str(sr.shape[rows[0]]) in ("()", "", "None"):
                        continue  # a number, not an array: `v += x` rebinds it and the list keeps each value

                    # Consecutive stores within one step: the array held other values at the next store, so the
                    # write between them changed what the list already kept.
                    same_step = rows[1:][sr.step[rows[1:]] == sr.step[rows[:-1]]]
                    if len(same_step):
                        prev = same_step - 1
                        diff = (sr[C.MIN][same_step] != sr[C.MIN][prev]) | (sr[C.MAX][same_step] != sr[C.MAX][prev]) \
                            | (sr[C.MEAN][same_step] != sr[C.MEAN][prev])
                        rec["changed"] = float(np.mean(diff))
                        k = int(same_step[int(np.argmax(diff))]) if diff.any() else int(same_step[0])
                        rec["evidence"] = dict(fraction_stores_changed=rec["changed"], step=int(sr.step[k]),
                                               stored_min=float(sr[C.MIN][k - 1]), stored_max=float(sr[C.MAX][k - 1]),
                                               next_min=float(sr[C.MIN][k]), next_max=float(sr[C.MAX][k]),
                                               stores_per_step=float(len(rows) / max(1, len(np.unique(sr.step[rows])))))
                out.append(rec)
    F.memo["stored_then_overwritten"] = out
    return out


def _result_names(F, function: str) -> set[str]:
    """Names the callers bind `function`'s result to."""
    short = function.rsplit(".", 1)[-1]
    return {y.target.split(".")[0].split("[")[0] for y in F.sites
            if y.kind in ("assign", "unpack") and any(c.rsplit(".", 1)[-1] == short for c in y.calls)}


def _list_alias_outcome(F, out: RuleOutcome, recs: list[dict]) -> RuleOutcome:
    """The premises for a list that keeps one array which the loop keeps overwriting in place."""
    first = recs[0]
    out.check("writes_argument", True, f"line {first['writes'][0][0]} `{first['writes'][0][1]}` writes "
              f"{first['name']} in place in the loop that appends it to {first['list']} (line {first['store_line']})")
    out.check("caller_keeps_array", True, f"{first['list']} keeps {first['name']} itself, not a copy, and the loop never "
              f"rebinds {first['name']}")
    measured = [r for r in recs if r["changed"] is not None]
    changed = [r for r in measured if r["changed"] > 0]
    if not out.check("array_changed", bool(changed) if measured else None,
                     (f"{changed[0]['name']} held other values at {changed[0]['changed']:.0%} of the next stores "
                      f"into {changed[0]['list']}" if changed else "the stored values never changed between stores")
                     if measured else "the values stored were not recorded at two stores in one step"):
        return out
    seen = [r for r in changed if r["read_after"]]
    if not out.check("caller_sees_change", bool(seen),
                     f"{seen[0]['list']} is read after the loop, by statements run at the training steps" if seen else
                     "the list is not read after the loop that fills it by a statement run at the training steps"):
        return out
    for rec in seen:
        ev = dict(rec["evidence"], function=rec["function"], list=rec["list"], name=rec["name"],
                  store_line=rec["store_line"], lines=[w[0] for w in rec["writes"]])
        line, text = rec["writes"][0]
        summary = (f"`{rec['list']}.append({rec['name']})` (line {rec['store_line']}) keeps the array itself, and "
                   f"`{text}` (line {line}) then overwrites it in place: every entry of {rec['list']} is the same array, "
                   f"holding only the last values. At step {ev['step']} the entry stored with values from "
                   f"{ev['stored_min']:.3g} to {ev['stored_max']:.3g} held {ev['next_min']:.3g} to {ev['next_max']:.3g} "
                   f"at the next store ({rec['changed']:.0%} of the stores changed what was kept).")
        chain = [ChainLink(f"{rec['list']}.append({rec['name']}) stores a reference, not the values", ev.get("step"),
                           rec["list"], rec["store_line"], {}),
                 ChainLink(f"`{text}` writes {rec['name']} in place, so the stored entries change with it",
                           ev.get("step"), rec["name"], line,
                           {k: ev[k] for k in ("stored_min", "stored_max", "next_min", "next_max") if k in ev})]
        fixes = []
        src = F.line_text(rec["file"], line)
        body = strip_comment(src)
        prefix = f"{rec['name']}[:] = "
        if body.strip().startswith(prefix):
            after = body.replace(prefix, f"{rec['name']} = ", 1)
            fixes.append(Fix(f"Bind {rec['name']} to a new array instead of writing into the stored one", line,
                             body.strip(), after.strip(), f"Each entry of {rec['list']} then keeps its own values."))
        store = strip_comment(F.line_text(rec["file"], rec["store_line"])).strip()
        if store:
            fixes.append(Fix(f"Or store a copy in {rec['list']}", rec["store_line"], store,
                             store.replace(f".append({rec['name']})", f".append({rec['name']}.copy())", 1),
                             f"A copy keeps the values {rec['name']} had when it was stored."))
        out.drafts.append(Draft("inplace_mutation_aliasing", LATENT + 25, summary, chain, fixes,
                                ["inplace_mutation"], ev))
    return out


# Calls that rewrite their first argument in place.
_MUTATING_CALLS = {"shuffle", "copyto", "put", "place", "putmask"}
_MUTATING_METHODS = {"sort", "fill", "resize", "shuffle", "itemset"}


def _writes_in_place(stmt, name: str) -> bool:
    """`name[...] = v`, `name += v`, `f(..., out=name)`, `np.random.shuffle(name)` or `name.sort()`."""
    if _inplace_writes(stmt, name):
        return True
    call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
    if call is None or not isinstance(call.func, (ast.Attribute, ast.Name)):
        return False
    attr = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
    if attr in _MUTATING_METHODS and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
            and call.func.value.id == name:
        return True
    return attr in _MUTATING_CALLS and bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id == name


def _reads(stmt, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(stmt))


def _blocks(scope):
    """Every statement list of one scope's own code, in source order (bodies of loops, ifs, withs and tries)."""
    todo = [scope]
    while todo:
        node = todo.pop(0)
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], (ast.stmt, ast.excepthandler)):
                if isinstance(block[0], ast.stmt):
                    yield block
                for child in block:
                    if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                        todo.append(child)


def _flat(stmts) -> list:
    """The statements of a block and of the compound statements in it, in source order."""
    out = []
    for s in stmts:
        out.extend(n for n in ast.walk(s) if isinstance(n, ast.stmt))
    return sorted(out, key=lambda n: (n.lineno, getattr(n, "col_offset", 0)))


def _ref(node) -> str | None:
    """The text of a name an array can be held under: `a`, `self.w`, `moment[key]` (attributes and subscripts of
    names and constants, no calls), or None."""
    probe = node
    while isinstance(probe, (ast.Attribute, ast.Subscript)):
        if isinstance(probe, ast.Subscript) and not all(isinstance(n, (ast.Name, ast.Constant, ast.Load, ast.Tuple))
                                                        for n in ast.walk(probe.slice)):
            return None
        probe = probe.value
    return ast.unparse(node) if isinstance(probe, ast.Name) else None


def _ref_nodes(stmt, ref: str, store: bool | None = None) -> list:
    """The nodes of `stmt` spelling `ref` (loaded, stored or either)."""
    out = []
    for n in ast.walk(stmt):
        if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) and _ref(n) == ref:
            if store is None or isinstance(n.ctx, ast.Store) == store:
                out.append(n)
    return out


def _writes_ref(stmt, ref: str) -> bool:
    """`_writes_in_place` for a name that may be an attribute or an item (`self.w -= v`, `moment[key] *= b`)."""
    if "." not in ref and "[" not in ref:
        return _writes_in_place(stmt, ref)
    if isinstance(stmt, ast.AugAssign):
        t = stmt.target
        return _ref(t) == ref or (isinstance(t, ast.Subscript) and _ref(t.value) == ref)
    if isinstance(stmt, ast.Assign):
        return any(isinstance(t, ast.Subscript) and _ref(t.value) == ref for t in stmt.targets)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return any(kw.arg == "out" and _ref(kw.value) == ref for kw in stmt.value.keywords)
    return False


def _rebinds_ref(stmt, ref: str) -> bool:
    if "." not in ref and "[" not in ref:
        return _rebinds(stmt, ref)
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, (ast.For,
                                                                                                   ast.AnnAssign)) else []
    # The item or attribute is rebound, or the name it hangs from is (`self = ...` does not happen; `moment = {}` does).
    root = ref.split(".")[0].split("[")[0]
    return any(_ref(n) == ref or (isinstance(n, ast.Name) and n.id == root)
               for t in targets for n in ast.walk(t) if isinstance(getattr(n, "ctx", None), ast.Store))


def _reads_ref(stmt, ref: str) -> bool:
    if "." not in ref and "[" not in ref:
        return _reads(stmt, ref)
    return bool(_ref_nodes(stmt, ref, store=False))


def _aliases(stmt) -> tuple[str, str] | None:
    """Two names one assignment binds to one object: `b = a` (a name, attribute or item read, not computed), or the
    first two targets of a chained assignment `a = b = value`."""
    if not isinstance(stmt, ast.Assign):
        return None
    if len(stmt.targets) == 1:
        alias, source = _ref(stmt.targets[0]), _ref(stmt.value)
        if alias and source and alias != source and isinstance(stmt.targets[0].ctx, ast.Store):
            return alias, source
        return None
    refs = [_ref(t) for t in stmt.targets]
    if len(refs) >= 2 and all(refs) and refs[0] != refs[1]:
        return refs[0], refs[1]
    return None


def _later_statements(scope, after_line: int) -> list:
    """The statements of one scope's own code that start after `after_line`, in source order."""
    out = []
    for block in _blocks(scope):
        out.extend(n for n in block if n.lineno > after_line)
    return sorted({id(n): n for n in _flat(out)}.values(), key=lambda n: (n.lineno, getattr(n, "col_offset", 0)))


def renamed_then_written(F) -> list[dict]:
    """`other = name` binds a second name to the same array; a later statement of the same block writes one of the
    two names in place and a statement after that reads the other, neither rebound in between: the reader gets the
    written values under a name whose own statement gave it the values before the write. Each with the values the
    alias statement and the write recorded."""
    if "renamed_then_written" in F.memo:
        return F.memo["renamed_then_written"]
    out = []
    for qual, scope, path in _scopes(F):
        for block in _blocks(scope):
            for i, stmt in enumerate(block):
                pair = _aliases(stmt)
                if pair is None:
                    continue
                alias, source = pair
                write = reader = None
                # The write is looked for in the rest of the alias's own block first; an alias made once before the
                # training (`m = v = zeros`) is written in the training loop, later in the same scope.
                for rest in (_flat(block[i + 1:]), _later_statements(scope, getattr(block[-1], "end_lineno",
                                                                                     block[-1].lineno))):
                    for k, s in enumerate(rest):
                        if _rebinds_ref(s, alias) or _rebinds_ref(s, source):
                            break
                        written = alias if _writes_ref(s, alias) else source if _writes_ref(s, source) else None
                        if written is None:
                            continue
                        other = source if written == alias else alias
                        for t in rest[k + 1:]:
                            if _rebinds_ref(t, other) and not _reads_ref(t, other):
                                break
                            if _reads_ref(t, other) and not _writes_ref(t, other):
                                reader = t
                                break
                        write = (s, written, other)
                        break
                    if write is not None:
                        break
                if write is None or reader is None:
                    continue
                s, written, other = write
                rec = {"function": qual, "file": path, "alias": alias, "source": source, "alias_line": stmt.lineno,
                       "written": written, "other": other, "write_line": s.lineno,
                       "write_text": strip_comment(ast.unparse(s)), "read_line": reader.lineno,
                       "read_text": strip_comment(ast.unparse(reader)).splitlines()[0], "array": None, "changed": None,
                       "bound": strip_comment(ast.unparse(stmt)), "chained": len(stmt.targets) > 1,
                       "value_text": ast.unparse(stmt.value), "column": stmt.col_offset,
                       "read_at_steps": None, "evidence": {}}
                here = [x for x in F.sites if x.function == qual and x.file == path] if path else \
                    [x for x in F.sites if x.function == qual]
                at = next((x for x in here if x.line == stmt.lineno and F.observed(x.id)), None)
                wr = next((x for x in here if x.line == s.lineno and F.observed(x.id)), None)
                rd = next((x for x in here if x.line == reader.lineno and F.observed(x.id)), None)
                if at is not None:
                    sa = F.ser(at.id)
                    shapes = {str(sa.shape[j]) for j in range(len(sa))}
                    rec["array"] = not shapes <= {"()", "", "None"}
                    # A shuffle or a sort moves values without changing their min, max or mean: not measured here.
                    permutes = isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and (
                        getattr(s.value.func, "attr", getattr(s.value.func, "id", "")) in ("shuffle", "sort"))
                    # A write into part of the array records the part: its values say nothing of the whole.
                    partial = isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Subscript)
                    if wr is not None and rec["array"] and not permutes and not partial:
                        sw = F.ser(wr.id)
                        # Each write paired with the alias statement run just before it.
                        rows = [(sa.before_seq(int(q)), j) for j, q in enumerate(sw.seq)]
                        rows = [(a, j) for a, j in rows if a is not None]
                        if rows:
                            a_idx = np.array([a for a, _ in rows])
                            w_idx = np.array([j for _, j in rows])
                            diff = np.zeros(len(rows), bool)
                            for col in (C.MIN, C.MAX, C.MEAN):
                                before, after = sa[col][a_idx], sw[col][w_idx]
                                diff |= ~np.isclose(before, after, rtol=1e-12, atol=0.0, equal_nan=True)
                            rec["changed"] = float(np.mean(diff))
                            k = int(np.argmax(diff)) if diff.any() else 0
                            rec["evidence"] = dict(fraction_changed=rec["changed"], step=int(sw.step[w_idx[k]]),
                                                   before_min=float(sa[C.MIN][a_idx[k]]),
                                                   before_max=float(sa[C.MAX][a_idx[k]]),
                                                   after_min=float(sw[C.MIN][w_idx[k]]),
                                                   after_max=float(sw[C.MAX][w_idx[k]]))
                elif at is None and wr is not None:
                    # The alias statement ran before anything was recorded (`m = v = zeros(...)` ahead of the
                    # training): the writes are judged on the written name's own records.
                    rec.update(_changes_between_records(F, here, written))
                if rd is not None:
                    rec["read_at_steps"] = bool((F.ser(rd.id).step >= 0).any())
                elif wr is not None and (at is None or (F.ser(at.id).step >= 0).any()):
                    # A reader that binds nothing (`if np.allclose(old, c):`) is not recorded: it runs in the same
                    # block as the alias and the write, so at the steps they ran at.
                    rec["read_at_steps"] = bool((F.ser(wr.id).step >= 0).any())
                # A reader of both names compares the array with itself: whatever the write did, it finds no change.
                rec["reads_both"] = _reads_ref(reader, alias) and _reads_ref(reader, source)
                out.append(rec)
    F.memo["renamed_then_written"] = out
    return out


def _changes_between_records(F, here, ref: str) -> dict:
    """Whether `ref` holds an array and how often its values changed between two consecutive records of it within one
    step (the same shape: one array, not the next item of a dict walked by the loop), from the sites that bind or
    write it."""
    rows = []
    for x in here:
        if x.target != ref or not F.observed(x.id):
            continue
        sr = F.ser(x.id)
        for j in range(len(sr)):
            rows.append((int(sr.seq[j]), int(sr.step[j]), str(sr.shape[j]), float(sr[C.MIN][j]), float(sr[C.MAX][j]),
                         float(sr[C.MEAN][j])))
    if not rows:
        return {}
    rows.sort()
    shapes = {r[2] for r in rows}
    got = {"array": not shapes <= {"()", "", "None"}}
    if not got["array"]:
        return got
    last_seen, diffs, example = {}, [], None
    for seq, step, shape, lo, hi, mean in rows:
        prev = last_seen.get((step, shape))
        if prev is not None and step >= 0:
            changed = not np.allclose([prev[0], prev[1], prev[2]], [lo, hi, mean], rtol=1e-12, atol=0.0, equal_nan=True)
            diffs.append(changed)
            if changed and example is None:
                example = dict(step=step, before_min=prev[0], before_max=prev[1], after_min=lo, after_max=hi)
        last_seen[(step, shape)] = (lo, hi, mean)
    if diffs:
        got["changed"] = float(np.mean(diffs))
        got["evidence"] = dict(example or {}, fraction_changed=got["changed"])
    return got


def _renamed_outcome(ctx, out: RuleOutcome, recs: list[dict]) -> RuleOutcome:
    """The premises for `b = a` followed by an in-place write into one name and a read of the other."""
    F = ctx.facts
    first = recs[0]
    out.check("writes_argument", True, f"`{first['alias']} = {first['source']}` (line {first['alias_line']}) binds a "
              f"second name to one array and `{first['write_text']}` (line {first['write_line']}) writes "
              f"{first['written']} in place")
    arrays = [r for r in recs if r["array"]]
    if not out.check("caller_keeps_array", bool(arrays) if arrays or all(r["array"] is False for r in recs) else None,
                     f"{arrays[0]['alias']} holds an array (a number would be rebound by the write)" if arrays else
                     "the value bound at the second name was not recorded"):
        return out
    measured = [r for r in arrays if r["changed"] is not None]
    changed = [r for r in measured if r["changed"] > 0]
    # Comparing the two names compares one array with itself: it finds no change whatever the write did.
    compared = [r for r in arrays if r.get("reads_both") and r["read_at_steps"] and r not in measured]
    if not out.check("array_changed", True if compared else bool(changed) if measured else None,
                     (f"line {compared[0]['read_line']} compares {compared[0]['alias']} with {compared[0]['source']}, "
                      f"one array, so it sees no change whatever `{compared[0]['write_text']}` wrote" if compared else
                      f"{changed[0]['written']} held other values after line {changed[0]['write_line']} than at line "
                      f"{changed[0]['alias_line']} at {changed[0]['changed']:.0%} of the writes" if changed else
                      "the write left the values as they were at every step") if measured or compared else
                     "the values before and after the write were not both recorded"):
        return out
    changed = changed + compared
    read = [r for r in changed if r["read_at_steps"]]
    bad = trouble(F, ctx.session)
    lp = loss_progress(F)
    slow = lp is not None and lp["drop"] < ctx.threshold("ALIAS_SLOW_DROP")
    suffers = bool(bad) or slow
    both = [r for r in read if r.get("reads_both")]
    status = (True if both else (bool(read) and suffers) if read and (bad is not None or lp is not None)
              else (False if not read else None))
    how = (f"line {both[0]['read_line']} compares {both[0]['alias']} with {both[0]['source']}, one array: they are "
           f"always equal" if both else
           bad["what"] if bad else f"the loss only went from {lp['first']:.4g} to {lp['last']:.4g}" if slow else
           "the run stays finite and its loss falls" if (bad is not None or lp is not None) else "")
    if not out.check("caller_sees_change", status,
                     (f"line {read[0]['read_line']} `{read[0]['read_text']}` reads {read[0]['other']} after the write, "
                      f"at the training steps; {how}" if read and how else
                      "the run's outcome was not measured" if read else
                      f"{first['other']} is not read after the write at the training steps")):
        return out
    for rec in (both or read):
        ev = dict(rec["evidence"], function=rec["function"], alias=rec["alias"], source=rec["source"],
                  alias_line=rec["alias_line"], write_line=rec["write_line"], read_line=rec["read_line"])
        w, o = rec["written"], rec["other"]
        values = (f": at step {ev['step']} it ran from {ev['before_min']:.3g} to {ev['before_max']:.3g} and afterwards "
                  f"from {ev['after_min']:.3g} to {ev['after_max']:.3g} ({rec['changed']:.0%} of the writes changed it)"
                  if "before_min" in ev else "")
        bound = rec.get("bound") or f"{rec['alias']} = {rec['source']}"
        made = (f"binds {rec['alias']} and {rec['source']} to one array" if rec.get("chained") else
                f"makes {rec['alias']} a second name for the same array, not a copy")
        summary = (f"`{bound}` (line {rec['alias_line']}) {made}; `{rec['write_text']}` (line {rec['write_line']}) then overwrites it in "
                   f"place, so {o} changes too{values}. Line {rec['read_line']} `{rec['read_text']}` "
                   f"reads the overwritten {o}, and {how}.")
        chain = [ChainLink(f"`{bound}` binds a second name, not a copy", ev.get("step"), rec["alias"],
                           rec["alias_line"], {}),
                 ChainLink(f"`{rec['write_text']}` writes {w} in place, so {o} holds the new values", ev.get("step"), w,
                           rec["write_line"], {k: ev[k] for k in ("before_min", "before_max", "after_min", "after_max")
                                               if k in ev}),
                 ChainLink(f"line {rec['read_line']} reads {o} expecting the values before the write", ev.get("step"), o,
                           rec["read_line"], {})]
        fixes = []
        text = strip_comment(F.line_text(rec["file"], rec["alias_line"])).strip() if rec["file"] else ""
        if text and rec.get("chained"):
            # Each target gets its own array: the value is computed again, or copied when it names an existing one.
            indent = " " * rec.get("column", 0)
            value = rec["value_text"] + (".copy()" if _ref(ast.parse(rec["value_text"], mode="eval").body) else "")
            fixes.append(Fix(f"Give {rec['alias']} and {rec['source']} an array each", rec["alias_line"], text,
                             f"{rec['alias']} = {value}\n{indent}{rec['source']} = {value}",
                             f"A write into {w} then leaves {o} as it was."))
        elif text:
            fixes.append(Fix(f"Copy {rec['source']} instead of binding a second name to it", rec["alias_line"], text,
                             text.replace(f"= {rec['source']}", f"= {rec['source']}.copy()", 1),
                             f"{rec['alias']} then has values of its own and the write leaves {o} as it was."))
        score = PRIMARY if bad or rec.get("reads_both") else LATENT + 25
        out.drafts.append(Draft("inplace_mutation_aliasing", score, summary, chain, fixes, ["inplace_mutation"], ev))
    return out


def _basic_slice(node) -> bool:
    """`a:b` or `a:b, 0`: indexing with slices (and constants) only, which numpy answers with a view."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(isinstance(p, ast.Slice) for p in parts) and all(isinstance(p, (ast.Slice, ast.Constant)) for p in parts)


def views_written_in_place(F) -> list[dict]:
    """`v = data[a:b]` in a loop (a view of data, not a copy), then a statement of the same loop writing v in place
    (`v /= 255.0`), with data never rebound in the loop: the write changes the stored data, which the loop reads again at
    its next pass. Each with how often the slice read at the same place of the next pass differed (None: not measured).
    """
    if "views_written_in_place" in F.memo:
        return F.memo["views_written_in_place"]
    out = []
    for qual, scope, path in _scopes(F):
        loops = _loops(scope)
        outer = [lp for lp in loops if not any(o is not lp and o.lineno < lp.lineno <= (o.end_lineno or 0) for o in loops)]
        for loop in outer:
            body = _flat(loop.body)
            for i, stmt in enumerate(body):
                handed = _slice_handed_to_writer(F, stmt)
                if handed is not None:
                    rec = _handed_view(F, qual, path, body, stmt, *handed)
                    if rec is not None:
                        out.append(rec)
                    continue
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                        and isinstance(stmt.value, ast.Subscript) and _basic_slice(stmt.value.slice)):
                    continue
                view, data = stmt.targets[0].id, _ref(stmt.value.value)
                # Rebound only to itself reordered (`X = X[perm]` at each epoch): the same values, changed ones
                # included, carried into the next pass.
                reorders = [t for t in body if _rebinds_ref(t, data) and _reorders(t, data)] if data else []
                if data is None or any(_rebinds_ref(t, data) and t not in reorders for t in body):
                    continue
                if data in F.param_names or data.split("[")[0] in F.param_names:
                    continue  # `block = W[:, k:k + n]; block -= lr * g`: a parameter updated through its view
                write = None
                for t in body[i + 1:]:
                    if _rebinds(t, view):
                        break
                    if _writes_in_place(t, view):
                        write = t
                        break
                if write is None:
                    continue
                line = strip_comment(F.line_text(path, stmt.lineno)).strip() if path else ""
                sliced = ast.get_source_segment(F.s.sources.get(path, ""), stmt.value) if path else None
                rec = {"function": qual, "file": path, "view": view, "data": data, "view_line": stmt.lineno,
                       "view_text": strip_comment(ast.unparse(stmt)), "line": line,
                       "copied": line.replace(sliced, sliced + ".copy()", 1) if sliced and sliced in line else None,
                       "write_line": write.lineno,
                       "write_text": strip_comment(ast.unparse(write)), "changed": None, "pairs": 0, "evidence": {}}
                if reorders:
                    # The slice at one place of the next pass is another sample's: the reorder's own values are
                    # compared instead, which a reorder alone keeps.
                    rec["reordered"] = strip_comment(ast.unparse(reorders[0]))
                    site = next((x for x in F.sites if x.line == reorders[0].lineno and x.function == qual
                                 and (path is None or x.file == path) and F.observed(x.id)), None)
                    if site is not None:
                        rec.update(_reorder_changes(F, site.id))
                else:
                    site = next((x for x in F.sites if x.line == stmt.lineno and x.function == qual
                                 and (path is None or x.file == path) and F.observed(x.id)), None)
                    if site is not None:
                        rec.update(_next_pass_changes(F, site.id))
                out.append(rec)
    F.memo["views_written_in_place"] = out
    return out


def _slice_handed_to_writer(F, stmt):
    """(call, slice expression, function, its parameter) when a statement passes a slice of data (`X[s:s + bs]`, a
    view) to a function of the program that writes that parameter in place (`batch -= mu`); else None."""
    from ...detectors.structure import _mutations

    if not isinstance(stmt, (ast.Assign, ast.Expr)):
        return None
    for call in ast.walk(stmt):
        if not isinstance(call, ast.Call):
            continue
        name = last(_ref(call.func) or "")
        fn = next((f for q, f in F.function_defs.items() if last(q) == name), None) if name else None
        if fn is None:
            continue
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        if params and params[0] in ("self", "cls") and isinstance(call.func, ast.Attribute):
            params = params[1:]
        written = {p for p, _, _ in _mutations(fn)}
        for k, arg in enumerate(call.args[:len(params)]):
            if params[k] in written and isinstance(arg, ast.Subscript) and _basic_slice(arg.slice) \
                    and _ref(arg.value) is not None:
                return call, arg, fn, params[k]
    return None


def _handed_view(F, qual, path, body, stmt, call, arg, fn, param) -> dict | None:
    """The record of a slice of data handed to a function that writes it in place, as views_written_in_place gives
    for a view written in the loop itself; None when the data is rebound in the loop or is a parameter."""
    data = _ref(arg.value)
    if any(_rebinds_ref(t, data) for t in body) or data in F.param_names or data.split("[")[0] in F.param_names:
        return None
    from ...detectors.structure import _mutations

    write_line, write_text = next((line, text) for p, line, text in _mutations(fn) if p == param)
    source = F.s.sources.get(path, "") if path else ""
    line = strip_comment(F.line_text(path, stmt.lineno)).strip() if path else ""
    sliced = ast.get_source_segment(source, arg) if source else None
    rec = {"function": qual, "file": path, "view": param, "data": data, "view_line": stmt.lineno,
           "view_text": strip_comment(ast.unparse(stmt)), "line": line,
           "copied": line.replace(sliced, sliced + ".copy()", 1) if sliced and sliced in line else None,
           "write_line": write_line, "write_text": f"{write_text} in {fn.name}()", "changed": None, "pairs": 0,
           "evidence": {}}
    # Every caller of the function hands it arrays it keeps (`prep(X)` too): the function copies what it writes.
    fn_qual = next((q for q, f in F.function_defs.items() if f is fn), None)
    inside = [fx for fx in copy_fix(F, fn_qual, param, []) if fn_qual] if fn_qual else []
    rec["fixes"] = [Fix(f"Copy {param} inside {fn.name}() before writing into it", fx.line, fx.before, fx.after,
                        f"{fn.name}() writes into {param}; with its own copy it no longer changes {data}, whoever "
                        f"calls it.") for fx in inside[:1]]
    site = next((x for x in F.sites if x.line == stmt.lineno and x.function == qual
                 and (path is None or x.file == path) and F.observed(x.id)), None)
    if site is not None:
        rec.update(_next_pass_changes(F, site.id))
    return rec


def _reorders(stmt, ref: str) -> bool:
    """`X = X[perm]`, `X = X[order, :]`: the name rebound to its own rows in another order (an index, not a slice)."""
    return (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _ref(stmt.targets[0]) == ref
            and isinstance(stmt.value, ast.Subscript) and _ref(stmt.value.value) == ref
            and not _basic_slice(stmt.value.slice))


def _reorder_changes(F, sid: int) -> dict:
    """How often a reorder's recorded spread and mean (which a reorder keeps, up to the order of summation) differ
    between one run and the next, with the first such pair."""
    sr = F.ser(sid)
    # every run of the reorder, the first pass's too (it may run before the first step)
    rows = np.arange(len(sr)) if sr is not None else []
    if len(rows) < 2:
        return {}
    std, mean = sr[C.STD][rows].astype(float), sr[C.MEAN][rows].astype(float)
    scale = np.maximum(np.abs(std[:-1]), 1e-300)
    differ = (np.abs(np.diff(std)) > 1e-9 * scale) | (np.abs(np.diff(mean)) > 1e-9 * np.maximum(scale, np.abs(mean[:-1])))
    if not differ.any():
        return {"changed": 0.0, "pairs": int(len(differ)), "evidence": {"fraction_changed": 0.0}}
    k = int(np.argmax(differ))
    ev = dict(epoch=k, before_std=float(std[k]),
              after_std=float(std[k + 1]), before_mean=float(mean[k]), after_mean=float(mean[k + 1]),
              step=int(sr.step[rows[k + 1]]), fraction_changed=float(differ.mean()))
    return {"changed": float(differ.mean()), "pairs": int(len(differ)), "evidence": ev}


def _next_pass_changes(F, sid: int) -> dict:
    """How often the value a statement read at the k-th run of one epoch differs from its k-th run of the next (the
    same slice of the data, when the loop walks it in order), over epochs with as many runs."""
    table = F.s.table
    rows = np.nonzero(table[C.SITE] == sid)[0]
    epochs = table[C.EPOCH][rows]
    by_epoch = {int(e): rows[epochs == e] for e in np.unique(epochs) if e >= 0}
    stats = [table[c] for c in (C.MIN, C.MAX, C.MEAN)]
    changed, pairs, example = 0, 0, {}
    for e, now in sorted(by_epoch.items()):
        nxt = by_epoch.get(e + 1)
        if nxt is None or len(nxt) != len(now):
            continue
        differ = np.zeros(len(now), bool)
        for col in stats:
            differ |= ~np.isclose(col[now], col[nxt], rtol=1e-12, atol=0.0, equal_nan=True)
        pairs += len(now)
        changed += int(differ.sum())
        if differ.any() and not example:
            k = int(np.argmax(differ))
            example = dict(epoch=e, before_min=float(table[C.MIN][now[k]]), before_max=float(table[C.MAX][now[k]]),
                           after_min=float(table[C.MIN][nxt[k]]), after_max=float(table[C.MAX][nxt[k]]),
                           step=int(table[C.STEP][nxt[k]]))
    if not pairs:
        return {}
    return {"changed": changed / pairs, "pairs": pairs, "evidence": dict(example, fraction_changed=changed / pairs)}


def _view_outcome(out: RuleOutcome, views: list[dict]) -> RuleOutcome:
    """The premises for a slice of stored data written in place through its view."""
    v = views[0]
    ev = v["evidence"]
    out.check("writes_argument", True, f"`{v['write_text']}` (line {v['write_line']}) writes in place into {v['view']}, "
              f"a view of {v['data']} made by `{v['view_text']}` (line {v['view_line']})")
    if v.get("reordered"):
        return _reordered_view_outcome(out, v, ev)
    out.check("caller_keeps_array", True, f"{v['data']} is not rebound in the loop: it keeps the data the loop reads "
              f"again")
    out.check("array_changed", True, f"the slice read at the same place of the next epoch differs at "
              f"{v['changed']:.0%} of {v['pairs']} comparable reads", **ev)
    out.check("caller_sees_change", True, f"`{v['view_text']}` reads {v['data']} again at every epoch")
    summary = (f"`{v['view_text']}` (line {v['view_line']}) makes {v['view']} a view of {v['data']}, not a copy; "
               f"`{v['write_text']}` (line {v['write_line']}) then changes the stored {v['data']} in place, so the next "
               f"pass over the data reads values already changed: the same slice ran from {ev['before_min']:.3g} to "
               f"{ev['before_max']:.3g} at epoch {ev['epoch']} and from {ev['after_min']:.3g} to {ev['after_max']:.3g} at "
               f"epoch {ev['epoch'] + 1}.")
    return _view_draft(out, v, ev, summary, ("before_min", "before_max", "after_min", "after_max"))


def _reordered_view_outcome(out: RuleOutcome, v: dict, ev: dict) -> RuleOutcome:
    """The view premises when the data is reordered at each pass: judged on the reorder's kept spread and mean."""
    out.check("caller_keeps_array", True, f"{v['data']} is only reordered in the loop (`{v['reordered']}`): it keeps "
              f"its values, changed ones included, into the next pass")
    out.check("array_changed", True, f"a reorder keeps the spread and the mean, yet at `{v['reordered']}` the spread of "
              f"{v['data']} went from {ev['before_std']:.6g} to {ev['after_std']:.6g} (mean {ev['before_mean']:.4g} to "
              f"{ev['after_mean']:.4g}); they changed at {v['changed']:.0%} of {v['pairs']} consecutive passes", **ev)
    out.check("caller_sees_change", True, f"`{v['view_text']}` reads {v['data']} again at every pass")
    summary = (f"`{v['view_text']}` (line {v['view_line']}) makes {v['view']} a view of {v['data']}, not a copy; "
               f"`{v['write_text']}` (line {v['write_line']}) then changes the stored {v['data']} in place, and "
               f"`{v['reordered']}` carries the changed values into the next pass: a reorder keeps the spread, yet the "
               f"spread of {v['data']} went from {ev['before_std']:.6g} to {ev['after_std']:.6g} between two passes.")
    return _view_draft(out, v, ev, summary, ("before_std", "after_std", "before_mean", "after_mean"))


def _view_draft(out: RuleOutcome, v: dict, ev: dict, summary: str, shown: tuple[str, ...]) -> RuleOutcome:
    """The draft of a view written in place: its chain (the view, then the write with the `shown` numbers), its fixes
    (the writer's own, then a copy of the slice) and evidence."""
    chain = [ChainLink(f"`{v['view_text']}` is a view of {v['data']}", None, v["view"], v["view_line"], {}),
             ChainLink(f"`{v['write_text']}` writes through it into {v['data']}", ev.get("step"), v["data"],
                       v["write_line"], {k: ev[k] for k in shown})]
    fixes = list(v.get("fixes", [])) + ([Fix(
        f"{'Or take' if v.get('fixes') else 'Take'} a copy of the slice, so that {v['data']} keeps its values",
        v["view_line"], v["line"], v["copied"], f"Slicing gives a view: writing into {v['view']} writes into "
        f"{v['data']}. A copy is {v['view']}'s own.")] if v["copied"] else [])
    out.drafts.append(Draft("inplace_mutation_aliasing", PRIMARY - 5, summary, chain, fixes, ["inplace_mutation"],
                            dict(ev, view=v["view"], data=v["data"], view_line=v["view_line"],
                                 write_line=v["write_line"])))
    return out
