"""Files and schema: yaml-syntax, cluster-schema, kubeadm-schema, kubeadm-api-version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kconf.description import MINIMUM_KUBERNETES, V1BETA3_REMOVED, V1BETA4_FROM
from kconf.lazyre import lazy
from kconf.lint.model import ERROR, WARNING, BrokenFile, ClusterFile, DocumentView, Group, KubeadmFile, Loc, RawFinding
from kconf.errors import format_field_path
from kconf.kubeadm.components import COMPONENT_CONFIGS
from kconf.lint.registry import Rule

# Description fields whose bad values a value rule reports under its own name
# (cidr-host-bits, calico-autodetect-mismatch, cri-socket), not as cluster-schema.
VALUE_RULE_FIELDS = {
    ("spec", "networking", "podSubnet"),
    ("spec", "networking", "serviceSubnet"),
    ("spec", "calico", "ipAutodetection"),
    ("spec", "criSocket"),
}


LENGTH_LIMIT = " characters long; at most "  # schemacheck's wording of maxLength


def reported_elsewhere(field: tuple[str | int, ...], message: str) -> bool:
    """Whether a description problem belongs to a more specific rule. A
    value over its length limit stays the schema's: the value rules judge
    what a value says, not its size."""
    if LENGTH_LIMIT in message:
        return False
    if field in VALUE_RULE_FIELDS:
        return True
    node_field = len(field) == 4 and field[:2] == ("spec", "nodes")
    if node_field and field[3] == "criSocket":
        return True  # cri-socket says what to write
    return node_field and field[3] == "name" and message.startswith("duplicate node name")  # duplicate-node-name


def yaml_syntax(group: Group) -> Iterator[RawFinding]:
    """A file that must load does not: unparsable YAML, duplicate keys (kubeadm's
    strict decoder rejects them), tabs for indentation, binary or non-UTF-8
    content, an empty file where a document is required.

    Why: a file kubeadm, kubectl or HAProxy cannot read fails at the worst
    moment, during `kubeadm init` or a rollout.

    Fix: correct the YAML at the line shown (indent with spaces; one key once
    per mapping)."""
    for source in group.of(BrokenFile):
        error = source.error
        if error is None:
            continue
        yield RawFinding("yaml-syntax", Loc(source.path, error.line or 1, error.column or 1), error.message)


def cluster_schema(group: Group) -> Iterator[RawFinding]:
    """A cluster description (kconf/v1alpha1 Cluster) has an unknown field, a
    value of the wrong type, a missing required field, or a value kconf cannot
    use (no control-plane node, duplicate node names, an address without its
    prefix length, a Kubernetes version older than 1.22, ...).

    Why: kconf renders every file from the description; a wrong field is a
    wrong cluster.

    Fix: as the message says; schemas/cluster.schema.json lists every field."""
    for source in group.of(ClusterFile):
        view = source.view
        if view is None:
            continue
        for issue in source.schema_issues:
            if reported_elsewhere(issue.path, issue.message):
                continue
            key = issue.message.startswith("unknown field")
            yield RawFinding("cluster-schema", view.loc(issue.path, key=key), str(issue))
        for error in source.problems:
            if reported_elsewhere(tuple(error.field), error.message):
                continue
            where = view.loc(error.field) if error.field else Loc(source.path, error.line or 1)
            message = f"{format_field_path(error.field)}: {error.message}" if error.field else error.message
            yield RawFinding("cluster-schema", where, message)


def kubeadm_schema(group: Group) -> Iterator[RawFinding]:
    """A kubeadm document has a field that is unknown or of the wrong type for
    its apiVersion and kind, checked against strict schemas written from
    kubeadm's Go types: v1beta3 `extraArgs` is a map, v1beta4 a list of
    {name, value}; `timeoutForControlPlane` moved to `timeouts` in v1beta4.

    Why: kubeadm decodes strictly; an unknown field stops `kubeadm init` or
    `join` with an error (or, in older versions, is silently ignored).

    A file kubeadm cannot split into documents is an error too: a chunk
    between `---` lines with no apiVersion and kind (a comment or a blank
    line alone), or two documents of one kind.

    Fix: use the field names of the document's apiVersion (see the message)."""
    from kconf.kubeadm.schema import check_document, split_issues

    for source in group.of(KubeadmFile):
        for line, message in split_issues(source.text, source.documents):
            yield RawFinding("kubeadm-schema", Loc(source.path, line, 1), message)
    for view in group.kubeadm_documents():
        if view.api_version.rsplit("/", 1)[-1] in _UNCHECKED:
            continue  # kubeadm-api-version says whether the kubernetesVersion still reads it
        for issue in check_document(view.data):
            key = issue.message.startswith("unknown field")
            yield RawFinding("kubeadm-schema", view.loc(issue.path, key=key), str(issue))


