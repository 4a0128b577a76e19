"""The Calico operator's ``Installation`` resource (operator.tigera.io/v1) for a cluster."""

from __future__ import annotations

from typing import Any

from kconf.addresses import parse_network
from kconf.calico.autodetect import CIDR, AutodetectMethod, for_ipv6, to_operator
from kconf.description import Cluster

# IPIP carries IPv4 only; an IPv6 pool gets VXLAN or nothing.
_IPV6_ENCAPSULATION = {"IPIP": "None", "IPIPCrossSubnet": "None"}
_AUTODETECTION_KEYS = {4: "nodeAddressAutodetectionV4", 6: "nodeAddressAutodetectionV6"}


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
        for version, key in _AUTODETECTION_KEYS.items():
            cidrs = _cidrs_of(method, version)
            if cidrs:
                network_spec[key] = to_operator(AutodetectMethod(CIDR, cidrs))
    else:
        network_spec[_AUTODETECTION_KEYS[4]] = to_operator(method)
    if 6 in cluster.families and _AUTODETECTION_KEYS[6] not in network_spec:
        ipv6_method = for_ipv6(method, ipv6_networks(cluster))
        if ipv6_method is not None:
            # without it the operator autodetects IPv6 addresses first-found
            network_spec[_AUTODETECTION_KEYS[6]] = to_operator(ipv6_method)
    return {
        "apiVersion": "operator.tigera.io/v1",
        "kind": "Installation",
        "metadata": {"name": "default"},
        "spec": {"calicoNetwork": network_spec},
    }


def _cidrs_of(method: AutodetectMethod, version: int) -> tuple[str, ...]:
    return tuple(c for c in method.args if parse_network(c).version == version)


def ipv6_networks(cluster: Cluster) -> tuple[str, ...]:
    """The nodes' IPv6 networks: kconf's default IPv6 autodetection (cidr=)."""
    return tuple(str(n) for n in cluster.node_networks() if n.version == 6)
