"""Hypothesis strategies for VALID kconf inputs, each with what kconf must make of it.

The property tests in test_properties.py mutate inputs to look for crashes;
these strategies build inputs a user may rightly expect to work, and write
down, from the inputs alone (never through kconf's code), what the outcome
must be: the files render writes and their key values, the lines calico patch
changes, the documents from-configmap emits.
"""

from __future__ import annotations

import re
import ipaddress
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import CALICO_CORPUS
from hypothesis import assume
from hypothesis import strategies as st

Network = ipaddress.IPv4Network

# RFC 1918 and RFC 6598 (shared address space): what kconf calls private.
PRIVATE_SPACES = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")]
# The VirtualBox NAT network: nodes may have an interface on it, so no subnet of ours may cover it.
NAT_NETWORK = ipaddress.ip_network("10.0.2.0/24")
DEFAULT_SERVICE_SUBNET = ipaddress.ip_network("10.96.0.0/12")


def corpus_manifests() -> list[Path]:
    return sorted(CALICO_CORPUS.glob("v*/calico*.yaml"))


def calico_minor(path: Path) -> tuple[int, int]:
    """From the corpus folder name, e.g. v3.28.5 -> (3, 28)."""
    major, minor, _ = path.parent.name.lstrip("v").split(".")
    return int(major), int(minor)


def private_subnet(draw: Any, prefixes: tuple[int, int], avoid: list[Network]) -> Network:
    """A private IPv4 network (no host bits) with a prefix length in ``prefixes``
    that overlaps none of ``avoid``."""
    for _ in range(20):
        prefix = draw(st.integers(*prefixes))
        space = draw(st.sampled_from([s for s in PRIVATE_SPACES if s.prefixlen <= prefix]))
        index = draw(st.integers(0, 2 ** (prefix - space.prefixlen) - 1))
        network = ipaddress.ip_network((int(space.network_address) + index * 2 ** (32 - prefix), prefix))
        assert isinstance(network, ipaddress.IPv4Network)
        if not any(network.overlaps(other) for other in avoid):
            return network
    assume(False)
    raise AssertionError("unreachable")


# --- calico patch ---------------------------------------------------------------------------------

INTERFACE_REGEXES = ["eth.*", "enp0s8", "ens[0-9]+", "^bond0$", "eth0|eth1", "enp.*s8", r"eth\d+", "wg0"]


@st.composite
def autodetect_methods(draw: Any, networks: list[Network] | None = None, calico: tuple[int, int] = (3, 32)) -> str:
    """An IP_AUTODETECTION_METHOD Calico accepts, in its normal form."""
    kinds = ["first-found", "can-reach", "interface", "skip-interface", "cidr"]
    if calico >= (3, 22):
        kinds.append("kubernetes-internal-ip")
    kind = draw(st.sampled_from(kinds))
    if kind in ("first-found", "kubernetes-internal-ip"):
        return kind
    if kind == "can-reach":
        target = draw(st.sampled_from(["8.8.8.8", "1.1.1.1", "192.168.51.1", "example.com", "k8s-api.internal", "10.0.0.1"]))
        return f"can-reach={target}"
    if kind in ("interface", "skip-interface"):
        regexes = draw(st.lists(st.sampled_from(INTERFACE_REGEXES), min_size=1, max_size=2, unique=True))
        return f"{kind}={','.join(regexes)}"
    cidrs = networks or [private_subnet(draw, (8, 28), []) for _ in range(draw(st.integers(1, 3)))]
    return "cidr=" + ",".join(str(n) for n in cidrs)


def yaml_double_quoted(value: str) -> str:
    """How the corpus quotes env values (all double-quoted): only \\ and " need escapes here."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Pool:
    """The pool settings of a patch (None: not given), as calico patch's options."""

    encapsulation: str | None = None
    block_size: int | None = None
    mtu: int | None = None
    ipv6_pod_cidr: str | None = None
    ipv6_method: str | None = None

    def args(self) -> list[str]:
        options = [("--encapsulation", self.encapsulation), ("--block-size", self.block_size), ("--mtu", self.mtu),
                   ("--ipv6-pod-cidr", self.ipv6_pod_cidr), ("--ipv6-autodetect", self.ipv6_method)]  # fmt: skip
        return [part for option, value in options if value is not None for part in (option, str(value))]


# (CALICO_IPV4POOL_IPIP, CALICO_IPV4POOL_VXLAN, CALICO_IPV6POOL_VXLAN) Calico must get for
# each encapsulation: IPIP and VXLAN never both on; IPIP carries IPv4 only, so the IPv6
# pool gets VXLAN or nothing.
POOL_MODES = {
    "IPIP": ("Always", "Never", "Never"),
    "IPIPCrossSubnet": ("CrossSubnet", "Never", "Never"),
    "VXLAN": ("Never", "Always", "Always"),
    "VXLANCrossSubnet": ("Never", "CrossSubnet", "CrossSubnet"),
    "None": ("Never", "Never", "Never"),
}


