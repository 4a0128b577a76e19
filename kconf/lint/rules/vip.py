"""The redundant control-plane endpoint (loadBalancer.mode keepalived and
kube-vip): vip-address, keepalived-peers, kube-vip-super-admin,
kube-vip-strict-arp, calico-autodetect-vip.

The description is read through the model (the VIP, the LB hosts, the
control planes); keepalived.conf files through kconf.lint.keepalived, kube-vip
static Pods and KubeProxyConfiguration documents as YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kconf import description as model
from kconf.addresses import Address, AddressError, parse_address, parse_interface, parse_network
from kconf.calico.autodetect import CAN_REACH, CIDR, FIRST_FOUND, INTERFACE, MethodError, parse
from kconf.description import KEEPALIVED, KUBE_VIP, Cluster
from kconf.lint.keepalived import VrrpInstance, Word
from kconf.lint.model import ERROR, WARNING, DocumentView, Group, KeepalivedFile, KubeadmFile, KubeVipFile, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.lint.rules.calico import _described_method, _installation_methods, _manifest_methods

SUPER_ADMIN_FROM = (1, 29)
SUPER_ADMIN_CONF = "/etc/kubernetes/super-admin.conf"


def _lb_loc(group: Group, *field: str | int) -> Loc | None:
    source = group.cluster_file
    if source is None or source.view is None:
        return None
    return source.view.loc(("spec", "loadBalancer", *field))


# --- vip-address ---------------------------------------------------------------------------


def vip_address(group: Group) -> Iterator[RawFinding]:
    """The VIP of loadBalancer mode keepalived or kube-vip (loadBalancer.address)
    is the address of a node, an interface of one, or an LB host; or it is
    outside the network of an LB host (keepalived) or of a control plane
    (kube-vip) that is to hold it; or kube-vip's port is not the control
    planes' bindPort.

    Why: a VIP is an address no machine owns: VRRP or kube-vip adds it to the
    holder's interface and answers ARP for it. One that a machine already has
    is taken away from it (or never moves); one outside the holder's network
    is not reachable by ARP from the others. kube-vip only moves the address:
    clients reach kube-apiserver on its own port.

    Fix: choose a free address in the LB hosts' (or control planes') network,
    outside any DHCP range, and (kube-vip) loadBalancer.port = bindPort."""
    cluster = group.cluster
    lb = cluster.load_balancer if cluster is not None else None
    loc = _lb_loc(group, "address")
    if cluster is None or lb is None or not lb.has_vip or loc is None:
        return
    taken = _owners(cluster)
    if lb.address in taken:
        yield RawFinding("vip-address", loc, f"the VIP {lb.address} is {taken[lb.address]}'s own address: choose a free one")
    if lb.mode == KEEPALIVED:
        holders = [(h.name, h.address) for h in lb.hosts]
    else:
        holders = [(n.name, n.address) for n in cluster.control_plane_nodes]
    for name, address in holders:
        if lb.address not in address.network:
            yield RawFinding(
                "vip-address", loc,
                f"the VIP {lb.address} is outside {name}'s network {address.network}: it can hold the VIP but no "
                "one on its network reaches it by ARP; choose an address in that network",
            )
    if lb.mode == KUBE_VIP:
        ports = sorted({n.bind_port for n in cluster.control_plane_nodes} - {lb.port})
        if ports:
            yield RawFinding(
                "vip-address", _lb_loc(group, "port") or loc,
                f"kube-vip forwards nothing: clients reach kube-apiserver on its bindPort {ports[0]}, "
                f"not on loadBalancer.port {lb.port}; make them equal",
            )


def _owners(cluster: Cluster) -> dict[Address, str]:
    owners: dict[Address, str] = {}
    lb = cluster.load_balancer
    for host in lb.hosts if lb is not None else ():
        owners.setdefault(host.address.ip, f"LB host {host.name}")
    for node in cluster.nodes:
        owners.setdefault(node.ip, f"node {node.name}")
        for interface in node.interfaces:
            owners.setdefault(interface.address.ip, f"node {node.name} ({interface.name})")
    return owners


# --- keepalived-peers ----------------------------------------------------------------------


def _instances(group: Group) -> list[tuple[str, VrrpInstance]]:
    return [(f.path, i) for f in group.of(KeepalivedFile) if f.config is not None for i in f.config.instances]


def _vips(instance: VrrpInstance) -> frozenset[str]:
    found: set[str] = set()
    for word in instance.lists.get("virtual_ipaddress", []):
        try:
            found.add(str(parse_interface(word.text).ip) if "/" in word.text else str(parse_address(word.text)))
        except AddressError:
            found.add(word.text)
    return frozenset(found)


def _loc(path: str, word: Word | None, instance: VrrpInstance) -> Loc:
    return Loc(path, word.line, word.column) if word is not None else Loc(path, instance.line)


def keepalived_peers(group: Group) -> Iterator[RawFinding]:
    """keepalived configs linted together (an output folder, files fetched
    with --cluster, or several given at once) whose VRRP instances disagree:
    another virtual_router_id or VIP, two in state MASTER, or two with the
    same priority.

    Why: peers with different router ids or VIPs are separate VRRP groups,
    each holding "its" VIP: both hosts answer for the address (split brain).
    Two MASTERs, or equal priorities, leave the election to the addresses and
    fail over back and forth.

    Fix: one virtual_router_id and one VIP on every LB host; one MASTER with
    the highest priority, BACKUPs with distinct lower ones (kconf render
    writes them so)."""
    instances = _instances(group)
    if len(instances) < 2:
        return
    first_path, first = instances[0]
    router_id = first.settings.get("virtual_router_id")
    vips = _vips(first)
    masters: list[tuple[str, VrrpInstance]] = []
    priorities: dict[str, tuple[str, VrrpInstance]] = {}
    for path, instance in instances:
        own_id = instance.settings.get("virtual_router_id")
        if instance is not first and (own_id.text if own_id else None) != (router_id.text if router_id else None):
            yield RawFinding(
                "keepalived-peers", _loc(path, own_id, instance),
                f"virtual_router_id {own_id.text if own_id else '(none)'} here, "
                f"{router_id.text if router_id else '(none)'} in {first_path}: the peers form two VRRP groups",
            )
        if instance is not first and _vips(instance) != vips:
            words = instance.lists.get("virtual_ipaddress") or []
            yield RawFinding(
                "keepalived-peers", _loc(path, words[0] if words else None, instance),
                f"virtual_ipaddress {', '.join(sorted(_vips(instance))) or '(none)'} here, "
                f"{', '.join(sorted(vips)) or '(none)'} in {first_path}: every peer must hold the same VIP",
            )
        state = instance.settings.get("state")
        if state is not None and state.text.upper() == "MASTER":
            if masters:
                yield RawFinding(
                    "keepalived-peers", _loc(path, state, instance),
                    f"a second MASTER (the first is in {masters[0][0]}): make this one BACKUP with a lower priority",
                )
            masters.append((path, instance))
        priority = instance.settings.get("priority")
        if priority is not None:
            if priority.text in priorities:
                yield RawFinding(
                    "keepalived-peers", _loc(path, priority, instance),
                    f"priority {priority.text} is also the priority in {priorities[priority.text][0]}: "
                    "give every peer its own",
                )
            priorities.setdefault(priority.text, (path, instance))


# --- kube-vip-super-admin ------------------------------------------------------------------


def _kubeconfig_path(view: DocumentView) -> tuple[str | None, Loc]:
    volumes = view.get("spec", "volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        path = volume["hostPath"].get("path") if isinstance(volume, dict) and isinstance(volume.get("hostPath"), dict) else None
        if isinstance(path, str) and path.startswith("/etc/kubernetes/") and path.endswith(".conf"):
            return path, view.loc(("spec", "volumes", index, "hostPath", "path"))
    return None, view.loc(("spec",), key=True)


def kube_vip_super_admin(group: Group) -> Iterator[RawFinding]:
    """The kube-vip static Pod of the first control plane (kube-vip-<node>.yaml
    of a cluster's output folder) on Kubernetes 1.29 or later does not mount
    /etc/kubernetes/super-admin.conf, or one before 1.29 (or of another
    control plane) does.

    Why: from 1.29 admin.conf is authorised through a ClusterRoleBinding that
    `kubeadm init` creates only once the API server answers, through the VIP
    kube-vip is to provide: kube-vip cannot take its lease and `kubeadm init`
    times out (kube-vip #684, kubeadm #3274). Before 1.29, and on the other
    control planes (they join after init), super-admin.conf does not exist and
    the Pod does not start.

    Fix: mount super-admin.conf on the first control plane from 1.29 and
    switch it to admin.conf after init (PLAN.md says how); admin.conf
    everywhere else."""
    cluster = group.cluster
    if cluster is None:
        return
    first = cluster.first_control_plane.name if cluster.control_plane_nodes else None
    for source in group.of(KubeVipFile):
        node = _pod_node(source.path, cluster)
        if source.pod is None or node is None:
            continue
        path, loc = _kubeconfig_path(source.pod)
        wants_super = node == first and cluster.version[:2] >= SUPER_ADMIN_FROM
        if wants_super and path != SUPER_ADMIN_CONF:
            yield RawFinding(
                "kube-vip-super-admin", loc,
                f"{node} runs kubeadm init on Kubernetes {cluster.kubernetes_version}: kube-vip needs "
                f"{SUPER_ADMIN_CONF} there (admin.conf has no rights until init is done), not {path}",
            )
        elif not wants_super and path == SUPER_ADMIN_CONF:
            why = "it joins after init" if node != first else f"Kubernetes {cluster.kubernetes_version} has none"
            yield RawFinding(
                "kube-vip-super-admin", loc,
                f"{SUPER_ADMIN_CONF} does not exist on {node} ({why}): mount /etc/kubernetes/admin.conf",
            )


def _pod_node(path: str, cluster: Cluster) -> str | None:
    match = re.match(r"^kube-vip-(.+)\.ya?ml$", path.rsplit("/", 1)[-1])
    names = {n.name for n in cluster.control_plane_nodes}
    return match.group(1) if match and match.group(1) in names else None


# --- kube-vip-strict-arp -------------------------------------------------------------------


def _arp_mode(group: Group) -> bool:
    cluster = group.cluster
    lb = cluster.load_balancer if cluster is not None else None
    if lb is not None and lb.mode == KUBE_VIP:
        return True
    for source in group.of(KubeVipFile):
        containers = source.pod.get("spec", "containers") if source.pod is not None else None
        for container in containers if isinstance(containers, list) else []:
            env = container.get("env") if isinstance(container, dict) else None
            if any(isinstance(e, dict) and e.get("name") == "vip_arp" and e.get("value") == "true" for e in env or []):
                return True
    return False


STRICT_ARP = (
    "kube-proxy in ipvs mode without ipvs.strictARP: true answers ARP for addresses it does not hold, "
    "and kube-vip's ARP VIP breaks; set ipvs: {strictARP: true}"
)


def _described_strict_arp(group: Group) -> Iterator[RawFinding]:
    """spec.kubeProxy mode ipvs without ipvs.strictARP true, with
    loadBalancer.mode kube-vip."""
    cluster, source = group.cluster, group.cluster_file
    lb = cluster.load_balancer if cluster is not None else None
    proxy = cluster.kube_proxy if cluster is not None else None
    if lb is None or lb.mode != KUBE_VIP or proxy is None or proxy.get("mode") != "ipvs" or source is None or source.view is None:
        return
    raw_ipvs = proxy.get("ipvs")
    ipvs: dict[str, Any] = raw_ipvs if isinstance(raw_ipvs, dict) else {}
    if ipvs.get("strictARP") is True:
        return
    where = ("spec", "kubeProxy", "ipvs", "strictARP") if "strictARP" in ipvs else ("spec", "kubeProxy", "mode")
    yield RawFinding("kube-vip-strict-arp", source.view.loc(where), f"spec.kubeProxy with loadBalancer.mode kube-vip: {STRICT_ARP} under spec.kubeProxy")


def kube_vip_strict_arp(group: Group) -> Iterator[RawFinding]:
    """kube-vip in ARP mode (loadBalancer.mode kube-vip, or a kube-vip Pod with
    vip_arp "true") and kube-proxy in mode ipvs whose ipvs.strictARP is not
    true: in the description (spec.kubeProxy), or in a
    KubeProxyConfiguration of a kubeadm config file.

    Why: in ipvs mode kube-proxy puts every Service address on the kube-ipvs0
    interface of every node, and without strictARP the nodes answer ARP for
    them: ARP for a VIP gets answers from machines that do not hold it.

    Fix: ipvs: {strictARP: true} in spec.kubeProxy or the
    KubeProxyConfiguration (or mode iptables / nftables)."""
    if not _arp_mode(group):
        return
    yield from _described_strict_arp(group)
    for source in group.of(KubeadmFile):
        for view in source.documents:
            if view.kind != "KubeProxyConfiguration" or view.get("mode") != "ipvs":
                continue
            if view.get("ipvs", "strictARP") is True:
                continue
            where = ("ipvs", "strictARP") if view.get("ipvs", "strictARP") is not None else ("mode",)
            yield RawFinding("kube-vip-strict-arp", view.loc(where), STRICT_ARP)


# --- calico-autodetect-vip -----------------------------------------------------------------


def _picks_vip(text: str, vip: Address, nics: frozenset[str]) -> str | None:
    """Why a method can select the VIP, or None."""
    try:
        method = parse(text)
    except MethodError:
        return None  # calico-autodetect-mismatch reports it
    if method.kind == FIRST_FOUND:
        return "first-found takes the first address of the first interface, which may be the VIP"
    if method.kind == CIDR:
        for arg in method.args:
            if vip in parse_network(arg):
                return f"{arg} contains the VIP"
    if method.kind == CAN_REACH:
        try:
            if parse_address(method.args[0]) == vip:
                return "can-reach to the VIP takes the interface that holds it"
        except AddressError:
            return None
    if method.kind == INTERFACE:
        for pattern in method.args:
            hits = sorted(n for n in nics if re.search(pattern, n))
            if hits:
                return f"interface {pattern} matches {hits[0]}, which carries the VIP as well as the node address"
    return None


def calico_autodetect_vip(group: Group) -> Iterator[RawFinding]:
    """Where the VIP lives on nodes (kube-vip on the control planes, keepalived
    LB hosts that are nodes), a Calico IP autodetection method that can
    select the VIP instead of the node's address: first-found (also the
    default of a calico.yaml or an Installation without one), a cidr= that
    contains the VIP, can-reach= the VIP (errors), or interface= of the VIP's
    NIC (a warning: the node's own address is there too, in an order Calico
    does not promise; kconf pins it so only for Calico before v3.22).

    Why: Calico then registers the VIP as the node's address on whichever
    node holds it; when the VIP moves, the node's tunnel and BGP peering
    point at another machine (calico #5094, #5346, #6711; kube-vip #682).

    Fix: kubernetes-internal-ip (Calico v3.22 or later; operator: kubernetes:
    NodeInternalIP), kconf's default here, or cidr= of a network without the
    VIP."""
    cluster = group.cluster
    lb = cluster.load_balancer if cluster is not None else None
    if cluster is None or lb is None or not cluster.vip_nodes():
        return
    from kconf.outputs.calico import vip_interfaces

    nics = frozenset(vip_interfaces(cluster))
    methods = []
    described = _described_method(group)
    if described is not None:
        methods.append(described)
    methods += list(_manifest_methods(group))
    methods += [m for m, problem in _installation_methods(group) if problem is None]
    for method in methods:
        if method.family != lb.address.version:
            continue
        why = _picks_vip(method.text or FIRST_FOUND, lb.address, nics)
        if why is None:
            continue
        severity = WARNING if why.startswith("interface ") else None
        yield RawFinding(
            "calico-autodetect-vip", method.loc,
            f"{method.where}: {why}; Calico can register the VIP {lb.address} as the address of the node that "
            "holds it: use kubernetes-internal-ip",
            severity,
        )


DESCRIPTION = frozenset({model.LOAD_BALANCER, model.NODE_ADDRESSES, model.NODE_ROLES, model.NODE_INTERFACES, model.NODE_PORTS})

RULES = (
    Rule("vip-address", ERROR, "a VIP that a node or LB host owns, outside a holder's network, or (kube-vip) a port other than bindPort",
         vip_address, reads=DESCRIPTION),
    Rule("keepalived-peers", ERROR, "keepalived peers with another router id or VIP, two MASTERs or equal priorities",
         keepalived_peers),
    Rule("kube-vip-super-admin", ERROR, "kube-vip of the first control plane on 1.29+ without super-admin.conf (or with it where none exists)",
         kube_vip_super_admin, reads=frozenset({model.VERSION, model.NODE_NAMES, model.NODE_ROLES})),
    Rule("kube-vip-strict-arp", ERROR, "kube-vip ARP mode with kube-proxy ipvs without strictARP", kube_vip_strict_arp,
         reads=frozenset({model.LOAD_BALANCER, model.KUBE_PROXY})),
    Rule("calico-autodetect-vip", ERROR, "a Calico autodetection method that can select the VIP where the VIP lives on nodes",
         calico_autodetect_vip, reads=DESCRIPTION | {model.CALICO_AUTODETECTION}),
)
