"""The rule catalogue (RULES.md), one module per family; this table is the
one place a rule is registered."""

from __future__ import annotations

from kconf.lint.registry import Rule
from kconf.lint.rules import addresses, calico, control_plane, drift, files, nodes

FAMILIES: tuple[tuple[Rule, ...], ...] = (
    files.RULES,
    drift.RULES,
    addresses.RULES,
    calico.RULES,
    control_plane.RULES,
    nodes.RULES,
)

RULES: dict[str, Rule] = {rule.name: rule for family in FAMILIES for rule in family}