def expected_patch_diff(manifest: str, pod_cidr: str, method: str | None, pool: Pool = Pool()) -> tuple[list[str], list[str]]:
    """(removed lines, added lines), in file order, that the Calico edit must
    make in an upstream manifest, from the corpus layout (FACTS.md 2.1-2.3):
    the commented-out CALICO_IPV4POOL_CIDR item is uncommented with the new
    value, followed by CALICO_IPV4POOL_BLOCK_SIZE (unless 26, Calico's own
    default) and CALICO_IPV6POOL_CIDR; IP_AUTODETECTION_METHOD, IP6 and
    IP6_AUTODETECTION_METHOD are added right after the IP item, in the same
    indentation and quoting; the encapsulation items and FELIX_IPV6SUPPORT
    have their value lines replaced where they differ (a missing
    CALICO_IPV6POOL_VXLAN is Never already); veth_mtu and the CNI config's
    calico-ipam block of the calico-config ConfigMap get the MTU and
    "assign_ipv6". An item already set has only its value line replaced."""
    lines = manifest.split("\n")
    pad = " " * 12
    edits: list[tuple[int, list[str], list[str]]] = []  # (line index, removed, added)

    def item(name: str, value: str) -> list[str]:
        return [f"{pad}- name: {name}", f"{pad}  value: {yaml_double_quoted(value)}"]

    def set_value(name: str, value: str, otherwise: tuple[int, list[str]] | None) -> None:
        new = f"{pad}  value: {yaml_double_quoted(value)}"
        if f"{pad}- name: {name}" in lines:
            at = lines.index(f"{pad}- name: {name}") + 1
            if lines[at] != new:
                edits.append((at, [lines[at]], [new]))
        elif otherwise is not None:
            edits.append((otherwise[0], otherwise[1], item(name, value)))

    v6 = pool.ipv6_pod_cidr is not None
    if pool.mtu is not None:
        at = lines.index('  veth_mtu: "0"')
        edits.append((at, [lines[at]], [f'  veth_mtu: "{pool.mtu}"']))
    if v6:
        at = lines.index('              "type": "calico-ipam"')
        edits.append((at, [lines[at]], [lines[at] + ",", '              "assign_ipv6": "true"']))
    after_ip = (lines.index(f"{pad}- name: IP") + 2, [])
    if method is not None:
        set_value("IP_AUTODETECTION_METHOD", method, after_ip)
    if v6:
        set_value("IP6", "autodetect", after_ip)
        if pool.ipv6_method is not None:
            set_value("IP6_AUTODETECTION_METHOD", pool.ipv6_method, after_ip)
    if pool.encapsulation is not None:
        ipip, vxlan, ipv6_vxlan = POOL_MODES[pool.encapsulation]
        set_value("CALICO_IPV4POOL_IPIP", ipip, None)
        set_value("CALICO_IPV4POOL_VXLAN", vxlan, None)
        if v6:
            assert ipv6_vxlan == "Never" or f"{pad}- name: CALICO_IPV6POOL_VXLAN" in lines, "IPv6 VXLAN needs Calico v3.23"
            set_value("CALICO_IPV6POOL_VXLAN", ipv6_vxlan, None)
    commented = f"{pad}# - name: CALICO_IPV4POOL_CIDR"
    at = lines.index(commented) if commented in lines else -1
    pool_items = item("CALICO_IPV4POOL_CIDR", pod_cidr)
    if pool.block_size is not None and pool.block_size != 26:
        pool_items += item("CALICO_IPV4POOL_BLOCK_SIZE", str(pool.block_size))
    if pool.ipv6_pod_cidr is not None:
        pool_items += item("CALICO_IPV6POOL_CIDR", pool.ipv6_pod_cidr)
    if f"{pad}- name: CALICO_IPV4POOL_CIDR" in lines:
        set_value("CALICO_IPV4POOL_CIDR", pod_cidr, None)
    else:
        edits.append((at, [commented, f'{pad}#   value: "192.168.0.0/16"'], pool_items))
    if v6:
        set_value("FELIX_IPV6SUPPORT", "true", None)
    edits.sort(key=lambda edit: edit[0])
    return [line for edit in edits for line in edit[1]], [line for edit in edits for line in edit[2]]


@dataclass(frozen=True)
class PatchCase:
    manifest: Path
    pod_cidr: str
    method: str | None
    mode: str  # stdin | output | in-place
    spaced_method: str | None  # the method as given on the command line (maybe with blanks after commas)
    pool: Pool = Pool()


IPV6_POD_CIDRS = ["fd00:10:244::/56", "fd12:3456:789a::/48", "fd00:abcd::/64", "2001:db8:42::/56"]
IPV6_METHODS = ["interface=eth.*", "skip-interface=lo,docker.*", "cidr=fd00:51::/64", "can-reach=2001:4860:4860::8888"]


def encapsulations(manifest: Path, dual_stack: bool) -> list[str]:
    """The encapsulations this corpus manifest can carry: IPIP and None need
    BIRD, which calico-vxlan.yaml does not run; an IPv6 VXLAN pool needs v3.23."""
    choices = list(POOL_MODES)
    if manifest.name == "calico-vxlan.yaml":
        choices = ["VXLAN", "VXLANCrossSubnet"]
    if dual_stack and calico_minor(manifest) < (3, 23):
        choices = [c for c in choices if not c.startswith("VXLAN")]
    return choices


