"""IP families (single and dual stack): ip-family-mismatch.

Kubernetes takes the families of a cluster from its CIDR lists: podSubnet
(kube-controller-manager --cluster-cidr), serviceSubnet (kube-apiserver
--service-cluster-ip-range, whose first CIDR is the cluster's primary
family) and each node's kubelet --node-ip. Values are read where they are
written, as in rules/addresses.py: the description (raw document), kubeadm
ClusterConfiguration (ConfigMaps' too) and Init/JoinConfiguration documents.
"""

from __future__ import annotations

from collections.abc import Iterator

from kconf.addresses import Network, family
from kconf.description import DEFAULT_SERVICE_SUBNET, parse_kubernetes_version
from kconf.lint.model import ERROR, WARNING, Group, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.lint.rules.addresses import (
    CidrField,
    Description,
    NodeLike,
    SubnetSetting,
    advertise_address,
    description,
    node_documents,
    node_field,
    node_name,
    shown,
    subnet_settings,
)

RULE = "ip-family-mismatch"
# kubelet takes a dual-stack --node-ip with --cloud-provider=external from
# 1.29 (CloudDualStackNodeIPs: alpha, off, in 1.27 and 1.28; beta, on, in 1.29; GA in 1.30).
CLOUD_DUAL_STACK_NODE_IP_FROM = (1, 29)
SERVICE_EXAMPLE = {4: "10.96.0.0/12", 6: "fd00:10:96::/112"}


def _families(networks: list[Network]) -> tuple[int, ...]:
    return tuple(n.version for n in networks)


def _shown(versions: tuple[int, ...]) -> str:
    return ",".join(family(v) for v in versions) + (" (dual stack)" if len(versions) > 1 else " only")


def _service(setting: SubnetSetting) -> tuple[CidrField, bool]:
    """The setting's Service CIDRs, and whether they are written (else kubeadm's default)."""
    if setting.service is not None and setting.service.networks():
        return setting.service, True
    loc = setting.pod.loc if setting.pod is not None else Loc(setting.view.path, 1)
    return CidrField("service", "the default serviceSubnet", DEFAULT_SERVICE_SUBNET, loc), False


def _subnet_findings(setting: SubnetSetting) -> Iterator[RawFinding]:
    pod = setting.pod
    pods = _families(pod.networks()) if pod is not None else ()
    if pod is None or not pods or len(set(pods)) != len(pods) or len(pods) > 2:
        return  # no pod subnet, or one pod-subnet-capacity reports
    service, written = _service(setting)
    services = _families(service.networks())
    if len(set(services)) != len(services) or len(services) > 2:
        return  # service-subnet-size reports it
    loc = service.loc if written else pod.loc
    pair = f"{pod.label} {pod.text.strip()} is {_shown(pods)}, {service.label} {service.text.strip()} {_shown(services)}"
    if set(pods) == set(services):
        if pods[0] != services[0]:
            yield RawFinding(
                RULE, loc,
                f"{pair}, the other family first: the primary family (the first CIDR) of Services is "
                f"{family(services[0])} and of pods {family(pods[0])}; write both in the same order",
                severity=WARNING,
            )
        return
    if set(services) < set(pods):
        missing = next(v for v in pods if v not in services)
        yield RawFinding(
            RULE, loc,
            f"{pair}: Services get no {family(missing)} addresses, so no dual-stack Service reaches the pods' "
            f"{family(missing)} addresses; add an {family(missing)} Service CIDR "
            f"(e.g. {','.join(SERVICE_EXAMPLE[v] for v in pods)})",
            severity=WARNING,
        )
        return
    missing = next(v for v in services if v not in pods)
    yield RawFinding(
        RULE, loc,
        f"{pair}: {family(missing)} Service addresses would lead to no pod (pods get no {family(missing)} "
        f"address); give podSubnet an {family(missing)} CIDR too, or Services only the pods' families",
    )


def _described_setting(group: Group, described: Description | None) -> SubnetSetting | None:
    if described is None:
        return None
    return next((s for s in subnet_settings(group) if s.view is described.view), None)


def _primary_service_family(setting: SubnetSetting) -> int:
    return _families(_service(setting)[0].networks())[0]


def _node_findings(described: Description, setting: SubnetSetting) -> Iterator[RawFinding]:
    pods = _families(setting.pod.networks()) if setting.pod is not None else ()
    if not pods or len(set(pods)) != len(pods):
        return
    primary = _primary_service_family(setting)
    for node in described.nodes:
        versions = tuple(a.version for a in node.addresses)
        if not versions:
            continue  # cluster-schema says why
        loc = described.loc(node_field(node) + ("address",))
        missing = [v for v in pods if v not in versions]
        if missing:
            yield RawFinding(RULE, loc, _missing_message(node, pods, family(missing[0])))
        elif versions[0] != primary and primary in versions:
            role = described.view.get("spec", "nodes", node.index, "role")
            yield from _order_finding(node, role == "control-plane", loc, versions, primary)


