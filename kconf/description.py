"""The cluster description (``kind: Cluster``): loading, checking, and the model.

``load_cluster`` reads the file, validates it against schemas/cluster.schema.json,
then checks what a schema cannot say (CIDRs with host bits, addresses without
a prefix length, the Kubernetes version, duplicate node names, ...). Every error
names the file, the line and the field path.
"""

from __future__ import annotations

import re
import shlex
from functools import cached_property
from pathlib import Path
from collections.abc import Callable, Iterator, Sequence
from ipaddress import ip_interface
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from kconf.addresses import (
    Address,
    AddressError,
    Interface,
    Network,
    family,
    parse_address,
    parse_addresses,
    parse_interface,
    parse_interfaces,
    parse_networks,
    split_host_port,
)
from kconf.calico.autodetect import AutodetectMethod, MethodError
from kconf.calico.autodetect import parse as parse_method
from kconf.errors import KconfError
from kconf.lazyre import lazy
from kconf.yamlio import Document, Path as FieldPath
from kconf.wording import counted

if TYPE_CHECKING:
    from kconf.schemacheck import SchemaIssue

API_VERSION = "kconf/v1alpha1"
DEFAULT_BIND_PORT = 6443
DEFAULT_SERVICE_SUBNET = "10.96.0.0/12"
DEFAULT_DNS_DOMAIN = "cluster.local"
DEFAULT_NODE_MASK = {4: 24, 6: 64}
# kubeadm API versions: v1beta3 from Kubernetes 1.22 (v1beta2 removed in 1.27),
# v1beta4 from 1.31; v1beta3 is deprecated from 1.31 and removed in 1.37
# (upstream kubeadm v1.36 still reads it, v1.37 refuses it).
MINIMUM_KUBERNETES = (1, 22)
V1BETA4_FROM = (1, 31)
V1BETA3_REMOVED = (1, 37)

_VERSION = lazy(r"^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$")


def parse_kubernetes_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes version like v1.31.2")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def kubeadm_api_for(version: tuple[int, int, int]) -> str:
    return "v1beta4" if version[:2] >= V1BETA4_FROM else "v1beta3"


class NodeInterface(NamedTuple):
    name: str
    address: Interface
    nat: bool
    mtu: int | None = None


class Node(NamedTuple):
    # a field named index shadows tuple.index (nothing calls that on a node); mypy flags the override
    index: int  # type: ignore[assignment]
    name: str
    role: str
    address: Interface
    bind_port: int
    interfaces: tuple[NodeInterface, ...]
    cri_socket: str | None
    labels: tuple[tuple[str, str], ...]
    taints: tuple[dict[str, str], ...] | None
    # dual stack: the address of the other family (`address: v4/24,v6/64`)
    second_address: Interface | None = None

    @property
    def is_control_plane(self) -> bool:
        return self.role == "control-plane"

    @property
    def ip(self) -> Address:
        """The primary address: advertiseAddress, HAProxy backends."""
        return self.address.ip

    @property
    def addresses(self) -> tuple[Interface, ...]:
        """Every cluster address, the primary first."""
        return (self.address,) if self.second_address is None else (self.address, self.second_address)

    def address_of(self, version: int) -> Interface | None:
        return next((a for a in self.addresses if a.version == version), None)


HAPROXY = "haproxy"
KEEPALIVED = "keepalived"
KUBE_VIP = "kube-vip"
DEFAULT_VIRTUAL_ROUTER_ID = 51


class LoadBalancerHost(NamedTuple):
    """A keepalived-mode LB host (HAProxy + keepalived)."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as Node's
    name: str
    address: Interface
    interface: str


class LoadBalancer(NamedTuple):
    hostname: str | None
    address: Address  # the HAProxy host, or the VIP (keepalived, kube-vip)
    port: int
    health_check: str
    mode: str = HAPROXY
    hosts: tuple[LoadBalancerHost, ...] = ()
    interface: str | None = None  # kube-vip: the NIC of the VIP on every control plane
    virtual_router_id: int = DEFAULT_VIRTUAL_ROUTER_ID
    second_address: Address | None = None  # mode haproxy, dual stack: the HAProxy host's other family

    @property
    def addresses(self) -> tuple[Address, ...]:
        return (self.address,) if self.second_address is None else (self.address, self.second_address)

    @property
    def has_vip(self) -> bool:
        return self.mode in (KEEPALIVED, KUBE_VIP)

    @property
    def runs_haproxy(self) -> bool:
        return self.mode in (HAPROXY, KEEPALIVED)


class Calico(NamedTuple):
    mode: str
    manifest: Path | None
    ip_autodetection: AutodetectMethod
    # no ipAutodetection in the description: kconf chose the method
    autodetection_defaulted: bool
    encapsulation: str
    block_size: int
    mtu: int | None = None
    version: str | None = None  # a Calico release, e.g. v3.31.7


class Networking(NamedTuple):
    pod_subnet: str
    pod_subnets: tuple[Network, ...]
    service_subnet: str
    service_subnets: tuple[Network, ...]
    dns_domain: str
    node_cidr_mask_size: int  # the first pod subnet's family

    def node_mask(self, version: int) -> int:
        """The node CIDR mask of one family: nodeCIDRMaskSize for the first
        pod subnet's, kube-controller-manager's default (/24, /64) for the other."""
        first = self.pod_subnets[0].version if self.pod_subnets else 4
        return self.node_cidr_mask_size if version == first else DEFAULT_NODE_MASK[version]


# spec.apiServer, spec.controllerManager, spec.scheduler, spec.etcd: the
# ClusterConfiguration component of each (etcd: etcd.local), and its flags.
COMPONENTS = ("apiServer", "controllerManager", "scheduler", "etcd")


class Components(NamedTuple):
    """Flags for the control-plane components, written once, version-neutral
    (flag name -> value; documents.extra_args renders them per kubeadm API),
    and the API server's extra certificate names."""

    extra_args: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # component -> flags, as written
    cert_sans: tuple[str, ...] = ()

    def args(self, component: str) -> dict[str, str]:
        return dict(next((flags for name, flags in self.extra_args if name == component), ()))