@st.composite
def pools(draw: Any, manifest: Path, pod_prefix: int) -> Pool:
    ipv6 = draw(st.none() | st.sampled_from(IPV6_POD_CIDRS))
    methods = IPV6_METHODS + (["kubernetes-internal-ip"] if calico_minor(manifest) >= (3, 22) else [])
    return Pool(
        encapsulation=draw(st.none() | st.sampled_from(encapsulations(manifest, ipv6 is not None))),
        block_size=draw(st.none() | st.integers(max(20, pod_prefix), 32)),
        mtu=draw(st.none() | st.integers(1000, 9000)),
        ipv6_pod_cidr=ipv6,
        ipv6_method=draw(st.none() | st.sampled_from(methods)) if ipv6 is not None else None,
    )


@st.composite
def patch_cases(draw: Any) -> PatchCase:
    manifest = draw(st.sampled_from(corpus_manifests()))
    pod_network = private_subnet(draw, (8, 26), [])
    method = draw(st.none() | autodetect_methods(calico=calico_minor(manifest)))
    spaced = method
    if method is not None and "," in method and draw(st.booleans()):
        spaced = method.replace(",", ", ")  # Calico splits lists on commas with optional blanks
    pool = draw(pools(manifest, pod_network.prefixlen))
    mode = draw(st.sampled_from(["stdin", "output", "in-place"]))
    return PatchCase(manifest, str(pod_network), method, mode, spaced, pool)


# --- render -----------------------------------------------------------------------------------------

CRI_SOCKETS = [
    "unix:///var/run/containerd/containerd.sock",
    "unix:///run/containerd/containerd.sock",
    "unix:///var/run/cri-dockerd.sock",
    "unix:///run/cri-dockerd.sock",
    "unix:///var/run/crio/crio.sock",
]
AWS_REGIONS = ["eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1", "us-east-1"]
LABEL = st.from_regex(r"\A[a-z]([-a-z0-9]{0,8}[a-z0-9])?\Z")
RESERVED_NAMES = {"lb", "k8s-api", "k8s-vip", "localhost"}


@dataclass
class ClusterCase:
    """A valid description and what render must write for it."""

    description: dict[str, Any]
    manifest: Path | None  # the corpus manifest copied beside the description (manifest mode)
    name: str
    kubernetes_version: str  # as kubeadm must get it (with the v)
    api_version: str  # kubeadm.k8s.io/v1beta3 or v1beta4
    pod_subnet: str
    service_subnet: str | None  # None: not written in the description
    node_network: Network
    nodes: list[dict[str, Any]]  # as in the description
    node_sockets: dict[str, str | None] = field(default_factory=dict)
    load_balancer: dict[str, Any] | None = None
    endpoint: str | None = None
    method: str = ""  # the IP autodetection method Calico must get
    calico_mode: str = "operator"
    encapsulation: str = "IPIP"
    block_size: int = 26
    mtu: int | None = None

    @property
    def control_planes(self) -> list[dict[str, Any]]:
        return [n for n in self.nodes if n["role"] == "control-plane"]

    def expected_files(self) -> set[str]:
        first = self.control_planes[0]["name"]
        files = {"kubeadm-init.yaml", "hosts"}
        for node in self.nodes:
            if node["name"] != first:
                files |= {f"kubeadm-join-{node['name']}.yaml", f"join-{node['name']}.sh"}
        if self.load_balancer is not None:
            files.add("haproxy.cfg")
        files.add("calico.yaml" if self.calico_mode == "manifest" else "calico-installation.yaml")
        return files

    def text(self) -> str:
        return json.dumps(self.description, indent=2) + "\n"


def _aws_name(address: ipaddress.IPv4Address, region: str) -> str:
    dashed = str(address).replace(".", "-")
    return f"ip-{dashed}.ec2.internal" if region == "us-east-1" else f"ip-{dashed}.{region}.compute.internal"


