"""Set a script's own numeric hyperparameter in a copy of its source: find the literal, rewrite it, check it parses."""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

# How a knob is changed: its literal replaced by the new value, or an expression multiplied by a factor.
LITERAL = "literal"
SCALE = "scale"


class OverrideError(ValueError):
    """A knob that cannot be found or set: the name is not assigned once from a literal, the line holds no
    single numeric literal, or the rewritten source does not parse."""


@dataclass(frozen=True)
class Knob:
    """One place in the script's source that holds a hyperparameter: a numeric literal, or (kind "scale") an
    expression the override multiplies. Lines are 1-based, columns are character offsets in the line."""

    name: str  # what the user called it (a variable name or a line address)
    line: int
    col: int
    end_line: int
    end_col: int
    text: str  # the source text replaced (the literal, or the whole expression for a scale)
    value: float | None  # the literal's value; None for a scale (its original factor is 1)
    kind: str = LITERAL
    where: str = ""  # how it was found, in words, for messages and reports

    def describe(self) -> str:
        return self.where or f"line {self.line}: `{self.text}`"


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal (`0.1`, `-1e-3`, `+2`), else None. Booleans are not numbers here."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    """ast gives UTF-8 byte offsets; the rewrite works on characters."""
    return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def _segment(lines: list[str], node: ast.AST) -> tuple[int, int, int, int, str]:
    line, end_line = node.lineno, node.end_lineno
    col = _char_col(lines, line, node.col_offset)
    end_col = _char_col(lines, end_line, node.end_col_offset)
    if line == end_line:
        text = lines[line - 1][col:end_col]
    else:
        text = lines[line - 1][col:] + "".join(lines[line:end_line - 1]) + lines[end_line - 1][:end_col]
    return line, col, end_line, end_col, text


def _knob(lines, name, node, where, kind=LITERAL) -> Knob:
    line, col, end_line, end_col, text = _segment(lines, node)
    return Knob(name, line, col, end_line, end_col, text, _number(node) if kind == LITERAL else None, kind, where)


def _target_names(target: ast.AST) -> list[str]:
    """The names an assignment target binds: `lr`, `self.lr`, `cfg["lr"]` all bind `lr`; tuples unpack."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
            and isinstance(target.slice.value, str):
        return [target.slice.value]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], dict[str, ast.AST]]:
    """A function's positional parameter names (without self/cls of a method) and its defaults by name."""
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    if positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    return positional, defaults


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def find_variable(source: str, name: str) -> Knob:
    """The one numeric literal that sets `name` in this source.

    Looked for: an assignment `name = 0.1` (also `self.name = …`, `cfg["name"] = …`, an annotated one), a dict
    entry `{"name": 0.1}`, a keyword argument `f(name=0.1)`, and a function parameter `name` given a literal at its
    only call or by its default. Other assignments from expressions (a decay `name *= 0.99`) are allowed: they
    start from the literal. Raises OverrideError when there is no such literal or more than one."""
    if not name.isidentifier():
        raise OverrideError(f"{name!r} is not a Python name")
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise OverrideError(f"the script does not parse: {e.msg} (line {e.lineno})") from None
    lines = source.splitlines(keepends=True)
    found: dict[tuple[int, int], Knob] = {}
    other: list[int] = []  # lines that bind the name from something else than a literal
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def add(node, where):
        found.setdefault((node.lineno, node.col_offset), _knob(lines, name, node, where))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if name not in _target_names(target):
                    continue
                if isinstance(target, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)) \
                        and len(target.elts) == len(node.value.elts):
                    pairs = [(t, v) for t, v in zip(target.elts, node.value.elts) if name in _target_names(t)]
                    value = pairs[0][1] if pairs else None
                else:
                    value = node.value
                if value is not None and _number(value) is not None:
                    add(value, f"assigned at line {node.lineno}: `{ast.get_source_segment(source, node)}`")
                else:
                    other.append(node.lineno)
        elif isinstance(node, ast.AugAssign) and name in _target_names(node.target):
            other.append(node.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == name and _number(value) is not None:
                    add(value, f"the entry \"{name}\" at line {value.lineno}")
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == name and _number(kw.value) is not None:
                    add(kw.value, f"the argument {name}= at line {kw.value.lineno}: "
                                  f"`{ast.get_source_segment(source, node)}`")
    # A parameter named so: the literal its callers pass (positionally or by keyword), else its default.
    for fn in functions:
        positional, defaults = _parameters(fn)
        if name not in positional and name not in defaults:
            continue
        passed = []
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called_name(n) == fn.name):
            if any(isinstance(a, ast.Starred) for a in call.args):
                continue
            if name in positional and positional.index(name) < len(call.args):
                passed.append((call, call.args[positional.index(name)]))
            elif any(kw.arg == name for kw in call.keywords):
                passed.append((call, next(kw.value for kw in call.keywords if kw.arg == name)))
        for call, value in passed:
            if _number(value) is not None:
                add(value, f"the parameter {name} of {fn.name}(), given {ast.get_source_segment(source, value)} "
                           f"at line {call.lineno}: `{ast.get_source_segment(source, call)}`")
            else:
                other.append(call.lineno)
        if not passed and name in defaults and _number(defaults[name]) is not None:
            add(defaults[name], f"the default of parameter {name} of {fn.name}() at line {fn.lineno}")
    if not found:
        hint = ""
        names = sorted(assigned_literals(source))
        if names:
            hint = "; the names assigned once from a numeric literal are: " + ", ".join(names[:12])
        more = f" (it is set from expressions at line {', '.join(map(str, sorted(set(other))))})" if other else ""
        raise OverrideError(f"{name!r} is not a variable the script assigns from a numeric literal{more}{hint}")
    if len(found) > 1:
        at = ", ".join(f"line {k.line} (`{k.text}`)" for k in sorted(found.values(), key=lambda k: (k.line, k.col)))
        raise OverrideError(f"{name!r} is set from a literal in {len(found)} places: {at}; give a line instead "
                            f"(LINE or LINE:LITERAL)")
    return next(iter(found.values()))


