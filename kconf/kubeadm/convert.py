"""kubeadm API-version conversion: kubeadm.k8s.io/v1beta3 -> v1beta4.

One piece of code for ``kconf migrate`` (a whole config file: Init, Cluster
and Join configurations beside component configs) and ``kconf
from-configmap --to v1beta4`` (the cluster's ClusterConfiguration and the
InitConfiguration kconf adds to it).

The rules are upstream kubeadm's, as the pinned releases (tools/kubeadm)
have them: cmd/kubeadm/app/apis/kubeadm/v1beta3/conversion.go,
v1beta4/conversion.go, the v1beta4/doc.go changelog and MigrateOldConfig in
cmd/kubeadm/app/util/config/common.go.

- ``extraArgs`` (apiServer, controllerManager, scheduler, etcd.local) and
  ``nodeRegistration.kubeletExtraArgs``: a map of flag to value becomes a list
  of ``{name, value}`` sorted by name (``convertToArgs``).
- ``apiServer.timeoutForControlPlane`` of the ClusterConfiguration becomes
  ``timeouts.controlPlaneComponentHealthCheck`` of the InitConfiguration, and
  (when not zero) of the JoinConfiguration of the same file, as kubeadm's
  ``SetConversionTimeoutControlPlane`` carries it; a file with no
  InitConfiguration gets one that holds just that timeout.
- ``discovery.timeout`` of the JoinConfiguration becomes ``timeouts.discovery``.
- Every other field keeps its name, place and value.

v1beta3 has no ResetConfiguration or UpgradeConfiguration (both are new in
v1beta4), so there is nothing of them to convert.

Nothing is dropped silently: a field the tables below do not name stops the
conversion with an error at its line, and the v1beta3 documents must pass
kconf's strict v1beta3 schemas. :func:`plan_v1beta4` checks and says what
changes (the plan); :func:`apply_plan` makes those changes on plain data.
``kconf migrate`` makes the same changes in the file's text as well, to keep
its comments, and checks that both agree.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from kconf.description import V1BETA4_FROM
from kconf.errors import KconfError
from kconf.kubeadm.components import COMPONENT_CONFIGS as COMPONENT_VERSIONS
from kconf.lazyre import lazy

GROUP = "kubeadm.k8s.io"
V1BETA3 = f"{GROUP}/v1beta3"
V1BETA4 = f"{GROUP}/v1beta4"

# The component configs kubeadm reads beside its own documents (apiVersion ->
# kind): kept as they are.
COMPONENT_CONFIGS: dict[str, str] = {f"{group}/{version}": kind for group, (version, kind) in COMPONENT_VERSIONS.items()}

Path = tuple["str | int", ...]
ErrorAt = Callable[[int, Path, str], KconfError]
"""Makes the error for document ``index`` at field ``path``: the caller knows the file and lines."""


class Rule(Enum):
    COPY = "copy"  # same field, same value in v1beta4
    ARGS = "args"  # a map of flag: value -> a list of {name, value} sorted by name
    CONTROL_PLANE_TIMEOUT = "control-plane-timeout"  # -> timeouts.controlPlaneComponentHealthCheck (Init, Join)
    DISCOVERY_TIMEOUT = "discovery-timeout"  # -> timeouts.discovery (same Join)


Shape = Mapping[str, Union["Shape", Rule]]

_COMPONENT: Shape = {"extraArgs": Rule.ARGS, "extraVolumes": Rule.COPY}
_IMAGE: Shape = {"imageRepository": Rule.COPY, "imageTag": Rule.COPY}
_ENDPOINT: Shape = {"advertiseAddress": Rule.COPY, "bindPort": Rule.COPY}
_NODE_REGISTRATION: Shape = {
    "name": Rule.COPY,
    "criSocket": Rule.COPY,
    "taints": Rule.COPY,
    "kubeletExtraArgs": Rule.ARGS,
    "ignorePreflightErrors": Rule.COPY,
    "imagePullPolicy": Rule.COPY,
}
_TYPE_META: Shape = {"apiVersion": Rule.COPY, "kind": Rule.COPY}

# Every field of kubeadm's v1beta3 types.go (the pinned releases agree) and what
# becomes of it in v1beta4. The leaves below a COPY (bootstrapTokens, taints,
# extraVolumes, ...) are the same types in both versions.
V1BETA3_FIELDS: dict[str, Shape] = {
    "InitConfiguration": {
        **_TYPE_META,
        "bootstrapTokens": Rule.COPY,
        "nodeRegistration": _NODE_REGISTRATION,
        "localAPIEndpoint": _ENDPOINT,
        "certificateKey": Rule.COPY,
        "skipPhases": Rule.COPY,
        "patches": {"directory": Rule.COPY},
    },
    "ClusterConfiguration": {
        **_TYPE_META,
        "etcd": {
            "local": {
                **_IMAGE,
                "dataDir": Rule.COPY,
                "extraArgs": Rule.ARGS,
                "serverCertSANs": Rule.COPY,
                "peerCertSANs": Rule.COPY,
            },
            "external": {"endpoints": Rule.COPY, "caFile": Rule.COPY, "certFile": Rule.COPY, "keyFile": Rule.COPY},
        },
        "networking": {"serviceSubnet": Rule.COPY, "podSubnet": Rule.COPY, "dnsDomain": Rule.COPY},
        "kubernetesVersion": Rule.COPY,
        "controlPlaneEndpoint": Rule.COPY,
        "apiServer": {**_COMPONENT, "certSANs": Rule.COPY, "timeoutForControlPlane": Rule.CONTROL_PLANE_TIMEOUT},
        "controllerManager": _COMPONENT,
        "scheduler": _COMPONENT,
        "dns": _IMAGE,
        "certificatesDir": Rule.COPY,
        "imageRepository": Rule.COPY,
        "featureGates": Rule.COPY,
        "clusterName": Rule.COPY,
    },
    "JoinConfiguration": {
        **_TYPE_META,
        "nodeRegistration": _NODE_REGISTRATION,
        "caCertPath": Rule.COPY,
        "discovery": {
            "bootstrapToken": {
                "token": Rule.COPY,
                "apiServerEndpoint": Rule.COPY,
                "caCertHashes": Rule.COPY,
                "unsafeSkipCAVerification": Rule.COPY,
            },
            "file": {"kubeConfigPath": Rule.COPY},
            "tlsBootstrapToken": Rule.COPY,
            "timeout": Rule.DISCOVERY_TIMEOUT,
        },
        "controlPlane": {"localAPIEndpoint": _ENDPOINT, "certificateKey": Rule.COPY},
        "skipPhases": Rule.COPY,
        "patches": {"directory": Rule.COPY},
    },
}

# Where the moved fields go, in the order of v1beta4's Timeouts struct.
CONTROL_PLANE_HEALTH_CHECK = "controlPlaneComponentHealthCheck"
DISCOVERY = "discovery"
TIMEOUT_ORDER = (CONTROL_PLANE_HEALTH_CHECK, "kubeletHealthCheck", "kubernetesAPICall", "etcdAPICall", "tlsBootstrap", DISCOVERY, "upgradeManifests")

_REMOVED_FIELDS: dict[Path, str] = {
    ("dns", "type"): "dns.type was removed in v1beta3 (kubeadm installs only CoreDNS): delete it",
    ("useHyperKubeImage",): "useHyperKubeImage was removed in v1beta3: delete it",
}

# Go's time.ParseDuration, without a sign (kubeadm's timeouts are not negative).
_DURATION = lazy(r"^(?:0|(?:[0-9]+(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+)$")
_DURATION_PART = lazy(r"([0-9]+(?:\.[0-9]*)?)(?:ns|us|µs|ms|s|m|h)")


def is_zero_duration(text: str) -> bool:
    """``0``, ``0s``, ``0m0.0s``: kubeadm carries only a non-zero control-plane
    timeout into a JoinConfiguration."""
    return all(float(number) == 0 for number in _DURATION_PART.findall(text))


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeout:
    """A value for ``timeouts.<key>`` and the field it comes from."""

    key: str
    value: str
    source: tuple[int, Path]  # (document index, field path) in the input


@dataclass(frozen=True)
class Plan:
    """What the conversion changes. Document indexes are those of the input
    list; ``new_init`` is the InitConfiguration to add (holding only
    timeouts) when the file has none but a timeout must go into one."""

    converted: tuple[int, ...]  # the v1beta3 documents, now v1beta4
    args: tuple[tuple[int, Path], ...]  # maps of flags that become lists
    removed: tuple[tuple[int, Path], ...]  # fields that move into timeouts
    timeouts: tuple[tuple[int, tuple[Timeout, ...]], ...]  # document -> what its new timeouts hold
    new_init: tuple[Timeout, ...] = ()


def type_name(value: object) -> str:
    """What a YAML value is, for messages ("a mapping", "null", ...)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _unknown_field(path: Path) -> str:
    if path in _REMOVED_FIELDS:
        return _REMOVED_FIELDS[path]
    return (
        f"unknown field {path[-1]!r}: v1beta3 has no such field, so kconf does not know where it goes in "
        "v1beta4; remove it or convert the file by hand"
    )


