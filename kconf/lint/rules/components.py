"""Component settings: component-config-schema, kubelet-cgroup-driver,
kube-proxy-mode, extra-args-conflict.

The description is read through the model (spec.kubelet, spec.kubeProxy,
the components' extraArgs, the nodes' CRI sockets); kubeadm config files
through their KubeletConfiguration and KubeProxyConfiguration documents,
whose Kubernetes version is their ClusterConfiguration's (else the
description's).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from kconf import description as model
from kconf.description import Cluster
from kconf.kubeadm.components import Minor, check_component, component_kind, minor_of
from kconf.errors import format_field_path
from kconf.lint.model import ERROR, WARNING, DocumentView, Group, KubeadmFile, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.yamlio import Path as FieldPath


def _described_minor(group: Group) -> Minor | None:
    source = group.cluster_file
    cluster = group.cluster
    if cluster is None or source is None or model.VERSION in source.broken:
        return None
    return (cluster.version[0], cluster.version[1])


def _file_minor(source: KubeadmFile, group: Group) -> Minor | None:
    """The Kubernetes minor a kubeadm file deploys: its ClusterConfiguration's
    kubernetesVersion, else the description's beside it."""
    for view in source.kubeadm_documents:
        if view.kind == "ClusterConfiguration":
            found = minor_of(view.get("kubernetesVersion"))
            if found is not None:
                return found
    return _described_minor(group)


class Component(NamedTuple):
    """A KubeletConfiguration or KubeProxyConfiguration: one in a kubeadm
    file, or spec.kubelet / spec.kubeProxy of the description (``fields``
    as written, ``loc`` finds a field, ``label`` names it in messages)."""

    kind: str
    fields: dict[str, Any]
    minor: Minor | None
    at: DocumentView
    prefix: FieldPath
    sockets: tuple[str, ...]  # the CRI sockets of the nodes it is for, where known

    def loc(self, *field: str | int, key: bool = False) -> Loc:
        return self.at.loc(self.prefix + field, key=key)

    def label(self, *field: str) -> str:
        base = "spec.kubelet" if self.kind == "KubeletConfiguration" else "spec.kubeProxy"
        return format_field_path((*base.split("."), *field) if self.prefix else field)

    def get(self, *field: str) -> Any:
        value: Any = self.fields
        for step in field:
            value = value.get(step) if isinstance(value, dict) else None
        return value


def _node_sockets(cluster: Cluster) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for n in cluster.nodes if (s := cluster.node_cri_socket(n)) is not None))


def components(group: Group, kind: str) -> Iterator[Component]:
    """The description's spec.kubelet / spec.kubeProxy and every document of
    that kind in the group's kubeadm files."""
    cluster, source = group.cluster, group.cluster_file
    if cluster is not None and source is not None and source.view is not None:
        fields = cluster.kubelet if kind == "KubeletConfiguration" else cluster.kube_proxy
        if fields is not None:
            prefix = ("spec", "kubelet" if kind == "KubeletConfiguration" else "kubeProxy")
            sockets = () if model.NODE_CRI_SOCKETS in source.broken or model.CRI_SOCKET in source.broken else _node_sockets(cluster)
            yield Component(kind, fields, _described_minor(group), source.view, prefix, sockets)
    for kubeadm_file in group.of(KubeadmFile):
        minor = _file_minor(kubeadm_file, group)
        sockets = tuple(
            s for v in kubeadm_file.kubeadm_documents
            if v.kind in ("InitConfiguration", "JoinConfiguration") and isinstance(s := v.get("nodeRegistration", "criSocket"), str)
        )
        for view in kubeadm_file.documents:
            if component_kind(view.data) == kind:
                yield Component(kind, view.data, minor, view, (), sockets)


# --- component-config-schema -------------------------------------------------------