class _ClusterFields(NamedTuple):
    """Cluster's fields: a NamedTuple is far cheaper to create at import than
    a dataclass; Cluster subclasses it to get a __dict__ for cached_property."""

    path: Path
    document: Document
    name: str
    kubernetes_version: str
    version: tuple[int, int, int]
    kubeadm_api_version: str
    control_plane_endpoint: str | None
    image_repository: str | None
    cri_socket: str | None
    cloud_provider: str
    networking: Networking
    calico: Calico
    load_balancer: LoadBalancer | None
    hosts: tuple[tuple[str, Address], ...]
    nodes: tuple[Node, ...]
    # spec.kubelet / spec.kubeProxy: KubeletConfiguration / KubeProxyConfiguration
    # fields as written (upstream's names), None when the field is not there
    kubelet: dict[str, Any] | None = None
    kube_proxy: dict[str, Any] | None = None
    components: Components = Components()


class Cluster(_ClusterFields):
    # cached (the instance is frozen): every node's files ask for them, and a
    # fresh scan each time made a 5,000-node render quadratic
    @cached_property
    def control_plane_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_control_plane)

    @cached_property
    def first_control_plane(self) -> Node:
        return self.control_plane_nodes[0]

    @property
    def families(self) -> tuple[int, ...]:
        """The IP versions of the pod subnets, the primary first: two for dual stack."""
        return tuple(n.version for n in self.networking.pod_subnets)

    def node_ips(self, node: Node) -> tuple[Address, ...]:
        """The node's addresses of the cluster's families (kubelet node-ip), the
        primary first; its primary address where it has none of them (a
        finding of ip-family-mismatch)."""
        found = tuple(a.ip for a in node.addresses if a.version in self.families)
        return found or (node.ip,)

    def node_cri_socket(self, node: Node) -> str | None:
        return node.cri_socket or self.cri_socket

    def endpoint(self) -> tuple[str, int] | None:
        """(host, port) of controlPlaneEndpoint; the port defaults to the load
        balancer's when the host is the load balancer, else 6443."""
        if not self.control_plane_endpoint:
            return None
        host, port = split_host_port(self.control_plane_endpoint)
        if port is None:
            lb = self.load_balancer
            port = lb.port if lb is not None and self.resolve(host) == lb.address else DEFAULT_BIND_PORT
        return host, port

    def resolve(self, host: str) -> Address | None:
        """What a host name resolves to through the description (hosts,
        load balancer, node names), or the address itself."""
        try:
            return parse_address(host)
        except AddressError:
            pass
        for name, address in self.hosts:
            if name == host:
                return address
        lb = self.load_balancer
        if lb is not None and lb.hostname == host:
            return lb.address
        for node in self.nodes:
            if node.name == host:
                return node.ip
        return None

    def vip_nodes(self) -> tuple[Node, ...]:
        return vip_holders(self.load_balancer, self.nodes)

    def lb_host_addresses(self) -> tuple[Address, ...]:
        """Where clients reach a load balancer: its address (the HAProxy host
        or the VIP), and each keepalived LB host's own."""
        lb = self.load_balancer
        if lb is None:
            return ()
        return (*lb.addresses, *(h.address.ip for h in lb.hosts))

    def node_networks(self) -> tuple[Network, ...]:
        """The nodes' cluster-facing networks (both families' with dual
        stack), in node order, without repeats."""
        seen: dict[Network, None] = {}
        for node in self.nodes:
            for address in node.addresses:
                seen.setdefault(address.network)
        return tuple(seen)


