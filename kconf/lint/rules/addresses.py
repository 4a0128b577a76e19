"""Addresses and CIDRs: cidr-host-bits, public-cidr, pod-service-overlap,
cidr-overlaps-node-network, node-prefix-mismatch, duplicate-node-address, duplicate-node-name,
nat-address, advertise-address-not-on-node, kubelet-node-ip,
service-subnet-size, pod-subnet-capacity.

Values are read where they are written: the cluster description (its raw
document, so that the rules also work when a bad value keeps the Cluster model
from being built), kubeadm ClusterConfiguration / InitConfiguration /
JoinConfiguration documents (kubeadm-config ConfigMaps included), the
CALICO_IPV4POOL_CIDR of a Calico manifest and the ipPools of an Installation.

Nothing here compares nodes pairwise: node addresses and networks go into
dicts and sets, and each of the (few) CIDRs is checked against them once.
The helpers that read the description and kubeadm node documents are shared
with ``rules/nodes.py``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from kconf.addresses import (
    Address,
    AddressError,
    Interface,
    Network,
    contains,
    family,
    is_private,
    overlaps,
    parse_address,
    parse_addresses,
    parse_interface,
    parse_interfaces,
    parse_network,
)
from kconf.description import DEFAULT_NODE_MASK, DEFAULT_SERVICE_SUBNET, NODE_ADDRESSES, NODE_NAMES, NodeInterface
from kconf.errors import format_field_path
from kconf.lazyre import lazy
from kconf.lint.model import (
    ERROR,
    WARNING,
    CalicoManifestFile,
    ConfigMapFile,
    DocumentView,
    Group,
    InstallationFile,
    KubeadmFile,
    Loc,
    RawFinding,
    Replacement,
)
from kconf.lint.registry import Rule
from kconf.wording import counted
from kconf.yamlio import Path as FieldPath

if TYPE_CHECKING:
    from kconf.description import Cluster

# Every VirtualBox VM behind the default NAT adapter has this address.
VIRTUALBOX_NAT_ADDRESS = ipaddress.IPv4Address("10.0.2.15")
# Placeholder of `kubeadm config print init-defaults` (placeholder-value reports it).
PLACEHOLDER_ADDRESS = "1.2.3.4"
# kubeadm's own validation (cmd/kubeadm/app/apis/kubeadm/validation, constants).
MAXIMUM_BITS_FOR_SERVICE_SUBNET = 20  # /12 for IPv4, /108 for IPv6
MINIMUM_ADDRESSES_IN_SERVICE_SUBNET = 10
MINIMUM_ADDRESSES_IN_POD_SUBNET = 14
POD_SUBNET_NODE_MASK_MAX_DIFF = 16
SERVICE_EXAMPLES = {4: "10.96.0.0/12", 6: "fd00:10:96::/112"}
SHOWN = 3  # examples listed in a message before "and N more"

# A value left for a template engine to fill in (`${VAR}`, `{{ var }}`): not a value yet.
_TEMPLATE = lazy(r"^\s*(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|\{\{.*\}\})\s*$")


def is_template(value: object) -> bool:
    return isinstance(value, str) and _TEMPLATE.match(value) is not None


# --- the cluster description, read from its raw document ----------------------------------


class NodeInterfaceLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def address(self) -> Interface: ...
    @property
    def nat(self) -> bool: ...


class NodeLike(Protocol):
    """A described node: the loader's kconf.description.Node, or a RawNode
    read from a description the loader refused."""

    @property
    def index(self) -> int: ...
    @property
    def name(self) -> str | None: ...
    @property
    def address(self) -> Interface | None: ...
    @property
    def addresses(self) -> tuple[Interface, ...]: ...
    @property
    def interfaces(self) -> Sequence[NodeInterfaceLike]: ...
    @property
    def cri_socket(self) -> object: ...


class RawNode(NamedTuple):
    """A node as written; ``address`` (the primary) None when it does not
    parse (cluster-schema says why)."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as description.Node's
    name: str | None
    address: Interface | None
    interfaces: tuple[NodeInterface, ...]
    cri_socket: object
    second_address: Interface | None = None  # dual stack: the other family's

    @property
    def addresses(self) -> tuple[Interface, ...]:
        return tuple(a for a in (self.address, self.second_address) if a is not None)


def node_field(node: NodeLike) -> FieldPath:
    return ("spec", "nodes", node.index)


def shown(node: NodeLike) -> str:
    return node.name or f"spec.nodes[{node.index}]"


def addresses_of(node: NodeLike) -> set[Address]:
    """The node's cluster addresses (both with dual stack) and its interfaces' addresses."""
    found = {i.address.ip for i in node.interfaces}
    found.update(a.ip for a in node.addresses)
    return found


def shown_addresses(node: NodeLike) -> str:
    """The node's cluster addresses as kubelet node-ip takes them: "v4,v6"."""
    return ",".join(str(a.ip) for a in node.addresses)


class Description(NamedTuple):
    view: DocumentView
    nodes: Sequence[NodeLike]
    by_name: dict[str, NodeLike]  # the first node of each name
    load_balancer: tuple[Address, ...]  # its address, and with dual stack its other family's
    cloud_provider: str
    cri_socket: object
    nat_addresses: frozenset[Address]  # addresses of interfaces marked nat

    def loc(self, field_path: FieldPath, *, key: bool = False) -> Loc:
        return self.view.loc(field_path, key=key)

    def node_socket(self, node: NodeLike) -> object:
        return node.cri_socket if node.cri_socket is not None else self.cri_socket


