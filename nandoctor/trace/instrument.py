"""AST rewriting of user code: every assignment, argument, return and loop becomes a recorded site.

Before and after, for the statements of the founding case (hook names shortened):

    z_ij = dot(x, self.w_ij)                ->  z_ij = rec(3, dot(x, self.w_ij))
    self.w_ij = self.w_ij - lr * g          ->  self.w_ij = upd(14, self.w_ij, self.w_ij - lr * g)
    W -= lr * g                             ->  W -= delta(15, lr * g); augrec(15, W)
    x[x > 0] = 1                            ->  x[x > 0] = 1; rec(7, x)
    a, b = f()                              ->  a, b = unpack((8, 9), f())
    def f(self, x): ...                     ->  def f(self, x): args((1,), (x,)); ...
    return expr                             ->  return rec(2, expr)
    for i in range(n): body                 ->  for i in range(n): it(0); body
                                                exit(0)

The hook sees each value before it is bound, while its operands are still alive in the frame.
Hooks are looked up as builtins, so the user's module namespace is untouched.
"""

from __future__ import annotations

import ast
import importlib.util
import threading
from dataclasses import dataclass, field

from ..model import Loop, Site

REC = "__nd_rec__"
UPD = "__nd_upd__"
DELTA = "__nd_delta__"
AUGREC = "__nd_augrec__"
UNPACK = "__nd_unpack__"
ARGS = "__nd_args__"
ITER = "__nd_iter__"
EXIT = "__nd_exit__"
HOOK_NAMES = (REC, UPD, DELTA, AUGREC, UNPACK, ARGS, ITER, EXIT)


@dataclass
class Registry:
    """Every site and loop instrumented so far, across all files of one trace."""

    sites: list[Site] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # file -> source text
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_site(self, **kw) -> int:
        with self.lock:
            sid = len(self.sites)
            self.sites.append(Site(id=sid, **kw))
            return sid

    def add_loop(self, **kw) -> int:
        with self.lock:
            lid = len(self.loops)
            self.loops.append(Loop(id=lid, **kw))
            return lid


def dotted(node: ast.AST) -> str | None:
    """'self.w_ij' for an attribute chain rooted at a name, 'x' for a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def reads_of(node: ast.AST | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names and attribute chains (with their prefixes) read by an expression, and the callees."""
    if node is None:
        return (), ()
    reads: dict[str, None] = {}
    calls: dict[str, None] = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            name = dotted(sub.func)
            if name:
                calls[name] = None
        if isinstance(sub, (ast.Attribute, ast.Name)) and isinstance(getattr(sub, "ctx", None), ast.Load):
            chain = dotted(sub)
            if chain:
                parts = chain.split(".")
                for k in range(1, len(parts) + 1):
                    reads[".".join(parts[:k])] = None
    return tuple(reads), tuple(calls)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _const(v) -> ast.Constant:
    return ast.Constant(value=v)


def _load(target: ast.expr) -> ast.expr:
    """A copy of an assignment target in load context."""
    node = ast.parse(ast.unparse(target), mode="eval").body
    return node


def _base(target: ast.expr) -> ast.expr | None:
    """The container a subscript assignment mutates: `x` for `x[i] = v`, `self.W` for `self.W[0] = v`."""
    node = target
    while isinstance(node, ast.Subscript):
        node = node.value
    return node if dotted(node) else None