def assigned_literals(source: str) -> dict[str, float]:
    """Names assigned exactly once in the source, from a numeric literal (the knobs `--set` can name)."""
    tree = ast.parse(source)
    count: dict[str, int] = {}
    value: dict[str, float] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and getattr(node, "value", None) is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for n in _target_names(target):
                    count[n] = count.get(n, 0) + 1
                    number = _number(node.value)
                    if number is not None and not isinstance(node, ast.AugAssign):
                        value[n] = number
    return {n: v for n, v in value.items() if count[n] == 1}


def _literals_on_line(source: str, line: int) -> list[ast.AST]:
    tree = ast.parse(source)
    nodes = [n for n in ast.walk(tree) if n.__dict__.get("lineno") == line and _number(n) is not None]
    # `-1e-3` is one literal: drop the constant inside a signed one.
    inner = {id(n.operand) for n in nodes if isinstance(n, ast.UnaryOp)}
    return sorted((n for n in nodes if id(n) not in inner), key=lambda n: n.col_offset)


def find_line_literal(source: str, line: int, literal: str | None = None, name: str | None = None) -> Knob:
    """The numeric literal on `line`; with several there, the one whose source text is `literal`."""
    lines = source.splitlines(keepends=True)
    if not 0 < line <= len(lines):
        raise OverrideError(f"line {line} is not in the script ({len(lines)} lines)")
    try:
        nodes = _literals_on_line(source, line)
    except SyntaxError as e:
        raise OverrideError(f"the script does not parse: {e.msg} (line {e.lineno})") from None
    label = name or f"line {line}"
    knobs = [_knob(lines, label, n, f"line {line}: `{lines[line - 1].strip()}`") for n in nodes]
    if literal is not None:
        knobs = [k for k in knobs if k.text.replace(" ", "") == literal.replace(" ", "")]
    if len(knobs) == 1:
        return knobs[0]
    text = lines[line - 1].strip()
    if not knobs:
        raise OverrideError(f"line {line} (`{text}`) holds no numeric literal"
                            + (f" written `{literal}`" if literal is not None else ""))
    raise OverrideError(f"line {line} (`{text}`) holds {len(knobs)} numeric literals "
                        f"({', '.join(k.text for k in knobs)}): say which, as {line}:LITERAL")


