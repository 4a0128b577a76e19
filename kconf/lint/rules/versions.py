"""What the cluster's Kubernetes version serves: kubernetes-api-removed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kconf import description as model
from kconf.description import parse_kubernetes_version
from kconf.kubernetes_apis import removed_in
from kconf.lint.model import ERROR, CalicoManifestFile, Group, Loc, RawFinding
from kconf.lint.registry import Rule

_DOCUMENT = re.compile(r"^---[^\n]*$", re.MULTILINE)
_API_VERSION = re.compile(r"""^apiVersion:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)
_KIND = re.compile(r"""^kind:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)


def _cluster_version(group: Group) -> tuple[tuple[int, int], str] | None:
    cluster = group.cluster
    if cluster is not None:
        return cluster.version[:2], f"kubernetesVersion {cluster.kubernetes_version}"
    for view in group.kubeadm_documents("ClusterConfiguration"):
        text = view.get("kubernetesVersion")
        if isinstance(text, str):
            try:
                return parse_kubernetes_version(text)[:2], f"kubernetesVersion {text} of {view.path}"
            except ValueError:
                continue
    return None


def resources(text: str) -> Iterator[tuple[str, str, int]]:
    """(apiVersion, kind, line of apiVersion) of each top-level document; a
    regular expression over the text (a Calico manifest is 4,000-8,000 lines:
    no YAML parse)."""
    starts = [0] + [m.end() for m in _DOCUMENT.finditer(text)]
    for start, end in zip(starts, starts[1:] + [len(text)]):
        chunk = text[start:end]
        api, kind = _API_VERSION.search(chunk), _KIND.search(chunk)
        if api and kind:
            yield api.group(1), kind.group(1), text.count("\n", 0, start + api.start()) + 1


def kubernetes_api_removed(group: Group) -> Iterator[RawFinding]:
    """A calico.yaml holds a resource in an API version the cluster's
    Kubernetes version no longer serves, e.g. a policy/v1beta1
    PodDisruptionBudget (removed in 1.25) in Calico v3.20's manifest. The
    version is the description's kubernetesVersion, else a kubeadm
    ClusterConfiguration's of the same group.

    Why: `kubectl apply -f calico.yaml` fails on that resource ("no matches
    for kind ... in version ..."), and the install stops half done.

    Fix: use the manifest of a Calico release that supports your Kubernetes
    version."""
    known = _cluster_version(group)
    if known is None:
        return
    version, origin = known
    for source in group.of(CalicoManifestFile):
        for api_version, kind, line in resources(source.text):
            removed = removed_in(api_version, kind)
            if removed is not None and version >= removed:
                yield RawFinding(
                    "kubernetes-api-removed", Loc(source.path, line),
                    f"{kind} {api_version} is not served from Kubernetes {removed[0]}.{removed[1]} ({origin}): "
                    "kubectl apply fails on it; use the manifest of a Calico release that supports this version",
                )


RULES = (
    Rule("kubernetes-api-removed", ERROR, "a manifest resource in an API version the cluster's Kubernetes no longer serves",
         kubernetes_api_removed, reads=frozenset({model.VERSION})),
)
