"""kconf/kubernetes_apis.py held to the OpenAPI schemas kubernetes-validate
ships for each Kubernetes minor (1.25 and later), and the
kubernetes-api-removed rule on the Calico corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import require_corpus
from kconf.kubernetes_apis import REMOVED, removed_in
from kconf.lint.rules.versions import resources
from lintkit import BASE_CLUSTER

MINORS = list(range(25, 38))
CORPUS_MANIFESTS = ["v3.20.1/calico.yaml", "v3.24.6/calico.yaml", "v3.24.6/calico-typha.yaml", "v3.26.5/calico-typha.yaml",
                    "v3.28.5/calico-typha.yaml", "v3.31.7/calico-typha.yaml", "v3.32.1/calico-typha.yaml"]


def built_in(api_version: str) -> bool:
    """Kubernetes' own groups (kubernetes-validate has no schemas of CRDs)."""
    group = api_version.rpartition("/")[0]
    return "/" not in api_version or group.endswith(".k8s.io") or "." not in group


def served_by_schemas(api_version: str, kind: str, minor: int) -> bool:
    import kubernetes_validate

    try:
        kubernetes_validate.validate({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}, f"1.{minor}.0", strict=False)
    except kubernetes_validate.SchemaNotFoundError:
        return False
    except kubernetes_validate.ValidationError:
        return True
    return True


# The table records removals only; an API introduced after 1.25 is missing
# from the older schemas for that reason (written down, not computed).
INTRODUCED = {
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): 26,
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"): 26,
}


def pairs() -> list[tuple[str, str]]:
    found = set(REMOVED)
    for name in CORPUS_MANIFESTS:
        found |= {(a, k) for a, k, _ in resources((require_corpus() / name).read_text()) if built_in(a)}
    return sorted(found)


@pytest.mark.parametrize("minor", MINORS, ids=lambda m: f"1.{m}")
def test_the_removed_table_agrees_with_the_schemas_of_each_minor(minor: int) -> None:
    disagree = []
    for api_version, kind in pairs():
        removed = removed_in(api_version, kind)
        table_serves = (removed is None or (1, minor) < removed) and minor >= INTRODUCED.get((api_version, kind), 0)
        if table_serves != served_by_schemas(api_version, kind, minor):
            disagree.append((api_version, kind, removed))
    assert disagree == []


def test_the_corpus_holds_built_in_resources_to_compare() -> None:
    assert ("policy/v1beta1", "PodDisruptionBudget") in pairs() and ("apps/v1", "DaemonSet") in pairs()


@pytest.mark.parametrize(
    ("manifest", "version", "expected"),
    [
        pytest.param("v3.20.1/calico.yaml", "v1.25.0", ["PodDisruptionBudget policy/v1beta1 is not served from Kubernetes 1.25"],
                     id="v3.20-on-1.25"),
        pytest.param("v3.20.1/calico.yaml", "v1.24.9", [], id="v3.20-on-1.24"),
        pytest.param("v3.24.6/calico.yaml", "v1.31.2", [], id="v3.24-on-1.31"),
        pytest.param("v3.32.1/calico-typha.yaml", "v1.37.0", [], id="v3.32-on-1.37"),
    ],
)
def test_kubernetes_api_removed_on_the_corpus(tmp_path: Path, manifest: str, version: str, expected: list[str]) -> None:
    """The manifest checked with a description (lint --cluster): the finding
    points at the resource's apiVersion line."""
    from kconf.lint.engine import lint_paths
    from kconf.lint.settings import Settings

    shutil.copy(require_corpus() / manifest, tmp_path / "calico.yaml")
    (tmp_path / "cluster.yaml").write_text(BASE_CLUSTER.replace("v1.31.2", version))
    assert version in (tmp_path / "cluster.yaml").read_text()
    findings, _ = lint_paths([str(tmp_path / "calico.yaml")], select="kubernetes-api-removed", settings=Settings(),
                             cluster=str(tmp_path / "cluster.yaml"))
    lines = (tmp_path / "calico.yaml").read_text().splitlines()
    assert [f.message.split(" (")[0] for f in findings] == expected
    assert all(lines[f.line - 1] == "apiVersion: policy/v1beta1" for f in findings)


def test_render_refuses_a_manifest_the_version_cannot_apply(tmp_path: Path) -> None:
    from conftest import run_cli

    shutil.copy(require_corpus() / "v3.20.1" / "calico.yaml", tmp_path / "upstream.yaml")
    text = BASE_CLUSTER.replace("  networking:\n", "  calico:\n    mode: manifest\n    manifest: upstream.yaml\n  networking:\n")
    (tmp_path / "cluster.yaml").write_text(text)
    result = run_cli("render", str(tmp_path / "cluster.yaml"))
    assert result.exit_code == 1
    assert "is not served from Kubernetes 1.25" in result.output and "[kubernetes-api-removed]" in result.output
    assert not (tmp_path / "lab").exists()
