"""kubernetes-api-removed and calico-kubernetes-support (kconf/lint/rules/versions.py):
resources() on small texts, and the exact findings on small trees of files.

Written for the mutants of kconf/lint/rules/versions.py that survived the
rest of the suite (see tools/mutation/run): every row writes down the
(apiVersion, kind, line) triples or the (file, line, column, rule, severity,
message) of each finding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kconf.lint.rules.versions import resources
from lintkit import BASE_CLUSTER, lay_out, lint
from test_lint_calico import manifest

Triple = tuple[str, str, int]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("apiVersion: v1\nkind: Service\n", [("v1", "Service", 1)], id="one-document"),
        pytest.param("kind: Service\napiVersion: v1\n", [("v1", "Service", 2)], id="apiVersion-after-kind"),
        pytest.param("apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n", [("v1", "A", 1), ("v1", "B", 4)], id="two-documents"),
        pytest.param("---\napiVersion: v1\nkind: A\n", [("v1", "A", 2)], id="leading-separator"),
        pytest.param("apiVersion: v1\nkind: A\n--- # calico/templates/x.yaml\n\n\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n",
                     [("v1", "A", 1), ("policy/v1beta1", "PodDisruptionBudget", 6)], id="separator-with-a-comment"),
        pytest.param("apiVersion: \"policy/v1beta1\"\nkind: 'PodDisruptionBudget'\n", [("policy/v1beta1", "PodDisruptionBudget", 1)],
                     id="quoted"),
        pytest.param("apiVersion:\tv1 # the core group\nkind:  Service#x\n", [("v1", "Service", 1)], id="tab-spaces-and-comments"),
        # only top-level keys: a nested kind (an ownerReference, a template) names no resource
        pytest.param("apiVersion: v1\nmetadata:\n  kind: A\n", [], id="nested-kind-only"),
        pytest.param("metadata:\n  apiVersion: v1\nkind: A\n", [], id="nested-apiVersion-only"),
        pytest.param("apiVersion: v1\n---\nkind: A\n", [], id="apiVersion-and-kind-in-different-documents"),
        pytest.param("apiVersion: v1\nkind: A\n  ---\napiVersion: v2\nkind: B\n", [("v1", "A", 1)], id="indented-dashes-separate-nothing"),
        pytest.param("apiVersion: v1\nkind: A\n---x\napiVersion: v2\nkind: B\n", [("v1", "A", 1), ("v2", "B", 4)], id="dashes-then-text"),
        pytest.param("apiVersion: v1\nkind: A\nx---\napiVersion: v2\nkind: B\n", [("v1", "A", 1)], id="dashes-not-at-line-start"),
        pytest.param("apiVersion:\nkind: A\n", [], id="empty-apiVersion"),
        pytest.param("", [], id="empty-text"),
        pytest.param("\napiVersion: v1\nkind: A\n", [("v1", "A", 2)], id="leading-blank-line"),
    ],
)
def test_resources(text: str, expected: list[Triple]) -> None:
    assert list(resources(text)) == expected


PDB = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: calico-kube-controllers\n"
# the calico-node DaemonSet is lines 1-20; the PodDisruptionBudget's apiVersion is line 22
CALICO = manifest() + "---\n" + PDB
NOT_SERVED = ("PodDisruptionBudget policy/v1beta1 is not served from Kubernetes 1.25 ({origin}): kubectl apply fails on it; "
              "use the manifest of a Calico release that supports this version")
# A description whose spec is no mapping gives no model, but still makes lab/ one group: the version
# is then that of a kubeadm ClusterConfiguration there (files without a description are groups of one).
NO_SPEC = "apiVersion: kconf/v1alpha1\nkind: Cluster\nmetadata:\n  name: lab\nspec: 5\n"
CLUSTER_CONFIGURATION = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: {}\n"
Row = tuple[str, int, int, str, str, str]


def version(text: str) -> str:
    assert "v1.31.2" in BASE_CLUSTER
    return BASE_CLUSTER.replace("v1.31.2", text)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": version("v1.25.0"), "lab/calico.yaml": CALICO}, [
            ("lab/calico.yaml", 22, 1, "kubernetes-api-removed", "error", NOT_SERVED.format(origin="kubernetesVersion v1.25.0")),
        ], id="the-minor-that-removed-it"),
        pytest.param({"cluster.yaml": version("v1.26.3"), "lab/calico.yaml": CALICO + "---\n" + PDB}, [
            ("lab/calico.yaml", 22, 1, "kubernetes-api-removed", "error", NOT_SERVED.format(origin="kubernetesVersion v1.26.3")),
            ("lab/calico.yaml", 27, 1, "kubernetes-api-removed", "error", NOT_SERVED.format(origin="kubernetesVersion v1.26.3")),
        ], id="a-later-minor-two-resources"),
        pytest.param({"cluster.yaml": version("v1.24.9"), "lab/calico.yaml": CALICO}, [], id="the-minor-before"),
        pytest.param({"cluster.yaml": version("v1.25.0"), "lab/calico.yaml": CALICO.replace("policy/v1beta1", "policy/v1")}, [],
                     id="served-api"),
        # without a description: the kubeadm ClusterConfiguration of the group; one without a readable version is passed over
        pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": CLUSTER_CONFIGURATION.format("v1.25.1"), "lab/calico.yaml": CALICO}, [
            ("lab/calico.yaml", 22, 1, "kubernetes-api-removed", "error",
             NOT_SERVED.format(origin="kubernetesVersion v1.25.1 of ROOT/lab/kubeadm.yaml")),
        ], id="kubeadm-version"),
        pytest.param({"cluster.yaml": NO_SPEC, "lab/a.yaml": CLUSTER_CONFIGURATION.format("latest"), "lab/b.yaml": CLUSTER_CONFIGURATION.format("v1.25.1"),
                      "lab/calico.yaml": CALICO}, [
            ("lab/calico.yaml", 22, 1, "kubernetes-api-removed", "error",
             NOT_SERVED.format(origin="kubernetesVersion v1.25.1 of ROOT/lab/b.yaml")),
        ], id="unreadable-kubeadm-version-then-a-readable-one"),
        pytest.param({"cluster.yaml": NO_SPEC, "lab/a.yaml": CLUSTER_CONFIGURATION.format("125"), "lab/b.yaml": CLUSTER_CONFIGURATION.format("v1.25.1"),
                      "lab/calico.yaml": CALICO}, [
            ("lab/calico.yaml", 22, 1, "kubernetes-api-removed", "error",
             NOT_SERVED.format(origin="kubernetesVersion v1.25.1 of ROOT/lab/b.yaml")),
        ], id="kubeadm-version-not-text-then-a-readable-one"),
        pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": CLUSTER_CONFIGURATION.format("v1.24.0"), "lab/calico.yaml": CALICO}, [], id="kubeadm-version-before"),
        pytest.param({"cluster.yaml": NO_SPEC, "lab/calico.yaml": CALICO}, [], id="no-version-known"),
        # only a ClusterConfiguration's kubernetesVersion counts (kubeadm reads it nowhere else)
        pytest.param({"cluster.yaml": NO_SPEC, "lab/a.yaml": CLUSTER_CONFIGURATION.format("v1.25.1").replace("ClusterConfiguration", "InitConfiguration"),
                      "lab/b.yaml": CLUSTER_CONFIGURATION.format("v1.24.0"), "lab/calico.yaml": CALICO}, [], id="kubernetesVersion-of-another-kind"),
    ],
)
def test_kubernetes_api_removed(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    lay_out(tmp_path, files)
    assert [
        (os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message.replace(str(tmp_path), "ROOT"))
        for f in lint(tmp_path, select="kubernetes-api-removed")
    ] == expected


# calico-kubernetes-support: the Calico minor of each calico.yaml's calico-node image, else of
# spec.calico.version; calico-node's image is at line 11, column 18 of manifest().
def calico_node(tag: str) -> str:
    return manifest(image=f"docker.io/calico/node:{tag}")


def with_calico_version(text: str, *before: str) -> str:
    """version("v1.31.2") with spec.calico.version at line 10, column 14 (after the lines ``before``)."""
    return version("v1.31.2").replace("  networking:\n", "  calico:\n" + "".join(before) + f"    version: {text}\n  networking:\n")


V320_ON_131 = ("Calico v3.20 ({where}) is tested against Kubernetes 1.19-1.21, not 1.31 (kubernetesVersion v1.31.2): "
               "use Calico v3.29 or v3.30, which are tested against 1.31")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the version of a kubeadm ClusterConfiguration is compared by its minor, not with its patch number
        pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": CLUSTER_CONFIGURATION.format("v1.31.2"), "lab/calico.yaml": calico_node("v3.30.1")},
                     [], id="kubeadm-version-tested"),
        pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": CLUSTER_CONFIGURATION.format("v1.29.0"), "lab/calico.yaml": calico_node("v3.30.1")}, [
            ("lab/calico.yaml", 11, 18, "calico-kubernetes-support", "warning",
             "Calico v3.30 (calico-node image docker.io/calico/node:v3.30.1) is tested against Kubernetes 1.31-1.35, not 1.29 "
             "(kubernetesVersion v1.29.0 of ROOT/lab/kubeadm.yaml): use Calico v3.27, v3.28 or v3.29, which are tested against 1.29"),
        ], id="kubeadm-version-not-tested"),
        # a description without a model (spec: 5) and no calico.yaml: no Calico version is known
        pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": CLUSTER_CONFIGURATION.format("v1.29.0")}, [], id="no-model-no-manifest"),
        # an image tag without a version: the description's spec.calico.version is read instead
        pytest.param({"cluster.yaml": with_calico_version("v3.20.0"), "lab/calico.yaml": calico_node("latest")}, [
            ("cluster.yaml", 10, 14, "calico-kubernetes-support", "warning", V320_ON_131.format(where="spec.calico.version v3.20.0")),
        ], id="image-without-version-then-spec-calico-version"),
        # spec.calico broken (an encapsulation outside the schema): its version is not read
        pytest.param({"cluster.yaml": with_calico_version("v3.20.0", "    encapsulation: Foo\n")}, [], id="calico-section-broken"),
        # the first calico.yaml is tested against 1.31, the second is not: both are looked at
        pytest.param({"cluster.yaml": version("v1.31.2"), "lab/a.yaml": calico_node("v3.30.1"), "lab/b.yaml": calico_node("v3.20.1")}, [
            ("lab/b.yaml", 11, 18, "calico-kubernetes-support", "warning", V320_ON_131.format(where="calico-node image docker.io/calico/node:v3.20.1")),
        ], id="a-tested-manifest-then-an-untested-one"),
    ],
)
def test_calico_kubernetes_support(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    lay_out(tmp_path, files)
    assert [
        (os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message.replace(str(tmp_path), "ROOT"))
        for f in lint(tmp_path, select="calico-kubernetes-support")
    ] == expected
