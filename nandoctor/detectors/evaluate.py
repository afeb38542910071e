"""Replaying one user statement on kept values, to find which sub-expression made a non-finite value."""

from __future__ import annotations

import ast
import operator

import numpy as np

from .facts import Facts, base_name, expr_reads, last

# numpy functions a statement may call that are safe to replay (pure, elementwise or linear algebra).
_SAFE = {
    "exp": np.exp, "log": np.log, "log1p": np.log1p, "sqrt": np.sqrt, "tanh": np.tanh, "dot": np.dot,
    "matmul": np.matmul, "sum": np.sum, "mean": np.mean, "maximum": np.maximum, "minimum": np.minimum,
    "clip": np.clip, "abs": np.abs, "absolute": np.abs, "where": np.where, "power": np.power,
    "square": np.square, "divide": np.divide, "multiply": np.multiply, "subtract": np.subtract, "add": np.add,
    "reciprocal": np.reciprocal, "log2": np.log2, "log10": np.log10, "expm1": np.expm1,
}
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.FloorDiv: operator.floordiv}


def value_at(F: Facts, sid: int, step: int, before_site: int | None = None) -> np.ndarray | None:
    """The kept value of a site at a step (the latest one before `before_site` in step order), shaped."""
    got = F.values(sid)
    if got is None:
        return None
    steps, data, shape = got
    order = F.first_step_order
    same_step_ok = before_site is None or (sid in order and before_site in order and order.index(sid) < order.index(before_site))
    limit = step if same_step_ok else step - 1
    i = int(np.searchsorted(steps, limit, side="right")) - 1
    if i < 0:
        return None
    row = data[i]
    try:
        return row.reshape(shape) if shape and int(np.prod(shape)) == row.size else row
    except ValueError:
        return row


def environment(F: Facts, sid: int, step: int) -> dict[str, np.ndarray]:
    """Values of the names a site's statement reads, at a step."""
    x = F.by_id[sid]
    env: dict[str, np.ndarray] = {}
    for name in x.reads:
        for w in F.resolve(name, x.function)[::-1]:
            v = value_at(F, w, step, before_site=sid)
            if v is not None:
                env[name] = v
                break
    return env


def _value_expr(stmt: ast.AST):
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)):
        return stmt.value
    if isinstance(stmt, ast.Expr):
        return stmt.value
    return None


class _Replay:
    def __init__(self, env, limits):
        self.env = env
        self.limits = limits
        self.found = None

    def ev(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return np.float64(node.value)
        if isinstance(node, (ast.Name, ast.Attribute)):
            from .facts import _dotted

            d = _dotted(node)
            if d in self.env:
                return self.env[d]
            if isinstance(node, ast.Attribute) and node.attr == "T":
                v = self.ev(node.value)
                return None if v is None else np.transpose(v)
            return None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.ev(node.operand)
            return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            a, b = self.ev(node.left), self.ev(node.right)
            if a is None or b is None:
                return None
            with np.errstate(all="ignore"):
                try:
                    r = _BIN[type(node.op)](np.asarray(a, float), np.asarray(b, float))
                except ValueError:
                    return None
            self._check(node, r, [(node.left, a), (node.right, b)], type(node.op))
            return r
        if isinstance(node, ast.Call):
            name = last(_dotted_call(node.func) or "")
            fn = _SAFE.get(name)
            if fn is None or node.keywords:
                return None
            args = [self.ev(a) for a in node.args]
            if any(a is None for a in args):
                return None
            with np.errstate(all="ignore"):
                try:
                    r = fn(*[np.asarray(a, float) for a in args])
                except (ValueError, TypeError):
                    return None
            self._check(node, r, list(zip(node.args, args)), name)
            return r
        return None

    def _check(self, node, result, operands, op):
        if self.found is not None:
            return
        r = np.asarray(result)
        bad = ~np.isfinite(r)
        if not bad.any():
            return
        shapes = [np.broadcast_to(np.asarray(v, float), r.shape) if np.ndim(v) <= r.ndim else None for _, v in operands]
        if any(s is None for s in shapes):
            return
        try:
            fin = np.ones(r.shape, bool)
            for s in shapes:
                fin &= np.isfinite(s)
        except ValueError:
            return
        new = bad & fin
        if not new.any():
            return
        idx = tuple(map(tuple, np.argwhere(new)[:8].tolist()))
        vals = {ast.unparse(n): [float(s[i]) for i in idx] for (n, _), s in zip(operands, shapes)}
        kind = _classify(op, [s[new] for s in shapes], self.limits)
        self.found = {"expression": ast.unparse(node), "operation": kind, "elements": [list(i) for i in idx],
                      "operands": vals, "count": int(new.sum())}


def _dotted_call(node):
    from .facts import _dotted

    return _dotted(node)


def _classify(op, operands, limits) -> str:
    if op is ast.Div or op == "divide":
        num, den = operands[0], operands[1]
        if np.any((num == 0) & (den == 0)):
            return "0/0"
        return "x/0"
    if op is ast.Sub or op is ast.Add:
        return "inf-inf"
    if op is ast.Mult:
        return "0*inf"
    if op in ("exp", "expm1", "power") or op is ast.Pow:
        arg = operands[-1] if op is not ast.Pow else operands[1]
        if op in ("exp", "expm1"):
            return f"exp overflow (arg {float(np.max(arg)):.1f} > {limits.exp_max})"
        return "power overflow"
    if op in ("log", "log2", "log10", "log1p"):
        arg = operands[0]
        if np.any(arg == 0) or (op == "log1p" and np.any(arg == -1)):
            return "log(0)"
        return "log(<0)"
    if op == "sqrt":
        return "sqrt(<0)"
    return f"{op} gave a non-finite value"


def replay(F: Facts, sid: int, step: int) -> dict | None:
    """The first sub-expression of a site's statement that turned finite operands into inf or NaN."""
    x = F.by_id[sid]
    try:
        tree = ast.parse(x.statement.strip())
    except SyntaxError:
        return None
    if not tree.body:
        return None
    expr = _value_expr(tree.body[0])
    if expr is None:
        return None
    env = environment(F, sid, step)
    if not env:
        return None
    rp = _Replay(env, F.limits(sid))
    rp.ev(expr)
    return rp.found


__all__ = ["replay", "value_at", "environment", "expr_reads", "base_name"]
