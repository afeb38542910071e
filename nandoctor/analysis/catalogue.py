"""The cause catalogue, generated from the rule declarations: `python -m nandoctor.analysis.catalogue > docs/causes.md`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .rules import load_rules


def catalogue_markdown() -> str:
    """Markdown tables of every declared cause: code, title, premises, thresholds and the module that declares it."""
    rules = load_rules()
    lines = ["# Causes nandoctor can name", "",
             "Generated from the rule declarations in `nandoctor/analysis/causes/` by "
             "`python -m nandoctor.analysis.catalogue`; do not edit by hand.", "",
             "A cause is raised only when every premise below was measured on the run and holds. When a premise "
             "could not be measured the report lists the cause as *not checked*.", "",
             "| code | title | premises | thresholds | stands down for | module |", "|---|---|---|---|---|---|"]
    for code, rule in sorted(rules.items()):
        premises = "<br>".join(f"`{p.name}`: {p.text}" for p in rule.premises)
        thresholds = "<br>".join(f"`{k}` = {v:g}" for k, v in sorted(rule.thresholds.items())) or "-"
        module = rule.module.replace(".", "/") + ".py"
        yields = ", ".join([f"`{c}`" for c in rule.yields_to]
                           + [f"`{c}` (when its trouble is {' or '.join(kinds)})" for c, kinds in rule.yields_when.items()]
                           ) or "-"
        lines.append(f"| `{code}` | {rule.title} | {premises} | {thresholds} | {yields} | `{module}` |")
    return "\n".join(lines) + "\n"


def known_thresholds() -> dict[str, float]:
    """Every threshold a config may set, with its default: the detectors' and the declared rules'."""
    from .. import detectors
    from ..config import THRESHOLDS
    from .rules import rule_thresholds

    names = dict(THRESHOLDS)
    names.update(getattr(detectors, "THRESHOLDS", {}) or {})
    names.update(rule_thresholds())
    return names


def schema_pattern() -> str:
    """The regular expression findings.json's schema gives a cause's `tag`: exactly the declared codes."""
    import re

    return "^(" + "|".join(re.escape(c) for c in sorted(load_rules())) + ")$"


SCHEMA_PATH = Path(__file__).resolve().parent.parent / "report" / "findings.schema.json"


def schema_text() -> str:
    """findings.schema.json with its cause-tag pattern made from the declarations."""
    doc = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    doc["$defs"]["cause"]["properties"]["tag"]["pattern"] = schema_pattern()
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    # `python -m nandoctor.analysis.catalogue --write`: regenerate docs/causes.md and the schema's tag pattern.
    if "--write" in sys.argv[1:]:
        (SCHEMA_PATH.parent.parent.parent / "docs" / "causes.md").write_text(catalogue_markdown(), encoding="utf-8")
        SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(catalogue_markdown())
