"""Files and schema rules: yaml-syntax, cluster-schema, kubeadm-schema, kubeadm-api-version."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOLDEN
from lintkit import BASE_CLUSTER, lay_out, lint, render_into, where

NAMES = ("yaml-syntax", "cluster-schema", "kubeadm-schema", "kubeadm-api-version", "component-config-api-version")


def kubeadm(version: str, kubernetes: str, extra: str = "") -> str:
    return (
        f"apiVersion: kubeadm.k8s.io/{version}\nkind: ClusterConfiguration\nkubernetesVersion: {kubernetes}\n"
        f"controlPlaneEndpoint: k8s-vip:6443\n{extra}"
    )


TRIGGERS = [
    # yaml-syntax
    pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: [\n"}, "yaml-syntax", ("k.yaml", 3), id="unclosed-flow"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0", "kind: InitConfiguration\n")}, "yaml-syntax", ("k.yaml", 5), id="duplicate-key"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0", "networking:\n\tpodSubnet: 10.244.0.0/16\n")}, "yaml-syntax", ("k.yaml", 6), id="tab"),
    pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\x00\n"}, "yaml-syntax", ("k.yaml", 1), id="binary"),
    # cluster-schema
    pytest.param({"cluster.yaml": BASE_CLUSTER.replace("  criSocket:", "  criSockets:")}, "cluster-schema", ("cluster.yaml", 8), id="unknown-field"),
    pytest.param({"cluster.yaml": BASE_CLUSTER.replace("    port: 6443", "    port: '6443'")}, "cluster-schema", ("cluster.yaml", 14), id="wrong-type"),
    pytest.param({"cluster.yaml": BASE_CLUSTER.replace("role: worker", "role: etcd")}, "cluster-schema", ("cluster.yaml", 28), id="unknown-role"),
    pytest.param({"cluster.yaml": BASE_CLUSTER.replace("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.21.0")}, "cluster-schema", ("cluster.yaml", 6), id="too-old"),
    pytest.param({"cluster.yaml": BASE_CLUSTER.replace("role: control-plane", "role: worker")}, "cluster-schema", ("cluster.yaml", 18), id="no-control-plane"),
    # kubeadm-schema
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0", "networking:\n  podCIDR: 10.244.0.0/16\n")}, "kubeadm-schema", ("k.yaml", 6), id="unknown-nested-field"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0", "apiServer:\n  extraArgs:\n    v: '4'\n")}, "kubeadm-schema", ("k.yaml", 7), id="v1beta3-map-under-v1beta4"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0", "apiServer:\n  timeoutForControlPlane: 4m0s\n")}, "kubeadm-schema", ("k.yaml", 6), id="timeout-under-v1beta4"),
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.30.0", "apiServer:\n  extraArgs:\n    - {name: v, value: '4'}\n")}, "kubeadm-schema", ("k.yaml", 7), id="v1beta4-list-under-v1beta3"),
    # kubeadm-api-version
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.30.0")}, "kubeadm-api-version", ("k.yaml", 1), id="v1beta4-before-1.31"),
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.37.0")}, "kubeadm-api-version", ("k.yaml", 1), id="v1beta3-after-removal"),
    pytest.param({"k.yaml": kubeadm("v1beta2", "v1.27.3")}, "kubeadm-api-version", ("k.yaml", 1), id="v1beta2-after-removal"),
    pytest.param({"k.yaml": kubeadm("v1beta1", "v1.22.0")}, "kubeadm-api-version", ("k.yaml", 1), id="v1beta1-after-removal"),
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.32.0")}, "kubeadm-api-version", ("k.yaml", 1), id="v1beta3-deprecated-warning"),
    pytest.param(
        {"k.yaml": kubeadm("v1beta4", "v1.31.0") + "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n"},
        "kubeadm-api-version", ("k.yaml", 6), id="mixed-versions",
    ),
]


@pytest.mark.parametrize(("files", "rule", "expected"), TRIGGERS)
def test_triggers(tmp_path: Path, files: dict[str, str], rule: str, expected: tuple[str, int]) -> None:
    lay_out(tmp_path, files)
    found = where(lint(tmp_path, select=",".join(NAMES)), tmp_path)
    assert (*expected, rule) in found, found


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"cluster.yaml": BASE_CLUSTER.replace("  criSocket:", "  criSockets:")},
            "spec.criSockets: unknown field 'criSockets' (did you mean 'criSocket'?)", id="cluster-schema",
        ),
        pytest.param(
            {"k.yaml": kubeadm("v1beta3", "v1.32.0")},
            "kubeadm.k8s.io/v1beta3 is deprecated from Kubernetes 1.31 (kubernetesVersion is 1.32); move to v1beta4 before 1.37 removes it",
            id="kubeadm-api-version-warning",
        ),
        pytest.param(
            {"k.yaml": kubeadm("v1beta4", "v1.30.0")},
            "kubeadm.k8s.io/v1beta4 needs Kubernetes 1.31 or later; kubernetesVersion is 1.30", id="kubeadm-api-version-error",
        ),
    ],
)
def test_messages(tmp_path: Path, files: dict[str, str], message: str) -> None:
    lay_out(tmp_path, files)
    assert [f.message for f in lint(tmp_path, select=",".join(NAMES))] == [message]


V1BETA2_INIT = "---\napiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n"

# v1beta2: one finding per document (issue 10), an error only where kubernetesVersion no longer reads it.
V1BETA2 = [
    pytest.param(
        kubeadm("v1beta2", "v1.18.2") + V1BETA2_INIT,
        [("kubeadm-api-version", "warning", 1, "kubeadm.k8s.io/v1beta2: kubernetesVersion 1.18 reads it, but kconf's schemas "
          "cover only v1beta3 and v1beta4, so its fields are not checked (kubeadm 1.27 and later refuse it: migrate with "
          "`kubeadm config migrate`)"),
         ("kubeadm-api-version", "warning", 6, "kubeadm.k8s.io/v1beta2: kubernetesVersion 1.18 reads it, but kconf's schemas "
          "cover only v1beta3 and v1beta4, so its fields are not checked (kubeadm 1.27 and later refuse it: migrate with "
          "`kubeadm config migrate`)")],
        id="v1beta2-on-1.18-is-read",
    ),
    pytest.param(
        kubeadm("v1beta2", "v1.26.9"),
        [("kubeadm-api-version", "warning", 1, "kubeadm.k8s.io/v1beta2: kubernetesVersion 1.26 reads it, but kconf's schemas "
          "cover only v1beta3 and v1beta4, so its fields are not checked (kubeadm 1.27 and later refuse it: migrate with "
          "`kubeadm config migrate`)")],
        id="v1beta2-on-1.26-last-reader",
    ),
    pytest.param(
        kubeadm("v1beta2", "v1.28.2") + V1BETA2_INIT,
        [("kubeadm-api-version", "error", 1, "kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kubernetesVersion is 1.28: "
          "use kubeadm.k8s.io/v1beta3"),
         ("kubeadm-api-version", "error", 6, "kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kubernetesVersion is 1.28: "
          "use kubeadm.k8s.io/v1beta3")],
        id="v1beta2-on-1.28-removed",
    ),
    pytest.param(
        "apiVersion: kubeadm.k8s.io/v1beta2\nkind: JoinConfiguration\n",
        [("kubeadm-api-version", "warning", 1, "kubeadm.k8s.io/v1beta2: kubeadm up to 1.26 reads it, but kconf's schemas "
          "cover only v1beta3 and v1beta4, so its fields are not checked (kubeadm 1.27 and later refuse it: migrate with "
          "`kubeadm config migrate`)")],
        id="v1beta2-without-kubernetes-version",
    ),
]


@pytest.mark.parametrize(("text", "expected"), V1BETA2)
def test_v1beta2_is_one_finding_per_document(tmp_path: Path, text: str, expected: list[tuple[str, str, int, str]]) -> None:
    lay_out(tmp_path, {"k.yaml": text})
    assert [(f.rule, f.severity, f.line, f.message) for f in lint(tmp_path, select=",".join(NAMES))] == expected


def test_deprecation_is_a_warning_removal_an_error(tmp_path: Path) -> None:
    lay_out(tmp_path, {"a/k.yaml": kubeadm("v1beta3", "v1.32.0"), "b/k.yaml": kubeadm("v1beta3", "v1.37.0")})
    by_folder = {Path(f.path).parent.name: f.severity for f in lint(tmp_path, select="kubeadm-api-version")}
    assert by_folder == {"a": "warning", "b": "error"}


FINE = [
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.22.0")}, id="v1beta3-on-1.22"),
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.30.9")}, id="v1beta3-on-1.30"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0")}, id="v1beta4-on-1.31"),
    pytest.param({"k.yaml": kubeadm("v1beta4", "v1.35.0", "apiServer:\n  extraArgs:\n    - {name: v, value: '4'}\n")}, id="v1beta4-list-args"),
    pytest.param({"k.yaml": kubeadm("v1beta3", "v1.30.0", "apiServer:\n  extraArgs:\n    v: '4'\n  timeoutForControlPlane: 4m0s\n")}, id="v1beta3-map-and-timeout"),
    pytest.param({"k.yaml": "# only a comment\n"}, id="comment-only-yaml-is-not-kubeadm"),
    pytest.param({"cluster.yaml": ""}, id="an-empty-file-is-not-recognised"),
    pytest.param({"k.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"}, id="unrelated-kubernetes-object"),
    pytest.param({"mkdocs.yml": "site_name: x\nnav: [a, b\n"}, id="broken-unrelated-yaml-is-skipped"),
    pytest.param({"cluster.yaml": BASE_CLUSTER}, id="valid-description"),
    pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n"
                            "    apiServerEndpoint: k8s-vip:6443\n    token: \"${KCONF_TOKEN}\"\n"
                            "    caCertHashes: [\"${KCONF_CA_CERT_HASH}\"]\n"}, id="join-with-placeholders"),
]


@pytest.mark.parametrize("files", FINE)
def test_must_not_trigger(tmp_path: Path, files: dict[str, str]) -> None:
    lay_out(tmp_path, files)
    assert lint(tmp_path, select=",".join(NAMES)) == []


def test_rendered_folders_and_golden_are_clean(tmp_path: Path) -> None:
    render_into(tmp_path)
    assert lint(tmp_path, select=",".join(NAMES)) == []
    assert lint(GOLDEN, select=",".join(NAMES)) == []


# --- component-config-api-version (issue 10, 5b) -------------------------------------------------
# Expected from upstream kubeadm v1.31.14 `kubeadm config validate`: kubelet.config.k8s.io/v1 and
# kubeproxy.config.k8s.io/v1 give "unknown configuration APIs"; v1beta1 / v1alpha1 pass.

KUBELET = "---\napiVersion: kubelet.config.k8s.io/{}\nkind: {}\ncgroupDriver: systemd\n"
PROXY = "---\napiVersion: kubeproxy.config.k8s.io/{}\nkind: KubeProxyConfiguration\nmode: iptables\n"

COMPONENT_TRIGGERS = [
    pytest.param(
        KUBELET.format("v1", "KubeletConfiguration"), (6, 13),
        "kubelet.config.k8s.io/v1 does not exist: kubeadm reads kubelet.config.k8s.io/v1beta1 KubeletConfiguration only; "
        "write apiVersion kubelet.config.k8s.io/v1beta1",
        id="kubelet-v1",
    ),
    pytest.param(
        PROXY.format("v1"), (6, 13),
        "kubeproxy.config.k8s.io/v1 does not exist: kubeadm reads kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration "
        "only; write apiVersion kubeproxy.config.k8s.io/v1alpha1",
        id="kube-proxy-v1",
    ),
    pytest.param(
        KUBELET.format("v1beta1", "KubeProxyConfiguration"), (7, 7),
        "kubelet.config.k8s.io has no kind 'KubeProxyConfiguration': kubeadm reads kubelet.config.k8s.io/v1beta1 "
        "KubeletConfiguration",
        id="kubelet-group-other-kind",
    ),
]


@pytest.mark.parametrize(("extra", "where_", "message"), COMPONENT_TRIGGERS)
def test_component_config_api_version_triggers(tmp_path: Path, extra: str, where_: tuple[int, int], message: str) -> None:
    lay_out(tmp_path, {"k.yaml": kubeadm("v1beta4", "v1.31.0") + extra})
    assert [(f.rule, f.line, f.column, f.message) for f in lint(tmp_path, select=",".join(NAMES))] == [
        ("component-config-api-version", *where_, message)
    ]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(KUBELET.format("v1beta1", "KubeletConfiguration"), id="kubelet-v1beta1"),
        pytest.param(PROXY.format("v1alpha1"), id="kube-proxy-v1alpha1"),
    ],
)
def test_component_config_api_version_fine(tmp_path: Path, extra: str) -> None:
    lay_out(tmp_path, {"k.yaml": kubeadm("v1beta4", "v1.31.0") + extra})
    assert lint(tmp_path, select="component-config-api-version") == []