def _interface_or_none(value: object, parsed: dict[str, Interface | None]) -> Interface | None:
    """The interface, parsing each text once (a node's address is usually also one of its interfaces')."""
    if not isinstance(value, str):
        return None
    if value not in parsed:
        try:
            parsed[value] = parse_interface(value)
        except AddressError:
            parsed[value] = None
    return parsed[value]


def _interfaces_or_none(value: object) -> tuple[Interface, ...]:
    """A node's address or dual-stack pair; () when it does not parse."""
    try:
        return tuple(parse_interfaces(value))
    except AddressError:
        return ()


def _raw_node(index: int, raw: object, parsed: dict[str, Interface | None]) -> RawNode | None:
    if not isinstance(raw, dict):
        return None
    name = raw.get("name")
    interfaces: list[NodeInterface] = []
    raw_interfaces = raw.get("interfaces")
    for item in raw_interfaces if isinstance(raw_interfaces, list) else []:
        if not isinstance(item, dict):
            continue
        address = _interface_or_none(item.get("address"), parsed)
        if address is not None:
            interfaces.append(NodeInterface(str(item.get("name", "")), address, item.get("nat") is True))
    written = raw.get("address")
    pair = _interfaces_or_none(written) if isinstance(written, str) and "," in written else ()
    return RawNode(
        index=index,
        name=name if isinstance(name, str) else None,
        address=pair[0] if pair else _interface_or_none(written, parsed),
        interfaces=tuple(interfaces),
        cri_socket=raw.get("criSocket"),
        second_address=pair[1] if pair else None,
    )


def _read_description(view: DocumentView) -> Description:
    spec = view.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    raw_nodes = spec.get("nodes")
    parsed: dict[str, Interface | None] = {}
    nodes = tuple(
        node
        for index, raw in enumerate(raw_nodes if isinstance(raw_nodes, list) else [])
        if (node := _raw_node(index, raw, parsed)) is not None
    )
    by_name: dict[str, NodeLike] = {}
    for node in nodes:
        if node.name is not None:
            by_name.setdefault(node.name, node)
    load_balancer: tuple[Address, ...] = ()
    try:
        load_balancer = tuple(parse_addresses(view.get("spec", "loadBalancer", "address")))
    except AddressError:
        pass
    provider = spec.get("cloudProvider")
    return Description(
        view=view,
        nodes=nodes,
        by_name=by_name,
        load_balancer=load_balancer,
        cloud_provider=provider if isinstance(provider, str) else "none",
        cri_socket=spec.get("criSocket"),
        nat_addresses=frozenset(i.address.ip for node in nodes for i in node.interfaces if i.nat),
    )


def _from_model(view: DocumentView, cluster: Cluster) -> Description:
    by_name: dict[str, NodeLike] = {}
    for node in cluster.nodes:
        by_name.setdefault(node.name, node)
    return Description(
        view=view,
        nodes=cluster.nodes,
        by_name=by_name,
        load_balancer=cluster.load_balancer.addresses if cluster.load_balancer is not None else (),
        cloud_provider=cluster.cloud_provider,
        cri_socket=cluster.cri_socket,
        nat_addresses=frozenset(i.address.ip for node in cluster.nodes for i in node.interfaces if i.nat),
    )


# Several rules read the same description; keep the last few readings.
_READ: dict[int, tuple[DocumentView, Description]] = {}


def description(group: Group) -> Description | None:
    """The group's cluster description as written, or None (no description)."""
    source = group.cluster_file
    if source is None or source.view is None or not isinstance(source.view.data, dict):
        return None
    cached = _READ.get(id(source.view))
    if cached is not None and cached[0] is source.view:
        return cached[1]
    # The loader's model has every address parsed already (ipaddress is slow:
    # reading 5,000 nodes again would cost more than all the rules together).
    # A partial model holds placeholders for broken parts; read those as written.
    cluster = source.cluster if source.complete else None
    described = _from_model(source.view, cluster) if cluster is not None else _read_description(source.view)
    if len(_READ) > 8:
        _READ.clear()
    _READ[id(source.view)] = (source.view, described)
    return described


# --- kubeadm documents ------------------------------------------------------------------

ADVERTISE_PATHS: dict[str, FieldPath] = {
    "InitConfiguration": ("localAPIEndpoint", "advertiseAddress"),
    "JoinConfiguration": ("controlPlane", "localAPIEndpoint", "advertiseAddress"),
}
KUBELET_ARGS: FieldPath = ("nodeRegistration", "kubeletExtraArgs")


def node_documents(group: Group) -> Iterator[DocumentView]:
    """The group's InitConfiguration and JoinConfiguration documents."""
    for view in group.kubeadm_documents():
        if view.kind in ADVERTISE_PATHS:
            yield view


def node_name(view: DocumentView) -> str | None:
    name = view.get("nodeRegistration", "name")
    return name if isinstance(name, str) else None


def extra_arg(view: DocumentView, args_path: FieldPath, name: str) -> tuple[object, FieldPath] | None:
    """A component flag from extraArgs: a map in v1beta3, a list of
    {name, value} in v1beta4 (where the last one of a name wins, as in kubeadm)."""
    args = view.get(*args_path)
    if isinstance(args, dict):
        return (args[name], args_path + (name,)) if name in args else None
    if isinstance(args, list):
        for index in range(len(args) - 1, -1, -1):
            item = args[index]
            if isinstance(item, dict) and item.get("name") == name:
                return item.get("value"), args_path + (index, "value")
    return None