@dataclass
class _Walk:
    index: int
    error: ErrorAt
    args: list[tuple[int, Path]]
    moved: list[tuple[Rule, Path, str]]

    def fail(self, path: Path, message: str) -> KconfError:
        return self.error(self.index, path, message)

    def mapping(self, value: Mapping[str, Any], shape: Shape, path: Path) -> None:
        for key, child in value.items():
            child_path = path + (key,)
            rule = shape.get(key)
            if rule is None:
                raise self.fail(child_path, _unknown_field(child_path))
            if isinstance(rule, Mapping):
                if child is not None and not isinstance(child, dict):
                    raise self.fail(child_path, f"is {type_name(child)}, expected a mapping")
                if child is not None:
                    self.mapping(child, rule, child_path)
            elif rule is Rule.ARGS:
                self.flags(child, child_path)
            elif rule is not Rule.COPY:
                if not isinstance(child, str) or not _DURATION.match(child):
                    raise self.fail(child_path, f"{child!r} is not a duration like 4m0s")
                self.moved.append((rule, child_path, child))

    def flags(self, value: object, path: Path) -> None:
        if value is None:
            return  # null: no flags, as in v1beta4
        if not isinstance(value, dict):
            raise self.fail(path, f"is {type_name(value)}; v1beta3 {path[-1]} is a mapping of flag names to values")
        for name, flag_value in value.items():
            if not isinstance(flag_value, str):
                raise self.fail(path + (name,), f"is {type_name(flag_value)}; {path[-1]} values are strings: quote it")
        self.args.append((self.index, path))


