"""The rule catalogue (docs/rules.md, generated from here by kconf.lint.catalogue),
one module per family; this table is the one place a rule is registered.

One problem, one finding: a file of an output folder that is an earlier
render of a changed description (or another description's render, see
output-folder-clash) is reported by rendered-drift alone. Whatever another
rule would say about such a file goes away with `kconf render`, and a problem
the description itself still has is reported at the description.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

from kconf.lint.model import Group, RawFinding
from kconf.lint.registry import Check, Rule
from kconf.lint.rules import addresses, calico, components, control_plane, drift, families, files, nodes, pools, versions, vip

FAMILIES: tuple[tuple[Rule, ...], ...] = (
    files.RULES,
    drift.RULES,
    addresses.RULES,
    families.RULES,
    calico.RULES,
    pools.RULES,
    versions.RULES,
    control_plane.RULES,
    nodes.RULES,
    vip.RULES,
    components.RULES,
)


def _silent_in_earlier_renders(check: Check) -> Check:
    # the closure only forwards: mutmut leaves decorated functions (functools.wraps) unmutated
    @functools.wraps(check)
    def checked(group: Group) -> Iterator[RawFinding]:
        return _outside_earlier_renders(check, group)

    return checked


def _outside_earlier_renders(check: Check, group: Group) -> Iterator[RawFinding]:
    """The check's findings, less those in files of the output folder that are earlier renders."""
    earlier = drift.earlier_renders(group)
    for finding in check(group):
        if not earlier or os.path.normpath(finding.loc.path) not in earlier:
            yield finding


def _registered(rule: Rule) -> Rule:
    if rule.name in (drift.RULE, drift.CLASH):
        return rule
    return rule._replace(check=_silent_in_earlier_renders(rule.check))


RULES: dict[str, Rule] = {rule.name: _registered(rule) for family in FAMILIES for rule in family}
