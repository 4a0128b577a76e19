"""Calico's pools against the nodes and their network: calico-pool-capacity,
calico-mtu. Read from the description (podSubnet, calico.blockSize,
calico.mtu, the nodes' interfaces) and, in its group, from the Installation
(ipPools[].blockSize, calicoNetwork.mtu) and calico.yaml
(CALICO_IPV4POOL_CIDR, CALICO_IPV4POOL_BLOCK_SIZE)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from kconf import description as model
from kconf.addresses import AddressError, Network, parse_network
from kconf.description import Cluster
from kconf.lint.model import ERROR, WARNING, ConfigMapFile, Group, IPPoolFile, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.wording import counted
from kconf.lint.rules.calico import _env, _installations, _manifests

# Bytes each encapsulation adds to a packet (Calico's MTU guide,
# docs.tigera.io/calico/latest/networking/configuring/mtu): IP-in-IP 20,
# VXLAN 50 over IPv4 (70 over IPv6); CrossSubnet modes encapsulate across
# subnets, so the same.
OVERHEAD = {"IPIP": 20, "IPIPCrossSubnet": 20, "VXLAN": 50, "VXLANCrossSubnet": 50, "None": 0}
# An IPv6 pool with VXLAN carries a 40-byte IPv6 outer header instead of 20
# (IP-in-IP is IPv4 only: kconf's IPv6 pool then has no encapsulation), and the
# one veth MTU serves both families: the larger overhead counts.
OVERHEAD_IPV6 = {"VXLAN": 70, "VXLANCrossSubnet": 70}
DEFAULT_BLOCK = {4: 26, 6: 122}


class _Pool(NamedTuple):
    cidr: Network
    block_size: int
    loc: Loc
    where: str


def _pools(group: Group, cluster: Cluster) -> Iterator[_Pool]:
    source = group.cluster_file
    if source is not None and source.view is not None:
        view = source.view
        field = ("spec", "calico", "blockSize") if view.get("spec", "calico", "blockSize") is not None else ("spec", "networking", "podSubnet")
        for network in cluster.networking.pod_subnets:
            if network.version == 4:
                yield _Pool(network, cluster.calico.block_size, view.loc(field), "spec.calico.blockSize")
    for installation in _installations(group):
        pools = installation.get("spec", "calicoNetwork", "ipPools")
        for index, pool in enumerate(pools if isinstance(pools, list) else []):
            try:
                cidr = parse_network(pool.get("cidr")) if isinstance(pool, dict) else None
            except AddressError:
                continue  # calico-pool-mismatch says so
            block = pool.get("blockSize", DEFAULT_BLOCK[cidr.version]) if cidr is not None else None
            if cidr is not None and isinstance(block, int) and not isinstance(block, bool):
                yield _Pool(cidr, block, installation.loc(("spec", "calicoNetwork", "ipPools", index)), f"ipPools[{index}]")
    for node in _manifests(group):
        cidr_env, block_env = _env(node, "CALICO_IPV4POOL_CIDR"), _env(node, "CALICO_IPV4POOL_BLOCK_SIZE")
        if cidr_env is None or not isinstance(cidr_env.value, str):
            continue
        try:
            cidr = parse_network(cidr_env.value)
            block = int(block_env.value) if block_env is not None and isinstance(block_env.value, str) else DEFAULT_BLOCK[4]
        except (AddressError, ValueError):
            continue
        yield _Pool(cidr, block, (block_env or cidr_env).loc, "CALICO_IPV4POOL_BLOCK_SIZE" if block_env else "CALICO_IPV4POOL_CIDR")


def calico_pool_capacity(group: Group) -> Iterator[RawFinding]:
    """A Calico IP pool with fewer blocks (pool size / blockSize) than the
    cluster has nodes (error), or blocks larger than the node CIDRs the
    controller manager hands out (blockSize below networking.nodeCIDRMaskSize:
    a warning; kubeadm makes kube-controller-manager allocate node CIDRs
    whenever podSubnet is set). Needs a description for the node count.

    Why: Calico gives every node at least one block of the pool; with fewer
    blocks than nodes, the last nodes borrow addresses from other nodes'
    blocks and their routes break (calico #6160), or get none. Blocks larger
    than node CIDRs run out before the controller manager's node CIDRs do:
    nodes join that Calico cannot serve (calico #7722, kubespray #10639).

    Fix: a larger pool (podSubnet), or a larger blockSize number (smaller
    blocks: 26 gives 64 addresses per block; a node takes more blocks as it
    needs them)."""
    cluster = group.cluster
    if cluster is None:
        return
    nodes = len(cluster.nodes)
    mask = cluster.networking.node_mask(4)  # IPv4's also where nodeCIDRMaskSize is IPv6's (IPv6 first)
    for pool in _pools(group, cluster):
        if pool.block_size < pool.cidr.prefixlen:
            continue  # not a block size for this pool: Calico refuses it (calico-pool-mismatch territory)
        blocks = 2 ** (pool.block_size - pool.cidr.prefixlen)
        if blocks < nodes:
            yield RawFinding(
                "calico-pool-capacity", pool.loc,
                f"{pool.where}: pool {pool.cidr} holds {counted(blocks, 'block')} of /{pool.block_size}, fewer than the {nodes} nodes: "
                f"use a larger pool or blockSize {pool.cidr.prefixlen + (nodes - 1).bit_length()} or more",
            )
        elif pool.cidr.version == 4 and pool.block_size < mask:
            node_cidrs = 2 ** (mask - pool.cidr.prefixlen)
            yield RawFinding(
                "calico-pool-capacity", pool.loc,
                f"{pool.where}: blocks of /{pool.block_size} are larger than the /{mask} node CIDRs: the pool holds {blocks} "
                f"blocks but {node_cidrs} node CIDRs, so Calico runs out of blocks first; use blockSize {mask} or more",
                WARNING,
            )


def _vm_mtus(cluster: Cluster) -> list[tuple[int, str]]:
    """(MTU, node) of the interface that carries each node's cluster address."""
    found = []
    for node in cluster.nodes:
        for interface in node.interfaces:
            if interface.address.ip == node.ip and interface.mtu is not None:
                found.append((interface.mtu, f"{node.name} ({interface.name})"))
    return found


def calico_mtu(group: Group) -> Iterator[RawFinding]:
    """The pods' MTU (calico.mtu, an Installation's calicoNetwork.mtu) is larger than the MTU of a node's cluster
    interface (nodes[].interfaces[].mtu) less what the encapsulation adds
    (IP-in-IP 20, VXLAN 50, VXLAN 70 with an IPv6 pool). Only where both
    are known.

    Why: encapsulated packets larger than the link MTU are dropped or
    fragmented: pods reach each other with small packets (ping, DNS) but TLS
    handshakes and large transfers hang (cluster-api-provider-azure #1353,
    kubekey #1572).

    Fix: set calico.mtu to the smallest node MTU less the overhead (e.g. 1450
    for VXLAN on a 1500 network, 1430 with an IPv6 pool), or leave it unset:
    Calico then detects it."""
    cluster = group.cluster
    if cluster is None:
        return
    links = _vm_mtus(cluster)
    if not links:
        return
    link, where = min(links)
    encapsulation = cluster.calico.encapsulation
    overhead, over = OVERHEAD.get(encapsulation, 0), ""
    if 6 in cluster.families and OVERHEAD_IPV6.get(encapsulation, 0) > overhead:
        overhead, over = OVERHEAD_IPV6[encapsulation], " over IPv6"
    for mtu, loc, what in _mtus(group, cluster):
        if mtu + overhead > link:
            yield RawFinding(
                "calico-mtu", loc,
                f"{what} {mtu} plus {overhead} bytes of {encapsulation}{over} is more than the MTU {link} of "
                f"{where}: use {link - overhead} or less",
            )


def _mtus(group: Group, cluster: Cluster) -> Iterator[tuple[int, Loc, str]]:
    source = group.cluster_file
    if cluster.calico.mtu is not None and source is not None and source.view is not None:
        yield cluster.calico.mtu, source.view.loc(("spec", "calico", "mtu")), "calico.mtu"
    for installation in _installations(group):
        mtu = installation.get("spec", "calicoNetwork", "mtu")
        if isinstance(mtu, int) and not isinstance(mtu, bool):
            yield mtu, installation.loc(("spec", "calicoNetwork", "mtu")), "calicoNetwork.mtu"


MIGRATE_POOLS = "docs.tigera.io/calico/latest/networking/ipam/migrate-pools"


def _live_pools(group: Group) -> Iterator[tuple[Network, Loc, str]]:
    """(CIDR, where, what) of the running cluster, from files fetched off it."""
    for source in group.of(IPPoolFile):
        for view in source.pools:
            if view.get("spec", "disabled") is True:
                continue  # a pool being migrated away from
            try:
                cidr = parse_network(view.get("spec", "cidr"))
            except AddressError:
                continue
            name = view.get("metadata", "name")
            yield cidr, view.loc(("spec", "cidr")), f"the live IPPool {name if isinstance(name, str) else '(no name)'}"
    for config in group.of(ConfigMapFile):
        stored = config.cluster_configuration
        subnet = stored.get("networking", "podSubnet") if stored is not None else None
        if stored is None or not isinstance(subnet, str):
            continue
        for part in subnet.split(","):
            try:
                yield parse_network(part.strip()), stored.loc(("networking", "podSubnet")), "the live kubeadm-config podSubnet"
            except AddressError:
                continue


def calico_pool_live(group: Group) -> Iterator[RawFinding]:
    """The description's podSubnet differs from the running cluster's: an
    IPPool export (`calicoctl get ippool -o yaml`, `kubectl get ippools -o
    yaml`) or the kubeadm-config ConfigMap
    (`kubectl get cm -n kube-system kubeadm-config -o yaml`) linted with it
    (`kconf lint --cluster cluster.yaml FILE`). Disabled pools are skipped.

    Why: Calico creates its pool once, at install; changing
    CALICO_IPV4POOL_CIDR or the Installation afterwards has no effect
    (calico #962), and kube-controller-manager keeps the cluster CIDR it was
    started with. The files kconf renders would then describe a network the
    cluster does not have.

    Fix: keep podSubnet as the cluster has it; to move pods to a new range,
    add the new IPPool, disable the old one, recreate the pods and delete the
    old pool (Calico's pool migration guide), then change podSubnet."""
    cluster = group.cluster
    if cluster is None:
        return
    described = cluster.networking.pod_subnets
    for cidr, loc, what in _live_pools(group):
        same_family = [n for n in described if n.version == cidr.version]
        if not same_family or any(cidr == n or cidr.subnet_of(n) for n in same_family):  # type: ignore[arg-type]
            continue
        yield RawFinding(
            "calico-pool-live", loc,
            f"{what} is {cidr}, the description's podSubnet {','.join(map(str, described))}: changing the pool after "
            f"install has no effect; keep podSubnet {cidr}, or migrate the pods to a new pool first ({MIGRATE_POOLS})",
        )


POOL_PARTS = frozenset({model.POD_SUBNET, model.CALICO, model.NODE_NAMES})

RULES = (
    Rule("calico-pool-capacity", ERROR, "a Calico pool with fewer blocks than nodes, or blocks larger than the node CIDRs",
         calico_pool_capacity, reads=POOL_PARTS),
    Rule("calico-pool-live", WARNING, "podSubnet differs from the running cluster's pool (an IPPool or kubeadm-config export)",
         calico_pool_live, reads=frozenset({model.POD_SUBNET})),
    Rule("calico-mtu", ERROR, "the pods' MTU plus the encapsulation overhead is above a node's link MTU",
         calico_mtu, reads=frozenset({model.CALICO, model.NODE_ADDRESSES, model.NODE_INTERFACES})),
)