class WrittenAddress(NamedTuple):
    """An address a kubeadm node document gives (advertiseAddress, node-ip)."""

    view: DocumentView
    field_path: FieldPath
    label: str
    text: str
    address: Address | None  # None when it does not parse

    @property
    def loc(self) -> Loc:
        return self.view.loc(self.field_path)


def advertise_address(view: DocumentView) -> WrittenAddress | None:
    field_path = ADVERTISE_PATHS.get(view.kind)
    value = view.get(*field_path) if field_path else None
    if field_path is None or not isinstance(value, str) or not value.strip() or is_template(value):
        return None
    try:
        address: Address | None = parse_address(value)
    except AddressError:
        address = None
    return WrittenAddress(view, field_path, format_field_path(field_path), value, address)


def node_ips(view: DocumentView) -> list[WrittenAddress]:
    """The kubelet's node-ip (one address, or two comma-separated for dual stack)."""
    found = extra_arg(view, KUBELET_ARGS, "node-ip")
    if found is None or not isinstance(found[0], str) or is_template(found[0]):
        return []
    written: list[WrittenAddress] = []
    for part in found[0].split(","):
        try:
            address: Address | None = parse_address(part)
        except AddressError:
            address = None
        written.append(WrittenAddress(view, found[1], "kubelet node-ip", part.strip(), address))
    return written


# --- where pod and service CIDRs are written ---------------------------------------------

POD = "pod"
SERVICE = "service"


class CidrField(NamedTuple):
    """One written pod or service CIDR value (a comma-separated list where kubeadm allows it)."""

    role: str
    label: str
    text: str
    loc: Loc
    list_allowed: bool = True

    def parts(self) -> list[str]:
        return [p.strip() for p in self.text.split(",")] if self.list_allowed else [self.text.strip()]

    def problems(self) -> list[str]:
        found: list[str] = []
        for part in self.parts():
            try:
                parse_network(part)
            except AddressError as exc:
                found.append(str(exc))
        return found

    def networks(self) -> list[Network]:
        """The networks written, host bits cleared (cidr-host-bits reports those)."""
        found: list[Network] = []
        for part in self.parts():
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                continue
        return found


class SubnetSetting(NamedTuple):
    """The pod and service subnets of one document, with what sizes pod blocks."""

    view: DocumentView
    pod: CidrField | None
    service: CidrField | None
    node_masks: dict[int, tuple[object, Loc | None]]  # IP version -> (mask as written, where)
    allocates_node_cidrs: bool = True


def _cidr_field(view: DocumentView, field_path: FieldPath, role: str, prefix: str = "") -> CidrField | None:
    value = view.get(*field_path)
    if not isinstance(value, str) or not value.strip():
        return None
    return CidrField(role, prefix + format_field_path(field_path), value, view.loc(field_path))


def _described_setting(view: DocumentView) -> SubnetSetting:
    networking: FieldPath = ("spec", "networking")
    pod = _cidr_field(view, networking + ("podSubnet",), POD)
    masks: dict[int, tuple[object, Loc | None]] = {}
    first = pod.networks()[:1] if pod else []
    mask_path = networking + ("nodeCIDRMaskSize",)
    if first and view.get(*mask_path) is not None:
        # nodeCIDRMaskSize applies to the first pod subnet's family; the other keeps its default
        masks[first[0].version] = (view.get(*mask_path), view.loc(mask_path))
    return SubnetSetting(view, pod, _cidr_field(view, networking + ("serviceSubnet",), SERVICE), masks)


def _kubeadm_setting(view: DocumentView, prefix: str) -> SubnetSetting:
    pod = _cidr_field(view, ("networking", "podSubnet"), POD, prefix)
    service = _cidr_field(view, ("networking", "serviceSubnet"), SERVICE, prefix)
    args_path: FieldPath = ("controllerManager", "extraArgs")
    masks: dict[int, tuple[object, Loc | None]] = {}
    families = {n.version for n in pod.networks()} if pod else set()
    single = extra_arg(view, args_path, "node-cidr-mask-size")
    if single is not None and len(families) == 1:
        masks[next(iter(families))] = (single[0], view.loc(single[1]))
    for version in (4, 6):
        specific = extra_arg(view, args_path, f"node-cidr-mask-size-ipv{version}")
        if specific is not None:
            masks[version] = (specific[0], view.loc(specific[1]))
    allocate = extra_arg(view, args_path, "allocate-node-cidrs")
    allocates = allocate is None or str(allocate[0]).lower() != "false"
    return SubnetSetting(view, pod, service, masks, allocates)


def subnet_settings(group: Group) -> list[SubnetSetting]:
    """The description's and every ClusterConfiguration's (ConfigMaps' too) subnets."""
    settings: list[SubnetSetting] = []
    described = description(group)
    if described is not None:
        settings.append(_described_setting(described.view))
    for source in group.files:
        if isinstance(source, KubeadmFile):
            settings.extend(_kubeadm_setting(v, "") for v in source.kubeadm_documents if v.kind == "ClusterConfiguration")
        elif isinstance(source, ConfigMapFile) and source.cluster_configuration is not None:
            settings.append(_kubeadm_setting(source.cluster_configuration, "data.ClusterConfiguration "))
    return settings