def vip_holders(lb: LoadBalancer | None, nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """The nodes that may hold the load balancer's VIP: every control plane
    with kube-vip, the nodes that are keepalived LB hosts (by name)."""
    if lb is None or not lb.has_vip:
        return ()
    if lb.mode == KUBE_VIP:
        return tuple(n for n in nodes if n.is_control_plane)
    names = {h.name for h in lb.hosts}
    return tuple(n for n in nodes if n.name in names)


# --- loading -------------------------------------------------------------------------


class _Reader:
    """Turns problems into KconfErrors at the line of the field."""

    def __init__(self, path: str, document: Document) -> None:
        self.path = path
        self.document = document

    def error(self, field: FieldPath, message: str, *, key: bool = False) -> KconfError:
        return KconfError(message, self.path, self.document.line(field, key=key), field)

    def address(self, field: FieldPath, value: Any) -> Address:
        try:
            return parse_address(value)
        except AddressError as exc:
            raise self.error(field, str(exc)) from None

    def interface(self, field: FieldPath, value: Any) -> Interface:
        try:
            return parse_interface(value)
        except AddressError as exc:
            raise self.error(field, str(exc)) from None

    def interfaces(self, field: FieldPath, value: Any) -> tuple[Interface, ...]:
        """One address/prefix, or a dual-stack pair (the primary first)."""
        try:
            return tuple(parse_interfaces(value))
        except AddressError as exc:
            raise self.error(field, str(exc)) from None

    def addresses(self, field: FieldPath, value: Any) -> tuple[Address, ...]:
        try:
            return tuple(parse_addresses(value))
        except AddressError as exc:
            raise self.error(field, str(exc)) from None

    def networks(self, field: FieldPath, value: Any) -> tuple[Network, ...]:
        try:
            networks = parse_networks(value)
        except AddressError as exc:
            raise self.error(field, str(exc)) from None
        families = [n.version for n in networks]
        if len(networks) > 2 or len(set(families)) != len(families):
            raise self.error(field, "at most two CIDRs, one IPv4 and one IPv6 (dual stack)")
        return tuple(networks)


def check_schema(document: Document, path: str) -> None:
    from kconf.schemacheck import check

    issues = check("cluster.schema.json", document.data)  # a mapping: read_description made sure
    if issues:
        first = issues[0]
        # the error names the first problem; lint lists them all
        more = f" (and {counted(len(issues) - 1, 'more problem')}: `kconf lint {shlex.quote(path)}` lists them all)" if len(issues) > 1 else ""
        key = first.message.startswith("unknown field")
        raise KconfError(first.message + more, path, document.line(first.path, key=key), first.path)


def read_description(path: str) -> tuple[Document, str]:
    """The document and text of a file named as a cluster description;
    raises KconfError when it is none (not a mapping, another kind)."""
    from kconf.fsio import read_text
    from kconf.yamlio import load_one

    text = read_text(path)
    document = load_one(text, path)
    data = document.data
    if not isinstance(data, dict):
        raise KconfError("a cluster description is a YAML mapping (apiVersion, kind, metadata, spec)", path, document.start.line)
    if "kind" in data and data.get("kind") != "Cluster":
        raise KconfError(
            f"not a cluster description: kind is {data.get('kind')!r} (expected apiVersion {API_VERSION}, kind Cluster)",
            path, document.line(("kind",)), ("kind",),
        )
    return document, text


def load_cluster(path: str) -> Cluster:
    """Read, validate and model a cluster description. Raises KconfError."""
    document, _text = read_description(path)
    check_schema(document, path)
    return build_cluster(document, path)


# --- the model as far as the input allows ----------------------------------------------
#
# Lint reports every independent problem in one run, so the model is built
# part by part: a part whose field is broken (a schema issue there, or a value
# kconf cannot use) gets a placeholder and is recorded as broken, and a rule
# that reads it does not run (kconf.lint.registry.Rule.reads). Render uses only
# a complete model.

METADATA = "metadata"
VERSION = "version"  # kubernetesVersion, kubeadmAPIVersion
ENDPOINT = "endpoint"  # controlPlaneEndpoint
IMAGE_REPOSITORY = "image-repository"
CRI_SOCKET = "cri-socket"  # spec.criSocket
CLOUD_PROVIDER = "cloud-provider"
POD_SUBNET = "pod-subnet"  # podSubnet, nodeCIDRMaskSize
SERVICE_SUBNET = "service-subnet"
DNS_DOMAIN = "dns-domain"
CALICO = "calico"  # mode, manifest, encapsulation, blockSize
CALICO_AUTODETECTION = "calico-autodetection"
LOAD_BALANCER = "load-balancer"
HOSTS = "hosts"
NODE_NAMES = "node-names"
NODE_ROLES = "node-roles"
NODE_ADDRESSES = "node-addresses"
NODE_PORTS = "node-ports"  # bindPort
NODE_INTERFACES = "node-interfaces"
NODE_CRI_SOCKETS = "node-cri-sockets"
NODE_LABELS = "node-labels"
NODE_TAINTS = "node-taints"
KUBELET = "kubelet"  # spec.kubelet
KUBE_PROXY = "kube-proxy"  # spec.kubeProxy
COMPONENT_ARGS = "component-args"  # spec.apiServer, controllerManager, scheduler, etcd
# Broken whenever anything is: an unknown field, or any part above. Rules
# that need the whole description (drift: what render writes) read it.
COMPLETE = "complete"

NODE_PARTS = frozenset({NODE_NAMES, NODE_ROLES, NODE_ADDRESSES, NODE_PORTS, NODE_INTERFACES, NODE_CRI_SOCKETS, NODE_LABELS, NODE_TAINTS})
PARTS = frozenset({
    METADATA, VERSION, ENDPOINT, IMAGE_REPOSITORY, CRI_SOCKET, CLOUD_PROVIDER, POD_SUBNET, SERVICE_SUBNET,
    DNS_DOMAIN, CALICO, CALICO_AUTODETECTION, LOAD_BALANCER, HOSTS, KUBELET, KUBE_PROXY, COMPONENT_ARGS, COMPLETE,
}) | NODE_PARTS

# Stands in for an address that does not parse; never read (its part is broken).
_PLACEHOLDER_INTERFACE = ip_interface("0.0.0.0/32")
_REQUIRED = lazy(r"^'([^']+)' is required")

T = TypeVar("T")


class ClusterModel(NamedTuple):
    """The model as far as the input allows. ``cluster`` is None when the
    document is no mapping with a spec; ``problems`` are what a schema cannot
    say (reported as findings), ``broken`` the parts that hold placeholders."""

    cluster: Cluster | None
    broken: frozenset[str]
    problems: tuple[KconfError, ...]

    @property
    def complete(self) -> bool:
        return self.cluster is not None and COMPLETE not in self.broken


def _issue_field(issue: SchemaIssue) -> FieldPath | None:
    """The field a schema issue breaks (a missing field: that field), or None
    for an unknown field, which breaks nothing the model reads."""
    if issue.message.startswith("unknown field"):
        return None
    missing = _REQUIRED.match(issue.message)
    return tuple(issue.path) + (missing.group(1),) if missing else tuple(issue.path)


class _Builder:
    """Builds each part of the model, recording broken parts and problems."""

    def __init__(self, reader: _Reader, schema_issues: Sequence[SchemaIssue]) -> None:
        self.reader = reader
        self.broken: set[str] = set()
        self.problems: list[KconfError] = []
        self.bad_fields = [f for f in map(_issue_field, schema_issues) if f is not None]
        self.shape_errors_expected = bool(schema_issues)

    def touched(self, field: FieldPath) -> bool:
        """Whether a schema issue lies in the field, or the field in it."""
        return any(bad[: len(field)] == field or field[: len(bad)] == bad for bad in self.bad_fields)

    def problem(self, error: KconfError, *parts: str) -> None:
        self.problems.append(error)
        self.broken.update(parts)

    def part(self, part: str, field: FieldPath, build: Callable[[], T], fallback: T) -> T:
        if self.touched(field):
            self.broken.add(part)
            return fallback
        try:
            return build()
        except KconfError as exc:
            self.problem(exc, part)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            # a value of the wrong shape: the schema issue elsewhere says why
            if not self.shape_errors_expected:
                raise
            self.broken.add(part)
        return fallback


def _control_characters(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str, bool]]:
    """(field path, text, whether it is a key) of every key or string value
    holding a line break, tab or other control character."""
    if isinstance(data, str):
        if not data.isprintable():
            yield path, data, False
    elif isinstance(data, dict):
        for key, value in data.items():
            if not str(key).isprintable():
                yield path + (key,), str(key), True
            else:
                yield from _control_characters(value, path + (key,))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _control_characters(item, path + (index,))


