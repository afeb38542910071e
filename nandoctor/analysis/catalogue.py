"""The cause catalogue, generated from the rule declarations: `python -m nandoctor.analysis.catalogue > docs/causes.md`."""

from __future__ import annotations

import sys

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
        yields = ", ".join(f"`{c}`" for c in rule.yields_to) or "-"
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
    """A regular expression for the `tag` of a cause in findings.json: the declared codes and the builders' tags."""
    import re

    return "^(" + "|".join(re.escape(c) for c in sorted(load_rules())) + ")$"


if __name__ == "__main__":
    sys.stdout.write(catalogue_markdown())