def _missing_message(node: NodeLike, pods: tuple[int, ...], missing: str) -> str:
    written = ",".join(str(a) for a in node.addresses)
    return (
        f"node {shown(node)} has no {missing} address, but podSubnet is {_shown(pods)}: its kubelet reports no "
        f"{missing} address and Calico finds none for its pods; add it to the address, the primary family first "
        f"(e.g. {written},<{missing} address>/<prefix length>)"
    )


def _order_finding(node: NodeLike, control_plane: bool, loc: Loc, versions: tuple[int, ...], primary: int) -> Iterator[RawFinding]:
    first = family(versions[0])
    fix = f"write the {family(primary)} address first (the primary family is serviceSubnet's first CIDR's)"
    if control_plane:
        yield RawFinding(
            RULE, loc,
            f"control-plane node {shown(node)} lists its {first} address first, so kubeadm advertises it, and "
            f"kube-apiserver refuses to start (\"service IP family must match public address family\"); {fix}",
        )
    else:
        yield RawFinding(
            RULE, loc,
            f"node {shown(node)} lists its {first} address first: its kubelet node-ip makes it an {first}-primary "
            f"node of an {family(primary)}-primary cluster; {fix}",
            severity=WARNING,
        )


def _cloud_finding(described: Description, setting: SubnetSetting) -> Iterator[RawFinding]:
    if described.cloud_provider not in ("aws", "external"):
        return
    pods = set(_families(setting.pod.networks())) if setting.pod is not None else set()
    version_text = described.view.get("spec", "kubernetesVersion")
    try:
        version = parse_kubernetes_version(version_text) if isinstance(version_text, str) else None
    except ValueError:
        version = None
    if len(pods) < 2 or version is None or version[:2] >= CLOUD_DUAL_STACK_NODE_IP_FROM:
        return
    dual = [n for n in described.nodes if {a.version for a in n.addresses} >= pods]
    if dual:
        yield RawFinding(
            RULE, described.loc(("spec", "cloudProvider")),
            f"cloudProvider {described.cloud_provider} with dual-stack nodes ({shown(dual[0])}"
            f"{f' and {len(dual) - 1} more' if len(dual) > 1 else ''}) on Kubernetes {version[0]}.{version[1]}: the "
            "kubelet takes a dual-stack node-ip with an external cloud provider from 1.29 (CloudDualStackNodeIPs); "
            "use Kubernetes 1.29 or later, or single-stack nodes",
        )


def _advertise_findings(group: Group, setting: SubnetSetting) -> Iterator[RawFinding]:
    primary = _primary_service_family(setting)
    for view in node_documents(group):
        written = advertise_address(view)
        if written is None or written.address is None or written.address.version == primary:
            continue
        name = node_name(view)
        yield RawFinding(
            RULE, written.loc,
            f"{written.label} {written.address} is {family(written.address.version)}, but the Services' primary "
            f"family is {family(primary)} ({_service(setting)[0].text.strip()}): kube-apiserver"
            f"{f' on {name}' if name else ''} refuses to start (\"service IP family must match public address "
            f"family\"); advertise the node's {family(primary)} address",
        )


def ip_family_mismatch(group: Group) -> Iterator[RawFinding]:
    """The IP families of a cluster do not fit together:

    - podSubnet and serviceSubnet (of the description or a kubeadm
      ClusterConfiguration; unwritten, kubeadm's default 10.96.0.0/12) of
      different families: Services of a family pods do not have (error);
      dual-stack pods with single-stack Services (warning: Kubernetes allows
      it, but no Service reaches the pods' other family); both dual-stack in
      a different order (warning: the first CIDR is the primary family);
    - a node of the description without an address of each podSubnet family
      (error), or whose first address is not of the primary family, the
      family of serviceSubnet's first CIDR (error for a control plane,
      warning for a worker);
    - an advertiseAddress (InitConfiguration, control-plane
      JoinConfiguration) that is not of the primary family of the
      group's ClusterConfiguration, else the description;
    - cloudProvider aws or external with dual-stack nodes before Kubernetes
      1.29.

    Why: kube-apiserver refuses to start when its advertise address is not
    of the Services' primary family ("service IP family must match public
    address family"); a node without an address of a pod family gets no
    route for that family's pods (Calico finds no address for it); Service
    addresses of a family pods lack lead nowhere; the kubelet before 1.29
    refuses a dual-stack node-ip with an external cloud provider.

    Fix: write podSubnet and serviceSubnet with the same families in the
    same order (e.g. `10.244.0.0/16,fd00:10:244::/56` and
    `10.96.0.0/12,fd00:10:96::/112`) and each node's address as a pair of
    those families, the primary first (`192.168.51.81/24,fd00:51::81/64`)."""
    for setting in subnet_settings(group):
        yield from _subnet_findings(setting)
    described = description(group)
    described_setting = _described_setting(group, described)
    if described is not None and described_setting is not None:
        yield from _node_findings(described, described_setting)
        yield from _cloud_finding(described, described_setting)
    kubeadm = [s for s in subnet_settings(group) if described is None or s.view is not described.view]
    reference = next(iter(kubeadm), described_setting)
    if reference is not None:
        yield from _advertise_findings(group, reference)


RULES = (
    Rule(
        RULE, ERROR,
        "pod and Service subnets, node addresses or advertiseAddress of families that do not fit together",
        ip_family_mismatch,
    ),
)