def check_text(builder: _Builder, data: Any) -> None:
    """No field of a description is multi-line text. JSON Schema patterns
    end in ``$``, which Python's ``re`` also matches before a final line
    break, so ``"cka-cp-1\\n"`` passes the schema; a line break in a name
    would start a new line in haproxy.cfg, hosts and the join scripts. The
    field is then broken for the parts that read it."""
    for path, text, key in _control_characters(data):
        builder.problem(builder.reader.error(path, f"{text!r} holds a line break, tab or other control character", key=key))
        builder.bad_fields.append(path)


def build_cluster(document: Document, display: str) -> Cluster:
    """The model of a schema-valid description; raises the first problem."""
    model = model_cluster(document, display)
    if model.problems:
        raise model.problems[0]
    assert model.cluster is not None
    return model.cluster


def model_cluster(document: Document, display: str, schema_issues: Sequence[SchemaIssue] = ()) -> ClusterModel:
    """The model of a description as far as it goes (its schema issues
    given), with the semantic checks a schema cannot make."""
    data = document.data
    spec = data.get("spec") if isinstance(data, dict) else None
    if not isinstance(spec, dict):  # no model: rules fall back to the other files
        return ClusterModel(None, frozenset({COMPLETE}), ())
    builder = _Builder(_Reader(display, document), schema_issues)
    check_text(builder, data)
    version_text, version = builder.part(VERSION, ("spec", "kubernetesVersion"), lambda: _version(builder, spec), ("v1.31.0", (1, 31, 0)))
    api = builder.part(VERSION, ("spec", "kubeadmAPIVersion"), lambda: _kubeadm_api(builder.reader, spec, version), kubeadm_api_for(version))
    nodes = _nodes(builder, spec)
    load_balancer = builder.part(LOAD_BALANCER, ("spec", "loadBalancer"), lambda: _load_balancer(builder.reader, spec, nodes), None)
    roles_known = not builder.broken & {NODE_ROLES, LOAD_BALANCER}
    if roles_known and sum(n.is_control_plane for n in nodes) > 1 and load_balancer is None:
        builder.problem(builder.reader.error(
            ("spec", "nodes"),
            "more than one control-plane node needs spec.loadBalancer (and a controlPlaneEndpoint pointing at it)",
        ))
    endpoint = builder.part(ENDPOINT, ("spec", "controlPlaneEndpoint"), lambda: _endpoint(builder.reader, spec), None)
    networking = _networking(builder, spec.get("networking", {}))
    hosts = _hosts(builder, spec)
    model_path = Path(display)
    calico = _calico(builder, spec.get("calico", {}), nodes, load_balancer, model_path, networking)
    name = builder.part(METADATA, ("metadata", "name"), lambda: _text(data["metadata"]["name"]), "")
    cluster = Cluster(
        path=model_path,
        document=document,
        name=name,
        kubernetes_version=version_text if version_text.startswith("v") else "v" + version_text,
        version=version,
        kubeadm_api_version=api,
        control_plane_endpoint=endpoint,
        image_repository=builder.part(IMAGE_REPOSITORY, ("spec", "imageRepository"), lambda: _optional_text(spec.get("imageRepository")), None),
        cri_socket=builder.part(CRI_SOCKET, ("spec", "criSocket"), lambda: _optional_text(spec.get("criSocket")), None),
        cloud_provider=builder.part(CLOUD_PROVIDER, ("spec", "cloudProvider"), lambda: _text(spec.get("cloudProvider", "none")), "none"),
        networking=networking,
        calico=calico,
        load_balancer=load_balancer,
        hosts=hosts,
        nodes=nodes,
        kubelet=builder.part(KUBELET, ("spec", "kubelet"), lambda: _kubelet(builder.reader, spec), None),
        kube_proxy=builder.part(KUBE_PROXY, ("spec", "kubeProxy"), lambda: _kube_proxy(builder.reader, spec), None),
        components=builder.part(COMPONENT_ARGS, ("spec",), lambda: _components(builder, spec), Components()),
    )
    if builder.problems or schema_issues or builder.broken:
        builder.broken.add(COMPLETE)
    return ClusterModel(cluster, frozenset(builder.broken), tuple(builder.problems))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _version(builder: _Builder, spec: dict[str, Any]) -> tuple[str, tuple[int, int, int]]:
    version_text = _text(spec["kubernetesVersion"])
    version = parse_kubernetes_version(version_text)
    if version[:2] < MINIMUM_KUBERNETES:
        raise builder.reader.error(
            ("spec", "kubernetesVersion"),
            f"{version_text} is older than 1.22: kconf writes kubeadm v1beta3/v1beta4 configs, "
            "which need kubeadm 1.22 or later (upgrade the cluster plan, or write kubeadm v1beta2 by hand)",
        )
    return version_text, version


