"""kube-vip-<node>.yaml against upstream kube-vip and the Kubernetes schemas.

kconf's static Pod must be what `kube-vip manifest pod --arp --controlplane
--leaderElection` prints for the same interface, address and port (the
binary tools/kube-vip/build makes), up to the table of intended differences
below; and it must validate, strictly, against the Kubernetes schemas of the
cluster's version (kubernetes-validate).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import GOLDEN
from kconf.description import load_cluster
from kconf.render import render_files
from kube_vip_tool import manifest_pod

KUBE_VIP_CASE = GOLDEN / "ha-kube-vip" / "cluster.yaml"

# (what kconf writes differently from `kube-vip manifest pod`, why)
INTENDED_DIFFERENCES = {
    "metadata.creationTimestamp": "kube-vip prints the Go zero value (null); a manifest on disk has none",
    "spec.containers[0].resources": "kube-vip prints an empty {}: the same as none",
    "status": "kube-vip prints an empty {}: the kubelet fills it in, a static Pod file has none",
    "spec.volumes[0].hostPath.path": "the first control plane from Kubernetes 1.29 mounts super-admin.conf (PLAN.md switches it)",
}


def upstream_as_kconf_writes_it(upstream: dict[str, Any], *, super_admin: bool) -> dict[str, Any]:
    """The upstream Pod with exactly the intended differences applied."""
    pod = copy.deepcopy(upstream)
    assert pod["metadata"].pop("creationTimestamp") is None
    assert pod["spec"]["containers"][0].pop("resources") == {}
    assert pod.pop("status") == {}
    assert pod["spec"]["volumes"][0]["hostPath"]["path"] == "/etc/kubernetes/admin.conf"
    if super_admin:
        pod["spec"]["volumes"][0]["hostPath"]["path"] = "/etc/kubernetes/super-admin.conf"
    return pod


def variant(tmp_path: Path, version: str = "v1.31.2", interface: str = "enp0s8", network: str = "192.168.51") -> Path:
    text = KUBE_VIP_CASE.read_text().replace("v1.31.2", version).replace("interface: enp0s8", f"interface: {interface}")
    text = text.replace("192.168.51.", f"{network}.")
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return path


# (description variant, the first control plane's kubeconfig on the host)
VARIANTS = [
    pytest.param({}, "/etc/kubernetes/super-admin.conf", id="golden-1.31"),
    pytest.param({"version": "v1.28.9"}, "/etc/kubernetes/admin.conf", id="before-super-admin-1.28"),
    pytest.param({"version": "v1.29.0"}, "/etc/kubernetes/super-admin.conf", id="first-with-super-admin-1.29"),
    pytest.param({"version": "v1.36.1", "interface": "eth1", "network": "198.51.100"}, "/etc/kubernetes/super-admin.conf", id="eth1-1.36"),
]


def kube_vip_pods(description: Path) -> dict[str, dict[str, Any]]:
    files = render_files(load_cluster(str(description)))
    pods = {name: yaml.safe_load(f.data) for name, f in files.items() if name.startswith("kube-vip-")}
    assert pods, "mode kube-vip renders kube-vip-<node>.yaml"
    return pods


@pytest.mark.parametrize(("changes", "first_kubeconfig"), VARIANTS)
def test_each_pod_is_what_kube_vip_prints_up_to_the_intended_differences(
    tmp_path: Path, changes: dict[str, str], first_kubeconfig: str
) -> None:
    description = variant(tmp_path, **changes)
    cluster = load_cluster(str(description))
    lb = cluster.load_balancer
    assert lb is not None and lb.interface is not None
    upstream = manifest_pod("--interface", lb.interface, "--address", str(lb.address), "--port", str(lb.port),
                            "--controlplane", "--arp", "--leaderElection")  # fmt: skip
    pods = kube_vip_pods(description)
    assert sorted(pods) == [f"kube-vip-{n.name}.yaml" for n in cluster.control_plane_nodes]
    for name, pod in pods.items():
        first = name == f"kube-vip-{cluster.first_control_plane.name}.yaml"
        super_admin = first and first_kubeconfig.endswith("super-admin.conf")
        expected = upstream_as_kconf_writes_it(upstream, super_admin=super_admin)
        container, expected_container = pod["spec"]["containers"][0], expected["spec"]["containers"][0]
        assert container["env"] == expected_container["env"], name
        assert container["volumeMounts"] == expected_container["volumeMounts"], name
        assert container["securityContext"] == expected_container["securityContext"], name
        assert pod == expected, name
        path = pod["spec"]["volumes"][0]["hostPath"]["path"]
        assert path == (first_kubeconfig if first else "/etc/kubernetes/admin.conf"), name


def test_the_env_carries_the_description_values(tmp_path: Path) -> None:
    """Written down, so that kconf and kube-vip cannot agree on a wrong value."""
    pods = kube_vip_pods(variant(tmp_path, interface="eth1", network="198.51.100"))
    env = {e["name"]: e.get("value") for e in pods["kube-vip-vip-cp-2.yaml"]["spec"]["containers"][0]["env"]}
    assert (env["vip_interface"], env["address"], env["port"], env["vip_arp"], env["cp_enable"], env["vip_leaderelection"]) == (
        "eth1", "198.51.100.80", "6443", "true", "true", "true"
    )


def schema_version(version: str) -> str:
    """The kubernetes-validate schema version for a cluster version: its minor."""
    major, minor = version.lstrip("v").split(".")[:2]
    return f"{major}.{minor}.0"


@pytest.mark.parametrize(("changes", "first_kubeconfig"), VARIANTS)
def test_pods_validate_strictly_against_the_kubernetes_schemas_of_the_version(
    tmp_path: Path, changes: dict[str, str], first_kubeconfig: str
) -> None:
    import kubernetes_validate

    description = variant(tmp_path, **changes)
    cluster = load_cluster(str(description))
    for name, pod in kube_vip_pods(description).items():
        kubernetes_validate.validate(pod, schema_version(cluster.kubernetes_version), strict=True)
        broken = copy.deepcopy(pod)
        broken["spec"]["containers"][0]["volumeMount"] = broken["spec"]["containers"][0].pop("volumeMounts")
        with pytest.raises(kubernetes_validate.ValidationError, match="volumeMount"):
            kubernetes_validate.validate(broken, schema_version(cluster.kubernetes_version), strict=True)
