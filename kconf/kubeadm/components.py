"""The component configs kubeadm reads beside its own documents:
KubeletConfiguration (kubelet.config.k8s.io/v1beta1) and
KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1).

Their schemas (schemas/components/<Kind>.json) are written by
tools/schemas/generate from the upstream Go types of every pinned Kubernetes
minor; kubeadm decodes these documents strictly, so an unknown field or a
wrong type stops `kubeadm init`. A field that only newer (or older) minors
have carries x-kconf-absent-until (or x-kconf-absent-from): for a document
of such a kubernetesVersion it is as unknown as a misspelt one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kconf.lazyre import lazy
from kconf.schemacheck import SchemaIssue, check

# group -> (version, kind): the one version of each group kubeadm reads.
COMPONENT_CONFIGS = {
    "kubelet.config.k8s.io": ("v1beta1", "KubeletConfiguration"),
    "kubeproxy.config.k8s.io": ("v1alpha1", "KubeProxyConfiguration"),
}

Minor = tuple[int, int]
_MINOR = lazy(r"^v?(\d+)\.(\d+)")


def minor_of(value: object) -> Minor | None:
    match = _MINOR.match(value) if isinstance(value, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def component_kind(data: Any) -> str | None:
    """The kind of a component config kubeadm reads (its apiVersion and kind
    as kubeadm expects them), else None."""
    if not isinstance(data, dict):
        return None
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(api_version, str):
        return None
    group, _, version = api_version.partition("/")
    return kind if COMPONENT_CONFIGS.get(group) == (version, kind) else None


def schema_name(kind: str) -> str:
    return f"components/{kind}.json"


def check_component(data: Any, minor: Minor | None = None) -> list[SchemaIssue]:
    """Every schema issue of a KubeletConfiguration or KubeProxyConfiguration;
    with ``minor`` (the cluster's Kubernetes version), also the fields that
    version's kubelet or kube-proxy does not have."""
    kind = component_kind(data)
    if kind is None:
        return []
    issues = check(schema_name(kind), data)
    if minor is not None:
        from kconf.resources import schema

        document = schema(schema_name(kind))
        issues += list(_version_issues(data, document, document, (), minor))
    return sorted(set(issues), key=lambda i: (tuple(str(p) for p in i.path), i.message))


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    """The object (or array) schema behind $ref and a nullable anyOf."""
    for _ in range(8):
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = root["$defs"][ref.removeprefix("#/$defs/")]
            continue
        branches = [b for b in node.get("anyOf", ()) if isinstance(b, dict) and b.get("type") != "null"]
        if len(branches) == 1:
            node = branches[0]
            continue
        return node
    return node


def _shown(minor: Minor) -> str:
    return f"{minor[0]}.{minor[1]}"


def _version_issues(data: Any, node: Any, root: dict[str, Any], path: tuple[str | int, ...], minor: Minor) -> Iterator[SchemaIssue]:
    node = _resolve(node, root)
    if not isinstance(node, dict):
        return
    if isinstance(data, dict) and isinstance(node.get("properties"), dict):
        for key, value in data.items():
            field = node["properties"].get(key)
            if not isinstance(field, dict):
                continue
            until, since_gone = minor_of(field.get("x-kconf-absent-until")), minor_of(field.get("x-kconf-absent-from"))
            if until is not None and minor <= until:
                yield SchemaIssue(path + (key,), (
                    f"unknown field {key!r} for Kubernetes {_shown(minor)}: it is newer than {_shown(until)}, and kubeadm "
                    f"{_shown(minor)} refuses it as unknown; remove it or raise kubernetesVersion"
                ))
            elif since_gone is not None and minor >= since_gone:
                yield SchemaIssue(path + (key,), (
                    f"unknown field {key!r} for Kubernetes {_shown(minor)}: it was removed by {_shown(since_gone)}, and kubeadm "
                    f"{_shown(minor)} refuses it as unknown; remove it"
                ))
            else:
                yield from _version_issues(value, field, root, path + (key,), minor)
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(data):
            yield from _version_issues(item, node["items"], root, path + (index,), minor)