@st.composite
def cluster_cases(draw: Any) -> ClusterCase:
    """Kubernetes 1.22-1.37, 1-5 control planes (a load balancer when more than
    one), 0-5 workers, all on one IPv4 node network with one prefix length,
    pod and service subnets apart from it and from each other, assorted CRI
    socket settings, cloudProvider aws with EC2 names, either Calico mode."""
    minor = draw(st.integers(22, 37))
    version = f"1.{minor}.{draw(st.integers(0, 15))}"
    kubernetes_version = "v" + version
    written_version = kubernetes_version if draw(st.integers(0, 4)) else version
    api = "v1beta4" if minor >= 31 else "v1beta3"
    override = None
    if 31 <= minor < 36 and draw(st.integers(0, 3)) == 0:
        override = api = draw(st.sampled_from(["v1beta3", "v1beta4"]))

    node_network = private_subnet(draw, (16, 27), [NAT_NETWORK, DEFAULT_SERVICE_SUBNET])
    pod_network = private_subnet(draw, (12, 20), [NAT_NETWORK, node_network])
    service_network: Network | None = None
    if draw(st.booleans()):
        service_network = private_subnet(draw, (12, 24), [NAT_NETWORK, node_network, pod_network])
    else:
        assume(not pod_network.overlaps(DEFAULT_SERVICE_SUBNET))

    control_plane_count = draw(st.integers(1, 5))
    worker_count = draw(st.integers(0, 5))
    count = control_plane_count + worker_count
    usable = node_network.num_addresses - 2
    # one more address than nodes: the load balancer's
    hosts = draw(st.lists(st.integers(1, usable), min_size=count + 1, max_size=count + 1, unique=True))
    addresses = [node_network.network_address + h for h in hosts]
    lb_address = addresses.pop()

    aws = draw(st.integers(0, 3)) == 0
    if aws:
        region = draw(st.sampled_from(AWS_REGIONS))
        names = [_aws_name(a, region) for a in addresses]
    else:
        names = draw(st.lists(LABEL.filter(lambda n: n not in RESERVED_NAMES), min_size=count, max_size=count, unique=True))
    roles = ["control-plane"] * control_plane_count + ["worker"] * worker_count
    # the first control plane runs kubeadm init; the others may come anywhere in the list
    order = [0] + draw(st.permutations(list(range(1, count))))
    nat = draw(st.integers(0, 3)) == 0
    spec_socket = draw(st.none() | st.sampled_from(CRI_SOCKETS))
    nodes: list[dict[str, Any]] = []
    sockets: dict[str, str | None] = {}
    for index in order:
        node: dict[str, Any] = {"name": names[index], "role": roles[index], "address": f"{addresses[index]}/{node_network.prefixlen}"}
        if nat:
            node["interfaces"] = [
                {"name": "enp0s3", "address": "10.0.2.15/24", "nat": True},
                {"name": "enp0s8", "address": node["address"]},
            ]
        socket = spec_socket
        if draw(st.integers(0, 4)) == 0:
            socket = node["criSocket"] = draw(st.sampled_from(CRI_SOCKETS))
        sockets[node["name"]] = socket
        nodes.append(node)

    spec: dict[str, Any] = {"kubernetesVersion": written_version}
    if override:
        spec["kubeadmAPIVersion"] = override
    if spec_socket is not None:
        spec["criSocket"] = spec_socket
    if aws:
        spec["cloudProvider"] = "aws"
    spec["networking"] = {"podSubnet": str(pod_network)}
    if service_network is not None:
        spec["networking"]["serviceSubnet"] = str(service_network)

    load_balancer = None
    endpoint: str | None = None
    first = nodes[0]
    if control_plane_count > 1 or draw(st.integers(0, 3)) == 0:
        port = draw(st.sampled_from([6443, 8443, 443, 7443]))
        load_balancer = {"hostname": "lb", "address": str(lb_address), "port": port}
        if draw(st.booleans()):
            load_balancer["healthCheck"] = draw(st.sampled_from(["readyz", "tcp"]))
        spec["loadBalancer"] = load_balancer
        how = draw(st.sampled_from(["lb-name", "alias", "address"]))
        if how == "lb-name":
            endpoint = f"lb:{port}"
        elif how == "alias":
            endpoint = f"k8s-api:{port}"
            spec["hosts"] = {"k8s-api": str(lb_address)}
        else:
            endpoint = f"{lb_address}:{port}"
    else:
        how = draw(st.sampled_from(["none", "alias", "address"]))
        cp_address = first["address"].split("/")[0]
        if how == "alias":
            endpoint = "k8s-api:6443"
            spec["hosts"] = {"k8s-api": cp_address}
        elif how == "address":
            endpoint = f"{cp_address}:6443"
    if endpoint is not None:
        spec["controlPlaneEndpoint"] = endpoint

    calico_mode = draw(st.sampled_from(["operator", "manifest"]))
    # a valid cluster applies its manifest: Calico v3.20's policy/v1beta1
    # PodDisruptionBudget is not served from Kubernetes 1.25 (kubernetes-api-removed)
    manifests = [m for m in corpus_manifests() if minor < 25 or calico_minor(m) > (3, 20)]
    manifest = draw(st.sampled_from(manifests)) if calico_mode == "manifest" else None
    calico: dict[str, Any] = {"mode": calico_mode}
    if manifest is not None:
        calico["manifest"] = "upstream/calico.yaml"
    method = f"cidr={node_network}"
    choice = draw(st.sampled_from(["default", "cidr", "interface", "can-reach"]))
    if choice == "cidr":
        calico["ipAutodetection"] = method
    elif choice == "interface":
        method = calico["ipAutodetection"] = "interface=enp0s8" if nat else draw(st.sampled_from(["interface=eth1", "interface=ens5", "interface=enp0s8"]))
    elif choice == "can-reach":
        method = calico["ipAutodetection"] = f"can-reach={lb_address if load_balancer else first['address'].split('/')[0]}"
    encapsulation = "IPIP"
    # calico-vxlan.yaml runs without BIRD: kconf's default IPIP is refused there, so it is written
    if draw(st.booleans()) or (manifest is not None and manifest.name == "calico-vxlan.yaml"):
        choices = encapsulations(manifest, dual_stack=False) if manifest is not None else list(POOL_MODES)
        encapsulation = calico["encapsulation"] = draw(st.sampled_from(choices))
    block_size = 26
    if draw(st.booleans()):
        # at least a block per node (calico-pool-capacity)
        block_size = calico["blockSize"] = draw(st.integers(max(20, pod_network.prefixlen + (count - 1).bit_length()), 28))
    mtu = None
    if draw(st.booleans()):
        mtu = calico["mtu"] = draw(st.integers(1000, 9000))
    spec["calico"] = calico
    spec["nodes"] = nodes

    name = draw(LABEL)
    description = {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": name}, "spec": spec}
    return ClusterCase(
        description=description,
        manifest=manifest,
        name=name,
        kubernetes_version=kubernetes_version,
        api_version=f"kubeadm.k8s.io/{api}",
        pod_subnet=str(pod_network),
        service_subnet=None if service_network is None else str(service_network),
        node_network=node_network,
        nodes=nodes,
        node_sockets=sockets,
        load_balancer=load_balancer,
        endpoint=endpoint,
        method=method,
        calico_mode=calico_mode,
        encapsulation=encapsulation,
        block_size=block_size,
        mtu=mtu,
    )


def operator_autodetection(method: str) -> dict[str, Any]:
    """nodeAddressAutodetectionV4 for a method (FACTS.md section 4, the operator column)."""
    kind, _, value = method.partition("=")
    return {
        "first-found": {"firstFound": True},
        "kubernetes-internal-ip": {"kubernetes": "NodeInternalIP"},
        "can-reach": {"canReach": value},
        "interface": {"interface": value},
        "skip-interface": {"skipInterface": value},
        "cidr": {"cidrs": value.split(",")},
    }[kind]


# --- from-configmap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigMapCase:
    text: str  # what kubectl get cm -o yaml|json prints
    cluster: dict[str, Any]  # the stored ClusterConfiguration
    socket: str
    to_v1beta4: bool
    mode: str  # file | stdin | output


def _args(draw: Any, api: str, choices: dict[str, list[str]]) -> Any:
    picked = draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True))
    pairs = [(flag, draw(st.sampled_from(choices[flag]))) for flag in picked]
    if api == "kubeadm.k8s.io/v1beta3":
        return dict(pairs)
    return [{"name": flag, "value": value} for flag, value in pairs]


