"""The records that cross stage boundaries: sites, loops, events, findings and causes."""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 2  # of the session folder (store.py): 2 packs compact.npz


@dataclass(frozen=True)
class Site:
    """One place in user code whose value is recorded: an assignment, an argument or a return."""

    id: int
    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    function: str  # qualified name of the enclosing function, "<module>" at top level
    target: str  # "dl_jk", "self.w_ij", "return", "arg x"
    kind: str  # "assign", "augassign", "update", "unpack", "arg", "return"
    statement: str  # source text of the whole statement
    reads: tuple[str, ...] = ()  # names and attribute chains the value is computed from
    calls: tuple[str, ...] = ()  # callee names in the value expression ("self.Sigmoid", "dot")
    loop: int | None = None  # innermost enclosing loop in the same function
    phase: str = "other"

    @property
    def name(self) -> str:
        return self.target


PRINTED = "print"  # the kind of a site recording a value print() shows


def flow_sites(sites) -> list[Site]:
    """The sites in id order, each value print() shows left without reads or calls: what a script prints is evidence
    of its loss, never part of its data flow, so the program's structure and phases are decided without it."""
    return [dataclasses.replace(x, reads=(), calls=()) if x.kind == PRINTED else x for x in sites]


def partial_writes_into_empty(sites) -> set[int]:
    """Sites writing part of an array made by `np.empty` or `np.empty_like` in the same function (`out[pos] = ...`
    after `out = np.empty_like(x)`). The recorder sees the whole array after each write; the elements not yet written
    are memory as the allocator left it (NaN bit patterns one run, 1e33 the next), no value of the program."""
    empty = set()
    for x in sites:
        if x.kind == "assign" and re.search(r"=\s*\w+\.empty(_like)?\(", x.statement.split("\n", 1)[0]):
            empty.add((x.file, x.function, x.target))
    if not empty:
        return set()
    out = set()
    for x in sites:
        base = x.target.split("[", 1)[0]
        if "[" not in x.target or (x.file, x.function, base) not in empty:
            continue
        try:
            node = ast.parse(x.statement.strip()).body[0]
        except (SyntaxError, IndexError):
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        index = target.slice if isinstance(target, ast.Subscript) else None
        whole = isinstance(index, ast.Slice) and index.lower is index.upper is index.step is None or \
            isinstance(index, ast.Constant) and index.value is Ellipsis
        if not whole:
            out.add(x.id)
    return out


@dataclass(frozen=True)
class Loop:
    """A `for` or `while` statement in user code; its iterations may be training steps."""

    id: int
    file: str
    line: int
    function: str
    header: str  # "for i in range(iterations):"
    targets: tuple[str, ...] = ()  # the loop variables
    parent: int | None = None  # enclosing loop in the same function


@dataclass(frozen=True)
class FpEvent:
    """A floating-point event (numpy flag or a non-finite value found by the backstop)."""

    step: int
    seq: int
    file: str
    line: int
    function: str
    statement: str
    expression: str
    error: str  # numpy's word: "divide by zero", "overflow", "invalid value", "underflow", "nonfinite"
    operation: str  # "0/0", "x/0", "exp overflow (arg 745.1)", ...
    elements: tuple[tuple[int, ...], ...] = ()
    operands: dict[str, list] = field(default_factory=dict)
    # "replay", "value", "recorded" (found in the recorded values: trace/backstop.py), "raise", "flag" (opt-in trap)
    source: str = "flag"
    absorbed: bool = False  # the statement's result was finite despite the event
    col: int = 0
    end_col: int = 0
    site: int | None = None


@dataclass(frozen=True)
class Finding:
    """One thing a detector saw, with the numbers that made it fire."""

    code: str
    kind: str  # "numerics", "optimisation", "structure", "data", "results"
    severity: str  # "error", "warning", "info"
    message: str
    first_step: int | None = None
    last_step: int | None = None
    site: str | None = None
    line: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainLink:
    """One link of a causal chain, from root (first) to symptom (last)."""

    text: str
    step: int | None = None
    site: str | None = None
    line: int | None = None
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    """A change to the user's code: the line as it is and as it should be."""

    title: str
    line: int | None = None
    before: str = ""
    after: str = ""
    why: str = ""
    file: str = ""  # the file the line is in; empty for the traced script itself


@dataclass(frozen=True)
class Cause:
    """A ranked root cause with the chain that leads from it to the symptom."""

    tag: str
    rank: int
    summary: str
    chain: tuple[ChainLink, ...] = ()
    fixes: tuple[Fix, ...] = ()
    findings: tuple[str, ...] = ()  # codes of the findings it explains
    evidence: dict[str, Any] = field(default_factory=dict)


def to_dict(record) -> dict:
    """A JSON-ready dict of a record (tuples become lists)."""
    return _jsonable(dataclasses.asdict(record))


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and hasattr(x, "dtype"):  # numpy scalar
        return _jsonable(x.item())
    if isinstance(x, float):
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
    return x


def _unjson_number(x):
    if x == "nan":
        return float("nan")
    if x == "inf":
        return float("inf")
    if x == "-inf":
        return float("-inf")
    return x


def from_dict(cls, d: dict):
    """Rebuild a record from `to_dict` output; unknown keys are ignored."""
    names = {f.name for f in dataclasses.fields(cls)}
    kw = {k: v for k, v in d.items() if k in names}
    if cls is Site or cls is Loop:
        for k in ("reads", "calls", "targets"):
            if k in kw:
                kw[k] = tuple(kw[k])
    if cls is FpEvent and "elements" in kw:
        kw["elements"] = tuple(tuple(e) for e in kw["elements"])
    if cls is Cause:
        kw["chain"] = tuple(from_dict(ChainLink, c) for c in kw.get("chain", ()))
        kw["fixes"] = tuple(from_dict(Fix, f) for f in kw.get("fixes", ()))
        kw["findings"] = tuple(kw.get("findings", ()))
    return cls(**kw)
