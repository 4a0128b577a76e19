"""Tests written to kill the surviving mutants of kconf/lint/rules/__init__.py,
the rule registry.

See tools/mutation/README.md: each test pins a literal expected value the
original code produces and the mutant does not. The registry is built when
kconf.lint.rules is imported, before any mutant is switched on, so these
tests call ``_registered`` themselves; the last one shows the same through
``RULES`` and real files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kconf.lint.model import ERROR, WARNING, Group, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.lint.rules import FAMILIES, RULES, _registered, addresses, drift
from kconf.lint.sources import build_groups
from lintkit import lint, render_into
from test_lint_addresses import CLUSTER, sub


def _three_places(group: Group) -> Iterator[RawFinding]:
    """What the probe rule finds: its documentation.

    Why: a check of its own, so that what is dropped is known.

    Fix: none."""
    yield RawFinding("probe", Loc("lab/earlier.yaml", 3, 5), "in an earlier render")
    yield RawFinding("probe", Loc("./lab/earlier-too.yaml", 4), "in another, spelled with ./")
    yield RawFinding("probe", Loc("cluster.yaml", 7, 2), "at the description", WARNING)


PROBE = Rule("probe", ERROR, "a probe", _three_places, frozenset({"node-addresses"}))
EARLIER = frozenset({"lab/earlier.yaml", "lab/earlier-too.yaml"})


def registered_findings(monkeypatch: pytest.MonkeyPatch, rule: Rule, earlier: frozenset[str]) -> list[tuple[str, int, int, str, str | None]]:
    group = Group(files=[])
    seen: list[Group] = []

    def earlier_renders(asked: Group) -> frozenset[str]:
        seen.append(asked)
        return earlier

    monkeypatch.setattr(drift, "earlier_renders", earlier_renders)
    found = [(f.loc.path, f.loc.line, f.loc.column, f.message, f.severity) for f in _registered(rule).check(group)]
    assert all(asked is group for asked in seen)
    return found


@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        pytest.param(frozenset(), [
            ("lab/earlier.yaml", 3, 5, "in an earlier render", None),
            ("./lab/earlier-too.yaml", 4, 1, "in another, spelled with ./", None),
            ("cluster.yaml", 7, 2, "at the description", "warning"),
        ], id="no-earlier-render"),
        pytest.param(EARLIER, [("cluster.yaml", 7, 2, "at the description", "warning")], id="two-earlier-renders"),
        pytest.param(frozenset({"cluster.yaml"}), [
            ("lab/earlier.yaml", 3, 5, "in an earlier render", None),
            ("./lab/earlier-too.yaml", 4, 1, "in another, spelled with ./", None),
        ], id="only-that-path"),
    ],
)
def test_a_rule_is_registered_silent_in_earlier_renders(
    monkeypatch: pytest.MonkeyPatch, earlier: frozenset[str], expected: list[tuple[str, int, int, str, str | None]],
) -> None:
    assert registered_findings(monkeypatch, PROBE, earlier) == expected


def test_a_registered_rule_keeps_its_name_severity_summary_parts_and_documentation() -> None:
    registered = _registered(PROBE)
    assert (registered.name, registered.severity, registered.summary, registered.reads) == (
        "probe", "error", "a probe", frozenset({"node-addresses"}),
    )
    assert registered.documentation == "What the probe rule finds: its documentation.\n\nWhy: a check of its own, so that what is dropped is known.\n\nFix: none."
    assert registered.check is not _three_places and registered.check.__wrapped__ is _three_places  # type: ignore[attr-defined]
    assert registered.check.__name__ == "_three_places"


@pytest.mark.parametrize("name", ["rendered-drift", "output-folder-clash"])
def test_the_drift_rules_are_registered_as_they_are(name: str) -> None:
    """They report the earlier renders themselves: silencing them there would silence everything."""
    [rule] = [r for r in drift.RULES if r.name == name]
    assert _registered(rule) is rule
    assert RULES[name] is rule


def test_every_family_rule_is_registered_once() -> None:
    names = [rule.name for family in FAMILIES for rule in family]
    assert len(names) == len(set(names)) == len(RULES)  # no family registers a name another has
    assert list(RULES) == names
    for rule in (r for family in FAMILIES for r in family):
        if rule.name in ("rendered-drift", "output-folder-clash"):
            assert RULES[rule.name] is rule
        else:
            wrapped = RULES[rule.name].check
            assert wrapped.__wrapped__ is rule.check, rule.name  # type: ignore[attr-defined]
            assert RULES[rule.name] == rule._replace(check=wrapped), rule.name


def test_no_rule_but_rendered_drift_reports_in_an_earlier_render(tmp_path: Path) -> None:
    render_into(tmp_path, CLUSTER)
    # cp-1 moved after the render: lab/ still advertises (and node-ips) its old address
    (tmp_path / "cluster.yaml").write_text(sub(CLUSTER, ("192.168.51.81/24", "192.168.51.85/24")))
    [group] = build_groups([str(tmp_path / "cluster.yaml")]).groups
    for name, line in (("advertise-address-not-on-node", 5), ("kubelet-node-ip", 12)):
        [rule] = [r for r in addresses.RULES if r.name == name]
        assert [(os.path.relpath(f.loc.path, tmp_path), f.loc.line) for f in rule.check(group)] == [("lab/kubeadm-init.yaml", line)]
        assert list(_registered(rule).check(group)) == []
        assert list(RULES[name].check(group)) == []
    found = [(os.path.relpath(f.path, tmp_path), f.line, f.rule) for f in lint(tmp_path, select="advertise-address-not-on-node,kubelet-node-ip,rendered-drift")]
    # one finding in each earlier render, rendered-drift's: the re-render fixes them all
    assert found == [
        ("lab/PLAN.md", 27, "rendered-drift"),  # PLAN.md names cp-1 by its address too
        ("lab/hosts", 6, "rendered-drift"),
        ("lab/join-worker-1.sh", 150, "rendered-drift"),
        ("lab/join-worker-2.sh", 150, "rendered-drift"),
        ("lab/kubeadm-init.yaml", 5, "rendered-drift"),
        ("lab/kubeadm-join-worker-1.yaml", 6, "rendered-drift"),
        ("lab/kubeadm-join-worker-2.yaml", 6, "rendered-drift"),
    ]
