"""The Calico operator's ``Installation`` resource (operator.tigera.io/v1) for a cluster."""

from __future__ import annotations

from typing import Any

from kconf.addresses import AddressError, parse_address, parse_network
from kconf.calico.autodetect import CAN_REACH, CIDR, AutodetectMethod, to_operator
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
        ipv6_method = _ipv6_method(cluster, method)
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


def _ipv6_method(cluster: Cluster, method: AutodetectMethod) -> AutodetectMethod | None:
    """IPv6 autodetection of a dual-stack cluster: the description's method
    where it says something of IPv6, else kconf's default, cidr= of the
    nodes' IPv6 networks (None: the nodes have none; ip-family-mismatch)."""
    if method.kind == CAN_REACH and not _is_ipv4(method.args[0]):
        return method
    if method.kind not in (CAN_REACH, CIDR):  # interface names, first-found, kubernetes-internal-ip: both families
        return method
    networks = tuple(str(n) for n in cluster.node_networks() if n.version == 6)
    return AutodetectMethod(CIDR, networks) if networks else None


def _is_ipv4(target: str) -> bool:
    try:
        return parse_address(target).version == 4
    except AddressError:
        return False  # a host name: Calico resolves it for each family