class Instrumenter(ast.NodeTransformer):
    """Rewrites one module's AST, registering its sites and loops."""

    def __init__(self, registry: Registry, filename: str, source: str):
        self.registry = registry
        self.filename = filename
        self.source = source
        self.lines = source.splitlines()
        self.scope: list[str] = []  # qualname parts
        self.in_class: list[bool] = []  # is the innermost scope a class body
        self.loops: list[int] = []  # loop ids of the current function, innermost last
        self.loop_stack_saved: list[list[int]] = []

    # -- helpers -----------------------------------------------------------------------
    @property
    def function(self) -> str:
        return ".".join(self.scope) if self.scope else "<module>"

    def _statement(self, node: ast.stmt) -> str:
        seg = self._segment(node)
        if seg is None:
            return ast.unparse(node)
        return seg

    def _segment(self, node: ast.stmt) -> str | None:
        """ast.get_source_segment, without re-splitting the whole source for every site (quadratic)."""
        split = getattr(ast, "_splitlines_no_ff", None)
        if split is None or getattr(node, "end_lineno", None) is None or getattr(node, "end_col_offset", None) is None:
            return ast.get_source_segment(self.source, node)
        lines = self.__dict__.get("_seg_lines")
        if lines is None:
            lines = self._seg_lines = split(self.source)
        a, b = node.lineno - 1, node.end_lineno - 1
        if not (0 <= a <= b < len(lines)):
            return ast.get_source_segment(self.source, node)
        c0, c1 = node.col_offset, node.end_col_offset
        if a == b:
            return lines[a].encode()[c0:c1].decode()
        return lines[a].encode()[c0:].decode() + "".join(lines[a + 1:b]) + lines[b].encode()[:c1].decode()

    def _site(self, node: ast.AST, target: str, kind: str, value: ast.AST | None, stmt: ast.stmt) -> int:
        reads, calls = reads_of(value)
        return self.registry.add_site(
            file=self.filename,
            line=stmt.lineno,
            col=getattr(node, "col_offset", 0) or 0,
            end_line=getattr(node, "end_lineno", stmt.lineno) or stmt.lineno,
            end_col=getattr(node, "end_col_offset", 0) or 0,
            function=self.function,
            target=target,
            kind=kind,
            statement=self._statement(stmt),
            reads=reads,
            calls=calls,
            loop=self.loops[-1] if self.loops else None,
        )

    def _expr_stmt(self, call: ast.Call, like: ast.AST) -> ast.stmt:
        stmt = ast.Expr(value=call)
        return ast.copy_location(stmt, like)

    def _guarded(self, call: ast.Call, like: ast.AST) -> ast.stmt:
        """`try: hook(...)  except Exception: pass` -- re-reading a target must never break the patient."""
        body = [self._expr_stmt(call, like)]
        handler = ast.ExceptHandler(type=ast.Name(id="Exception", ctx=ast.Load()), name=None, body=[ast.Pass()])
        return ast.copy_location(ast.Try(body=body, handlers=[handler], orelse=[], finalbody=[]), like)

    # -- scopes ------------------------------------------------------------------------
    def _visit_function(self, node):
        is_method = bool(self.in_class and self.in_class[-1])
        self.scope.append(node.name)
        self.in_class.append(False)
        self.loop_stack_saved.append(self.loops)
        self.loops = []
        self.generic_visit(node)
        self.loops = self.loop_stack_saved.pop()
        # Arguments on entry, before the body can mutate them.
        a = node.args
        params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        if is_method and params and params[0] in ("self", "cls") and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        ):
            params = params[1:]
        if params:
            sids = []
            for p in params:
                sids.append(self._site(node, f"arg {p}", "arg", None, node))
            call = _call(
                ARGS,
                ast.Tuple(elts=[_const(s) for s in sids], ctx=ast.Load()),
                ast.Tuple(elts=[ast.Name(id=p, ctx=ast.Load()) for p in params], ctx=ast.Load()),
            )
            first = node.body[0] if node.body else node
            stmt = ast.copy_location(ast.Expr(value=call), first)
            has_doc = (
                node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
                and isinstance(node.body[0].value.value, str)
            )
            node.body.insert(1 if has_doc else 0, stmt)
        self.scope.pop()
        self.in_class.pop()
        return node

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_ClassDef(self, node):
        self.scope.append(node.name)
        self.in_class.append(True)
        self.generic_visit(node)
        self.scope.pop()
        self.in_class.pop()
        return node

    def visit_Lambda(self, node):
        return node  # expressions inside lambdas are not statements: nothing to record

    # -- loops -------------------------------------------------------------------------
    def _visit_loop(self, node):
        header = self.lines[node.lineno - 1].strip() if node.lineno - 1 < len(self.lines) else ""
        targets: tuple[str, ...] = ()
        if isinstance(node, (ast.For, ast.AsyncFor)):
            targets = tuple(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        lid = self.registry.add_loop(
            file=self.filename,
            line=node.lineno,
            function=self.function,
            header=header,
            targets=targets,
            parent=self.loops[-1] if self.loops else None,
        )
        self.loops.append(lid)
        node.body = self._visit_body(node.body)
        self.loops.pop()
        node.orelse = self._visit_body(node.orelse)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            node.iter = self.visit(node.iter)
        else:
            node.test = self.visit(node.test)
        node.body.insert(0, self._expr_stmt(_call(ITER, _const(lid)), node.body[0]))
        return [node, self._expr_stmt(_call(EXIT, _const(lid)), node)]

    visit_For = _visit_loop
    visit_AsyncFor = _visit_loop
    visit_While = _visit_loop

    def _visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            res = self.visit(stmt)
            if res is None:
                continue
            if isinstance(res, list):
                out.extend(res)
            else:
                out.append(res)
        return out

    # -- assignments -------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign):
        node.value = self.visit(node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)):
            return self._unpack(node)
        target = node.targets[0]
        text = " = ".join(ast.unparse(t) for t in node.targets)
        if isinstance(target, ast.Subscript):
            # The useful value is the mutated container, read after the statement.
            base = _base(target)
            if base is None:
                return node
            sid = self._site(target, ast.unparse(target), "setitem", node.value, node)
            return [node, self._guarded(_call(REC, _const(sid), _load(base)), node)]
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return node
        reads, _ = reads_of(node.value)
        own = dotted(target)
        if own is not None and own in reads:
            # Self-referential: `W = W - lr * g`. Capture the old value for the update norm.
            sid = self._site(target, text, "update", node.value, node)
            node.value = ast.copy_location(_call(UPD, _const(sid), _load(target), node.value), node.value)
        else:
            sid = self._site(target, text, "assign", node.value, node)
            node.value = ast.copy_location(_call(REC, _const(sid), node.value), node.value)
        return node

    def _unpack(self, node: ast.Assign):
        target = node.targets[0]
        if any(isinstance(e, ast.Starred) for e in target.elts):
            return node
        sids = []
        for elt in target.elts:
            if isinstance(elt, (ast.Name, ast.Attribute)):
                sids.append(self._site(elt, ast.unparse(elt), "unpack", node.value, node))
            else:
                sids.append(-1)
        node.value = ast.copy_location(
            _call(UNPACK, ast.Tuple(elts=[_const(s) for s in sids], ctx=ast.Load()), node.value), node.value
        )
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is None or not isinstance(node.target, (ast.Name, ast.Attribute)):
            return node
        node.value = self.visit(node.value)
        sid = self._site(node.target, ast.unparse(node.target), "assign", node.value, node)
        node.value = ast.copy_location(_call(REC, _const(sid), node.value), node.value)
        return node

    def visit_AugAssign(self, node: ast.AugAssign):
        node.value = self.visit(node.value)
        target = node.target
        text = ast.unparse(target)
        is_update = isinstance(node.op, (ast.Sub, ast.Add)) and not isinstance(node.value, ast.Constant)
        kind = "update" if is_update else "augassign"
        sid = self._site(target, text, kind, node.value, node)
        if is_update:
            node.value = ast.copy_location(_call(DELTA, _const(sid), node.value), node.value)
        after = self._guarded(_call(AUGREC, _const(sid), _load(target)), node)
        return [node, after]

    def visit_Return(self, node: ast.Return):
        if node.value is None:
            return node
        node.value = self.visit(node.value)
        sid = self._site(node, "return", "return", node.value, node)
        node.value = ast.copy_location(_call(REC, _const(sid), node.value), node.value)
        return node

    # Statement bodies of compound statements may grow: visit them as lists.
    def generic_visit(self, node):
        for fname, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                setattr(node, fname, self._visit_body(old))
            elif isinstance(old, list):
                new = []
                for item in old:
                    if isinstance(item, ast.AST):
                        item = self.visit(item)
                        if item is None:
                            continue
                        if isinstance(item, list):
                            new.extend(item)
                            continue
                    new.append(item)
                old[:] = new
            elif isinstance(old, ast.AST):
                res = self.visit(old)
                if res is None:
                    delattr(node, fname)
                else:
                    setattr(node, fname, res)
        return node


def instrument_tree(tree: ast.Module, registry: Registry, filename: str, source: str) -> ast.Module:
    """Rewrite a parsed module in place and return it, with locations fixed."""
    Instrumenter(registry, filename, source).visit(tree)
    ast.fix_missing_locations(tree)
    return tree


def _decode(source: bytes) -> str:
    """Source text as Python reads it: the coding cookie or BOM honoured (a latin-1 file stays latin-1)."""
    try:
        return importlib.util.decode_source(source)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return source.decode("utf-8", errors="replace")


def compile_instrumented(source: str | bytes, filename: str, registry: Registry, mode: str = "exec"):
    """Compile user source with recording hooks. Raises SyntaxError exactly as `compile` would."""
    # Compile the original first: a syntax error must read exactly as Python's own.
    compile(source, filename, mode, dont_inherit=True)
    text = _decode(source) if isinstance(source, bytes) else source
    tree = ast.parse(source, filename, mode)
    registry.sources[filename] = text
    tree = instrument_tree(tree, registry, filename, text)
    return compile(tree, filename, mode, dont_inherit=True)