API_SERVER_ARGS = {
    "authorization-mode": ["Node,RBAC"],
    "audit-log-maxage": ["30"],
    "enable-admission-plugins": ["NodeRestriction", "NodeRestriction,PodSecurity"],
    "service-node-port-range": ["30000-32767"],
}
CONTROLLER_MANAGER_ARGS = {"bind-address": ["0.0.0.0", "127.0.0.1"], "node-cidr-mask-size": ["24", "25"], "allocate-node-cidrs": ["true"]}
SCHEDULER_ARGS = {"bind-address": ["0.0.0.0", "127.0.0.1"], "v": ["2"]}
ETCD_ARGS = {"listen-metrics-urls": ["http://0.0.0.0:2381"], "quota-backend-bytes": ["8589934592"]}


@st.composite
def cluster_configurations(draw: Any) -> dict[str, Any]:
    """A ClusterConfiguration as kubeadm stores it in kubeadm-config: v1beta3
    (Kubernetes 1.22-1.35) or v1beta4 (1.31 and later), optional fields varied."""
    api = draw(st.sampled_from(["kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"]))
    minor = draw(st.integers(22, 35) if api.endswith("v1beta3") else st.integers(31, 37))
    cluster: dict[str, Any] = {"apiVersion": api, "kind": "ClusterConfiguration"}
    cluster["kubernetesVersion"] = f"v1.{minor}.{draw(st.integers(0, 12))}"
    optional: dict[str, Any] = {
        "clusterName": draw(st.sampled_from(["kubernetes", "cka", "prod-eu"])),
        "controlPlaneEndpoint": draw(st.sampled_from(["k8s-vip:6443", "192.168.51.80:6443", "api.example.com:443"])),
        "imageRepository": draw(st.sampled_from(["registry.k8s.io", "k8s.gcr.io", "registry.example.com/k8s"])),
        "certificatesDir": "/etc/kubernetes/pki",
        "dns": {},
        # RootlessControlPlane is a kubeadm feature gate in every release from 1.22 to 1.37;
        # EtcdLearnerMode is gone from 1.33 and PublicKeysECDSA from 1.31, and kubeadm refuses them there
        "featureGates": {"RootlessControlPlane": draw(st.booleans())},
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        cluster[key] = optional[key]
    networking: dict[str, Any] = {"dnsDomain": "cluster.local"}
    service_subnet = draw(st.sampled_from(["10.96.0.0/12", "172.20.0.0/16"]))
    if draw(st.booleans()):  # a valid cluster's pod and service ranges do not overlap
        networking["podSubnet"] = str(private_subnet(draw, (12, 22), [ipaddress.ip_network(service_subnet)]))
    networking["serviceSubnet"] = service_subnet
    cluster["networking"] = networking
    api_server: dict[str, Any] = {}
    if draw(st.booleans()):
        api_server["certSANs"] = draw(st.lists(st.sampled_from(["k8s-vip", "192.168.51.80", "api.example.com"]), min_size=1, unique=True))
    if draw(st.booleans()):
        api_server["extraArgs"] = _args(draw, api, API_SERVER_ARGS)
    if api.endswith("v1beta3") and draw(st.booleans()):
        api_server["timeoutForControlPlane"] = draw(st.sampled_from(["4m0s", "5m0s"]))
    cluster["apiServer"] = api_server
    for key, choices in (("controllerManager", CONTROLLER_MANAGER_ARGS), ("scheduler", SCHEDULER_ARGS)):
        cluster[key] = {"extraArgs": _args(draw, api, choices)} if draw(st.booleans()) else {}
    etcd: dict[str, Any] = {"dataDir": "/var/lib/etcd"}
    if draw(st.booleans()):
        etcd["extraArgs"] = _args(draw, api, ETCD_ARGS)
    cluster["etcd"] = {"local": etcd}
    return cluster


def _inner_yaml(cluster: dict[str, Any]) -> str:
    """The stored text as kubeadm writes it (go-yaml block style)."""
    import yaml

    return str(yaml.safe_dump(cluster, default_flow_style=False, sort_keys=False))


@st.composite
def configmap_cases(draw: Any) -> ConfigMapCase:
    """kubeadm stores the ClusterConfiguration as YAML; one in four stores it
    as JSON (a hand-edited ConfigMap: JSON is YAML)."""
    cluster = draw(cluster_configurations())
    inner = json.dumps(cluster, indent=2) + "\n" if draw(st.integers(0, 3)) == 0 else _inner_yaml(cluster)
    metadata = {"name": "kubeadm-config", "namespace": "kube-system", "resourceVersion": str(draw(st.integers(1, 99999)))}
    configmap: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {"ClusterConfiguration": inner}}
    style = draw(st.sampled_from(["kubectl-yaml", "json", "list-json"]))
    if style == "kubectl-yaml":
        block = "".join(("    " + line if line else "") + "\n" for line in inner.rstrip("\n").split("\n"))
        text = (
            "apiVersion: v1\ndata:\n  ClusterConfiguration: |\n" + block
            + f"kind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\n  resourceVersion: \"{metadata['resourceVersion']}\"\n"
        )
    elif style == "json":
        text = json.dumps(configmap, indent=4) + "\n"
    else:
        text = json.dumps({"apiVersion": "v1", "kind": "List", "items": [configmap], "metadata": {"resourceVersion": ""}}, indent=4) + "\n"
    to_v1beta4 = draw(st.booleans()) and int(cluster["kubernetesVersion"].split(".")[1]) >= 31
    socket = draw(st.sampled_from(CRI_SOCKETS))
    return ConfigMapCase(text, cluster, socket, to_v1beta4, draw(st.sampled_from(["file", "stdin", "output"])))