def _calico_pool(source: CalicoManifestFile) -> CidrField | None:
    node = source.node
    if node is None:
        return None
    env = DocumentView(source.path, node.document).get(*node.env_path)
    for index, item in enumerate(env if isinstance(env, list) else []):
        if isinstance(item, dict) and item.get("name") == "CALICO_IPV4POOL_CIDR":
            value = item.get("value")
            if not isinstance(value, str) or not value.strip():
                return None
            value_path = tuple(node.env_path) + (index, "value")
            column = node.document.position(value_path).column
            return CidrField(POD, "CALICO_IPV4POOL_CIDR", value, Loc(source.path, node.line(value_path), column), False)
    return None


def _installation_pools(source: InstallationFile) -> Iterator[CidrField]:
    for view in source.installations:
        pools = view.get("spec", "calicoNetwork", "ipPools")
        for index in range(len(pools) if isinstance(pools, list) else 0):
            found = _cidr_field(view, ("spec", "calicoNetwork", "ipPools", index, "cidr"), POD)
            if found is not None:
                yield CidrField(found.role, found.label, found.text, found.loc, False)


def cidr_fields(group: Group) -> Iterator[CidrField]:
    """Every written pod or service CIDR of the group."""
    for setting in subnet_settings(group):
        for written in (setting.pod, setting.service):
            if written is not None:
                yield written
    for manifest in group.of(CalicoManifestFile):
        pool = _calico_pool(manifest)
        if pool is not None:
            yield pool
    for installation in group.of(InstallationFile):
        yield from _installation_pools(installation)


def named(written: CidrField, network: Network) -> str:
    """The field and one of its networks; of a dual-stack list, which family's."""
    if len({n.version for n in written.networks()}) > 1:
        return f"{written.label}'s {family(network.version)} CIDR {network}"
    return f"{written.label} {network}"


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


# --- rules ------------------------------------------------------------------------------


def cidr_host_bits(group: Group) -> Iterator[RawFinding]:
    """A pod or service CIDR has host bits set (`172.178.33.10/16`: the
    network is 172.178.0.0/16), or is not a CIDR at all. Checked in the
    cluster description (spec.networking.podSubnet / serviceSubnet), kubeadm
    ClusterConfiguration networking (also in kubeadm-config ConfigMaps),
    Calico's CALICO_IPV4POOL_CIDR and Installation ipPools.

    Why: kubeadm rejects such a value, and other tools silently take a
    different network than the one meant: an address was typed where the
    network was wanted (field report).

    Fix: write the network address with its prefix length, as the message
    shows (e.g. 172.16.0.0/16), or fix the prefix length."""
    for written in cidr_fields(group):
        problems = written.problems()
        fix = _network_fix(written) if problems else None
        for problem in problems:
            yield RawFinding("cidr-host-bits", written.loc, f"{written.label}: {problem}", fix=fix)


def _network_fix(written: CidrField) -> Replacement | None:
    """The value with each CIDR's host bits cleared, when that is the only
    problem (172.16.33.10/16 -> 172.16.0.0/16): a part that is no CIDR at all
    (or a list where the field takes one CIDR) has no mechanical answer."""
    if not written.list_allowed and "," in written.text:
        return None
    parts = written.text.split(",")
    fixed: list[str] = []
    for part in parts:
        text = part.strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return None
        if "/" not in text or "%" in text:  # a bare address (which prefix length?), a zone id
            return None
        # keep the spacing around each comma as written
        fixed.append(part.replace(text, str(network), 1))
    new = ",".join(fixed)
    return Replacement(written.text, new) if new != written.text else None


def public_cidr(group: Group) -> Iterator[RawFinding]:
    """A pod or service CIDR lies outside private address space (RFC 1918
    10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16; shared space 100.64.0.0/10;
    IPv6 unique local fc00::/7), e.g. `172.178.0.0/16`.

    Why: inside the cluster, pod and Service addresses shadow the real
    internet hosts of that range: pods can no longer reach them (field
    report: 172.178.0.0/16 typed for 172.16.0.0/16).

    Fix: choose a private range no network of yours uses, e.g. 10.244.0.0/16
    for pods and 10.96.0.0/12 for Services."""
    for written in cidr_fields(group):
        for network in written.networks():
            if not is_private(network):
                example = "10.96.0.0/12" if written.role == SERVICE else "10.244.0.0/16"
                if network.version == 6:
                    example = "a range inside fd00::/8"
                yield RawFinding(
                    "public-cidr", written.loc,
                    f"{written.label}: {network} is public address space: {written.role} addresses would shadow "
                    f"the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, "
                    f"192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. {example}",
                )


def pod_service_overlap(group: Group) -> Iterator[RawFinding]:
    """The pod subnet and the Service subnet of one description or kubeadm
    ClusterConfiguration overlap (an unwritten serviceSubnet is kubeadm's
    default, 10.96.0.0/12).

    Why: a pod and a Service would get the same address; kube-proxy's rules
    for the Service capture traffic meant for the pod.

    Fix: choose two ranges that do not overlap, e.g. podSubnet 10.244.0.0/16
    and serviceSubnet 10.96.0.0/12."""
    for setting in subnet_settings(group):
        if setting.pod is None:
            continue
        service = setting.service or CidrField(SERVICE, "the default serviceSubnet", DEFAULT_SERVICE_SUBNET, setting.pod.loc)
        for pods in setting.pod.networks():
            for services in service.networks():
                if overlaps(pods, services):
                    yield RawFinding(
                        "pod-service-overlap", setting.pod.loc,
                        f"{named(setting.pod, pods)} overlaps {named(service, services)}: pod and Service addresses "
                        "would collide; choose ranges that do not overlap (e.g. podSubnet 10.244.0.0/16, "
                        "serviceSubnet 10.96.0.0/12)",
                    )


