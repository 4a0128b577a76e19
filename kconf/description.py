"""The cluster description (``kind: Cluster``): loading, checking, and the model.

``load_cluster`` reads the file, validates it against schemas/cluster.schema.json,
then checks what a schema cannot say (CIDRs with host bits, addresses without
a prefix length, the Kubernetes version, duplicate node names, ...). Every error
names the file, the line and the field path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kconf.addresses import (
    Address,
    AddressError,
    Interface,
    Network,
    parse_address,
    parse_interface,
    parse_networks,
    split_host_port,
)
from kconf.calico.autodetect import AutodetectMethod, MethodError
from kconf.calico.autodetect import parse as parse_method
from kconf.errors import KconfError
from kconf.yamlio import Document, Path as FieldPath

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

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$")


def parse_kubernetes_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes version like v1.31.2")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def kubeadm_api_for(version: tuple[int, int, int]) -> str:
    return "v1beta4" if version[:2] >= V1BETA4_FROM else "v1beta3"


@dataclass(frozen=True)
class NodeInterface:
    name: str
    address: Interface
    nat: bool


@dataclass(frozen=True)
class Node:
    index: int
    name: str
    role: str
    address: Interface
    bind_port: int
    interfaces: tuple[NodeInterface, ...]
    cri_socket: str | None
    labels: tuple[tuple[str, str], ...]
    taints: tuple[dict[str, str], ...] | None

    @property
    def is_control_plane(self) -> bool:
        return self.role == "control-plane"

    @property
    def ip(self) -> Address:
        return self.address.ip


@dataclass(frozen=True)
class LoadBalancer:
    hostname: str | None
    address: Address
    port: int
    health_check: str


@dataclass(frozen=True)
class Calico:
    mode: str
    manifest: Path | None
    ip_autodetection: AutodetectMethod
    encapsulation: str
    block_size: int


@dataclass(frozen=True)
class Networking:
    pod_subnet: str
    pod_subnets: tuple[Network, ...]
    service_subnet: str
    service_subnets: tuple[Network, ...]
    dns_domain: str
    node_cidr_mask_size: int


@dataclass(frozen=True)
class Cluster:
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

    @property
    def control_plane_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_control_plane)

    @property
    def first_control_plane(self) -> Node:
        return self.control_plane_nodes[0]

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

    def node_networks(self) -> tuple[Network, ...]:
        """The nodes' cluster-facing networks, in node order, without repeats."""
        seen: dict[Network, None] = {}
        for node in self.nodes:
            seen.setdefault(node.address.network)
        return tuple(seen)


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

    def networks(self, field: FieldPath, value: Any) -> tuple[Network, ...]:
        try:
            networks = parse_networks(value)
        except AddressError as exc:
            raise self.error(field, str(exc)) from None
        families = [n.version for n in networks]
        if len(networks) > 2 or len(set(families)) != len(families):
            raise self.error(field, "at most two CIDRs, one IPv4 and one IPv6 (dual stack)")
        return tuple(networks)


def load_document(path: str) -> tuple[Document, str]:
    from kconf.fsio import read_text
    from kconf.yamlio import load_one

    return load_one(read_text(path), path), path


def check_schema(document: Document, path: str) -> None:
    from kconf.schemacheck import check

    data = document.data
    if not isinstance(data, dict):
        raise KconfError("a cluster description is a YAML mapping (apiVersion, kind, metadata, spec)", path, document.start.line)
    issues = check("cluster.schema.json", data)
    if issues:
        first = issues[0]
        more = f" (and {len(issues) - 1} more problem{'s' if len(issues) > 2 else ''})" if len(issues) > 1 else ""
        key = first.message.startswith("unknown field")
        raise KconfError(first.message + more, path, document.line(first.path, key=key), first.path)


def load_cluster(path: str) -> Cluster:
    """Read, validate and model a cluster description. Raises KconfError."""
    document, display = load_document(path)
    data = document.data
    if isinstance(data, dict) and data.get("apiVersion") == API_VERSION and data.get("kind") == "Cluster":
        pass
    elif isinstance(data, dict) and "kind" in data and data.get("kind") != "Cluster":
        raise KconfError(
            f"not a cluster description: kind is {data.get('kind')!r} (expected apiVersion {API_VERSION}, kind Cluster)",
            display, document.line(("kind",)), ("kind",),
        )
    check_schema(document, display)
    return build_cluster(document, display)


