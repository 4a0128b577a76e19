"""The cluster's Kubernetes version against what it serves and what Calico
supports: kubernetes-api-removed, calico-kubernetes-support."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kconf import description as model
from kconf.calico import support
from kconf.description import parse_kubernetes_version
from kconf.kubernetes_apis import removed_in
from kconf.lazyre import lazy
from kconf.lint.model import ERROR, WARNING, CalicoManifestFile, Group, Loc, RawFinding
from kconf.lint.registry import Rule

_DOCUMENT = lazy(r"^---[^\n]*$", re.MULTILINE)
_API_VERSION = lazy(r"""^apiVersion:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)
_KIND = lazy(r"""^kind:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)


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


def _calico_versions(group: Group) -> Iterator[tuple[tuple[int, int], str, Loc]]:
    """(minor, what it is read from, where) of the Calico in use: the
    calico-node image of each calico.yaml of the group; without one, the
    description's spec.calico.version (operator mode, or a manifest not in the
    group)."""
    from kconf.calico import calico_version

    found = False
    for source in group.of(CalicoManifestFile):
        node = source.node
        version = calico_version(node.image) if node is not None else None
        if node is not None and version is not None:
            found = True  # the image is what runs: the description's version is not looked at
            position = node.document.position(node.container_path + ("image",))
            yield version, f"calico-node image {node.image}", Loc(node.path, position.line + node.line_offset, position.column)
    source_file = group.cluster_file
    cluster = group.cluster
    if found or cluster is None or source_file is None or source_file.view is None or model.CALICO in source_file.broken:
        return
    text = cluster.calico.version
    match = re.match(r"^v(\d+)\.(\d+)\.", text or "")
    if match:
        yield (int(match.group(1)), int(match.group(2))), f"spec.calico.version {text}", source_file.view.loc(("spec", "calico", "version"))


def _releases(calicos: tuple[tuple[int, int], ...]) -> str:
    names = [f"v{a}.{b}" for a, b in calicos]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def calico_kubernetes_support(group: Group) -> Iterator[RawFinding]:
    """The cluster's Kubernetes minor is not among those Calico's
    documentation says that Calico minor is tested against (the System
    requirements page of the release, "We test Calico vX.Y against the
    following Kubernetes versions"; the table and its sources are in
    kconf/calico/support.py). The Calico version is the calico-node image of
    a calico.yaml in the group, else the description's spec.calico.version;
    the Kubernetes version is the description's kubernetesVersion, else a
    kubeadm ClusterConfiguration's of the same group. A Calico minor without a
    published statement in the table (v3.21, v3.22, before v3.20, after v3.32)
    is not checked.

    Why: Calico does not test that pair. Its requirements page says other
    versions "may work, but we are not actively testing them" and recommends
    "upgrading to a version of Calico that is tested against the newer
    Kubernetes version" (a manifest resource the Kubernetes version no longer
    serves is kubernetes-api-removed's error).

    Fix: use a Calico release whose tested versions hold your Kubernetes minor
    (the finding names them), or a Kubernetes version that Calico release is
    tested against."""
    known = _cluster_version(group)
    if known is None:
        return
    kubernetes, origin = known
    shown_kubernetes = f"{kubernetes[0]}.{kubernetes[1]}"
    for calico, where, loc in _calico_versions(group):
        minors = support.tested(calico)
        if minors is None or kubernetes in minors:
            continue
        name = f"v{calico[0]}.{calico[1]}"
        others = support.listing(kubernetes)
        advice = (
            f"use Calico {_releases(others)}, {'which is' if len(others) == 1 else 'which are'} tested against {shown_kubernetes}"
            if others
            else f"no Calico release of kconf's table ({_releases((min(support.TESTED),))} to "
            f"{_releases((max(support.TESTED),))}) is tested against {shown_kubernetes}"
        )
        yield RawFinding(
            "calico-kubernetes-support", loc,
            f"Calico {name} ({where}) is tested against Kubernetes {support.shown(minors)}, "
            f"not {shown_kubernetes} ({origin}): {advice}",
        )


RULES = (
    Rule("kubernetes-api-removed", ERROR, "a manifest resource in an API version the cluster's Kubernetes no longer serves",
         kubernetes_api_removed, reads=frozenset({model.VERSION})),
    Rule("calico-kubernetes-support", WARNING, "a Calico release not tested against the cluster's Kubernetes minor",
         calico_kubernetes_support, reads=frozenset({model.VERSION})),
)