def _known_addresses(group: Group, described: Description | None) -> tuple[dict[Address, str], dict[Network, str]]:
    """Addresses of nodes, their interfaces and the load balancer, each once
    with what it is ("node cp-1"), and the nodes' networks. Messages add the
    address itself, only for the few that are reported."""
    addresses: dict[Address, str] = {}
    networks: dict[Network, str] = {}
    if described is not None:
        for node in described.nodes:
            label = shown(node)
            for address in node.addresses:  # both families with dual stack
                addresses.setdefault(address.ip, "node " + label)
                networks.setdefault(address.network, "node " + label)
            for interface in node.interfaces:
                addresses.setdefault(interface.address.ip, label + " " + interface.name)
        for lb_address in described.load_balancer:
            addresses.setdefault(lb_address, "load balancer")
    for view in node_documents(group):
        written = [advertise_address(view)] + node_ips(view)
        for item in written:
            if item is not None and item.address is not None:
                addresses.setdefault(item.address, f"{os.path.basename(view.path)} {item.label}")
    return addresses, networks


def cidr_overlaps_node_network(group: Group) -> Iterator[RawFinding]:
    """A pod or Service CIDR contains a node address, an address of a node's
    interface or the load balancer's address, or overlaps a node network:
    e.g. podSubnet 192.168.0.0/16 with nodes in 192.168.51.0/24. The node
    addresses come from the cluster description and the advertiseAddress and
    kubelet node-ip of kubeadm documents.

    Why: each node routes the pod (or Service) range into the cluster
    network, so traffic to the hosts of the overlapping network never leaves
    the node: joins, the API server and the CNI fail (field report).

    Fix: choose pod and Service ranges that no node network touches, e.g.
    10.244.0.0/16 and 10.96.0.0/12 for nodes in 192.168.0.0/16."""
    fields = list(cidr_fields(group))
    if not fields:
        return
    addresses, networks = _known_addresses(group, description(group))
    for written in fields:
        for network in written.networks():
            hits = [f"{what} {address}" for address, what in addresses.items() if contains(network, address)]
            if hits:
                yield RawFinding(
                    "cidr-overlaps-node-network", written.loc,
                    f"{named(written, network)} contains {_listed(hits)}: that traffic would be routed into the "
                    f"{written.role} network; choose a range that no node network overlaps",
                )
                continue
            touched = [f"{net} ({what})" for net, what in networks.items() if overlaps(network, net)]
            if touched:
                yield RawFinding(
                    "cidr-overlaps-node-network", written.loc,
                    f"{named(written, network)} overlaps the node network {_listed(touched)}; choose a range "
                    "that no node network overlaps",
                )


def _widest_network(address: Interface, prefixes: Iterable[int], present: dict[tuple[int, int], set[Network]]) -> Network:
    """The widest node network (of any node's prefix length) that holds this address."""
    for prefix in sorted(prefixes):
        network = ipaddress.ip_network((address.ip, prefix), strict=False)
        if network in present.get((address.version, prefix), set()):
            return network
    return address.network


def node_prefix_mismatch(group: Group) -> Iterator[RawFinding]:
    """Nodes on one network are described with different prefix lengths:
    one node's network contains another's address but their prefix lengths
    differ (e.g. one node 192.168.51.90/25, the others 192.168.51.x/24). The
    node(s) whose prefix length is the less common one on that network are
    reported.

    Why: Calico derives routes from each node's address and prefix; a node
    with a different prefix gets routes the others do not have and traffic
    to its pods is blackholed (field report).

    Fix: write the prefix length the network really has for every node on it."""
    described = description(group)
    if described is None:
        return
    # every cluster address of every node: with dual stack each family's network on its own
    entries = [(node, address) for node in described.nodes for address in node.addresses]
    present: dict[tuple[int, int], set[Network]] = {}
    prefixes: dict[int, set[int]] = {}
    for _node, address in entries:
        present.setdefault((address.version, address.network.prefixlen), set()).add(address.network)
        prefixes.setdefault(address.version, set()).add(address.network.prefixlen)
    if all(len(p) < 2 for p in prefixes.values()):
        return
    on_network: dict[Network, list[tuple[NodeLike, Interface]]] = {}
    for node, address in entries:
        widest = _widest_network(address, prefixes[address.version], present)
        on_network.setdefault(widest, []).append((node, address))
    for network, members in on_network.items():
        yield from _prefix_findings(described, network, members)


def _prefix_findings(described: Description, network: Network, members: list[tuple[NodeLike, Interface]]) -> Iterator[RawFinding]:
    counts = Counter(address.network.prefixlen for _node, address in members)
    if len(counts) < 2:
        return
    first_of: dict[int, int] = {}
    for node, address in members:
        first_of.setdefault(address.network.prefixlen, node.index)
    common = max(counts, key=lambda p: (counts[p], -first_of[p]))
    usual = [shown(n) for n, address in members if address.network.prefixlen == common]
    for node, address in members:
        if address.network.prefixlen != common:
            yield RawFinding(
                "node-prefix-mismatch", described.loc(node_field(node) + ("address",)),
                f"node {shown(node)} address {address} has prefix /{address.network.prefixlen}, "
                f"but {_listed(usual)} on {network} have /{common}: give every node on one network the "
                f"network's real prefix length (e.g. {address.ip}/{common})",
            )