def component_config_schema(group: Group) -> Iterator[RawFinding]:
    """A KubeletConfiguration (kubelet.config.k8s.io/v1beta1) or
    KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) in a kubeadm
    config file has a field that is unknown or of the wrong type, checked
    against schemas written from the upstream Go types of every Kubernetes
    minor kconf is tested with (1.31 to 1.37); a field that the file's
    kubernetesVersion does not have yet (e.g. crashLoopBackOff before 1.32)
    counts as unknown. A cgroupDriver or kube-proxy mode that is none of
    upstream's values is reported too (kubeadm passes it on, the kubelet or
    kube-proxy refuses it when it starts).

    Why: kubeadm decodes these documents strictly: an unknown field or a
    wrong type stops `kubeadm init` ("strict decoding error: unknown
    field") before anything is set up.

    Fix: use the field names and types of the upstream KubeletConfiguration
    and KubeProxyConfiguration (the message names the field); a duration is
    a string such as 30s, a size a string such as 100Mi."""
    for source in group.of(KubeadmFile):
        minor = _file_minor(source, group)
        for view in source.documents:
            for issue in check_component(view.data, minor):
                key = issue.message.startswith("unknown field")
                yield RawFinding("component-config-schema", view.loc(issue.path, key=key), f"{view.kind}: {issue}")


# --- kubelet-cgroup-driver ---------------------------------------------------------

KUBEADM_SYSTEMD_DEFAULT = (1, 22)
DRIVER_FROM_CRI = (1, 31)  # KubeletCgroupDriverFromCRI: beta, on by default, in 1.31; GA in 1.34

# What each runtime does when its own config does not say (socket path -> words).
_RUNTIMES = (
    ("cri-dockerd", "Docker Engine (cri-dockerd) uses systemd on cgroup v2 hosts, the default of current "
                    "distributions, and cgroupfs on cgroup v1: see `docker info --format '{{.CgroupDriver}}'`"),
    ("crio", "CRI-O's default cgroup_manager is systemd: unless crio.conf sets cgroup_manager = \"cgroupfs\", "
             "the kubelet and CRI-O disagree and Pods do not start"),
    ("containerd", "containerd's runc default is SystemdCgroup = false (cgroupfs), so a config.toml without it matches, "
                   "but the usual install steps set SystemdCgroup = true, which then does not"),
)


def _runtime_notes(sockets: tuple[str, ...]) -> list[str]:
    notes: list[str] = []
    for needle, note in _RUNTIMES:
        if any(needle in socket for socket in sockets) and note not in notes:
            notes.append(note)
    return notes


def kubelet_cgroup_driver(group: Group) -> Iterator[RawFinding]:
    """cgroupDriver: cgroupfs in spec.kubelet or a KubeletConfiguration.

    What kconf knows: kubeadm runs the kubelet as a systemd service, so
    systemd manages the host's cgroups, and from Kubernetes 1.22 kubeadm
    writes cgroupDriver systemd when none is set; Kubernetes advises against
    a second cgroup manager (cgroupfs) beside systemd. From the nodes' CRI
    sockets kconf knows the runtime and says what its default is: CRI-O
    systemd; containerd cgroupfs unless config.toml sets SystemdCgroup =
    true (as the usual install steps do); Docker Engine (cri-dockerd)
    systemd on cgroup v2 hosts, cgroupfs on cgroup v1. From 1.31 the kubelet
    asks a runtime that answers the CRI RuntimeConfig call (containerd 2.0
    and later, CRI-O 1.28 and later) for its driver and uses that instead.

    What kconf cannot know: the runtime's own config (config.toml,
    crio.conf, daemon.json), the host's cgroup version and the runtime's
    version. So an explicit cgroupfs is a warning, never an error, and
    systemd (or no cgroupDriver) is never reported, although it too breaks
    on a cgroup v1 host whose Docker or containerd still uses cgroupfs. All
    nodes share one KubeletConfiguration: every runtime needs the same
    driver.

    Why: a kubelet and a runtime on different cgroup drivers fail in ways
    that look unrelated: Pods stuck in ContainerCreating, "misconfiguration:
    kubelet cgroup driver: ... is different from docker cgroup driver", or
    nodes unstable under memory pressure (containerd #7319, kubeadm #2605).

    Fix: use systemd on both sides: cgroupDriver: systemd (or leave it out)
    and SystemdCgroup = true in containerd's config.toml, cgroup_manager =
    "systemd" for CRI-O, exec-opts native.cgroupdriver=systemd for Docker."""
    for component in components(group, "KubeletConfiguration"):
        if component.get("cgroupDriver") != "cgroupfs":
            continue
        parts = [
            f"{component.label('cgroupDriver')} is cgroupfs, but kubeadm runs the kubelet as a systemd service "
            "(its default since 1.22 is systemd): cgroupfs makes a second cgroup manager beside systemd, and the "
            "container runtime must use cgroupfs too"
        ]
        parts += _runtime_notes(component.sockets)
        if component.minor is not None and component.minor >= DRIVER_FROM_CRI:
            parts.append("a runtime new enough to report its driver (containerd 2.0+, CRI-O 1.28+) overrides this field")
        parts.append("use systemd on the kubelet and the runtime")
        yield RawFinding("kubelet-cgroup-driver", component.loc("cgroupDriver"), "; ".join(parts))


