"""The cause rules: one module per cause code, each declaring itself with `analysis.rules.cause_rule`."""
