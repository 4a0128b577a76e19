"""kconf/kubernetes_apis.py: _removed, which builds the REMOVED table.

Written for the mutants of kconf/kubernetes_apis.py that survived the rest of
the suite (see tools/mutation/run). The table is built at import, before
mutmut switches a mutant on, so this calls _removed itself, on a table of
its own, and looks up the real table with literal rows.
"""

from __future__ import annotations

import pytest

import kconf.kubernetes_apis as apis


def test_removed_records_each_kind_with_its_minor(monkeypatch: pytest.MonkeyPatch) -> None:
    table: dict[tuple[str, str], tuple[int, int]] = {}
    monkeypatch.setattr(apis, "REMOVED", table)
    apis._removed((1, 25), "policy/v1beta1", "PodDisruptionBudget", "PodSecurityPolicy")
    assert table == {("policy/v1beta1", "PodDisruptionBudget"): (1, 25), ("policy/v1beta1", "PodSecurityPolicy"): (1, 25)}


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        pytest.param("policy/v1beta1", "PodDisruptionBudget", (1, 25), id="pdb-1.25"),
        pytest.param("extensions/v1beta1", "Ingress", (1, 22), id="a-later-removal-of-the-same-group"),
        pytest.param("extensions/v1beta1", "DaemonSet", (1, 16), id="workloads-1.16"),
        pytest.param("policy/v1", "PodDisruptionBudget", None, id="still-served"),
        pytest.param("policy/v1beta1", "Ingress", None, id="kind-of-another-group"),
    ],
)
def test_removed_in(api_version: str, kind: str, expected: tuple[int, int] | None) -> None:
    assert apis.removed_in(api_version, kind) == expected