def find_scale(source: str, line: int, name: str | None = None) -> Knob:
    """The right-hand side of the assignment on `line` (a weight initialisation), as a knob to multiply."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise OverrideError(f"the script does not parse: {e.msg} (line {e.lineno})") from None
    lines = source.splitlines(keepends=True)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno == line and node.value is not None:
            return _knob(lines, name or f"scale of line {line}", node.value,
                         f"the value assigned at line {line}: `{ast.get_source_segment(source, node)}`", SCALE)
    raise OverrideError(f"line {line} holds no assignment to scale")


def find_knob(source: str, address: str | int) -> Knob:
    """A knob from an address: a variable name (`lr`), a line (`60`), a line and the literal on it (`60:1`), or
    `scale:32` (the value assigned on line 32, multiplied by the setting)."""
    if isinstance(address, int):
        return find_line_literal(source, address)
    address = str(address).strip()
    m = re.fullmatch(r"scale:(\d+)", address)
    if m:
        return find_scale(source, int(m.group(1)), address)
    m = re.fullmatch(r"(\d+)(?::(.+))?", address)
    if m:
        return find_line_literal(source, int(m.group(1)), m.group(2))
    return find_variable(source, address)


def knob_from_fix(source: str, line: int, before: str, after: str, name: str | None = None) -> Knob:
    """The literal a fix changes: the number in `before` that `after` writes differently, on `line`."""
    def numbers(text):
        try:
            toks = list(tokenize.generate_tokens(io.StringIO(text.strip() + "\n").readline))
        except (tokenize.TokenError, IndentationError):
            return []
        return [t for t in toks if t.type == tokenize.NUMBER]

    old, new = numbers(before), numbers(after)
    changed = [a for a, b in zip(old, new) if a.string != b.string]
    if len(old) != len(new) or len(changed) != 1:
        raise OverrideError(f"the fix on line {line} does not change exactly one number (`{before.strip()}` -> "
                            f"`{after.strip()}`)")
    lines = source.splitlines(keepends=True)
    if not 0 < line <= len(lines) or before.strip() not in lines[line - 1]:
        raise OverrideError(f"line {line} does not hold `{before.strip()}`")
    col = lines[line - 1].index(before.strip()) + changed[0].start[1]
    for knob in (_knob(lines, name or f"line {line}", n, f"line {line}: `{lines[line - 1].strip()}`")
                 for n in _literals_on_line(source, line)):
        if knob.col <= col < knob.end_col:
            return knob
    raise OverrideError(f"no numeric literal at line {line}, column {col}")


def format_value(value: float, integer: bool = False) -> str:
    """Python source for a value; an integer literal (a step count) set to a whole number stays an integer."""
    if not math.isfinite(value):
        raise OverrideError(f"cannot set a knob to {value}")
    if integer and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _is_int_literal(text: str) -> bool:
    try:
        return type(ast.literal_eval(text.strip())) is int
    except (ValueError, SyntaxError):
        return False


def set_knobs(source: str, settings: list[tuple[Knob, float]]) -> str:
    """The source with each knob set: a literal replaced by the value, a scale's expression multiplied by it.

    Rewrites bottom-up so one rewrite does not move another's columns; the result must parse."""
    lines = source.splitlines(keepends=True)
    spans = sorted(settings, key=lambda kv: (kv[0].line, kv[0].col), reverse=True)
    for (a, _), (b, _) in zip(spans[1:], spans[:-1]):
        if (a.end_line, a.end_col) > (b.line, b.col):
            raise OverrideError(f"{a.name} and {b.name} overlap at line {b.line}")
    for knob, value in spans:
        current = lines[knob.line - 1][knob.col:] if knob.line == knob.end_line else None
        if current is not None and not current.startswith(knob.text):
            raise OverrideError(f"line {knob.line} no longer holds `{knob.text}`")
        if knob.kind == LITERAL:
            new = format_value(value, _is_int_literal(knob.text))
        else:
            new = f"{format_value(value)} * ({knob.text})"
        if knob.kind == LITERAL and value < 0:
            new = f"({new})"
        head = lines[knob.line - 1][:knob.col]
        tail = lines[knob.end_line - 1][knob.end_col:]
        lines[knob.line - 1:knob.end_line] = [head + new + tail]
    out = "".join(lines)
    try:
        ast.parse(out)
    except SyntaxError as e:
        raise OverrideError(f"the rewritten script does not parse: {e.msg} (line {e.lineno})") from None
    return out


def override_file(path: str | Path, settings: list[tuple[str | int | Knob, float]]) -> str:
    """The text of the file at `path` with each (address or knob, value) set; the file itself is not written."""
    source = Path(path).read_text(encoding="utf-8")
    knobs = [(k if isinstance(k, Knob) else find_knob(source, k), float(v)) for k, v in settings]
    return set_knobs(source, knobs)
