"""Drift of files fetched from the hosts (``kconf lint --cluster``) against
what render writes for each.

A fetched file is matched to the rendered file it corresponds to by what it
holds, not by its name: a haproxy.cfg to haproxy.cfg, an InitConfiguration
and a ClusterConfiguration to kubeadm-init.yaml, a JoinConfiguration to
kubeadm-join-<nodeRegistration.name>.yaml, an UpgradeConfiguration to
kubeadm-upgrade.yaml, a KubeletConfiguration or KubeProxyConfiguration beside
kubeadm documents to kubeadm-init.yaml's, a kubeadm-config ConfigMap's
ClusterConfiguration to kubeadm-init.yaml's, an Installation to
calico-installation.yaml. Documents are compared structurally. Where render
writes a ``${KCONF_...}`` placeholder, any value matches (the node's copy has
the real secret), and a value under a secret's key is never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kconf.errors import KconfError, format_field_path
from kconf.lint.model import (
    ConfigMapFile,
    DocumentView,
    Group,
    HAProxyFile,
    InstallationFile,
    KubeadmFile,
    Loc,
    RawFinding,
)
from kconf.yamlio import Path as FieldPath

RULE = "rendered-drift"
PLACEHOLDER = "${KCONF_"
# keys whose values are secrets (or, for caCertHashes, stand beside them):
# a message names the field, never the value
SECRET_KEYS = frozenset({"token", "tlsBootstrapToken", "certificateKey", "caCertHashes", "bootstrapTokens"})
INIT_FILE = "kubeadm-init.yaml"
UPGRADE_FILE = "kubeadm-upgrade.yaml"
FIX = "copy what kconf render writes to the host, or change the description to what the host runs"


def _show(value: Any, path: FieldPath) -> str:
    if any(step in SECRET_KEYS for step in path if isinstance(step, str)):
        return "(a secret, not shown)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER in value


def differences(expected: Any, actual: Any, path: FieldPath = (), *, extra_allowed: bool = False) -> Iterator[tuple[str, FieldPath, Any, Any]]:
    """(what, field path, rendered value, fetched value) for each difference:
    ``missing`` (render writes it, the host has not), ``added`` (the host has
    it, render does not write it; not reported with ``extra_allowed``, for
    what kubeadm and kubectl fill in), ``changed``."""
    if _is_placeholder(expected):
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                yield "missing", path + (key,), value, None
            else:
                yield from differences(value, actual[key], path + (key,), extra_allowed=extra_allowed)
        if not extra_allowed:
            for key, value in actual.items():
                if key not in expected:
                    yield "added", path + (key,), None, value
        return
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (want, have) in enumerate(zip(expected, actual)):
            yield from differences(want, have, path + (index,), extra_allowed=extra_allowed)
        return
    if expected != actual or type(expected) is not type(actual):
        yield "changed", path, expected, actual


def _document_drift(
    view: DocumentView, expected: dict[str, Any], name: str, *, extra_allowed: bool = False
) -> Iterator[RawFinding]:
    target = f"{name} ({view.kind})" if view.kind else name
    for what, path, want, have in differences(expected, view.data, extra_allowed=extra_allowed):
        where = format_field_path(path) or "the document"
        if what == "missing":
            message = f"{where} is missing; kconf render writes {_show(want, path)} in {target}"
            loc = view.loc(path[:-1])
        elif what == "added":
            message = f"{where} ({_show(have, path)}) is not in {target} as kconf render writes it"
            loc = view.loc(path, key=True)
        else:
            message = f"{where} is {_show(have, path)}, kconf render writes {_show(want, path)} in {target}"
            loc = view.loc(path)
        yield RawFinding(RULE, loc, f"{message}; {FIX}")


def _rendered_documents(rendered: dict[str, tuple[bytes, int]], name: str) -> dict[str, dict[str, Any]]:
    """kind -> document of a rendered YAML file ({} when render does not write it)."""
    from kconf.yamlio import load_documents

    entry = rendered.get(name)
    if entry is None:
        return {}
    documents = load_documents(entry[0].decode(), name)
    return {d.data["kind"]: d.data for d in documents if isinstance(d.data, dict) and isinstance(d.data.get("kind"), str)}


def _kubeadm_drift(source: KubeadmFile, rendered: dict[str, tuple[bytes, int]]) -> Iterator[RawFinding]:
    from kconf.kubeadm.components import component_kind

    views = [v for v in source.documents if v in source.kubeadm_documents or component_kind(v.data) is not None]
    for view in views:
        if view.kind == "JoinConfiguration":
            node = view.get("nodeRegistration", "name")
            if not isinstance(node, str) or not node:
                yield RawFinding(RULE, view.loc(("nodeRegistration",)), "a JoinConfiguration without nodeRegistration.name: "
                                 "kconf cannot tell which node's kubeadm-join-<node>.yaml to compare it with")
                continue
            name = f"kubeadm-join-{node}.yaml"
            if name not in rendered:
                yield RawFinding(RULE, view.loc(("nodeRegistration", "name")),
                                 f"node {node!r} joins with this file, but the description renders no {name} "
                                 "(not a node of it, or the first control plane, which runs kubeadm init)")
                continue
        elif view.kind in ("InitConfiguration", "ClusterConfiguration", "KubeletConfiguration", "KubeProxyConfiguration"):
            name = INIT_FILE
        elif view.kind == "UpgradeConfiguration":
            name = UPGRADE_FILE
        else:
            continue  # ResetConfiguration: render does not write one
        expected = _rendered_documents(rendered, name).get(view.kind)
        if expected is None:
            yield RawFinding(RULE, view.loc(("kind",)), f"kconf render writes no {view.kind} in {name}")
            continue
        yield from _api_version_then_fields(view, expected, name)


def _api_version_then_fields(
    view: DocumentView, expected: dict[str, Any], name: str, *, extra_allowed: bool = False
) -> Iterator[RawFinding]:
    """Fields are comparable within one apiVersion only: another one is one
    finding (convert it, e.g. kconf migrate / from-configmap --to v1beta4)."""
    if view.api_version != expected.get("apiVersion"):
        yield RawFinding(
            RULE, view.loc(("apiVersion",)),
            f"apiVersion is {view.api_version or 'missing'}, kconf render writes {expected.get('apiVersion')} in {name}; "
            "its fields are not compared",
        )
        return
    yield from _document_drift(view, expected, name, extra_allowed=extra_allowed)


def _haproxy_drift(source: HAProxyFile, rendered: dict[str, tuple[bytes, int]]) -> Iterator[RawFinding]:
    """Section by section, directive by directive (comments, blank lines and
    spacing are not drift)."""
    from kconf.lint.haproxy import parse_haproxy

    config = source.config
    entry = rendered.get("haproxy.cfg")
    if config is None:
        return
    if entry is None:
        yield RawFinding(RULE, Loc(source.path, 1), "the description renders no haproxy.cfg (no loadBalancer in haproxy mode)")
        return
    expected = parse_haproxy(entry[0].decode(), "haproxy.cfg")
    host = {section.title: section for section in config.sections}
    for section in expected.sections:
        found = host.get(section.title)
        if found is None:
            yield RawFinding(RULE, Loc(source.path, 1), f"section {section.title!r} is missing; kconf render writes it in haproxy.cfg; {FIX}")
            continue
        want = [(d.prefix, d.keyword, d.args) for d in section.directives]
        have = {(d.prefix, d.keyword, d.args): d for d in found.directives}
        for directive in section.directives:
            if (directive.prefix, directive.keyword, directive.args) not in have:
                shown = " ".join(filter(None, (directive.prefix, directive.keyword, *directive.args)))
                yield RawFinding(RULE, Loc(source.path, found.line, found.column),
                                 f"{found.title}: kconf render writes {shown!r} here, the host has not; {FIX}")
        for key, directive in have.items():
            if key not in want:
                shown = " ".join(filter(None, (directive.prefix, directive.keyword, *directive.args)))
                yield RawFinding(RULE, Loc(source.path, directive.line, directive.column),
                                 f"{found.title}: {shown!r} is not in haproxy.cfg as kconf render writes it; {FIX}")
    written = {section.title for section in expected.sections}
    for section in config.sections:
        if section.title not in written:
            yield RawFinding(RULE, Loc(source.path, section.line, section.column),
                             f"section {section.title!r} is not in haproxy.cfg as kconf render writes it; {FIX}")


def fetched_drift(group: Group) -> Iterator[RawFinding]:
    """Every file of a --cluster group against the rendered file it corresponds to."""
    cluster = group.cluster
    if cluster is None:
        return
    try:
        rendered = group.rendered()
    except KconfError as exc:
        yield RawFinding(RULE, Loc(str(cluster.path), exc.line or 1), f"cannot render to compare: {exc.message}")
        return
    for source in group.files:
        if isinstance(source, HAProxyFile):
            yield from _haproxy_drift(source, rendered)
        elif isinstance(source, KubeadmFile):
            yield from _kubeadm_drift(source, rendered)
        elif isinstance(source, ConfigMapFile) and source.cluster_configuration is not None:
            expected = _rendered_documents(rendered, INIT_FILE).get("ClusterConfiguration")
            if expected is not None:
                # kubeadm stores its defaults and kubectl its metadata: only what render writes is compared
                yield from _api_version_then_fields(source.cluster_configuration, expected, INIT_FILE, extra_allowed=True)
        elif isinstance(source, InstallationFile):
            expected = _rendered_documents(rendered, "calico-installation.yaml").get("Installation")
            for view in source.installations:
                if expected is None:
                    yield RawFinding(RULE, view.loc(("kind",)), "the description renders no Installation (calico.mode is manifest)")
                    continue
                # kubectl get adds metadata and status; the operator fills defaults into spec
                yield from _api_version_then_fields(view, expected, "calico-installation.yaml", extra_allowed=True)
