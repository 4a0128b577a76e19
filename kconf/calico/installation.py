"""The Calico operator's ``Installation`` resource (operator.tigera.io/v1) for a cluster."""

from __future__ import annotations

from typing import Any

from kconf.calico.autodetect import CIDR, to_operator
from kconf.description import Cluster

# IPIP carries IPv4 only; an IPv6 pool gets VXLAN or nothing.
_IPV6_ENCAPSULATION = {"IPIP": "None", "IPIPCrossSubnet": "None"}


def documents(cluster: Cluster) -> list[dict[str, Any]]:
    """What operator mode applies: the Installation and, as upstream's
    custom-resources.yaml has, the APIServer (the Calico API server that
    serves projectcalico.org resources to kubectl)."""
    api_server = {"apiVersion": "operator.tigera.io/v1", "kind": "APIServer", "metadata": {"name": "default"}, "spec": {}}
    return [installation(cluster), api_server]


def installation(cluster: Cluster) -> dict[str, Any]:
    calico = cluster.calico
    pools: list[dict[str, Any]] = []
    for network in cluster.networking.pod_subnets:
        v6 = network.version == 6
        pools.append(
            {
                "cidr": str(network),
                "blockSize": 122 if v6 else calico.block_size,
                "encapsulation": _IPV6_ENCAPSULATION.get(calico.encapsulation, calico.encapsulation) if v6 else calico.encapsulation,
                "natOutgoing": "Enabled",
                "nodeSelector": "all()",
            }
        )
    network_spec: dict[str, Any] = {"ipPools": pools}
    if calico.mtu is not None:
        network_spec["mtu"] = calico.mtu
    method = calico.ip_autodetection
    if method.kind == CIDR:
        # cidr= may list both families; each goes to its own autodetection.
        from kconf.addresses import parse_network
        from kconf.calico.autodetect import AutodetectMethod

        for version, key in ((4, "nodeAddressAutodetectionV4"), (6, "nodeAddressAutodetectionV6")):
            cidrs = tuple(c for c in method.args if parse_network(c).version == version)
            if cidrs:
                network_spec[key] = to_operator(AutodetectMethod(CIDR, cidrs))
    else:
        network_spec["nodeAddressAutodetectionV4"] = to_operator(method)
    return {
        "apiVersion": "operator.tigera.io/v1",
        "kind": "Installation",
        "metadata": {"name": "default"},
        "spec": {"calicoNetwork": network_spec},
    }
