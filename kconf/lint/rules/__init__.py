"""The rule catalogue (RULES.md), one module per family; this table is the
one place a rule is registered."""

from __future__ import annotations

from kconf.lint.registry import Rule
from kconf.lint.rules import files


def all_rules() -> tuple[Rule, ...]:
    families = [files.RULES]
    for module_name in ("addresses", "calico", "control_plane", "nodes", "drift"):
        try:
            module = __import__(f"kconf.lint.rules.{module_name}", fromlist=["RULES"])
        except ModuleNotFoundError as exc:
            if exc.name != f"kconf.lint.rules.{module_name}":
                raise
            continue
        families.append(module.RULES)
    return tuple(rule for family in families for rule in family)


RULES: dict[str, Rule] = {rule.name: rule for rule in all_rules()}
