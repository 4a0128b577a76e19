"""kconf migrate against upstream `kubeadm config migrate`: the comparison.

kubeadm migrate prints every document fully defaulted (static defaults, and
dynamic ones of the host it runs on: its name, a detected CRI socket and
address, a random bootstrap token), drops component configs, and adds the
InitConfiguration or ClusterConfiguration a file lacks. kconf writes only
what the file says, converted. So the comparison is:

- every field kconf writes has kubeadm's value, except where a named
  entry of INTENDED_DIFFERENCES says why not (and how the two still mean
  the same);
- every field only kubeadm writes is a default: DEFAULTS names it, with the
  value kubeadm must give it (a constant from v1beta4/defaults.go, or what
  its dynamic defaulting derives).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Path = tuple["str | int", ...]


@dataclass
class Context:
    kconf: dict[str, dict[str, Any]]  # kind -> what kconf wrote
    kubeadm_minor: int
    used: dict[str, int] = field(default_factory=dict)  # intended difference -> times relied on
    defaults: dict[str, int] = field(default_factory=dict)  # DEFAULTS entry -> times relied on

    def use(self, name: str) -> None:
        self.used[name] = self.used.get(name, 0) + 1


Check = Callable[[Any, Context], bool]


def _equals(expected: Any) -> Check:
    return lambda value, ctx: value == expected


def _duration_seconds(text: str) -> float:
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", text)
    assert text == "0" or "".join(n + u for n, u in parts) == text, text
    return sum(float(n) * units[u] for n, u in parts)


def _ip(value: Any, ctx: Context) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _hostname(value: Any, ctx: Context) -> bool:
    return bool(value == socket.gethostname().lower())


def _detected_socket(value: Any, ctx: Context) -> bool:
    # kubeadm's defaultKnownCRISockets, or its default when none is found
    return value in ("unix:///var/run/containerd/containerd.sock", "unix:///var/run/crio/crio.sock", "unix:///var/run/cri-dockerd.sock")


def _random_token(value: Any, ctx: Context) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z0-9]{6}\.[a-z0-9]{16}", value) is not None


CONTROL_PLANE_TAINT = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
TOKEN_GROUPS = ["system:bootstrappers:kubeadm:default-node-token"]
TOKEN_USAGES = ["signing", "authentication"]


def _default_token(value: Any, ctx: Context) -> bool:
    return (
        isinstance(value, list) and len(value) == 1
        and value[0].keys() == {"groups", "token", "ttl", "usages"}
        and value[0]["groups"] == TOKEN_GROUPS and value[0]["ttl"] == "24h0m0s" and value[0]["usages"] == TOKEN_USAGES
        and _random_token(value[0]["token"], ctx)
    )


def _join_taints(value: Any, ctx: Context) -> bool:
    join = ctx.kconf.get("JoinConfiguration", {})
    return value == (CONTROL_PLANE_TAINT if "controlPlane" in join else None)


def _tls_bootstrap_token(value: Any, ctx: Context) -> bool:
    return bool(value == ctx.kconf["JoinConfiguration"]["discovery"].get("bootstrapToken", {}).get("token"))


def _http_endpoints(value: Any, ctx: Context) -> bool:
    return ctx.kubeadm_minor >= 35 and value == ctx.kconf["ClusterConfiguration"]["etcd"]["external"]["endpoints"]


def _kubeadm_version(value: Any, ctx: Context) -> bool:
    # no kubernetesVersion: kubeadm asks dl.k8s.io, and offline falls back to its own version
    return isinstance(value, str) and value.startswith(f"v1.{ctx.kubeadm_minor}.")


TIMEOUT_DEFAULTS = {
    ("timeouts", "controlPlaneComponentHealthCheck"): ("v1beta4 default", _equals("4m0s")),
    ("timeouts", "discovery"): ("v1beta4 default", _equals("5m0s")),
    ("timeouts", "etcdAPICall"): ("v1beta4 default", _equals("2m0s")),
    ("timeouts", "kubeletHealthCheck"): ("v1beta4 default", _equals("4m0s")),
    ("timeouts", "kubernetesAPICall"): ("v1beta4 default", _equals("1m0s")),
    ("timeouts", "tlsBootstrap"): ("v1beta4 default", _equals("5m0s")),
    ("timeouts", "upgradeManifests"): ("v1beta4 default", _equals("5m0s")),
}
NODE_REGISTRATION_DEFAULTS = {
    ("nodeRegistration", "criSocket"): ("detected on the host (SetNodeRegistrationDynamicDefaults)", _detected_socket),
    ("nodeRegistration", "imagePullPolicy"): ("v1beta4 default", _equals("IfNotPresent")),
    ("nodeRegistration", "imagePullSerial"): ("v1beta4 default (and v1beta3's conversion)", _equals(True)),
    ("nodeRegistration", "name"): ("the host's name (dynamic default)", _hostname),
}

# kind -> field path ("*" for any list index) -> (why, the value kubeadm must give it)
DEFAULTS: dict[str, dict[Path, tuple[str, Check]]] = {
    "InitConfiguration": {
        ("bootstrapTokens",): ("one default token, random (SetDefaults_BootstrapTokens, SetBootstrapTokensDynamicDefaults)", _default_token),
        ("bootstrapTokens", "*", "groups"): ("bootstrap token default", _equals(TOKEN_GROUPS)),
        ("bootstrapTokens", "*", "ttl"): ("bootstrap token default", _equals("24h0m0s")),
        ("bootstrapTokens", "*", "usages"): ("bootstrap token default", _equals(TOKEN_USAGES)),
        ("localAPIEndpoint", "advertiseAddress"): ("detected on the host (SetAPIEndpointDynamicDefaults)", _ip),
        ("localAPIEndpoint", "bindPort"): ("v1beta4 default", _equals(6443)),
        **NODE_REGISTRATION_DEFAULTS,
        ("nodeRegistration", "taints"): ("the control-plane taint (dynamic default of init)", _equals(CONTROL_PLANE_TAINT)),
        **TIMEOUT_DEFAULTS,
    },
    "ClusterConfiguration": {
        ("caCertificateValidityPeriod",): ("v1beta4 default", _equals("87600h0m0s")),
        ("certificateValidityPeriod",): ("v1beta4 default", _equals("8760h0m0s")),
        ("certificatesDir",): ("v1beta4 default", _equals("/etc/kubernetes/pki")),
        ("clusterName",): ("v1beta4 default", _equals("kubernetes")),
        ("encryptionAlgorithm",): ("v1beta4 default", _equals("RSA-2048")),
        ("etcd", "local", "dataDir"): ("v1beta4 default", _equals("/var/lib/etcd")),
        ("etcd", "external", "httpEndpoints"): ("kubeadm 1.35+: defaults to endpoints (SetDefaults_ExternalEtcd)", _http_endpoints),
        ("imageRepository",): ("v1beta4 default", _equals("registry.k8s.io")),
        ("kubernetesVersion",): ("kubeadm's own version, offline", _kubeadm_version),
        ("networking", "dnsDomain"): ("v1beta4 default", _equals("cluster.local")),
        ("networking", "serviceSubnet"): ("v1beta4 default", _equals("10.96.0.0/12")),
    },
    "JoinConfiguration": {
        ("caCertPath",): ("v1beta4 default", _equals("/etc/kubernetes/pki/ca.crt")),
        ("controlPlane", "localAPIEndpoint", "bindPort"): ("v1beta4 default", _equals(6443)),
        ("discovery", "tlsBootstrapToken"): ("the discovery token (SetDefaults_Discovery)", _tls_bootstrap_token),
        **NODE_REGISTRATION_DEFAULTS,
        ("nodeRegistration", "taints"): ("the control-plane taint for a control plane, null for a worker", _join_taints),
        **TIMEOUT_DEFAULTS,
    },
}

# name -> why kconf writes something else than kubeadm migrate, and why it means the same
INTENDED_DIFFERENCES: dict[str, str] = {
    "component-configs-kept": (
        "kubeadm migrate prints only kubeadm documents and drops KubeletConfiguration and KubeProxyConfiguration; "
        "kconf keeps them as they are (they have no v1beta3/v1beta4 and kubeadm init reads them from the same file)"
    ),
    "no-made-up-documents": (
        "kubeadm migrate adds the InitConfiguration or ClusterConfiguration a file lacks, all defaults and "
        "the dynamic ones of the host migrate ran on (its name, address, CRI socket, a random bootstrap token); "
        "kconf adds a document only to hold a moved field (an InitConfiguration for the control-plane timeout)"
    ),
    "init-without-cluster-timeout": (
        "for an InitConfiguration without a ClusterConfiguration, kubeadm migrate writes "
        "timeouts.controlPlaneComponentHealthCheck: 0s (its migrate mutator copies the unset timeoutForControlPlane "
        "of the ClusterConfiguration it made up): a zero timeout the v1beta3 file never asked for; kconf writes no "
        "timeout, so the 4m0s default applies, as it did in v1beta3"
    ),
    "durations-as-written": (
        "kubeadm re-formats durations (5m -> 5m0s, 90s -> 1m30s); kconf keeps them as written: the same duration"
    ),
    "empty-values-kept": (
        "kconf keeps an empty value the file wrote (taints: [], extraArgs: {} -> [], controllerManager: {}); "
        "kubeadm omits empty optional fields; the same meaning (kubeadm reads both as unset) except taints, "
        "where kubeadm keeps [] too"
    ),
    "cert-sans-lowercased": (
        "kubeadm lowercases apiServer.certSANs (a dynamic default of init: certificates hold DNS names in lower case); "
        "kconf keeps the file's spelling, which kubeadm lowercases again whenever it reads the file"
    ),
    "control-plane-endpoint-port": (
        "kubeadm appends the bindPort to a controlPlaneEndpoint without a port (a dynamic default of init, done again "
        "whenever it reads the file); kconf keeps the file's value"
    ),
    "cri-socket-scheme": (
        "kubeadm prepends unix:// to a criSocket without a URL scheme (a dynamic default, with a deprecation warning, "
        "done again whenever it reads the file); kconf keeps the file's value (kconf lint points at it)"
    ),
}


def _normalise(path: Path, kind: str, ours: Any, theirs: Any) -> str | None:
    """The intended difference that makes ``ours`` mean ``theirs``, or None."""
    if isinstance(ours, str) and isinstance(theirs, str):
        is_duration = path[:1] == ("timeouts",) or path[-1:] == ("ttl",)
        if is_duration and _duration_seconds(ours) == _duration_seconds(theirs):
            return "durations-as-written"
        if path[:2] == ("apiServer", "certSANs") and ours.lower() == theirs:
            return "cert-sans-lowercased"
        if path == ("controlPlaneEndpoint",) and ":" not in ours and theirs.startswith(ours + ":"):
            return "control-plane-endpoint-port"
        if path[-1:] == ("criSocket",) and ours.startswith("/") and theirs == "unix://" + ours:
            return "cri-socket-scheme"
    return None


def _default(kind: str, path: Path) -> tuple[str, Check] | None:
    table = DEFAULTS.get(kind, {})
    generic = tuple("*" if isinstance(p, int) else p for p in path)
    return table.get(generic)


def compare(kind: str, ours: Any, theirs: Any, ctx: Context, path: Path = ()) -> list[str]:
    """Every way ``theirs`` (kubeadm's) differs from ``ours`` (kconf's)
    beyond the two tables."""
    problems: list[str] = []
    where = ".".join(str(p) for p in path) or "(document)"
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key, value in ours.items():
            if key in theirs:
                problems += compare(kind, value, theirs[key], ctx, path + (key,))
            elif value in ([], {}, None):
                ctx.use("empty-values-kept")
            else:
                problems.append(f"{kind} {where}.{key}: kconf writes {value!r}, kubeadm nothing")
        for key, value in theirs.items():
            if key not in ours:
                problems += _only_theirs(kind, path + (key,), value, ctx)
        return problems
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (a, b) in enumerate(zip(ours, theirs)):
            problems += compare(kind, a, b, ctx, path + (index,))
        return problems
    if ours == theirs:
        return []
    if ours in ([], {}) and theirs is None:
        ctx.use("empty-values-kept")
        return []
    name = _normalise(path, kind, ours, theirs)
    if name is not None:
        ctx.use(name)
        return []
    return [f"{kind} {where}: kconf writes {ours!r}, kubeadm {theirs!r}"]


def _only_theirs(kind: str, path: Path, value: Any, ctx: Context) -> list[str]:
    """A field only kubeadm writes: a default, or (a mapping) made of defaults."""
    where = ".".join(str(p) for p in path)
    if (kind, path, value) == ("InitConfiguration", ("timeouts", "controlPlaneComponentHealthCheck"), "0s") and "ClusterConfiguration" not in ctx.kconf:
        ctx.use("init-without-cluster-timeout")
        return []
    default = _default(kind, path)
    if default is not None:
        why, check = default
        name = f"{kind} {'.'.join('*' if isinstance(p, int) else str(p) for p in path)}"
        ctx.defaults[name] = ctx.defaults.get(name, 0) + 1
        return [] if check(value, ctx) else [f"{kind} {where}: kubeadm writes {value!r}, not its default ({why})"]
    if isinstance(value, dict):
        return compare(kind, {}, value, ctx, path)
    return [f"{kind} {where}: kubeadm writes {value!r}, which DEFAULTS does not name"]


def compare_files(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], kubeadm_minor: int) -> tuple[list[str], Context]:
    """kconf's migrated documents against kubeadm migrate's, matched by kind."""
    from kconf.kubeadm.convert import COMPONENT_CONFIGS

    by_kind = {d["kind"]: d for d in ours}
    ctx = Context(by_kind, kubeadm_minor)
    problems: list[str] = []
    theirs_by_kind = {d["kind"]: d for d in theirs}
    assert len(theirs_by_kind) == len(theirs) and len(by_kind) == len(ours)
    for kind, document in by_kind.items():
        if document["apiVersion"] in COMPONENT_CONFIGS:
            assert kind not in theirs_by_kind
            ctx.use("component-configs-kept")
        elif kind not in theirs_by_kind:
            problems.append(f"{kind}: kconf writes it, kubeadm does not")
    for kind, document in theirs_by_kind.items():
        if kind in by_kind:
            problems += compare(kind, by_kind[kind], document, ctx)
        else:
            ctx.use("no-made-up-documents")
            problems += compare(kind, {"apiVersion": document["apiVersion"], "kind": kind}, document, ctx)
    return problems, ctx