# --- kconf migrate: kubeadm.k8s.io/v1beta3 config files ---------------------------------------------
#
# Files a user may have written for kubeadm 1.30 to 1.36: valid for the kubeadm
# that deploys their kubernetesVersion (kubeadm config migrate must accept them),
# in block style with comments here and there, sometimes flow lists, quoted strings
# and component configs beside the kubeadm documents.

V1BETA3 = "kubeadm.k8s.io/v1beta3"
V1BETA3_KUBEADM_MINORS = [31, 33, 35, 36]  # the built kubeadms that still read v1beta3
MIGRATE_SOCKETS = [*CRI_SOCKETS[:3], "/var/run/containerd/containerd.sock"]  # the last without its unix:// scheme
DURATIONS = ["4m0s", "5m0s", "10m", "90s", "1m30s", "6m0s", "2h"]
TOKEN = "abcdef.0123456789abcdef"
CA_CERT_HASH = "sha256:" + "0123456789abcdef" * 4
CERTIFICATE_KEY = "0123456789abcdef" * 4
KUBELET_ARGS = {"node-ip": ["192.168.51.81", "10.10.0.5"], "max-pods": ["110", "250"], "node-labels": ["zone=a", "role=infra,zone=b"], "v": ["2"]}
TAINTS = [
    [],
    [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
    [{"key": "dedicated", "value": "infra", "effect": "NoExecute"}],
]


@dataclass
class MigrateCase:
    """A v1beta3 kubeadm config file and the kubeadm that judges it."""

    documents: list[dict[str, Any]]  # the data, in file order
    text: str
    comments: list[str]  # every comment of the text, each unique
    kubeadm_minor: int  # the kubeadm release (1.MINOR) that deploys kubernetesVersion
    flow_lists: bool = False

    @property
    def kinds(self) -> list[str]:
        return [d["kind"] for d in self.documents]


def _pick_args(draw: Any, choices: dict[str, list[str]]) -> dict[str, str]:
    picked = draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True))
    return {flag: draw(st.sampled_from(choices[flag])) for flag in picked}


def _some(draw: Any, optional: dict[str, Any]) -> dict[str, Any]:
    """A random subset of ``optional``, in a random order."""
    return {key: optional[key] for key in draw(st.permutations(list(optional)))[: draw(st.integers(0, len(optional)))]}


