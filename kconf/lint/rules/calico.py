"""Calico: calico-pool-mismatch, calico-pool-unset, calico-autodetect-first-found,
calico-autodetect-mismatch.

Calico is configured in three places kconf reads: the description
(spec.calico), a calico.yaml manifest (env of the calico-node container) and
an operator Installation (spec.calicoNetwork). Rules that compare with the
cluster (pod subnet, nodes and their interfaces) need a description or, for
the pool, a kubeadm ClusterConfiguration in the same group; a standalone
manifest is only checked for what it says on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kconf.addresses import (
    Address,
    AddressError,
    Network,
    parse_address,
    parse_network,
    parse_networks,
)
from kconf.calico.autodetect import (
    CAN_REACH,
    CIDR,
    FIRST_FOUND,
    INTERFACE,
    KUBERNETES_INTERNAL_IP,
    MINIMUM_CALICO,
    SKIP_INTERFACE,
    AutodetectMethod,
    MethodError,
    parse,
)
from kconf.calico import AUTODETECT_NAME, CIDR_NAME
from kconf.lazyre import lazy

if TYPE_CHECKING:
    from kconf.calico.patch import CalicoNodeEnv
from kconf import description as model
from kconf.description import Cluster, Node
from kconf.lint.model import (
    ERROR,
    WARNING,
    CalicoManifestFile,
    DocumentView,
    Group,
    InstallationFile,
    Loc,
    RawFinding,
)
from kconf.lint.registry import Rule

IPV6_CIDR_NAME = "CALICO_IPV6POOL_CIDR"
IPV6_AUTODETECT_NAME = "IP6_AUTODETECTION_METHOD"
_AUTODETECT_KEYS = {4: "nodeAddressAutodetectionV4", 6: "nodeAddressAutodetectionV6"}
_OPERATOR_METHODS = "firstFound, canReach, interface, skipInterface, cidrs, kubernetes"
_COMMENTED_CIDR = lazy(r"^\s*#\s*-\s*name:\s*[\"']?" + CIDR_NAME + r"\b")


# --- calico-node env -----------------------------------------------------------------------


class _Env(NamedTuple):
    """An env item of the calico-node container: its value (None when it has
    none, e.g. valueFrom) and where the value is written."""

    name: str
    value: object
    loc: Loc
    value_from: bool


def _env(node: CalicoNodeEnv, name: str) -> _Env | None:
    """The last env item called ``name`` (Kubernetes lets the last one win)."""
    items: Any = node.document.data
    for step in node.env_path:
        if isinstance(items, dict) and isinstance(step, str):
            items = items.get(step)
        elif isinstance(items, list) and isinstance(step, int) and step < len(items):
            items = items[step]
        else:
            return None
    if not isinstance(items, list):
        return None
    found: _Env | None = None
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == name:
            path = node.env_path + (index, "value")
            pos = node.document.position(path)
            loc = Loc(node.path, pos.line + node.line_offset, pos.column)
            found = _Env(name, item.get("value"), loc, "valueFrom" in item)
    return found


def _env_key_loc(node: CalicoNodeEnv) -> Loc:
    line = node.env_line
    return Loc(node.path, line if line is not None else node.container_line)


def _manifests(group: Group) -> Iterator[CalicoNodeEnv]:
    for source in group.of(CalicoManifestFile):
        if source.node is not None:
            yield source.node


def _installations(group: Group) -> Iterator[DocumentView]:
    for source in group.of(InstallationFile):
        yield from source.installations


# --- calico-pool-mismatch ------------------------------------------------------------------


def _pod_subnets(group: Group) -> tuple[tuple[Network, ...], str] | None:
    """The pod subnets of the group and where they come from."""
    cluster = group.cluster
    if cluster is not None:
        return cluster.networking.pod_subnets, "the description's podSubnet"
    for view in group.kubeadm_documents("ClusterConfiguration"):
        try:
            return tuple(parse_networks(view.get("networking", "podSubnet"))), f"podSubnet of {view.path}"
        except AddressError:
            continue
    return None


def _pool_problem(value: object, subnets: tuple[Network, ...], origin: str) -> str | None:
    try:
        pool = parse_network(value)
    except AddressError as exc:
        return f"{value!r} is not a pool CIDR: {exc}"
    same_family = [s for s in subnets if s.version == pool.version]
    if any(pool.subnet_of(s) for s in same_family):  # type: ignore[arg-type]
        return None
    shown = ",".join(str(s) for s in subnets)
    if not same_family:
        return f"pool {pool} is IPv{pool.version}, but {origin} ({shown}) has no IPv{pool.version} CIDR"
    return (
        f"pool {pool} is not inside {origin} {shown}: pods would get addresses kube-proxy and the "
        "kube-controller-manager do not treat as pod addresses"
    )


def calico_pool_mismatch(group: Group) -> Iterator[RawFinding]:
    """Calico's IP pool is not the kubeadm pod subnet (nor inside it):
    CALICO_IPV4POOL_CIDR (or CALICO_IPV6POOL_CIDR) of a calico.yaml, or
    spec.calicoNetwork.ipPools[].cidr of an Installation. The pod subnet is the
    description's, else the podSubnet of a kubeadm ClusterConfiguration (file
    or kubeadm-config ConfigMap) of the same group; a standalone manifest has
    nothing to compare with and gets no finding.

    With a dual-stack podSubnet, the IPv6 half needs a pool too: a calico.yaml
    without CALICO_IPV6POOL_CIDR, or an Installation whose ipPools have no
    IPv6 pool, is a finding.

    Why: kube-controller-manager hands out node pod CIDRs from podSubnet and
    kube-proxy uses it to tell pod traffic (--cluster-cidr); pods with
    addresses outside it are masqueraded or routed wrongly; a family without
    a pool leaves pods without an address of it. Calico creates the pool
    once: changing it later has no effect.

    Fix: set the pool CIDR to podSubnet (`kconf calico patch --pod-cidr`, and
    `--ipv6-pod-cidr` for dual stack, or re-render from the description:
    render writes a pool per family in both calico modes)."""
    known = _pod_subnets(group)
    if known is None:
        return
    subnets, origin = known
    yield from _missing_ipv6_pools(group, subnets, origin)
    for node in _manifests(group):
        for name in (CIDR_NAME, IPV6_CIDR_NAME):
            env = _env(node, name)
            if env is None or env.value_from or env.value in (None, ""):
                continue
            problem = _pool_problem(env.value, subnets, origin)
            if problem:
                yield RawFinding("calico-pool-mismatch", env.loc, f"{name}: {problem}")
    for view in _installations(group):
        pools = view.get("spec", "calicoNetwork", "ipPools")
        for index, pool in enumerate(pools if isinstance(pools, list) else []):
            cidr = pool.get("cidr") if isinstance(pool, dict) else None
            if cidr is None:
                continue
            problem = _pool_problem(cidr, subnets, origin)
            if problem:
                path = ("spec", "calicoNetwork", "ipPools", index, "cidr")
                yield RawFinding("calico-pool-mismatch", view.loc(path), f"ipPools[{index}].cidr: {problem}")


def _missing_ipv6_pools(group: Group, subnets: tuple[Network, ...], origin: str) -> Iterator[RawFinding]:
    """A dual-stack podSubnet's IPv6 CIDR without a Calico pool (an IPv6-only
    one is pool-unset's or the operator's concern)."""
    ipv6 = [s for s in subnets if s.version == 6]
    if not ipv6 or len(subnets) < 2:
        return
    for node in _manifests(group):
        env = _env(node, IPV6_CIDR_NAME)
        if env is None or (not env.value_from and env.value in (None, "")):
            yield RawFinding(
                "calico-pool-mismatch", env.loc if env is not None else _env_key_loc(node),
                f"{IPV6_CIDR_NAME} is not set, but {origin} has the IPv6 CIDR {ipv6[0]}: pods get no IPv6 address; "
                f"set it with `kconf calico patch --ipv6-pod-cidr {ipv6[0]}` (which also sets IP6, FELIX_IPV6SUPPORT "
                "and the CNI's assign_ipv6), or re-render",
            )
    for view in _installations(group):
        pools = view.get("spec", "calicoNetwork", "ipPools")
        if not isinstance(pools, list) or not pools:
            continue
        if not any(_pool_version(p) == 6 for p in pools):
            yield RawFinding(
                "calico-pool-mismatch", view.loc(("spec", "calicoNetwork", "ipPools"), key=True),
                f"ipPools have no IPv6 pool, but {origin} has the IPv6 CIDR {ipv6[0]}: pods get no IPv6 address; "
                f"add a pool with cidr {ipv6[0]} (blockSize 122)",
            )


def _pool_version(pool: object) -> int | None:
    try:
        return parse_network(pool.get("cidr")).version if isinstance(pool, dict) else None
    except AddressError:
        return None


# --- calico-pool-unset ---------------------------------------------------------------------


def _commented_cidr_line(text: str, node: CalicoNodeEnv) -> int | None:
    lines = text.splitlines()
    for index in range(node.first_line, min(node.end_line, len(lines))):
        if _COMMENTED_CIDR.match(lines[index]):
            return index + 1
    return None


def _ipv6_only(node: CalicoNodeEnv) -> bool:
    """calico-node set up for IPv6 only: env IP=none (no IPv4 address is
    autodetected, so no IPv4 pool is needed) and CALICO_IPV6POOL_CIDR set."""
    ip = _env(node, "IP")
    pool = _env(node, IPV6_CIDR_NAME)
    no_ipv4 = ip is not None and isinstance(ip.value, str) and ip.value.strip().lower() == "none"
    return no_ipv4 and pool is not None and (pool.value_from or pool.value not in (None, ""))


def calico_pool_unset(group: Group) -> Iterator[RawFinding]:
    """A calico.yaml whose calico-node container does not set
    CALICO_IPV4POOL_CIDR: the upstream manifest ships it commented out
    (`# - name: CALICO_IPV4POOL_CIDR`), shown at that line, else at `env:`.

    Why: calico-node then takes podSubnet from the kubeadm-config ConfigMap if
    it finds one, and otherwise falls back to 192.168.0.0/16, which often
    overlaps the nodes' own network (field report). The pool is created once:
    a wrong guess stays.

    An IPv6-only calico-node (env IP=none and CALICO_IPV6POOL_CIDR set; its
    CNI config then has assign_ipv4 "false") needs no IPv4 pool: not a
    finding.

    Fix: uncomment it and set podSubnet (`kconf calico patch --pod-cidr
    CIDR`), or let `kconf render` write the manifest (calico.mode manifest)."""
    for source in group.of(CalicoManifestFile):
        node = source.node
        if node is None:
            continue
        env = _env(node, CIDR_NAME)
        if env is not None and (env.value_from or env.value not in (None, "")):
            continue
        if _ipv6_only(node):
            continue
        if env is not None:
            loc = env.loc
        else:
            commented = _commented_cidr_line(source.text, node)
            loc = Loc(node.path, commented) if commented is not None else _env_key_loc(node)
        yield RawFinding(
            "calico-pool-unset", loc,
            f"{CIDR_NAME} is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls "
            "back to 192.168.0.0/16; set it to podSubnet",
        )


# --- the methods in force -------------------------------------------------------------------


class _Method(NamedTuple):
    """An autodetection method as written somewhere: ``text`` in env syntax,
    None when not set at all."""

    text: str | None
    loc: Loc
    family: int
    where: str  # for messages
    image: str | None = None  # the calico-node image, for a manifest


def _described_method(group: Group) -> _Method | None:
    source = group.cluster_file
    view = source.view if source is not None else None
    if view is None:
        return None
    value = view.get("spec", "calico", "ipAutodetection")
    if not isinstance(value, str):
        return None
    return _Method(value, view.loc(("spec", "calico", "ipAutodetection")), 4, "spec.calico.ipAutodetection")


def _manifest_methods(group: Group) -> Iterator[_Method]:
    """IP_AUTODETECTION_METHOD (always: unset is first-found) and
    IP6_AUTODETECTION_METHOD (when set) of each calico.yaml, unless the
    address is not autodetected (env IP a literal address or none)."""
    for node in _manifests(group):
        ip = _env(node, "IP")
        if ip is not None and isinstance(ip.value, str) and ip.value not in ("", "autodetect"):
            continue
        for name, family in ((AUTODETECT_NAME, 4), (IPV6_AUTODETECT_NAME, 6)):
            env = _env(node, name)
            if env is not None and env.value_from:
                continue
            if env is None or env.value in (None, ""):
                if family == 4:
                    yield _Method(None, _env_key_loc(node), 4, f"{name} of the calico-node container", node.image)
                continue
            yield _Method(str(env.value), env.loc, family, name, node.image)


def _operator_text(value: object) -> tuple[str | None, str | None]:
    """(env-syntax method, None) for an Installation autodetection object, or
    (None, problem)."""
    if not isinstance(value, dict):
        return None, f"must be a mapping with one method ({_OPERATOR_METHODS})"
    chosen = {k: v for k, v in value.items() if v is not None and v is not False}
    if len(chosen) != 1:
        names = ", ".join(sorted(chosen)) or "none"
        return None, f"exactly one method may be set (found: {names})"
    key, raw = next(iter(chosen.items()))
    if key == "firstFound":
        return FIRST_FOUND, None
    if key == "kubernetes":
        if raw == "NodeInternalIP":
            return KUBERNETES_INTERNAL_IP, None
        return None, f"kubernetes: {raw!r} (the only value is NodeInternalIP)"
    if key == "cidrs":
        if not isinstance(raw, list) or not raw or not all(isinstance(c, str) for c in raw):
            return None, "cidrs must be a non-empty list of CIDRs"
        return f"{CIDR}={','.join(raw)}", None
    kinds = {"canReach": CAN_REACH, "interface": INTERFACE, "skipInterface": SKIP_INTERFACE}
    if key not in kinds:
        return None, f"unknown method {key!r} (one of: {_OPERATOR_METHODS})"
    return f"{kinds[key]}={raw}", None


def _has_ipv4_pool(network: object) -> bool:
    """Whether the operator autodetects IPv4 addresses: an IPv4 pool, or no
    ipPools at all (it then creates the default IPv4 pool)."""
    pools = network.get("ipPools") if isinstance(network, dict) else None
    if not isinstance(pools, list):
        return True
    for pool in pools:
        try:
            if isinstance(pool, dict) and parse_network(pool.get("cidr")).version == 4:
                return True
        except AddressError:
            continue
    return False


def _installation_methods(group: Group) -> Iterator[tuple[_Method, str | None]]:
    """Each Installation's autodetection per family, with a problem of the
    object itself; V4 missing where the operator autodetects IPv4 (its
    default is then firstFound) gives text None."""
    for view in _installations(group):
        network = view.get("spec", "calicoNetwork")
        for family, key in _AUTODETECT_KEYS.items():
            value = network.get(key) if isinstance(network, dict) else None
            where = f"spec.calicoNetwork.{key}"
            if value is None:
                if family == 4 and _has_ipv4_pool(network):
                    path = ("spec", "calicoNetwork") if isinstance(network, dict) else ("spec",)
                    yield _Method(None, view.loc(path, key=True), 4, where), None
                continue
            text, problem = _operator_text(value)
            if isinstance(value, dict) and len(value) == 1:
                loc = view.loc(("spec", "calicoNetwork", key, next(iter(value))))
            else:
                loc = view.loc(("spec", "calicoNetwork", key), key=True)
            yield _Method(text, loc, family, where), problem


# --- calico-autodetect-first-found -----------------------------------------------------------


def _multi_homed(cluster: Cluster) -> list[Node]:
    return [n for n in cluster.nodes if len(n.interfaces) >= 2 or any(i.nat for i in n.interfaces)]


def _describe_node(node: Node) -> str:
    parts = [f"{i.name} {i.address.ip}{' (NAT)' if i.nat else ''}" for i in node.interfaces]
    return f"node {node.name} has {', '.join(parts)}"


def calico_autodetect_first_found(group: Group) -> Iterator[RawFinding]:
    """Hosts with several interfaces (two or more described `interfaces`, or
    one marked `nat: true`) and Calico's IP autodetection left at first-found:
    spec.calico.ipAutodetection written as first-found (unset is fine: kconf's
    default is cidr=<the nodes' networks>), a calico.yaml of the cluster's
    output folder without IP_AUTODETECTION_METHOD or with first-found, an
    Installation without nodeAddressAutodetectionV4 (the operator then uses
    firstFound) or with firstFound: true. A standalone manifest or
    Installation carries no host information and gets no finding.

    Why: first-found takes the first address of the first interface the
    kernel lists, which on VirtualBox or Vagrant is the NAT interface (the same
    10.0.2.15 on every VM): every node announces the same address and pod
    traffic between nodes goes nowhere (field report).

    Fix: pin the method to the cluster network: `cidr=192.168.56.0/24` (what
    kconf renders by default), or `interface=enp0s8`."""
    cluster = group.cluster
    if cluster is None:
        return
    hosts = _multi_homed(cluster)
    if not hosts:
        return
    about = _describe_node(hosts[0]) + (f" ({len(hosts) - 1} more multi-homed nodes)" if len(hosts) > 1 else "")
    effect = "first-found may take the NAT or wrong interface; pin it with cidr= or interface="
    described = _described_method(group)
    if described is not None and described.text is not None and described.text.strip() == FIRST_FOUND:
        yield RawFinding(
            "calico-autodetect-first-found", described.loc, f"ipAutodetection first-found: {about}; {effect}"
        )
    methods = list(_manifest_methods(group)) + [m for m, _ in _installation_methods(group)]
    for method in methods:
        if method.family != 4:
            continue
        if method.text is None:
            yield RawFinding(
                "calico-autodetect-first-found", method.loc,
                f"{method.where} is not set, so Calico uses first-found: {about}; {effect}",
            )
        elif method.text.strip() == FIRST_FOUND:
            yield RawFinding(
                "calico-autodetect-first-found", method.loc, f"{method.where} is first-found: {about}; {effect}"
            )


# --- calico-autodetect-mismatch --------------------------------------------------------------


class _Nodes:
    """What the node checks need, computed once per group (no pairwise loops)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.networks = cluster.node_networks()
        nat = {i.address.ip for n in cluster.nodes for i in n.interfaces if i.nat}
        self.nat = nat
        known: set[Address] = {n.ip for n in cluster.nodes}
        known |= {i.address.ip for n in cluster.nodes for i in n.interfaces if not i.nat}
        known |= {a for _, a in cluster.hosts}
        if cluster.load_balancer is not None:
            known.add(cluster.load_balancer.address)
        self.known = known - nat

    def reachable(self, address: Address) -> bool:
        if address in self.nat:
            return False
        return address in self.known or any(address.version == n.version and address in n for n in self.networks)


def _failing(nodes: list[Node]) -> str:
    first = nodes[0]
    return f"node {first.name}" + (f" and {len(nodes) - 1} more" if len(nodes) > 1 else "")


def _interface_problems(method: AutodetectMethod, cluster: Cluster) -> Iterator[str]:
    patterns = [re.compile(arg) for arg in method.args]
    skipping = method.kind == SKIP_INTERFACE
    none_left: list[Node] = []
    only_nat: list[Node] = []
    verdicts: dict[tuple[tuple[str, bool], ...], str] = {}
    for node in cluster.nodes:
        if not node.interfaces:
            continue
        shape = tuple((i.name, i.nat) for i in node.interfaces)
        verdict = verdicts.get(shape)
        if verdict is None:
            picked = [nat for name, nat in shape if any(p.search(name) for p in patterns) != skipping]
            verdict = "none" if not picked else "nat" if all(picked) else "ok"
            verdicts[shape] = verdict
        if verdict == "none":
            none_left.append(node)
        elif verdict == "nat":
            only_nat.append(node)
    if none_left:
        what = "skips every interface of" if skipping else "matches no interface of"
        yield f"{method} {what} {_failing(none_left)} ({', '.join(i.name for i in none_left[0].interfaces)})"
    if only_nat:
        what = "leaves only the NAT interface of" if skipping else "matches only the NAT interface of"
        yield f"{method} {what} {_failing(only_nat)}: every node would announce the shared NAT address"


def _node_problems(method: AutodetectMethod, family: int, nodes: _Nodes) -> Iterator[str]:
    cluster = nodes.cluster
    if method.kind == CAN_REACH:
        target = method.args[0]
        try:
            address: Address | None = parse_address(target)
        except AddressError:
            address = cluster.resolve(target)
        if address is None:
            yield (
                f"can-reach target {target!r} is no node, endpoint or load-balancer name of the description: "
                "Calico takes the interface of the route to it, for an outside name the default (often NAT) route"
            )
        elif not nodes.reachable(address):
            yield (
                f"can-reach target {target} ({address}) is neither a node, endpoint or load-balancer address nor "
                "inside the nodes' networks: the route to it may leave through another (NAT) interface"
            )
    elif method.kind in (INTERFACE, SKIP_INTERFACE):
        yield from _interface_problems(method, cluster)
    elif method.kind == CIDR:
        networks = [n for n in (parse_network(a) for a in method.args) if n.version == family]
        # each node's address of this family: with dual stack, IPv6 methods meet the IPv6 addresses
        left_out = [
            (n, a.ip) for n in cluster.nodes
            if (a := n.address_of(family)) is not None and not any(a.ip in net for net in networks)
        ]
        if left_out:
            yield (
                f"{method} leaves out {_failing([n for n, _ in left_out])} ({left_out[0][1]}): Calico finds no "
                "address there and calico-node does not start"
            )


def _lists_ipv6(text: str | None) -> bool:
    try:
        method = parse(text)
    except MethodError:
        return False
    return method.kind == CIDR and any(parse_network(a).version == 6 for a in method.args)


def _version_problem(method: AutodetectMethod, image: str | None) -> str | None:
    minimum = MINIMUM_CALICO.get(method.kind)
    from kconf.calico import calico_version

    version = calico_version(image) if image else None
    if minimum is None or version is None or version >= minimum:
        return None
    return (
        f"{method.kind} needs Calico v{minimum[0]}.{minimum[1]} or later, but the calico-node image is {image}: "
        "calico-node terminates with 'Invalid IP autodetection method'"
    )


def calico_autodetect_mismatch(group: Group) -> Iterator[RawFinding]:
    """A Calico IP autodetection method that cannot find the node's cluster
    address, in spec.calico.ipAutodetection, IP_AUTODETECTION_METHOD /
    IP6_AUTODETECTION_METHOD of a calico.yaml, or nodeAddressAutodetectionV4/V6
    of an Installation:

    - unknown method or bad syntax (an invalid regex or CIDR, a value where
      none is taken, several methods in one Installation object) - also in a
      standalone manifest or Installation;
    - kubernetes-internal-ip with a calico-node image older than v3.22;
    - with a description: `can-reach=` a target that is no node, endpoint or
      load-balancer address (or name) and not inside the nodes' networks;
      `interface=` regexes that match no described interface of some node, or
      only its NAT one; `skip-interface=` that skips every interface of some
      node, or all but the NAT one; `cidr=` that leaves out some node's
      address. Interface checks only consider nodes with `interfaces`; regexes
      are Go regexps in Calico, approximated with Python's (unanchored search).

    Why: calico-node stops with "Invalid IP autodetection method" or finds no
    address and does not start, or takes an address other nodes cannot reach;
    pod networking then fails on those nodes.

    Fix: use a method that selects each node's cluster address; the safest is
    `cidr=` with the nodes' network(s), kconf's default."""
    cluster = group.cluster
    nodes = _Nodes(cluster) if cluster is not None else None
    found: list[tuple[_Method, str | None]] = []
    described = _described_method(group)
    if described is not None:
        found.append((described, None))
        if _lists_ipv6(described.text):
            # cidr= with IPv6 networks: render gives them to IPv6 autodetection
            found.append((_Method(described.text, described.loc, 6, described.where), None))
    found += [(m, None) for m in _manifest_methods(group)]
    found += list(_installation_methods(group))
    for method, problem in found:
        if problem is None and method.text is None:
            continue
        if problem is not None:
            yield RawFinding("calico-autodetect-mismatch", method.loc, f"{method.where}: {problem}")
            continue
        try:
            parsed = parse(method.text)
        except MethodError as exc:
            yield RawFinding("calico-autodetect-mismatch", method.loc, f"{method.where}: {exc}")
            continue
        version_problem = _version_problem(parsed, method.image)
        if version_problem:
            yield RawFinding("calico-autodetect-mismatch", method.loc, f"{method.where}: {version_problem}")
        if nodes is not None:
            for message in _node_problems(parsed, method.family, nodes):
                yield RawFinding("calico-autodetect-mismatch", method.loc, f"{method.where}: {message}")


# --- calico-manifest -----------------------------------------------------------------------


def calico_manifest(group: Group) -> Iterator[RawFinding]:
    """A cluster description in manifest mode (spec.calico.mode manifest)
    whose spec.calico.manifest names no file: the path is relative to the
    description. Shown at the field's value.

    Why: render patches that upstream calico.yaml; without it `kconf render`
    refuses the description and writes nothing.

    Fix: download the upstream manifest of your Calico version (e.g.
    https://raw.githubusercontent.com/projectcalico/calico/v3.28.5/manifests/calico.yaml)
    to that path, or correct the path."""
    source = group.cluster_file
    view = source.view if source is not None else None
    if source is None or view is None or view.get("spec", "calico", "mode") != "manifest":
        return
    written = view.get("spec", "calico", "manifest")
    if not isinstance(written, str) or not written:
        return  # cluster-schema reports a missing or mistyped field
    target = Path(source.path).parent / written
    if target.is_file():
        return
    what = "is a folder" if target.is_dir() else "does not exist"
    yield RawFinding(
        "calico-manifest", view.loc(("spec", "calico", "manifest")),
        f"spec.calico.manifest {written!r}: {target} {what}; kconf render patches the upstream calico.yaml there: "
        "download it or correct the path",
    )


RULES = (
    Rule(
        "calico-pool-mismatch", ERROR,
        "CALICO_IPV4POOL_CIDR / Installation ipPools cidr is not the kubeadm podSubnet (or inside it)",
        calico_pool_mismatch, reads=frozenset({model.POD_SUBNET}),
    ),
    Rule(
        "calico-pool-unset", WARNING,
        "the manifest still has CALICO_IPV4POOL_CIDR commented out or absent",
        calico_pool_unset,
    ),
    Rule(
        "calico-autodetect-first-found", ERROR,
        "hosts with several interfaces (or a NAT one) and Calico autodetection unset or first-found",
        calico_autodetect_first_found, reads=frozenset({model.NODE_NAMES, model.NODE_INTERFACES}),
    ),
    Rule(
        "calico-autodetect-mismatch", ERROR,
        "autodetection method that cannot select each node's cluster address, or is invalid",
        calico_autodetect_mismatch,
        reads=frozenset({model.NODE_NAMES, model.NODE_ADDRESSES, model.NODE_INTERFACES, model.HOSTS, model.LOAD_BALANCER}),
    ),
    Rule(
        "calico-manifest", ERROR,
        "manifest mode and spec.calico.manifest names no file",
        calico_manifest,
    ),
)
