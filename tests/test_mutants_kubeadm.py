"""kconf/kubeadm/documents.py: cases that mutants surviving the rest of the suite showed missing.

Descriptions are BASE_CLUSTER (tests/lintkit.py) with one edit each; the
expected kubeadm fields are written out. See tools/mutation/run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kconf.kubeadm import documents as kubeadm
from kconf.description import Cluster, load_cluster

from lintkit import BASE_CLUSTER

SINGLE = (
    BASE_CLUSTER.replace("  loadBalancer:\n    hostname: lab-lb\n    address: 192.168.51.80\n    port: 6443\n", "")
    .replace("  controlPlaneEndpoint: k8s-vip:6443\n", "")
    .replace("  hosts:\n    k8s-vip: 192.168.51.80\n", "")
    .replace(
        "    - name: cp-2\n      role: control-plane\n      address: 192.168.51.82/24\n"
        "    - name: cp-3\n      role: control-plane\n      address: 192.168.51.83/24\n",
        "",
    )
)


def edited(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


def cluster(tmp_path: Path, text: str) -> Cluster:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return load_cluster(str(path))


def manager_args(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"extraArgs": [{"name": name, "value": value} for name, value in pairs]}


POD = "podSubnet: 172.16.0.0/16"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(BASE_CLUSTER, manager_args(("node-cidr-mask-size", "24")), id="single-stack"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: 172.16.0.0/16,fd00:10::/56"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: 172.16.0.0/16,fd00:10::/56\n    nodeCIDRMaskSize: 26"),
                     manager_args(("node-cidr-mask-size-ipv4", "26"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack-v4-mask"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: fd00:10::/56,172.16.0.0/16"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack-v6-first"),
        # nodeCIDRMaskSize is the first family's, as lint's pod-subnet-capacity reads it (it was dropped here before)
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: fd00:10::/56,172.16.0.0/16\n    nodeCIDRMaskSize: 60"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "60")), id="dual-stack-v6-first-mask"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: external\n  networking:"),
                     manager_args(("cloud-provider", "external"), ("node-cidr-mask-size", "24")), id="external-cloud"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: none\n  networking:"),
                     manager_args(("node-cidr-mask-size", "24")), id="no-cloud"),
    ],
)
def test_controller_manager_args(tmp_path: Path, text: str, expected: dict[str, Any]) -> None:
    assert kubeadm.cluster_configuration(cluster(tmp_path, text))["controllerManager"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(BASE_CLUSTER, {"node-ip": "192.168.51.91"}, id="plain"),
        pytest.param(edited(BASE_CLUSTER, "      role: worker\n", "      role: worker\n      labels: {a: b, c.io/d: e}\n"),
                     {"node-ip": "192.168.51.91", "node-labels": "a=b,c.io/d=e"}, id="labels"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: external\n  networking:"),
                     {"node-ip": "192.168.51.91", "cloud-provider": "external"}, id="external-cloud"),
    ],
)
def test_kubelet_args_of_the_worker(tmp_path: Path, text: str, expected: dict[str, str]) -> None:
    the_cluster = cluster(tmp_path, text)
    worker = next(n for n in the_cluster.nodes if n.name == "worker-1")
    assert kubeadm._kubelet_args(the_cluster, worker) == expected


ENDPOINT = "controlPlaneEndpoint: k8s-vip:6443"


@pytest.mark.parametrize(
    ("text", "endpoint", "cert_sans"),
    [
        pytest.param(BASE_CLUSTER, "k8s-vip:6443", ["k8s-vip", "lab-lb", "192.168.51.80"], id="endpoint-name-of-its-own"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, "controlPlaneEndpoint: lab-lb:6443"), "lab-lb:6443", ["lab-lb", "192.168.51.80", "k8s-vip"],
                     id="endpoint-is-the-load-balancer-name"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, "controlPlaneEndpoint: 192.168.51.80:6443"), "192.168.51.80:6443", ["192.168.51.80", "lab-lb", "k8s-vip"],
                     id="endpoint-is-the-load-balancer-address"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, 'controlPlaneEndpoint: "[fd00:51::80]:6443"'), "[fd00:51::80]:6443",
                     ["fd00:51::80", "lab-lb", "192.168.51.80", "k8s-vip"], id="ipv6-endpoint"),
        pytest.param(SINGLE, None, None, id="single-control-plane"),
    ],
)
def test_endpoint_and_cert_sans(tmp_path: Path, text: str, endpoint: str | None, cert_sans: list[str] | None) -> None:
    document = kubeadm.cluster_configuration(cluster(tmp_path, text))
    assert document.get("controlPlaneEndpoint") == endpoint
    assert document.get("apiServer", {}).get("certSANs") == cert_sans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(SINGLE, "192.168.51.81:6443", id="first-control-plane"),
        pytest.param(edited(SINGLE, "      address: 192.168.51.81/24\n", "      address: 192.168.51.81/24\n      bindPort: 6444\n"),
                     "192.168.51.81:6444", id="its-bind-port"),
        pytest.param(SINGLE.replace("192.168.51.81/24", "fd00:51::81/64").replace("192.168.51.91/24", "fd00:51::91/64")
                     .replace(POD, "podSubnet: fd00:10::/56"), "[fd00:51::81]:6443", id="ipv6-control-plane"),
        pytest.param(BASE_CLUSTER, "k8s-vip:6443", id="the-endpoint"),
    ],
)
def test_where_joining_nodes_reach_the_api(tmp_path: Path, text: str, expected: str) -> None:
    assert kubeadm.api_server_endpoint(cluster(tmp_path, text)) == expected