def _node_registration(draw: Any, name: str, address: str) -> dict[str, Any]:
    registration: dict[str, Any] = {"name": name} if draw(st.integers(0, 4)) else {}  # kubeadm: the host's name
    optional: dict[str, Any] = {
        "criSocket": draw(st.sampled_from(MIGRATE_SOCKETS)),
        "kubeletExtraArgs": {**_pick_args(draw, KUBELET_ARGS), "node-ip": address} if draw(st.integers(0, 5)) else {},
        "taints": draw(st.sampled_from(TAINTS)),
        "ignorePreflightErrors": draw(st.sampled_from([["NumCPU"], ["NumCPU", "Mem"]])),
        "imagePullPolicy": draw(st.sampled_from(["IfNotPresent", "Always", "Never"])),
    }
    registration.update(_some(draw, optional))
    return registration


def _init(draw: Any) -> dict[str, Any]:
    init: dict[str, Any] = {"apiVersion": V1BETA3, "kind": "InitConfiguration"}
    init["localAPIEndpoint"] = {"advertiseAddress": "192.168.51.81", "bindPort": draw(st.sampled_from([6443, 8443]))}
    init["nodeRegistration"] = _node_registration(draw, "cka-cp-1", "192.168.51.81")
    token: dict[str, Any] = {"token": TOKEN, **_some(draw, {"ttl": draw(st.sampled_from(["24h0m0s", "2h", "30m"])), "description": "kconf test", "usages": ["signing", "authentication"]})}
    init.update(_some(draw, {
        "bootstrapTokens": [token],
        "certificateKey": CERTIFICATE_KEY,
        "skipPhases": ["addon/kube-proxy"],
        "patches": {"directory": "/etc/kubernetes/patches"},
    }))
    return init


def _cluster(draw: Any, minor: int) -> dict[str, Any]:
    cluster: dict[str, Any] = {"apiVersion": V1BETA3, "kind": "ClusterConfiguration"}
    cluster["kubernetesVersion"] = f"v1.{minor}.{draw(st.integers(0, 9))}"
    api_server: dict[str, Any] = _some(draw, {
        "certSANs": draw(st.lists(st.sampled_from(["k8s-vip", "192.168.51.80", "api.example.com", "API.Example.com"]), min_size=1, max_size=3, unique=True)),
        "extraArgs": _pick_args(draw, API_SERVER_ARGS),
        "extraVolumes": [{"name": "audit", "hostPath": "/var/log/kubernetes", "mountPath": "/var/log/kubernetes", "pathType": "DirectoryOrCreate"}],
        "timeoutForControlPlane": draw(st.sampled_from(DURATIONS)),
    })
    local: dict[str, Any] = {"dataDir": "/var/lib/etcd", **_some(draw, {
        "extraArgs": _pick_args(draw, ETCD_ARGS),
        "serverCertSANs": ["etcd.example.com"],
        "peerCertSANs": ["192.168.51.81"],
    })}
    external = {"endpoints": ["https://192.168.51.90:2379", "https://192.168.51.91:2379"], "caFile": "/etc/etcd/ca.crt",
                "certFile": "/etc/etcd/client.crt", "keyFile": "/etc/etcd/client.key"}
    service = draw(st.sampled_from(["10.96.0.0/12", "172.20.0.0/16"]))
    networking = _some(draw, {
        "podSubnet": str(private_subnet(draw, (12, 22), [ipaddress.ip_network(service), ipaddress.ip_network("192.168.51.0/24")])),
        "serviceSubnet": service,
        "dnsDomain": "cluster.local",
    })
    cluster.update(_some(draw, {
        "controlPlaneEndpoint": draw(st.sampled_from(["k8s-vip:6443", "192.168.51.80:6443", "api.example.com"])),
        "networking": networking,
        "apiServer": api_server,
        "controllerManager": {"extraArgs": _pick_args(draw, CONTROLLER_MANAGER_ARGS)} if draw(st.booleans()) else {},
        "scheduler": {"extraArgs": _pick_args(draw, SCHEDULER_ARGS)},
        "etcd": {"local": local} if draw(st.integers(0, 3)) else {"external": external},
        "dns": {"imageRepository": "registry.example.com/coredns"},
        "imageRepository": "registry.example.com/k8s",
        "clusterName": draw(st.sampled_from(["kubernetes", "cka"])),
        "certificatesDir": "/etc/kubernetes/pki",
        "featureGates": {"RootlessControlPlane": draw(st.booleans())},
    }))
    return cluster