# --- kube-proxy-mode ---------------------------------------------------------------

NFTABLES_FROM = (1, 29)  # alpha, off by default
NFTABLES_BETA = (1, 31)  # beta, on by default
NFTABLES_GA = (1, 33)  # GA, locked on
IPVS_DEPRECATED = (1, 37)  # kube-proxy logs: disabled by default in 1.40, removed in 1.43
GATE = "NFTablesProxyMode"


def _shown(minor: Minor) -> str:
    return f"{minor[0]}.{minor[1]}"


def _mode_findings(proxy: Component, minor: Minor) -> Iterator[RawFinding]:
    mode = proxy.get("mode")
    gate = proxy.get("featureGates", GATE)
    gate_loc = proxy.loc("featureGates", GATE)
    version = f"kubernetesVersion is {_shown(minor)}"
    if gate is False and minor >= NFTABLES_GA:
        yield RawFinding("kube-proxy-mode", gate_loc, (
            f"{proxy.label('featureGates', GATE)}: false: the gate is GA and locked to true from Kubernetes 1.33 "
            f"({version}), and kube-proxy refuses to start with it set to false; remove it"
        ))
    if mode == "nftables":
        if minor < NFTABLES_FROM:
            yield RawFinding("kube-proxy-mode", proxy.loc("mode"), (
                f"kube-proxy has no nftables mode before Kubernetes 1.29 ({version}); use iptables or ipvs"
            ))
        elif minor < NFTABLES_BETA and gate is not True:
            yield RawFinding("kube-proxy-mode", proxy.loc("mode"), (
                f"the nftables mode is alpha and off by default in Kubernetes 1.29 and 1.30 ({version}): kube-proxy "
                f"refuses it unless {proxy.label('featureGates')} has {GATE}: true (or use Kubernetes 1.31+)"
            ))
        elif minor < NFTABLES_GA and gate is False:
            yield RawFinding("kube-proxy-mode", gate_loc, (
                f"{proxy.label('featureGates', GATE)}: false turns off the nftables mode that "
                f"{proxy.label('mode')} asks for: kube-proxy refuses the mode; remove the gate"
            ))
    elif mode == "ipvs" and minor >= IPVS_DEPRECATED:
        yield RawFinding("kube-proxy-mode", proxy.loc("mode"), (
            f"the ipvs mode is deprecated from Kubernetes 1.37 ({version}): kube-proxy warns that it will be off by "
            "default in 1.40 and removed in 1.43; move to nftables"
        ), severity=WARNING)


def kube_proxy_mode(group: Group) -> Iterator[RawFinding]:
    """The kube-proxy mode (spec.kubeProxy.mode, or a KubeProxyConfiguration
    beside a ClusterConfiguration) does not exist in the cluster's Kubernetes
    version: nftables before 1.29, or on 1.29 and 1.30 (alpha) without
    featureGates NFTablesProxyMode: true; the gate set to false where it is
    needed (1.31, 1.32) or locked (1.33 and later). A warning for ipvs from
    1.37, where kube-proxy announces its removal. A KubeProxyConfiguration
    with no kubernetesVersion to go by (none in its file, no description) is
    not checked.

    Why: kube-proxy validates its mode when it starts: with a mode it does
    not have it crash-loops on every node, and Services stop working while
    `kubeadm init` itself succeeds.

    Fix: iptables, or nftables with Kubernetes 1.31 or later (on 1.29 and
    1.30 add featureGates: {NFTablesProxyMode: true}); plan ipvs clusters'
    move to nftables."""
    for proxy in components(group, "KubeProxyConfiguration"):
        if proxy.minor is not None:
            yield from _mode_findings(proxy, proxy.minor)