def _control_characters(data: Any, path: FieldPath = ()) -> tuple[FieldPath, str, bool] | None:
    """(field path, text, whether it is a key) of the first key or string
    value holding a line break, tab or other control character."""
    if isinstance(data, str):
        return None if data.isprintable() else (path, data, False)
    if isinstance(data, dict):
        for key, value in data.items():
            if not str(key).isprintable():
                return path + (key,), str(key), True
            found = _control_characters(value, path + (key,))
            if found is not None:
                return found
    if isinstance(data, list):
        for index, item in enumerate(data):
            found = _control_characters(item, path + (index,))
            if found is not None:
                return found
    return None


def check_text(reader: _Reader, data: Any) -> None:
    """No field of a description is multi-line text. JSON Schema patterns
    end in ``$``, which Python's ``re`` also matches before a final line
    break, so ``"cka-cp-1\n"`` passes the schema; a line break in a name
    would start a new line in haproxy.cfg, hosts and the join scripts."""
    found = _control_characters(data)
    if found is not None:
        path, text, key = found
        raise reader.error(path, f"{text!r} holds a line break, tab or other control character", key=key)


def build_cluster(document: Document, display: str) -> Cluster:
    """The model of a schema-valid description (semantic checks here)."""
    reader = _Reader(display, document)
    check_text(reader, document.data)
    spec: dict[str, Any] = document.data["spec"]
    version_text: str = spec["kubernetesVersion"]
    version = parse_kubernetes_version(version_text)
    if version[:2] < MINIMUM_KUBERNETES:
        raise reader.error(
            ("spec", "kubernetesVersion"),
            f"{version_text} is older than 1.22: kconf writes kubeadm v1beta3/v1beta4 configs, "
            "which need kubeadm 1.22 or later (upgrade the cluster plan, or write kubeadm v1beta2 by hand)",
        )
    api = _kubeadm_api(reader, spec, version)
    nodes = _nodes(reader, spec)
    load_balancer = _load_balancer(reader, spec)
    if sum(n.is_control_plane for n in nodes) > 1 and load_balancer is None:
        raise reader.error(
            ("spec", "nodes"),
            "more than one control-plane node needs spec.loadBalancer (and a controlPlaneEndpoint pointing at it)",
        )
    endpoint = spec.get("controlPlaneEndpoint")
    if endpoint is not None:
        try:
            split_host_port(endpoint)
        except AddressError as exc:
            raise reader.error(("spec", "controlPlaneEndpoint"), str(exc)) from None
    networking = _networking(reader, spec.get("networking", {}))
    hosts = tuple(
        (name, reader.address(("spec", "hosts", name), value)) for name, value in spec.get("hosts", {}).items()
    )
    model_path = Path(display)
    calico = _calico(reader, spec.get("calico", {}), nodes, model_path)
    return Cluster(
        path=model_path,
        document=document,
        name=document.data["metadata"]["name"],
        kubernetes_version=version_text if version_text.startswith("v") else "v" + version_text,
        version=version,
        kubeadm_api_version=api,
        control_plane_endpoint=endpoint,
        image_repository=spec.get("imageRepository"),
        cri_socket=spec.get("criSocket"),
        cloud_provider=spec.get("cloudProvider", "none"),
        networking=networking,
        calico=calico,
        load_balancer=load_balancer,
        hosts=hosts,
        nodes=nodes,
    )


def _kubeadm_api(reader: _Reader, spec: dict[str, Any], version: tuple[int, int, int]) -> str:
    api: str | None = spec.get("kubeadmAPIVersion")
    field = ("spec", "kubeadmAPIVersion")
    shown = ".".join(str(v) for v in version[:2])
    if api == "v1beta4" and version[:2] < V1BETA4_FROM:
        raise reader.error(field, f"kubeadm v1beta4 needs Kubernetes 1.31 or later (kubernetesVersion is {shown}); use v1beta3")
    if api == "v1beta3" and version[:2] >= V1BETA3_REMOVED:
        raise reader.error(field, f"kubeadm v1beta3 was removed in Kubernetes 1.37 (kubernetesVersion is {shown}); use v1beta4")
    return api or kubeadm_api_for(version)


