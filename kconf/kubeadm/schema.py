"""Schema checks of kubeadm configuration documents (kubeadm.k8s.io/v1beta3 and v1beta4).

The schemas under ``schemas/kubeadm/<version>/<Kind>.json`` follow upstream kubeadm's Go types
field for field and are strict, as kubeadm's own decoder is: an unknown field is an error.
:func:`check_document` picks the schema from a document's apiVersion and kind, and replaces the
generic schema messages of the usual version mix-ups (v1beta3 map ``extraArgs`` in a v1beta4
document and the reverse, ``timeoutForControlPlane`` in v1beta4, v1beta4-only fields in v1beta3)
with messages that say what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kconf.schemacheck import SchemaIssue, check

KUBEADM_GROUP = "kubeadm.k8s.io"

SUPPORTED: dict[str, tuple[str, ...]] = {
    "v1beta3": ("InitConfiguration", "ClusterConfiguration", "JoinConfiguration"),
    "v1beta4": (
        "InitConfiguration",
        "ClusterConfiguration",
        "JoinConfiguration",
        "ResetConfiguration",
        "UpgradeConfiguration",
    ),
}

# Versions kubeadm no longer reads, and since when.
REMOVED: dict[str, str] = {
    "v1beta2": "was removed in Kubernetes 1.27",
    "v1beta1": "was removed in Kubernetes 1.22",
    "v1alpha3": "was removed before Kubernetes 1.22",
    "v1alpha2": "was removed before Kubernetes 1.22",
    "v1alpha1": "was removed before Kubernetes 1.22",
}

Path = tuple["str | int", ...]

# Where a document holds component flags, per kind.
_ARG_FIELDS: dict[str, tuple[Path, ...]] = {
    "ClusterConfiguration": (
        ("apiServer", "extraArgs"),
        ("controllerManager", "extraArgs"),
        ("scheduler", "extraArgs"),
        ("etcd", "local", "extraArgs"),
    ),
    "InitConfiguration": (("nodeRegistration", "kubeletExtraArgs"),),
    "JoinConfiguration": (("nodeRegistration", "kubeletExtraArgs"),),
}

# v1beta3 fields that v1beta4 moved elsewhere: path -> where they went.
_MOVED_IN_V1BETA4: dict[str, dict[Path, str]] = {
    "ClusterConfiguration": {
        ("apiServer", "timeoutForControlPlane"): (
            "timeoutForControlPlane was removed in kubeadm.k8s.io/v1beta4; set "
            "timeouts.controlPlaneComponentHealthCheck in the InitConfiguration (and "
            "JoinConfiguration) instead"
        ),
        ("timeoutForControlPlane",): (
            "timeoutForControlPlane is not a ClusterConfiguration field (it was "
            "apiServer.timeoutForControlPlane in v1beta3, removed in v1beta4); set "
            "timeouts.controlPlaneComponentHealthCheck in the InitConfiguration (and "
            "JoinConfiguration) instead"
        ),
    },
    "JoinConfiguration": {
        ("discovery", "timeout"): (
            "discovery.timeout was removed in kubeadm.k8s.io/v1beta4; set timeouts.discovery "
            "of the JoinConfiguration instead"
        ),
    },
}

# Fields that exist only in v1beta4 (Kubernetes 1.31+), as found in v1beta3 documents.
_V1BETA4_ONLY: dict[str, tuple[Path, ...]] = {
    "ClusterConfiguration": (
        ("proxy",),
        ("encryptionAlgorithm",),
        ("certificateValidityPeriod",),
        ("caCertificateValidityPeriod",),
        ("dns", "disabled"),
        ("apiServer", "extraEnvs"),
        ("controllerManager", "extraEnvs"),
        ("scheduler", "extraEnvs"),
        ("etcd", "local", "extraEnvs"),
    ),
    "InitConfiguration": (("dryRun",), ("timeouts",), ("nodeRegistration", "imagePullSerial")),
    "JoinConfiguration": (("dryRun",), ("timeouts",), ("nodeRegistration", "imagePullSerial")),
}


def schema_name(api_version: str, kind: str) -> str | None:
    """``("kubeadm.k8s.io/v1beta4", "ClusterConfiguration")`` ->
    ``"kubeadm/v1beta4/ClusterConfiguration.json"``; None for anything kconf has no schema of."""
    group, _, version = api_version.partition("/")
    if group != KUBEADM_GROUP or kind not in SUPPORTED.get(version, ()):
        return None
    return f"kubeadm/{version}/{kind}.json"


def is_kubeadm_document(data: Any) -> bool:
    """True when ``data`` is a mapping whose apiVersion names the kubeadm.k8s.io group."""
    if not isinstance(data, dict):
        return False
    api_version = data.get("apiVersion")
    return isinstance(api_version, str) and (
        api_version == KUBEADM_GROUP or api_version.startswith(KUBEADM_GROUP + "/")
    )


def _supported_text() -> str:
    return "; ".join(
        f"{KUBEADM_GROUP}/{version} ({', '.join(kinds)})" for version, kinds in SUPPORTED.items()
    )


def check_document(data: Any) -> list[SchemaIssue]:
    """Every schema issue of one kubeadm configuration document, sorted by field path.

    Documents of other API groups (KubeletConfiguration, KubeProxyConfiguration, ...) are not
    kubeadm's: they give no issue here. A kubeadm.k8s.io document of an unknown or removed
    version, or of a kind its version does not have, gives one issue naming what is supported.
    """
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        return [
            SchemaIssue((), f"a kubeadm configuration document must be a mapping, found {found}")
        ]
    api_version = data.get("apiVersion")
    kind = data.get("kind")
    if api_version is None:
        return [SchemaIssue((), "'apiVersion' is required")]
    if not isinstance(api_version, str):
        return [SchemaIssue(("apiVersion",), f"{api_version!r} is not of type string")]
    if not is_kubeadm_document(data):
        return []
    version = api_version.partition("/")[2]
    if version not in SUPPORTED:
        if version in REMOVED:
            message = (
                f"{api_version} {REMOVED[version]}; kconf writes and checks "
                f"{KUBEADM_GROUP}/v1beta3 and {KUBEADM_GROUP}/v1beta4 (migrate old files with "
                "'kubeadm config migrate' of a kubeadm release that still reads them)"
            )
        elif not version:
            message = f"apiVersion must name a version, e.g. {KUBEADM_GROUP}/v1beta4"
        else:
            message = f"unknown kubeadm API version {api_version!r}; supported: {_supported_text()}"
        return [SchemaIssue(("apiVersion",), message)]
    if kind is None:
        return [SchemaIssue((), "'kind' is required")]
    if not isinstance(kind, str):
        return [SchemaIssue(("kind",), f"{kind!r} is not of type string")]
    name = schema_name(api_version, kind)
    if name is None:
        elsewhere = [v for v, kinds in SUPPORTED.items() if kind in kinds]
        hint = f" ({kind} is in {KUBEADM_GROUP}/{elsewhere[0]})" if elsewhere else ""
        return [
            SchemaIssue(
                ("kind",),
                f"unknown kind {kind!r} for {api_version}; it has "
                f"{', '.join(SUPPORTED[version])}{hint}",
            )
        ]
    issues = check(name, data)
    hints = dict(_hints(version, kind, data))
    if not hints:
        return issues
    kept = [i for i in issues if not any(_within(i.path, where) for where in hints)]
    kept += [SchemaIssue(where, message) for where, message in hints.items()]
    return sorted(set(kept), key=lambda i: (tuple(str(p) for p in i.path), i.message))


def _within(path: Path, prefix: Path) -> bool:
    return tuple(path[: len(prefix)]) == prefix


def _lookup(data: Any, path: Path) -> tuple[bool, Any]:
    """(found, value) of ``path`` in nested mappings."""
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _hints(version: str, kind: str, data: Any) -> Iterator[tuple[Path, str]]:
    for where in _ARG_FIELDS.get(kind, ()):
        found, value = _lookup(data, where)
        if not found:
            continue
        if version == "v1beta4" and isinstance(value, dict):
            yield where, _map_args_in_v1beta4(str(where[-1]), value)
        elif version == "v1beta3" and isinstance(value, list):
            yield where, _list_args_in_v1beta3(str(where[-1]), value)
    if version == "v1beta4":
        for where, message in _MOVED_IN_V1BETA4.get(kind, {}).items():
            if _lookup(data, where)[0]:
                yield where, message
    if version == "v1beta3":
        for where in _V1BETA4_ONLY.get(kind, ()):
            if _lookup(data, where)[0]:
                yield where, (
                    f"{where[-1]!r} exists only in {KUBEADM_GROUP}/v1beta4 (Kubernetes 1.31 and "
                    f"newer); use apiVersion {KUBEADM_GROUP}/v1beta4 to set it"
                )


def _first(items: Any, pick: Callable[[Any], tuple[str, str] | None]) -> tuple[str, str]:
    for item in items:
        got = pick(item)
        if got is not None:
            return got
    return "<flag>", "<value>"


def _map_args_in_v1beta4(field: str, value: dict[Any, Any]) -> str:
    flag, arg = _first(value.items(), lambda kv: (str(kv[0]), str(kv[1])))
    return (
        f"in {KUBEADM_GROUP}/v1beta4 {field} is a list of {{name, value}} entries, not the "
        f"v1beta3 map of flag: value; write '- name: {flag}' with 'value: \"{arg}\"' "
        "('kubeadm config migrate' converts v1beta3 files)"
    )


def _list_args_in_v1beta3(field: str, value: list[Any]) -> str:
    def pick(item: Any) -> tuple[str, str] | None:
        if isinstance(item, dict) and "name" in item:
            return str(item["name"]), str(item.get("value", ""))
        return None

    flag, arg = _first(value, pick)
    return (
        f"in {KUBEADM_GROUP}/v1beta3 {field} is a map of flag: value, not the v1beta4 list of "
        f"{{name, value}} entries; write '{flag}: \"{arg}\"', or use apiVersion "
        f"{KUBEADM_GROUP}/v1beta4"
    )


def split_issues(text: str, documents: Sequence[Any]) -> list[tuple[int, str]]:
    """(line, message) for what kubeadm refuses before it reads a field.

    kubeadm splits a config file at every line that starts with ``---``
    (apimachinery's YAMLReader: a chunk ends there if it holds any line at
    all, even a blank one or a comment), and every chunk must name a grouped
    apiVersion and a kind, no kind twice (SplitYAMLDocuments). ``documents``
    are the file's parsed documents (DocumentView-like: ``data`` and
    ``document.position``), matched to chunks by the line they start on."""
    chunks: list[tuple[int, int]] = []
    first: int | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                return [(number, f"kubeadm allows only a comment after '---', found {rest[:40]!r}")]
            if first is not None:
                chunks.append((first, number - 1))
                first = None
        elif first is None:
            first = number
    if first is not None:
        chunks.append((first, len(lines)))
    starts = [(view.document.position(()).line, view) for view in documents]
    issues: list[tuple[int, str]] = []
    kinds: set[str] = set()
    for begin, end in chunks:
        views = [view for line, view in starts if begin <= line <= end]
        data = views[0].data if views else None
        meta = data if isinstance(data, dict) else {}
        api_version, kind = meta.get("apiVersion"), meta.get("kind")
        group, _, version = api_version.rpartition("/") if isinstance(api_version, str) else ("", "", "")
        if is_kubeadm_document(data) and not (isinstance(kind, str) and kind):
            continue  # check_document reports the missing kind at its field
        if not (group and version and isinstance(kind, str) and kind):
            what = f"lines {begin}-{end} hold" if end > begin else f"line {begin} holds"
            issues.append((begin, (
                f"kubeadm splits the file at each '---' line, and {what} no document with a grouped apiVersion and a kind: "
                "kubeadm refuses the file ('kind and apiVersion is mandatory information'); "
                "remove the '---' line or name apiVersion and kind"
            )))
        elif kind in kinds:
            issues.append((views[0].document.position(("kind",)).line, f"a second {kind}: kubeadm reads one document of each kind"))
        else:
            kinds.add(kind)
    return issues