def duplicate_node_address(group: Group) -> Iterator[RawFinding]:
    """Two nodes of the cluster description have the same address (whatever
    their prefix lengths). The same name is duplicate-node-name.

    Why: two hosts cannot share a cluster address: kubeadm, the kubelet and
    Calico would each take the other's traffic.

    Fix: give each node its own address."""
    described = description(group)
    if described is None:
        return
    by_address: dict[Address, NodeLike] = {}
    for node in described.nodes:
        for address in node.addresses:  # with dual stack, each family's
            first = by_address.setdefault(address.ip, node)
            if first is not node:
                yield RawFinding(
                    "duplicate-node-address", described.loc(node_field(node) + ("address",)),
                    f"node {shown(node)} has address {address.ip}, the same as node {shown(first)} "
                    f"(spec.nodes[{first.index}]): give each node its own address",
                )


def duplicate_node_name(group: Group) -> Iterator[RawFinding]:
    """Two nodes of the cluster description have the same name.

    Why: kubeadm and the kubelet identify a node by its name: the second one
    to join takes over (or is refused) and the first disappears; render would
    write one join file for both.

    Fix: give each node its own name (its hostname)."""
    described = description(group)
    if described is None:
        return
    by_name: dict[str, NodeLike] = {}
    for node in described.nodes:
        if node.name is not None:
            first = by_name.setdefault(node.name, node)
            if first is not node:
                yield RawFinding(
                    "duplicate-node-name", described.loc(node_field(node) + ("name",)),
                    f"node name {node.name!r} is also spec.nodes[{first.index}]: give each node its own name",
                )


def _nat_reason(address: Address, described: Description | None) -> str | None:
    if described is not None and address in described.nat_addresses:
        return "the address of an interface marked nat"
    on_aws = described is not None and described.cloud_provider == "aws"
    if address == VIRTUALBOX_NAT_ADDRESS and not on_aws:
        return "VirtualBox's NAT address, which every VM shares"
    return None


def nat_address(group: Group) -> Iterator[RawFinding]:
    """A node's cluster address is a NAT address: VirtualBox's 10.0.2.15
    (the address of every VM's NAT adapter; not checked with cloudProvider
    aws, where it is an ordinary VPC address), or the address of an
    interface marked `nat: true` in the description. Checked in node
    addresses of the description and in kubeadm advertiseAddress and kubelet
    node-ip.

    Why: every VM has the same NAT address and no VM can reach another
    through it: joins time out, and the CNI and kubelet advertise an
    address that leads nowhere (field report).

    Fix: use the node's host-only or bridged address (e.g. enp0s8's) as its
    address, advertiseAddress and node-ip."""
    described = description(group)
    if described is not None:
        for node in described.nodes:
            for address in node.addresses:
                reason = _nat_reason(address.ip, described)
                if reason is not None:
                    yield RawFinding(
                        "nat-address", described.loc(node_field(node) + ("address",)),
                        f"node {shown(node)} address {address}: {reason}; use the node's host-only or bridged "
                        "address (e.g. that of enp0s8)",
                    )
    for view in node_documents(group):
        for written in [advertise_address(view)] + node_ips(view):
            if written is None or written.address is None:
                continue
            reason = _nat_reason(written.address, described)
            if reason is not None:
                yield RawFinding(
                    "nat-address", written.loc,
                    f"{written.label} {written.address}: {reason}; use the node's host-only or bridged address",
                )


def advertise_address_not_on_node(group: Group) -> Iterator[RawFinding]:
    """The advertiseAddress of an InitConfiguration (localAPIEndpoint) or a
    control-plane JoinConfiguration (controlPlane.localAPIEndpoint) is not an
    address of that node: with a cluster description, the node named in
    nodeRegistration.name must have it as its address or as an interface
    address; any advertiseAddress must be an IP address. (The placeholder
    1.2.3.4 is placeholder-value's.)

    Why: the API server binds and advertises this address; one the node
    does not have makes kubeadm init/join fail, or points the cluster's
    `kubernetes` Service at another host.

    Fix: write the node's own cluster address (the description's
    nodes[].address)."""
    described = description(group)
    for view in node_documents(group):
        written = advertise_address(view)
        if written is None or written.text.strip() == PLACEHOLDER_ADDRESS:
            continue
        if written.address is None:
            yield RawFinding(
                "advertise-address-not-on-node", written.loc,
                f"{written.label} {written.text!r} is not an IP address: write the node's address, e.g. 192.168.51.81",
            )
            continue
        name = node_name(view)
        node = described.by_name.get(name) if described is not None and name is not None else None
        if node is None or node.address is None or written.address in addresses_of(node):
            continue
        yield RawFinding(
            "advertise-address-not-on-node", written.loc,
            f"{written.label} {written.address} is not an address of node {shown(node)} "
            f"({', '.join(sorted(str(a) for a in addresses_of(node)))}): write {node.address.ip}",
        )