def _join(draw: Any) -> dict[str, Any]:
    control_plane = draw(st.booleans())
    name, address = ("cka-cp-2", "192.168.51.82") if control_plane else ("cka-worker-1", "192.168.51.91")
    join: dict[str, Any] = {"apiVersion": V1BETA3, "kind": "JoinConfiguration"}
    if draw(st.integers(0, 4)):
        bootstrap: dict[str, Any] = {"apiServerEndpoint": "k8s-vip:6443", "token": TOKEN}
        bootstrap.update({"caCertHashes": [CA_CERT_HASH]} if draw(st.booleans()) else {"unsafeSkipCAVerification": True})
        discovery: dict[str, Any] = {"bootstrapToken": bootstrap}
    else:
        discovery = {"file": {"kubeConfigPath": "https://example.invalid/discovery.yaml"}, "tlsBootstrapToken": TOKEN}
    discovery.update(_some(draw, {"timeout": draw(st.sampled_from(DURATIONS)), "tlsBootstrapToken": TOKEN}))
    join["discovery"] = discovery
    join["nodeRegistration"] = _node_registration(draw, name, address)
    if control_plane:
        join["controlPlane"] = {"localAPIEndpoint": {"advertiseAddress": address, "bindPort": 6443}, "certificateKey": CERTIFICATE_KEY}
    join.update(_some(draw, {"caCertPath": "/etc/kubernetes/pki/ca.crt", "skipPhases": ["preflight"]}))
    return join


COMPONENT_CONFIG_DOCUMENTS = [
    {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration", "cgroupDriver": "systemd"},
    {"apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration", "mode": "ipvs", "ipvs": {"strictARP": True}},
]


class _Emitter:
    """Block-style YAML with numbered comments (``# c1``, ``# c2``, ...) above
    keys and at line ends, written here rather than with kconf's dumper."""

    def __init__(self, draw: Any, compact: bool, flow_lists: bool) -> None:
        self.draw = draw
        self.compact = compact
        self.flow_lists = flow_lists
        self.comments: list[str] = []
        self.lines: list[str] = []

    def comment(self) -> str | None:
        if not self.draw(st.integers(0, 3)) == 0:
            return None
        self.comments.append(f"# c{len(self.comments) + 1}")
        return self.comments[-1]

    @staticmethod
    def scalar(value: Any) -> str:
        import yaml

        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        plain = re.fullmatch(r"[A-Za-z0-9/][A-Za-z0-9_./:=,-]*", value) and ": " not in value and not value.endswith(":")
        if plain and yaml.safe_load(value) == value:
            return str(value)
        return json.dumps(value)

    def mapping(self, data: dict[str, Any], indent: int) -> None:
        pad = " " * indent
        for key, value in data.items():
            above = self.comment()
            if above:
                self.lines.append(pad + above)
            eol = self.comment()
            tail = f"  {eol}" if eol else ""
            if isinstance(value, dict) and value:
                self.lines.append(f"{pad}{key}:{tail}")
                self.mapping(value, indent + 2)
            elif isinstance(value, list) and value and (not self.flow_lists or isinstance(value[0], dict)):
                self.lines.append(f"{pad}{key}:{tail}")
                self.sequence(value, indent if self.compact else indent + 2)
            elif isinstance(value, list):
                self.lines.append(f"{pad}{key}: [{', '.join(self.scalar(v) for v in value)}]{tail}")
            elif isinstance(value, dict):
                self.lines.append(f"{pad}{key}: {{}}{tail}")
            else:
                self.lines.append(f"{pad}{key}: {self.scalar(value)}{tail}")

    def sequence(self, items: list[Any], indent: int) -> None:
        pad = " " * indent
        for item in items:
            if isinstance(item, dict):
                start = len(self.lines)
                self.mapping(item, indent + 2)
                first = next(i for i in range(start, len(self.lines)) if not self.lines[i].lstrip().startswith("#"))
                self.lines[first] = pad + "- " + self.lines[first][indent + 2:]
            else:
                self.lines.append(f"{pad}- {self.scalar(item)}")

    def file(self, documents: list[dict[str, Any]]) -> str:
        for index, document in enumerate(documents):
            if index:
                self.lines.append("---")
            self.mapping(document, 0)
        return "\n".join(self.lines) + "\n"


MIGRATE_SHAPES = ["init+cluster", "cluster", "init", "join", "cluster+join", "init+cluster+join"]


@st.composite
def migrate_cases(draw: Any, shape: str | None = None) -> MigrateCase:
    """A v1beta3 file of ``shape`` (default: any): Init + Cluster, Cluster
    alone, Init alone, a Join (worker or control plane) alone or beside them,
    with component configs sometimes; kubernetesVersion 1.30 to 1.36."""
    kubeadm_minor = draw(st.sampled_from(V1BETA3_KUBEADM_MINORS))
    minor = draw(st.sampled_from([kubeadm_minor - 1, kubeadm_minor]))
    shape = shape or draw(st.sampled_from(MIGRATE_SHAPES))
    documents: list[dict[str, Any]] = []
    if "init" in shape:
        documents.append(_init(draw))
    if "cluster" in shape:
        documents.append(_cluster(draw, minor))
    if "join" in shape:
        documents.append(_join(draw))
    documents = draw(st.permutations(documents))
    for component in COMPONENT_CONFIG_DOCUMENTS:
        if "join" != shape and draw(st.booleans()):
            documents.insert(draw(st.integers(0, len(documents))), dict(component))
    emitter = _Emitter(draw, compact=draw(st.booleans()), flow_lists=draw(st.integers(0, 3)) == 0)
    text = emitter.file(documents)
    return MigrateCase(documents, text, emitter.comments, kubeadm_minor, emitter.flow_lists)