_VERSION = lazy(r"^v?(\d+)\.(\d+)")
_REMOVED = {"v1beta1": (1, 22), "v1beta2": (1, 27), "v1beta3": V1BETA3_REMOVED}
_INTRODUCED = {"v1beta4": V1BETA4_FROM, "v1beta3": MINIMUM_KUBERNETES}
# Removed versions kconf has no schemas of: this rule's alone (kubeadm-schema skips them).
_UNCHECKED = ("v1beta1", "v1beta2")


def _minor(value: object) -> tuple[int, int] | None:
    match = _VERSION.match(value) if isinstance(value, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def _files_with_documents(group: Group) -> Iterator[tuple[str, list[DocumentView]]]:
    for source in group.of(KubeadmFile):
        yield source.path, source.kubeadm_documents


def kubeadm_api_version(group: Group) -> Iterator[RawFinding]:
    """The kubeadm apiVersion does not fit the Kubernetes version: v1beta2 was
    removed in 1.27, v1beta1 in 1.22, v1beta3 in 1.37, and v1beta4 needs 1.31
    (errors); v1beta3 on 1.31 or later still works but is deprecated
    (warning). Several kubeadm apiVersions mixed in one file are an error.
    One finding per document: kubeadm-schema leaves v1beta1/v1beta2 to this rule.

    v1beta2 (or v1beta1) where the kubernetesVersion still reads it (e.g.
    v1beta2 with 1.18), or in a document without a kubernetesVersion, is a
    warning, not an error: kubeadm of that version accepts it, but kconf's
    schemas cover only v1beta3 and v1beta4, so none of its fields was checked,
    and saying nothing would pass it as checked.

    Why: kubeadm refuses a config of an API version it no longer (or not yet)
    serves.

    Fix: write the apiVersion that matches kubernetesVersion (kconf render picks
    it); convert a file with `kconf migrate FILE` (`kubeadm config migrate`
    offline, comments kept), the cluster's stored config with
    `kconf from-configmap --to v1beta4`."""
    kubeadm_files = dict(_files_with_documents(group))
    for path, documents in kubeadm_files.items():
        versions = {d.api_version for d in documents}
        if len(versions) > 1:
            second = next(d for d in documents if d.api_version != documents[0].api_version)
            yield RawFinding(
                "kubeadm-api-version", second.loc(("apiVersion",)),
                f"several kubeadm apiVersions in one file ({', '.join(sorted(versions))}); kubeadm reads one",
            )
        minors = [_minor(d.get("kubernetesVersion")) for d in documents if d.kind == "ClusterConfiguration"]
        minor = next((m for m in minors if m), None)
        for view in documents:
            version = view.api_version.rsplit("/", 1)[-1]
            yield from _version_findings(view, version, minor)
    # ConfigMaps' ClusterConfigurations: checked on their own kubernetesVersion
    for source_view in group.kubeadm_documents("ClusterConfiguration"):
        if source_view.path in kubeadm_files:
            continue
        version = source_view.api_version.rsplit("/", 1)[-1]
        yield from _version_findings(source_view, version, _minor(source_view.get("kubernetesVersion")))


def _version_findings(view: DocumentView, version: str, minor: tuple[int, int] | None) -> Iterator[RawFinding]:
    loc = view.loc(("apiVersion",))
    removed = _REMOVED.get(version)
    if removed is not None and version in _UNCHECKED and (minor is None or minor < removed):
        last = f"1.{removed[1] - 1}"
        reads = f"kubeadm up to {last} reads it" if minor is None else f"kubernetesVersion {minor[0]}.{minor[1]} reads it"
        yield RawFinding(
            "kubeadm-api-version", loc,
            f"kubeadm.k8s.io/{version}: {reads}, but kconf's schemas cover only v1beta3 and v1beta4, so its fields "
            f"are not checked (kubeadm {removed[0]}.{removed[1]} and later refuse it: migrate with `kubeadm config migrate`)",
            severity=WARNING,
        )
        return
    if minor is None:
        return
    shown = f"{minor[0]}.{minor[1]}"
    if removed is not None and minor >= removed:
        yield RawFinding(
            "kubeadm-api-version", loc,
            f"kubeadm.k8s.io/{version} was removed in Kubernetes {removed[0]}.{removed[1]}; kubernetesVersion is {shown}: "
            f"use kubeadm.k8s.io/{'v1beta4' if minor >= (1, 31) else 'v1beta3'}",
        )
        return
    introduced = _INTRODUCED.get(version)
    if introduced is not None and minor < introduced:
        yield RawFinding(
            "kubeadm-api-version", loc,
            f"kubeadm.k8s.io/{version} needs Kubernetes {introduced[0]}.{introduced[1]} or later; kubernetesVersion is {shown}",
        )
    elif version == "v1beta3" and minor >= (1, 31):
        yield RawFinding(
            "kubeadm-api-version", loc,
            f"kubeadm.k8s.io/v1beta3 is deprecated from Kubernetes 1.31 (kubernetesVersion is {shown}); "
            "move to v1beta4 before 1.37 removes it",
            severity=WARNING,
        )




def component_config_api_version(group: Group) -> Iterator[RawFinding]:
    """A KubeletConfiguration or KubeProxyConfiguration in a kubeadm config
    file has an apiVersion kubeadm does not know: kubeadm reads
    kubelet.config.k8s.io/v1beta1 and kubeproxy.config.k8s.io/v1alpha1 only
    (there is no kubelet.config.k8s.io/v1 nor kubeproxy.config.k8s.io/v1), or
    a kind its group does not have.

    Why: kubeadm refuses the whole file ("unknown configuration APIs") and
    `kubeadm init` or `join` stops before it starts.

    Fix: write apiVersion kubelet.config.k8s.io/v1beta1 (kind
    KubeletConfiguration) or kubeproxy.config.k8s.io/v1alpha1 (kind
    KubeProxyConfiguration)."""
    for source in group.of(KubeadmFile):
        for view in source.documents:
            api_group, _, version = view.api_version.partition("/")
            known = COMPONENT_CONFIGS.get(api_group)
            if known is None or (version, view.kind) == known:
                continue
            expected = f"{api_group}/{known[0]} {known[1]}"
            if version != known[0]:
                yield RawFinding(
                    "component-config-api-version", view.loc(("apiVersion",)),
                    f"{view.api_version} does not exist: kubeadm reads {expected} only; write apiVersion {api_group}/{known[0]}",
                )
            else:
                yield RawFinding(
                    "component-config-api-version", view.loc(("kind",)),
                    f"{api_group} has no kind {view.kind!r}: kubeadm reads {expected}",
                )


RULES = (
    Rule("yaml-syntax", ERROR, "unparsable YAML, duplicate keys, tabs for indent, empty where a document is required", yaml_syntax),
    Rule("cluster-schema", ERROR, "cluster description field unknown / wrong type / missing", cluster_schema),
    Rule("kubeadm-schema", ERROR, "kubeadm document field unknown or of the wrong type for its apiVersion and kind", kubeadm_schema),
    Rule("kubeadm-api-version", ERROR, "kubeadm apiVersion not supported by the kubernetesVersion; several mixed in one file", kubeadm_api_version),
    Rule(
        "component-config-api-version", ERROR, "KubeletConfiguration / KubeProxyConfiguration apiVersion kubeadm does not read",
        component_config_api_version,
    ),
)