def kubelet_node_ip(group: Group) -> Iterator[RawFinding]:
    """A node with several interfaces (in the cluster description) has a
    kubeadm InitConfiguration/JoinConfiguration without a kubelet `node-ip`
    in nodeRegistration.kubeletExtraArgs; or a node-ip that is not one of
    the described node's addresses. Standalone kubeadm files are not
    checked: they say nothing of a host's interfaces; nor is a node-ip left
    for a template engine to fill in (`${NODE_IP}`, `{{ node_ip }}`).

    Why: without node-ip the kubelet reports the address of the
    default-route interface, on VirtualBox the NAT one every VM shares: the
    API server then cannot reach the kubelet (logs, exec) and pods' host IPs
    are wrong.

    Fix: set kubeletExtraArgs node-ip to the node's cluster address (kconf
    render writes it)."""
    described = description(group)
    if described is None:
        return
    for view in node_documents(group):
        name = node_name(view)
        node = described.by_name.get(name) if name is not None else None
        if node is None or node.address is None:
            continue
        # missing is told by the args, not by what parses: a node-ip left for a
        # template engine is there, only not filled in (node_ips() skips it)
        given = extra_arg(view, KUBELET_ARGS, "node-ip")
        if (given is None or not isinstance(given[0], str)) and len(node.interfaces) > 1:
            # at kubeletExtraArgs, or nodeRegistration when it has none (position() takes the nearest written key)
            yield RawFinding(
                "kubelet-node-ip", view.loc(KUBELET_ARGS, key=True),
                f"node {shown(node)} has {len(node.interfaces)} interfaces but no kubelet node-ip: the kubelet "
                f"reports its default-route address; add node-ip {shown_addresses(node)} to kubeletExtraArgs",
            )
        for item in node_ips(view):
            if item.address is None or item.address not in addresses_of(node):
                yield RawFinding(
                    "kubelet-node-ip", item.loc,
                    f"kubelet node-ip {item.text!r} is not an address of node {shown(node)}: write {shown_addresses(node)}",
                )


def _family_problem(networks: list[Network]) -> str | None:
    versions = [n.version for n in networks]
    if len(networks) > 2 or len(set(versions)) != len(versions):
        return "expected one CIDR (IPv4 or IPv6), or two, one of each family, for dual stack"
    return None


def service_subnet_size(group: Group) -> Iterator[RawFinding]:
    """A Service subnet (description serviceSubnet, kubeadm
    networking.serviceSubnet) is larger than /12 (IPv4) or /108 (IPv6), has
    fewer than 10 addresses, or is a list of more than two CIDRs or of two of
    one family. These are kubeadm's own limits.

    Why: kubeadm refuses such a subnet (the API server keeps a bitmap of the
    whole range in etcd, which limits its size; the DNS Service takes the
    tenth address).

    Fix: use a subnet between /12 and /28 (IPv4; /108 to /124 for IPv6),
    e.g. 10.96.0.0/12; dual stack: one IPv4 and one IPv6 CIDR."""
    for setting in subnet_settings(group):
        written = setting.service
        if written is None:
            continue
        networks = written.networks()
        problem = _family_problem(networks)
        if problem is not None:
            yield RawFinding("service-subnet-size", written.loc, f"{written.label} {written.text!r}: {problem}")
        for network in networks:
            bits = network.max_prefixlen
            if bits - network.prefixlen > MAXIMUM_BITS_FOR_SERVICE_SUBNET:
                yield RawFinding(
                    "service-subnet-size", written.loc,
                    f"{named(written, network)} is too large: for {bits}-bit addresses the prefix length must be "
                    f"/{bits - MAXIMUM_BITS_FOR_SERVICE_SUBNET} or longer (e.g. {SERVICE_EXAMPLES[network.version]})",
                )
            elif network.num_addresses < MINIMUM_ADDRESSES_IN_SERVICE_SUBNET:
                yield RawFinding(
                    "service-subnet-size", written.loc,
                    f"{named(written, network)} has {network.num_addresses} addresses; kubeadm needs at least "
                    f"{MINIMUM_ADDRESSES_IN_SERVICE_SUBNET}",
                )


def _node_mask(setting: SubnetSetting, version: int) -> tuple[int | None, str | None]:
    """(node mask, problem) for one IP family."""
    value, _loc = setting.node_masks.get(version, (DEFAULT_NODE_MASK[version], None))
    if isinstance(value, bool):
        return None, f"node CIDR mask size {value!r} is not a number"
    if isinstance(value, int):
        return value, None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value), None
    return None, f"node CIDR mask size {value!r} is not a number"


def pod_subnet_capacity(group: Group) -> Iterator[RawFinding]:
    """The pod subnet cannot be split into per-node blocks as
    kube-controller-manager does it: its prefix is longer than the node mask
    (nodeCIDRMaskSize, or controllerManager extraArgs
    node-cidr-mask-size(-ipv4/-ipv6); default /24 for IPv4 and /64 for IPv6),
    the node mask is more than 16 bits longer, the subnet has fewer than 14
    addresses, or it has fewer per-node blocks than the cluster has nodes. A
    list of more than two CIDRs, or two of one family, is reported here too.
    Not checked when extraArgs say allocate-node-cidrs: "false".

    Why: kubeadm refuses the first cases; in the last, the nodes that find no
    free block stay without a pod CIDR and their pods without a network.

    Fix: widen the pod subnet (e.g. a /16 for /24 node blocks), or change the
    node mask so that 2^(node mask - pod prefix) is at least the number of nodes."""
    described = description(group)
    node_count = len(described.nodes) if described is not None else None
    for setting in subnet_settings(group):
        written = setting.pod
        if written is None:
            continue
        networks = written.networks()
        problem = _family_problem(networks)
        if problem is not None:
            yield RawFinding("pod-subnet-capacity", written.loc, f"{written.label} {written.text!r}: {problem}")
        for network in networks:
            yield from _capacity_findings(setting, written, network, node_count)