def _check_schema(document: Mapping[str, Any], index: int, error: ErrorAt) -> None:
    from kconf.kubeadm.schema import check_document

    for issue in check_document(document):
        raise error(index, issue.path, issue.message)


def plan_v1beta4(documents: Sequence[Any], error: ErrorAt) -> Plan:
    """Check the kubeadm.k8s.io/v1beta3 documents among ``documents`` (others
    are left alone) and plan their conversion. Raises the KconfError that
    ``error`` makes for the first field that cannot be converted."""
    converted: list[int] = []
    args: list[tuple[int, Path]] = []
    moved: list[tuple[int, Rule, Path, str]] = []
    kinds: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        if not isinstance(document, dict) or document.get("apiVersion") != V1BETA3:
            continue
        kind = document.get("kind")
        shape = V1BETA3_FIELDS.get(kind) if isinstance(kind, str) else None
        if shape is None or not isinstance(kind, str):
            _check_schema(document, index, error)  # names the kinds v1beta3 has
            raise error(index, ("kind",), f"kconf converts only {', '.join(V1BETA3_FIELDS)}")
        walk = _Walk(index, error, args, [])
        walk.mapping(document, shape, ())
        _check_schema(document, index, error)
        moved.extend((index, rule, path, value) for rule, path, value in walk.moved)
        kinds.setdefault(kind, []).append(index)
        converted.append(index)
    timeouts: dict[int, list[Timeout]] = {}
    new_init: list[Timeout] = []
    for index, rule, path, value in moved:
        if rule is Rule.DISCOVERY_TIMEOUT:
            timeouts.setdefault(index, []).append(Timeout(DISCOVERY, value, (index, path)))
            continue
        timeout = Timeout(CONTROL_PLANE_HEALTH_CHECK, value, (index, path))
        inits = kinds.get("InitConfiguration", [])
        for init in inits:
            timeouts.setdefault(init, []).append(timeout)
        if not inits:
            new_init.append(timeout)
        if not is_zero_duration(value):
            for join in kinds.get("JoinConfiguration", []):
                timeouts.setdefault(join, []).append(timeout)
    ordered = {
        index: tuple(sorted(found, key=lambda t: TIMEOUT_ORDER.index(t.key)))
        for index, found in sorted(timeouts.items())
    }
    return Plan(
        converted=tuple(converted),
        args=tuple(args),
        removed=tuple((index, path) for index, _, path, _ in moved),
        timeouts=tuple(ordered.items()),
        new_init=tuple(new_init),
    )


# --- the plan on plain data --------------------------------------------------------------


def args_list(flags: Mapping[str, str]) -> list[dict[str, str]]:
    """kubeadm's convertToArgs: ``{flag: value}`` -> ``[{name, value}]`` sorted by name."""
    return [{"name": name, "value": flags[name]} for name in sorted(flags)]


def _parent(document: Any, path: Path) -> Any:
    node = document
    for part in path[:-1]:
        node = node[part]
    return node


def new_init_configuration(timeouts: Sequence[Timeout]) -> dict[str, Any]:
    return {
        "apiVersion": V1BETA4,
        "kind": "InitConfiguration",
        "timeouts": {t.key: t.value for t in timeouts},
    }


def apply_plan(plan: Plan, documents: Sequence[Any]) -> list[Any]:
    """The documents converted (copies, key order kept; moved fields'
    timeouts last in their document), then the added InitConfiguration."""
    result = [copy.deepcopy(d) if i in plan.converted else d for i, d in enumerate(documents)]
    for index in plan.converted:
        result[index]["apiVersion"] = V1BETA4
    for index, path in plan.args:
        parent = _parent(result[index], path)
        parent[path[-1]] = args_list(parent[path[-1]])
    for index, path in plan.removed:
        del _parent(result[index], path)[path[-1]]
    for index, timeouts in plan.timeouts:
        result[index]["timeouts"] = {t.key: t.value for t in timeouts}
    if plan.new_init:
        result.append(new_init_configuration(plan.new_init))
    return result


def kubernetes_minor(documents: Sequence[Any]) -> tuple[int, int] | None:
    """The minor version of the first ClusterConfiguration's kubernetesVersion."""
    for document in documents:
        if isinstance(document, dict) and document.get("kind") == "ClusterConfiguration":
            version = document.get("kubernetesVersion")
            match = re.match(r"^v?(\d+)\.(\d+)\.", version) if isinstance(version, str) else None
            return (int(match.group(1)), int(match.group(2))) if match else None
    return None