def _nodes(reader: _Reader, spec: dict[str, Any]) -> tuple[Node, ...]:
    nodes: list[Node] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(spec["nodes"]):
        field: FieldPath = ("spec", "nodes", index)
        name = raw["name"]
        if name in seen:
            raise reader.error(field + ("name",), f"duplicate node name {name!r} (also spec.nodes[{seen[name]}])")
        seen[name] = index
        interfaces = tuple(
            NodeInterface(i["name"], reader.interface(field + ("interfaces", n, "address"), i["address"]), bool(i.get("nat", False)))
            for n, i in enumerate(raw.get("interfaces", []))
        )
        labels = tuple(sorted(raw.get("labels", {}).items()))
        for key, _ in labels:
            if key.startswith("node-role.kubernetes.io/"):
                raise reader.error(
                    field + ("labels", key),
                    f"the kubelet may not set {key!r} on its own node (NodeRestriction); label it with kubectl after the join",
                    key=True,
                )
        taints = raw.get("taints")
        nodes.append(
            Node(
                index=index,
                name=name,
                role=raw["role"],
                address=reader.interface(field + ("address",), raw["address"]),
                bind_port=raw.get("bindPort", DEFAULT_BIND_PORT),
                interfaces=interfaces,
                cri_socket=raw.get("criSocket"),
                labels=labels,
                taints=None if taints is None else tuple(dict(t) for t in taints),
            )
        )
    if not any(n.is_control_plane for n in nodes):
        raise reader.error(("spec", "nodes"), "no node has role control-plane: one of them runs kubeadm init")
    first = next(n for n in nodes if n.is_control_plane)
    for node in nodes:
        if node is not first:  # the first control plane runs kubeadm init: no file of its own
            _check_file_names(reader, node)
    return tuple(nodes)


# The longest file name Linux file systems take (NAME_MAX: ext4, xfs, btrfs,
# tmpfs, overlayfs), in bytes; render names a file after every joining node.
NAME_MAX = 255
NODE_FILE_PATTERNS = ("kubeadm-join-{}.yaml", "join-{}.sh")
LONGEST_NODE_NAME = NAME_MAX - max(len(p.format("")) for p in NODE_FILE_PATTERNS)


def _check_file_names(reader: _Reader, node: Node) -> None:
    """A valid Kubernetes node name (up to 253 characters) may still make a
    file name longer than file systems allow."""
    for pattern in NODE_FILE_PATTERNS:
        size = len(pattern.format(node.name).encode())
        if size > NAME_MAX:
            raise reader.error(
                ("spec", "nodes", node.index, "name"),
                f"a node name of {len(node.name)} characters makes its file {pattern.format('<name>')} {size} bytes long, "
                f"and file systems allow {NAME_MAX}: kconf renders joining nodes' names up to {LONGEST_NODE_NAME} characters",
            )


def _load_balancer(reader: _Reader, spec: dict[str, Any]) -> LoadBalancer | None:
    raw = spec.get("loadBalancer")
    if raw is None:
        return None
    return LoadBalancer(
        hostname=raw.get("hostname"),
        address=reader.address(("spec", "loadBalancer", "address"), raw["address"]),
        port=raw.get("port", DEFAULT_BIND_PORT),
        health_check=raw.get("healthCheck", "readyz"),
    )


def _networking(reader: _Reader, raw: dict[str, Any]) -> Networking:
    field: FieldPath = ("spec", "networking")
    pod_text = raw["podSubnet"]
    service_text = raw.get("serviceSubnet", DEFAULT_SERVICE_SUBNET)
    pods = reader.networks(field + ("podSubnet",), pod_text)
    services = reader.networks(field + ("serviceSubnet",), service_text)
    mask = raw.get("nodeCIDRMaskSize", DEFAULT_NODE_MASK[pods[0].version])
    return Networking(
        pod_subnet=",".join(str(n) for n in pods),
        pod_subnets=pods,
        service_subnet=",".join(str(n) for n in services),
        service_subnets=services,
        dns_domain=raw.get("dnsDomain", DEFAULT_DNS_DOMAIN),
        node_cidr_mask_size=mask,
    )


def _calico(reader: _Reader, raw: dict[str, Any], nodes: tuple[Node, ...], path: Path) -> Calico:
    field: FieldPath = ("spec", "calico")
    mode = raw.get("mode", "operator")
    manifest: Path | None = None
    if mode == "manifest":
        if "manifest" not in raw:
            raise reader.error(field + ("mode",), "mode manifest needs spec.calico.manifest: the path of the upstream calico.yaml")
        manifest = path.parent / raw["manifest"]
    method_text = raw.get("ipAutodetection")
    if method_text is None:
        networks = dict.fromkeys(n.address.network for n in nodes if n.address.version == 4)
        method_text = "cidr=" + ",".join(str(n) for n in networks) if networks else "first-found"
    try:
        method = parse_method(method_text)
    except MethodError as exc:
        raise reader.error(field + ("ipAutodetection",), str(exc)) from None
    return Calico(
        mode=mode,
        manifest=manifest,
        ip_autodetection=method,
        encapsulation=raw.get("encapsulation", "IPIP"),
        block_size=raw.get("blockSize", 26),
    )
