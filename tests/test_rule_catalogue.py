"""The registry holds every rule of RULES.md (under its name and severity);
rules added since are documented in kconf's own catalogue, their docstrings
(`kconf lint --explain RULE`)."""

from __future__ import annotations

import re

import pytest

from conftest import SHARED
from kconf.lint.rules import RULES

RULES_MD = SHARED / "design" / "RULES.md"


def catalogue() -> dict[str, str]:
    if not RULES_MD.is_file():
        pytest.skip(f"{RULES_MD} is not beside the repository; CI has ../shared")
    rows = re.findall(r"^\| ([a-z0-9-]+) \| ([a-z /]+) \|", RULES_MD.read_text(), re.MULTILINE)
    return {name: severity.strip() for name, severity in rows if name != "rule"}


# Rules kconf has beyond RULES.md (issue 10: each rule's name says what it reports).
BEYOND_RULES_MD = {
    "calico-autodetect-vip": "error",
    "calico-kubernetes-support": "warning",
    "calico-manifest": "error",
    "calico-mtu": "error",
    "calico-pool-capacity": "error",
    "calico-pool-live": "warning",
    "cloud-provider-mixed-regions": "warning",
    "component-config-api-version": "error",
    "component-config-schema": "error",
    "duplicate-node-name": "error",
    "extra-args-conflict": "error",
    "haproxy-http-in-tcp-mode": "warning",
    "ip-family-mismatch": "error",
    "keepalived-peers": "error",
    "kube-proxy-mode": "error",
    "kube-vip-strict-arp": "error",
    "kubernetes-api-removed": "error",
    "kube-vip-super-admin": "error",
    "kubelet-cgroup-driver": "warning",
    "output-folder-clash": "error",
    "public-node-network": "warning",
    "vip-address": "error",
}


def test_every_catalogued_rule_is_registered_under_its_name_and_severity() -> None:
    listed = catalogue()
    assert len(listed) == 33
    assert set(RULES) >= set(listed), sorted(set(listed) - set(RULES))
    for name, severity in listed.items():
        # "error / warning": the rule's default is the first, the other is per finding.
        assert RULES[name].severity == severity.split(" / ")[0], name


def test_the_rules_beyond_rules_md_are_exactly_the_documented_additions() -> None:
    beyond = {name: RULES[name].severity for name in set(RULES) - set(catalogue())}
    assert beyond == BEYOND_RULES_MD


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_documents_what_why_and_fix(name: str) -> None:
    text = RULES[name].documentation
    what, _, rest = text.partition("Why:")
    assert what.strip() and "Fix:" in rest, name