def _endpoint(reader: _Reader, spec: dict[str, Any]) -> str | None:
    endpoint = _optional_text(spec.get("controlPlaneEndpoint"))
    if endpoint is not None:
        try:
            split_host_port(endpoint)
        except AddressError as exc:
            raise reader.error(("spec", "controlPlaneEndpoint"), str(exc)) from None
    return endpoint


def _hosts(builder: _Builder, spec: dict[str, Any]) -> tuple[tuple[str, Address], ...]:
    raw: dict[str, Any] = builder.part(HOSTS, ("spec", "hosts"), lambda: dict(spec.get("hosts", {})), {})
    found: list[tuple[str, Address]] = []
    for name, value in raw.items():
        field = ("spec", "hosts", name)
        none: tuple[Address, ...] = ()
        addresses = builder.part(HOSTS, field, lambda: builder.reader.addresses(field, value), none)
        found.extend((name, address) for address in addresses)  # dual stack: one entry per family
    return tuple(found)


def _kubeadm_api(reader: _Reader, spec: dict[str, Any], version: tuple[int, int, int]) -> str:
    api: str | None = _optional_text(spec.get("kubeadmAPIVersion"))
    field = ("spec", "kubeadmAPIVersion")
    shown = ".".join(str(v) for v in version[:2])
    if api == "v1beta4" and version[:2] < V1BETA4_FROM:
        raise reader.error(field, f"kubeadm v1beta4 needs Kubernetes 1.31 or later (kubernetesVersion is {shown}); use v1beta3")
    if api == "v1beta3" and version[:2] >= V1BETA3_REMOVED:
        raise reader.error(field, f"kubeadm v1beta3 was removed in Kubernetes 1.37 (kubernetesVersion is {shown}); use v1beta4")
    return api or kubeadm_api_for(version)