# --- extra-args-conflict -----------------------------------------------------------

_EACH_NODE = " (kubeadm writes each control plane's own; one value here would be every one's)"
# Flags kconf sets (or has kubeadm set) from another field: component -> flag -> (the field, why it matters).
OWNED_FLAGS: dict[str, dict[str, tuple[str, str]]] = {
    "apiServer": {
        "advertise-address": ("spec.nodes[].address", _EACH_NODE),
        "secure-port": ("spec.nodes[].bindPort", " (HAProxy backends and localAPIEndpoint follow it)"),
        "service-cluster-ip-range": ("spec.networking.serviceSubnet", ""),
    },
    "controllerManager": {
        "node-cidr-mask-size": ("spec.networking.nodeCIDRMaskSize", ""),
        "node-cidr-mask-size-ipv4": ("spec.networking.nodeCIDRMaskSize", ""),
        "node-cidr-mask-size-ipv6": ("spec.networking.nodeCIDRMaskSize", ""),
        "cluster-cidr": ("spec.networking.podSubnet", " (Calico's pool follows it)"),
        "service-cluster-ip-range": ("spec.networking.serviceSubnet", ""),
        "cloud-provider": ("spec.cloudProvider", " (the kubelets' cloud-provider follows it)"),
    },
    "scheduler": {},
    "etcd": {
        "name": ("spec.nodes[].name", _EACH_NODE),
        "advertise-client-urls": ("spec.nodes[].address", _EACH_NODE),
        "initial-advertise-peer-urls": ("spec.nodes[].address", _EACH_NODE),
        "listen-client-urls": ("spec.nodes[].address", _EACH_NODE),
        "listen-peer-urls": ("spec.nodes[].address", _EACH_NODE),
        "initial-cluster": ("spec.nodes[].address", _EACH_NODE),
    },
}


def extra_args_conflict(group: Group) -> Iterator[RawFinding]:
    """A flag in spec.apiServer / controllerManager / scheduler / etcd
    extraArgs that kconf (or kubeadm, from a field kconf writes) already
    sets from another field of the description: kube-apiserver
    advertise-address, secure-port, service-cluster-ip-range;
    kube-controller-manager node-cidr-mask-size(-ipv4/-ipv6), cluster-cidr,
    service-cluster-ip-range, cloud-provider; etcd name and its client and
    peer URLs. (The kubelet's node-ip is written per node in
    nodeRegistration; the description has no kubelet flags.)

    Why: the flag would win over the field silently: Calico, HAProxy and the
    other files kconf renders follow the field, the component follows the
    flag, and a per-node value (an address) set once in the
    ClusterConfiguration becomes every control plane's.

    Fix: remove the flag and set the field the message names. With the rule
    disabled, render writes the flag's value (it replaces kconf's own)."""
    cluster, source = group.cluster, group.cluster_file
    if cluster is None or source is None or source.view is None:
        return
    for component, flags in OWNED_FLAGS.items():
        for flag, value in cluster.components.args(component).items():
            owner = flags.get(flag)
            if owner is None:
                continue
            field, why = owner
            yield RawFinding(
                "extra-args-conflict", source.view.loc(("spec", component, "extraArgs", flag), key=True),
                f"spec.{component}.extraArgs.{flag} ({value!r}) would override what kconf sets from {field}{why}: "
                f"remove the flag and set {field}",
            )


RULES = (
    Rule("component-config-schema", ERROR, "KubeletConfiguration / KubeProxyConfiguration field unknown or of the wrong type",
         component_config_schema),
    Rule("kubelet-cgroup-driver", WARNING, "kubelet cgroupDriver cgroupfs, against kubeadm's systemd and the runtime's default",
         kubelet_cgroup_driver, reads=frozenset({model.KUBELET, model.VERSION})),
    Rule("kube-proxy-mode", ERROR, "kube-proxy mode the Kubernetes version does not have (nftables before 1.29, alpha gate)",
         kube_proxy_mode, reads=frozenset({model.KUBE_PROXY, model.VERSION})),
    Rule("extra-args-conflict", ERROR, "an extraArgs flag kconf sets from another field of the description",
         extra_args_conflict, reads=frozenset({model.COMPONENT_ARGS})),
)