def _capacity_findings(setting: SubnetSetting, written: CidrField, network: Network, node_count: int | None) -> Iterator[RawFinding]:
    if network.num_addresses < MINIMUM_ADDRESSES_IN_POD_SUBNET:
        yield RawFinding(
            "pod-subnet-capacity", written.loc,
            f"{named(written, network)} has {network.num_addresses} addresses; kubeadm needs at least "
            f"{MINIMUM_ADDRESSES_IN_POD_SUBNET}",
        )
    if not setting.allocates_node_cidrs:
        return
    mask, problem = _node_mask(setting, network.version)
    if mask is None:
        yield RawFinding("pod-subnet-capacity", written.loc, f"{named(written, network)}: {problem}")
        return
    if network.prefixlen > mask:
        yield RawFinding(
            "pod-subnet-capacity", written.loc,
            f"{named(written, network)} is smaller than one node's block (/{mask}): make the pod subnet /{mask} "
            "or wider, or the node mask longer",
        )
    elif mask - network.prefixlen > POD_SUBNET_NODE_MASK_MAX_DIFF:
        yield RawFinding(
            "pod-subnet-capacity", written.loc,
            f"{named(written, network)} and node mask /{mask} differ by {mask - network.prefixlen} bits; "
            f"kubeadm allows at most {POD_SUBNET_NODE_MASK_MAX_DIFF} (node mask /{network.prefixlen + POD_SUBNET_NODE_MASK_MAX_DIFF} or shorter)",
        )
    elif node_count is not None and 2 ** (mask - network.prefixlen) < node_count:
        blocks = 2 ** (mask - network.prefixlen)
        yield RawFinding(
            "pod-subnet-capacity", written.loc,
            f"{named(written, network)} holds {counted(blocks, 'node block')} of /{mask} but the cluster has {node_count} "
            f"nodes: {node_count - blocks} would get no pod CIDR; widen the pod subnet or lengthen the node mask",
        )


# --- public-node-network -----------------------------------------------------------------


def public_node_network(group: Group) -> Iterator[RawFinding]:
    """The nodes' cluster network lies outside private address space (RFC
    1918, 100.64.0.0/10, fc00::/7), e.g. 192.178.33.0/24: once per network, at
    its first node. A warning: hosts on public addresses exist, but in a lab
    it is usually a typo (192.178 for 192.168).

    Why: the cluster then routes to (and answers for) addresses of real
    internet hosts; with a typo, the nodes are not on the network they are
    cabled to, and nothing reaches them.

    Fix: correct the addresses (192.168.x.y), or, for hosts that really have
    public addresses, silence this warning (`# kconf: disable=public-node-network`)."""
    cluster = group.cluster
    source = group.cluster_file
    if cluster is None or source is None or source.view is None:
        return
    seen: set[object] = set()
    for node in cluster.nodes:
        network = node.address.network
        if network in seen:
            continue
        seen.add(network)
        if not is_private(network):
            yield RawFinding(
                "public-node-network", source.view.loc(("spec", "nodes", node.index, "address")),
                f"node {node.name} is on {network}, public address space: a typo (192.178 for 192.168)? "
                "Private ranges are 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16",
            )


RULES = (
    Rule("cidr-host-bits", ERROR, "a CIDR with host bits set (or not a CIDR at all)", cidr_host_bits,
         fix="writes the network address of each CIDR with host bits set (172.16.33.10/16 -> 172.16.0.0/16)"),
    Rule("public-cidr", WARNING, "pod or service CIDR outside private space", public_cidr),
    Rule("public-node-network", WARNING, "the nodes' network is outside private space (a typo?)", public_node_network,
         reads=frozenset({NODE_ADDRESSES, NODE_NAMES})),
    Rule("pod-service-overlap", ERROR, "podSubnet and serviceSubnet overlap", pod_service_overlap),
    Rule("cidr-overlaps-node-network", ERROR, "pod or service CIDR contains a node, interface or load-balancer address", cidr_overlaps_node_network),
    Rule("node-prefix-mismatch", ERROR, "nodes on one network with different prefix lengths", node_prefix_mismatch),
    Rule("duplicate-node-address", ERROR, "two nodes with the same address", duplicate_node_address),
    Rule("duplicate-node-name", ERROR, "two nodes with the same name", duplicate_node_name),
    Rule("nat-address", ERROR, "a node's cluster address is a NAT address every VM shares", nat_address),
    Rule("advertise-address-not-on-node", ERROR, "advertiseAddress is not one of that node's addresses", advertise_address_not_on_node),
    Rule("kubelet-node-ip", WARNING, "a node with several interfaces and no kubelet node-ip", kubelet_node_ip),
    Rule("service-subnet-size", ERROR, "service subnet larger than /12 (/108), fewer than 10 addresses, or not one per family", service_subnet_size),
    Rule("pod-subnet-capacity", ERROR, "pod subnet and node mask do not fit, or fewer per-node blocks than nodes", pod_subnet_capacity),
)
