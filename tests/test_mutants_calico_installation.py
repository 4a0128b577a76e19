"""kconf/calico/installation.py: the Installation and APIServer of small
descriptions, written down whole.

Written for the mutants of kconf/calico/installation.py that survived the
rest of the suite (see tools/mutation/run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kconf.calico.installation import documents
from kconf.description import load_cluster
from lintkit import BASE_CLUSTER

DUAL = ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/16,fd00:10::/56\n    serviceSubnet: 10.96.0.0/12,fd00:20::/108")
API_SERVER = {"apiVersion": "operator.tigera.io/v1", "kind": "APIServer", "metadata": {"name": "default"}, "spec": {}}
NODES = {"cidrs": ["192.168.51.0/24"]}  # BASE_CLUSTER's default: cidr= of the nodes' network


def description(calico: str, dual: bool) -> str:
    text = BASE_CLUSTER
    if dual:
        assert DUAL[0] in text
        text = text.replace(*DUAL)
    return text.replace("  networking:\n", calico + "  networking:\n") if calico else text


def pool(cidr: str, block: int, encapsulation: str) -> dict[str, Any]:
    return {"cidr": cidr, "blockSize": block, "encapsulation": encapsulation, "natOutgoing": "Enabled", "nodeSelector": "all()"}


def installation(network: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "operator.tigera.io/v1", "kind": "Installation", "metadata": {"name": "default"}, "spec": {"calicoNetwork": network}}


@pytest.mark.parametrize(
    ("calico", "dual", "network"),
    [
        pytest.param("", False, {"ipPools": [pool("172.16.0.0/16", 26, "IPIP")], "nodeAddressAutodetectionV4": NODES}, id="defaults"),
        pytest.param("", True, {"ipPools": [pool("172.16.0.0/16", 26, "IPIP"), pool("fd00:10::/56", 122, "None")],
                                "nodeAddressAutodetectionV4": NODES}, id="dual-stack-ipip-carries-no-ipv6"),
        pytest.param("  calico:\n    encapsulation: VXLAN\n    mtu: 1450\n    blockSize: 27\n", True,
                     {"ipPools": [pool("172.16.0.0/16", 27, "VXLAN"), pool("fd00:10::/56", 122, "VXLAN")], "mtu": 1450,
                      "nodeAddressAutodetectionV4": NODES}, id="dual-stack-vxlan-mtu-block-size"),
        pytest.param("  calico:\n    encapsulation: IPIPCrossSubnet\n    ipAutodetection: cidr=192.168.51.0/24,fd00:1::/64,10.0.0.0/8\n", True,
                     {"ipPools": [pool("172.16.0.0/16", 26, "IPIPCrossSubnet"), pool("fd00:10::/56", 122, "None")],
                      "nodeAddressAutodetectionV4": {"cidrs": ["192.168.51.0/24", "10.0.0.0/8"]},
                      "nodeAddressAutodetectionV6": {"cidrs": ["fd00:1::/64"]}}, id="cidrs-of-both-families"),
        pytest.param("  calico:\n    encapsulation: VXLANCrossSubnet\n    ipAutodetection: cidr=fd00:1::/64\n", True,
                     {"ipPools": [pool("172.16.0.0/16", 26, "VXLANCrossSubnet"), pool("fd00:10::/56", 122, "VXLANCrossSubnet")],
                      "nodeAddressAutodetectionV6": {"cidrs": ["fd00:1::/64"]}}, id="ipv6-cidr-only"),
        pytest.param("  calico:\n    encapsulation: None\n    ipAutodetection: interface=eth0\n", False,
                     {"ipPools": [pool("172.16.0.0/16", 26, "None")], "nodeAddressAutodetectionV4": {"interface": "eth0"}},
                     id="interface-method"),
    ],
)
def test_documents(tmp_path: Path, calico: str, dual: bool, network: dict[str, Any]) -> None:
    (tmp_path / "cluster.yaml").write_text(description(calico, dual))
    assert documents(load_cluster(str(tmp_path / "cluster.yaml"))) == [installation(network), API_SERVER]
