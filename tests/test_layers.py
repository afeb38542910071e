"""Stages import only downwards: capture knows nothing of analysis, analysis nothing of reports, reports nothing of entry points."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nandoctor"

# Lower number = earlier stage. A module may import its own stage and any earlier one, never a later one.
LAYERS = {
    "columns": 0, "model": 0, "config": 0, "recording": 0,
    "trace": 1, "progress": 1, "store": 1, "packing": 1,
    "frame": 2, "detectors": 2, "explain": 2, "analysis": 2,
    "report": 3,
    # Re-runs judged on their measures (patched copies, knob overrides, searches, sweeps): after the analysis, beside
    # the renderers that draw their records. Only the worker that runs a copy goes through the entry point.
    "verify": 3, "probes": 3, "overrides": 3, "sizing": 3, "sweep": 3,
    # The Session wires the stages for users (`nandoctor.load(d).report()`), like the entry points.
    "session": 4, "cli": 4, "api": 4, "ipython": 4, "pytest_plugin": 4, "demo": 4, "_differential": 4,
    "__main__": 4, "__init__": 4,
    "rerun": 4,
}


def _layer_of(module: str) -> int | None:
    """The stage of `nandoctor.<first>...` by its first component."""
    first = module.split(".")[0]
    return LAYERS.get(first)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported nandoctor module relative to the package) for every import in a file, lazy ones included."""
    rel_parts = path.relative_to(PACKAGE).with_suffix("").parts
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel_parts[:-node.level]) if path.name != "__init__.py" else list(rel_parts[:len(rel_parts) - node.level])
                if path.name == "__init__.py":
                    base = list(rel_parts[:-1][: len(rel_parts) - node.level])
                mod = ".".join(base + ([node.module] if node.module else []))
                names = [mod] if node.module else [".".join(base + [a.name]) for a in node.names]
            elif node.module and node.module.startswith("nandoctor"):
                names = [node.module[len("nandoctor."):] if node.module != "nandoctor" else "__init__"]
            else:
                continue
            out.extend((node.lineno, n) for n in names if n)
        elif isinstance(node, ast.Import):
            out.extend((node.lineno, a.name[len("nandoctor."):]) for a in node.names if a.name.startswith("nandoctor."))
    return out


def test_no_module_imports_a_later_stage():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        own = _layer_of(".".join(rel.parts))
        assert own is not None, f"{rel}: add its stage to LAYERS"
        for line, target in _imports(path):
            got = _layer_of(target)
            if got is not None and got > own:
                wrong.append(f"{rel}.py:{line} imports {target} (stage {got} > {own})")
    assert not wrong, "\n".join(wrong)