def _labels(reader: _Reader, field: FieldPath, raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    labels = tuple(sorted(dict(raw.get("labels", {})).items()))
    for key, _ in labels:
        if key.startswith("node-role.kubernetes.io/"):
            raise reader.error(
                field + ("labels", key),
                f"the kubelet may not set {key!r} on its own node (NodeRestriction); label it with kubectl after the join",
                key=True,
            )
    return labels


def _interfaces(builder: _Builder, field: FieldPath, raw: dict[str, Any]) -> tuple[NodeInterface, ...]:
    found: list[NodeInterface] = []
    items: list[Any] = builder.part(NODE_INTERFACES, field + ("interfaces",), lambda: list(raw.get("interfaces", [])), [])
    for n, item in enumerate(items):
        at = field + ("interfaces", n, "address")
        address = builder.part(NODE_INTERFACES, field + ("interfaces", n), lambda: builder.reader.interface(at, item["address"]), None)
        if address is not None:
            mtu = int(item["mtu"]) if "mtu" in item else None
            found.append(NodeInterface(_text(item["name"]), address, bool(item.get("nat", False)), mtu))
    return tuple(found)


def _node(builder: _Builder, index: int, raw: Any) -> Node:
    field: FieldPath = ("spec", "nodes", index)
    if not isinstance(raw, dict):
        builder.broken.update(NODE_PARTS)
        raw = {}
    reader = builder.reader
    taints = builder.part(NODE_TAINTS, field + ("taints",), lambda: raw.get("taints"), None)
    placeholder: tuple[Interface, ...] = (_PLACEHOLDER_INTERFACE,)
    addresses = builder.part(NODE_ADDRESSES, field + ("address",), lambda: reader.interfaces(field + ("address",), raw["address"]), placeholder)
    return Node(
        index=index,
        name=builder.part(NODE_NAMES, field + ("name",), lambda: _text(raw["name"]), f"spec.nodes[{index}]"),
        role=builder.part(NODE_ROLES, field + ("role",), lambda: _text(raw["role"]), "worker"),
        address=addresses[0],
        bind_port=builder.part(NODE_PORTS, field + ("bindPort",), lambda: int(raw.get("bindPort", DEFAULT_BIND_PORT)), DEFAULT_BIND_PORT),
        interfaces=_interfaces(builder, field, raw),
        cri_socket=builder.part(NODE_CRI_SOCKETS, field + ("criSocket",), lambda: _optional_text(raw.get("criSocket")), None),
        labels=builder.part(NODE_LABELS, field + ("labels",), lambda: _labels(reader, field, raw), ()),
        taints=builder.part(NODE_TAINTS, field + ("taints",), lambda: None if taints is None else tuple(dict(t) for t in taints), None),
        second_address=addresses[1] if len(addresses) > 1 else None,
    )


def _nodes(builder: _Builder, spec: dict[str, Any]) -> tuple[Node, ...]:
    raw_nodes = builder.part(NODE_ROLES, ("spec", "nodes"), lambda: list(spec["nodes"]), None)
    if raw_nodes is None:
        builder.broken.update(NODE_PARTS)
        return ()
    nodes = tuple(_node(builder, index, raw) for index, raw in enumerate(raw_nodes))
    seen: dict[str, int] = {}
    for node in nodes:
        if NODE_NAMES in builder.broken and node.name.startswith("spec.nodes["):
            continue
        if node.name in seen:
            builder.problem(builder.reader.error(
                ("spec", "nodes", node.index, "name"), f"duplicate node name {node.name!r} (also spec.nodes[{seen[node.name]}])"
            ))
        else:
            seen[node.name] = node.index
    if NODE_ROLES not in builder.broken and not any(n.is_control_plane for n in nodes):
        builder.problem(
            builder.reader.error(("spec", "nodes"), "no node has role control-plane: one of them runs kubeadm init"), NODE_ROLES
        )
    first = next((n for n in nodes if n.is_control_plane), None)
    for node in nodes:
        if node is not first and not node.name.startswith("spec.nodes["):
            # the first control plane runs kubeadm init: no file of its own
            problem = _file_name_problem(builder.reader, node)
            if problem is not None:
                builder.problem(problem, NODE_NAMES)
    return nodes


# The longest file name Linux file systems take (NAME_MAX: ext4, xfs, btrfs,
# tmpfs, overlayfs), in bytes; render names a file after every joining node.
NAME_MAX = 255
NODE_FILE_PATTERNS = ("kubeadm-join-{}.yaml", "join-{}.sh")
LONGEST_NODE_NAME = NAME_MAX - max(len(p.format("")) for p in NODE_FILE_PATTERNS)


def _file_name_problem(reader: _Reader, node: Node) -> KconfError | None:
    """A valid Kubernetes node name (up to 253 characters) may still make a
    file name longer than file systems allow."""
    for pattern in NODE_FILE_PATTERNS:
        size = len(pattern.format(node.name).encode())
        if size > NAME_MAX:
            return reader.error(
                ("spec", "nodes", node.index, "name"),
                f"a node name of {len(node.name)} characters makes its file {pattern.format('<name>')} {size} bytes long, "
                f"and file systems allow {NAME_MAX}: kconf renders joining nodes' names up to {LONGEST_NODE_NAME} characters",
            )
    return None


def _load_balancer(reader: _Reader, spec: dict[str, Any], nodes: tuple[Node, ...]) -> LoadBalancer | None:
    raw = spec.get("loadBalancer")
    if raw is None:
        return None
    field: FieldPath = ("spec", "loadBalancer")
    mode = _text(raw.get("mode", HAPROXY))
    hosts = tuple(_lb_host(reader, i, h, nodes) for i, h in enumerate(raw.get("hosts") or ()))
    if mode == KEEPALIVED and len(hosts) < 2:
        raise reader.error(field + ("mode",), "mode keepalived needs loadBalancer.hosts: 2 or more LB hosts (name, address/prefix, interface)")
    if mode != KEEPALIVED and hosts:
        raise reader.error(field + ("hosts",), f"loadBalancer.hosts is for mode keepalived, not {mode}", key=True)
    if mode == KUBE_VIP and not raw.get("interface"):
        raise reader.error(field + ("mode",), "mode kube-vip needs loadBalancer.interface: the NIC that carries the VIP on every control plane")
    if mode != KUBE_VIP and "interface" in raw:
        raise reader.error(field + ("interface",), f"loadBalancer.interface is for mode kube-vip (keepalived: hosts[].interface), not {mode}", key=True)
    if mode != KEEPALIVED and "virtualRouterID" in raw:
        raise reader.error(field + ("virtualRouterID",), f"loadBalancer.virtualRouterID is for mode keepalived, not {mode}", key=True)
    names = [h.name for h in hosts]
    for host in hosts:
        if names.count(host.name) > 1:
            raise reader.error(field + ("hosts", host.index, "name"), f"LB host {host.name} is listed twice")
    addresses = reader.addresses(field + ("address",), raw["address"])
    if len(addresses) > 1 and mode != HAPROXY:
        raise reader.error(
            field + ("address",),
            f"a dual-stack loadBalancer.address is for mode haproxy (one HAProxy host with an address of each "
            f"family); the VIP of mode {mode} is one address: write the primary family's",
        )
    return LoadBalancer(
        hostname=_optional_text(raw.get("hostname")),
        address=addresses[0],
        port=int(raw.get("port", DEFAULT_BIND_PORT)),
        health_check=_text(raw.get("healthCheck", "readyz")),
        mode=mode,
        hosts=hosts,
        interface=_optional_text(raw.get("interface")),
        virtual_router_id=int(raw.get("virtualRouterID", DEFAULT_VIRTUAL_ROUTER_ID)),
        second_address=addresses[1] if len(addresses) > 1 else None,
    )


def _lb_host(reader: _Reader, index: int, raw: dict[str, Any], nodes: tuple[Node, ...]) -> LoadBalancerHost:
    field: FieldPath = ("spec", "loadBalancer", "hosts", index)
    host = LoadBalancerHost(
        index=index,
        name=_text(raw["name"]),
        address=reader.interface(field + ("address",), raw["address"]),
        interface=_text(raw["interface"]),
    )
    for node in nodes:
        # a node's name here: the LB runs on that node, at its address
        if node.name == host.name and node.address != host.address:
            raise reader.error(
                field + ("address",),
                f"LB host {host.name} is the node of that name, whose address is {node.address}, not {host.address}",
            )
    return host


def _networking(builder: _Builder, raw: Any) -> Networking:
    field: FieldPath = ("spec", "networking")
    reader = builder.reader
    if not isinstance(raw, dict):
        raw = {}
    no_networks: tuple[Network, ...] = ()
    pods = builder.part(POD_SUBNET, field + ("podSubnet",), lambda: reader.networks(field + ("podSubnet",), raw["podSubnet"]), no_networks)
    services = builder.part(
        SERVICE_SUBNET, field + ("serviceSubnet",),
        lambda: reader.networks(field + ("serviceSubnet",), raw.get("serviceSubnet", DEFAULT_SERVICE_SUBNET)), no_networks,
    )
    family = pods[0].version if pods else 4
    mask = builder.part(POD_SUBNET, field + ("nodeCIDRMaskSize",), lambda: int(raw.get("nodeCIDRMaskSize", DEFAULT_NODE_MASK[family])), DEFAULT_NODE_MASK[family])
    return Networking(
        pod_subnet=",".join(str(n) for n in pods),
        pod_subnets=pods,
        service_subnet=",".join(str(n) for n in services),
        service_subnets=services,
        dns_domain=builder.part(DNS_DOMAIN, field + ("dnsDomain",), lambda: _text(raw.get("dnsDomain", DEFAULT_DNS_DOMAIN)), DEFAULT_DNS_DOMAIN),
        node_cidr_mask_size=mask,
    )


def _calico_mode(reader: _Reader, raw: dict[str, Any], path: Path) -> tuple[str, Path | None]:
    mode = _text(raw.get("mode", "operator"))
    if mode != "manifest":
        return mode, None
    if "manifest" not in raw:
        raise reader.error(("spec", "calico", "mode"), "mode manifest needs spec.calico.manifest: the path of the upstream calico.yaml")
    return mode, path.parent / _text(raw["manifest"])


def _autodetection(
    builder: _Builder, raw: dict[str, Any], nodes: tuple[Node, ...], load_balancer: LoadBalancer | None,
    families: tuple[int, ...],
) -> AutodetectMethod | None:
    method_text = raw.get("ipAutodetection")
    if method_text is None:
        if NODE_ADDRESSES in builder.broken or LOAD_BALANCER in builder.broken:  # the default follows the nodes' networks
            return None
        if vip_holders(load_balancer, nodes):
            # cidr=<the nodes' network> holds the VIP too, and Calico would
            # take it as the node's address wherever the VIP is at the time
            return parse_method("kubernetes-internal-ip")
        networks = dict.fromkeys(a.network for n in nodes for a in n.addresses if a.version in families)
        method_text = "cidr=" + ",".join(str(n) for n in sorted(networks, key=lambda n: n.version)) if networks else "first-found"
    try:
        return parse_method(method_text)
    except MethodError as exc:
        raise builder.reader.error(("spec", "calico", "ipAutodetection"), str(exc)) from None


def _calico(
    builder: _Builder, raw: Any, nodes: tuple[Node, ...], load_balancer: LoadBalancer | None, path: Path, networking: Networking
) -> Calico:
    field: FieldPath = ("spec", "calico")
    # the default cidr= takes the nodes' networks of the pod subnets' families
    families = tuple(n.version for n in networking.pod_subnets) or (4,)
    if not isinstance(raw, dict):
        raw = {}
    operator: tuple[str, Path | None] = ("operator", None)
    mode, manifest = builder.part(CALICO, field + ("mode",), lambda: _calico_mode(builder.reader, raw, path), operator)
    method: AutodetectMethod | None = builder.part(
        CALICO_AUTODETECTION, field + ("ipAutodetection",), lambda: _autodetection(builder, raw, nodes, load_balancer, families), None
    )
    if method is None:
        builder.broken.add(CALICO_AUTODETECTION)
        method = parse_method("first-found")
    return Calico(
        mode=mode,
        manifest=manifest,
        ip_autodetection=method,
        autodetection_defaulted="ipAutodetection" not in raw,
        encapsulation=builder.part(CALICO, field + ("encapsulation",), lambda: _text(raw.get("encapsulation", "IPIP")), "IPIP"),
        block_size=builder.part(CALICO, field + ("blockSize",), lambda: int(raw.get("blockSize", 26)), 26),
        mtu=builder.part(CALICO, field + ("mtu",), lambda: int(raw["mtu"]) if "mtu" in raw else None, None),
        version=builder.part(CALICO, field + ("version",), lambda: _optional_text(raw.get("version")), None),
    )


def _plain(value: Any) -> Any:
    """A copy of YAML data, mappings with their keys sorted (as kubeadm
    prints component configs)."""
    if isinstance(value, dict):
        return {key: _plain(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _kubelet(reader: _Reader, spec: dict[str, Any]) -> dict[str, Any] | None:
    raw = spec.get("kubelet")
    if raw is None:
        return None
    fields: dict[str, Any] = _plain(dict(raw))
    high, low = fields.get("imageGCHighThresholdPercent"), fields.get("imageGCLowThresholdPercent")
    if isinstance(high, int) and isinstance(low, int) and low >= high:
        raise reader.error(
            ("spec", "kubelet", "imageGCLowThresholdPercent"),
            f"{low} must be below imageGCHighThresholdPercent {high}: the kubelet refuses to start otherwise",
        )
    return fields


def _kube_proxy(reader: _Reader, spec: dict[str, Any]) -> dict[str, Any] | None:
    raw = spec.get("kubeProxy")
    if raw is None:
        return None
    fields: dict[str, Any] = _plain(dict(raw))
    mode = fields.get("mode", "iptables")
    if "ipvs" in fields and mode != "ipvs":
        raise reader.error(
            ("spec", "kubeProxy", "ipvs"),
            f"is for mode ipvs; kube-proxy in mode {mode} ignores it (set mode: ipvs, or remove ipvs)",
            key=True,
        )
    return fields


def _components(builder: _Builder, spec: dict[str, Any]) -> Components:
    extra_args: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for component in COMPONENTS:
        nothing: dict[str, Any] = {}
        raw = builder.part(COMPONENT_ARGS, ("spec", component), lambda: dict(spec.get(component) or {}), nothing)
        flags = builder.part(COMPONENT_ARGS, ("spec", component, "extraArgs"), lambda: dict(raw.get("extraArgs") or {}), nothing)
        if flags:
            extra_args.append((component, tuple((_text(name), _text(value)) for name, value in flags.items())))
    api_server = spec.get("apiServer")
    no_sans: tuple[str, ...] = ()
    sans = builder.part(
        COMPONENT_ARGS, ("spec", "apiServer", "certSANs"),
        lambda: tuple(_text(name) for name in (api_server or {}).get("certSANs") or ()), no_sans,
    )
    return Components(tuple(extra_args), sans)
