"""Recognising files by content, loading them, and grouping a description with
its output folder.

Recognition is cheap first: a regular expression over the text decides
whether a file can be one kconf reads at all, so that a pre-commit hook
pointed at every YAML file of a repository does not parse them all. Only
then is the file parsed (a Calico manifest only in its DaemonSet document).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kconf.errors import KconfError
from kconf.lint.model import (
    BrokenFile,
    CalicoManifestFile,
    ClusterFile,
    ConfigMapFile,
    DocumentView,
    Group,
    HAProxyFile,
    InstallationFile,
    KubeadmFile,
    SourceFile,
)

YAML_SUFFIXES = (".yaml", ".yml", ".json")
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox", ".mypy_cache", ".pytest_cache"}

CLUSTER_MARKER = re.compile(r"""^\s*["']?apiVersion["']?\s*:\s*["']?kconf/v1alpha1""", re.MULTILINE)
_KUBEADM = re.compile(r"""["']?apiVersion["']?\s*:\s*["']?kubeadm\.k8s\.io/""")
_KUBEADM_KIND = re.compile(r"""^["']?kind["']?\s*:\s*["']?(?:Init|Cluster|Join|Reset|Upgrade)Configuration\b""", re.MULTILINE)
_CONFIGMAP = re.compile(r"""\bkubeadm-config\b""")
# a kind, not the word: from-configmap's own header names "ConfigMap kube-system/kubeadm-config"
_CONFIGMAP_KIND = re.compile(r"""["']?kind["']?\s*:\s*["']?ConfigMap\b""")
_CALICO_NODE = re.compile(r"""\bcalico-node\b""")
_DAEMONSET = re.compile(r"""^\s*["']?kind["']?\s*:\s*["']?DaemonSet\b""", re.MULTILINE)
_INSTALLATION = re.compile(r"""^\s*["']?kind["']?\s*:\s*["']?Installation\b""", re.MULTILINE)
_TIGERA = re.compile(r"""operator\.tigera\.io/v1""")
_HAPROXY_SECTION = re.compile(r"^(?:frontend|backend|listen|defaults|global)(?:\s|$)", re.MULTILINE)


def expand(paths: Iterable[str]) -> list[str]:
    """Files to lint: files as given, folders walked (YAML files and HAProxy
    configs, hidden and tool folders skipped), in a stable order."""
    found: dict[str, None] = {}
    for given in paths:
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(YAML_SUFFIXES) or name.endswith(".cfg"):
                        found.setdefault(os.path.join(root, name))
        elif os.path.exists(given) or os.path.islink(given):
            found.setdefault(given)
        else:
            raise KconfError("no such file or folder", given)
    return list(found)


def _documents(text: str, path: str) -> list[DocumentView]:
    from kconf.yamlio import load_documents

    return [DocumentView(path, d) for d in load_documents(text, path) if d.data is not None]


def _cluster_file(text: str, path: str) -> ClusterFile:
    from kconf.lint.model import cluster_source
    from kconf.yamlio import load_one

    return cluster_source(path, text, load_one(text, path))


def _configmap_file(text: str, path: str) -> ConfigMapFile | None:
    from kconf.configmap import parse_configmap

    stored, _warnings = parse_configmap(text, path)
    location = stored.location
    document = location.document
    if document is None:
        return ConfigMapFile(path, text)
    if location.block_line is not None:
        lines = text.splitlines()
        following = lines[location.block_line] if location.block_line < len(lines) else ""
        indent = len(following) - len(following.lstrip(" "))
        view = DocumentView(path, document, line_offset=location.block_line, column_offset=indent)
    else:
        view = DocumentView(path, document, exact=False, anchor_line=location.key_line)
    return ConfigMapFile(path, text, cluster_configuration=view)


def _lost_api_version(view: DocumentView) -> bool:
    api_version = view.get("apiVersion")
    return view.kind.endswith("Configuration") and view.kind[:-len("Configuration")] in _KUBEADM_KINDS and (
        not isinstance(api_version, str) or "/" not in api_version
    )


_KUBEADM_KINDS = ("Init", "Cluster", "Join", "Reset", "Upgrade")


def recognise(path: str, data: bytes) -> SourceFile | None:
    """The file as kconf reads it, a BrokenFile, or None (not kconf's)."""
    from kconf.yamlio import decode

    is_yaml = path.endswith(YAML_SUFFIXES)
    try:
        text = decode(data, path)
    except KconfError as exc:
        return BrokenFile(path, "", error=exc) if is_yaml else None
    try:
        if _HAPROXY_SECTION.search(text) and not is_yaml:
            from kconf.lint.haproxy import parse_haproxy

            return HAProxyFile(path, text, config=parse_haproxy(text, path))
        if not is_yaml:
            return None
        if CLUSTER_MARKER.search(text):
            return _cluster_file(text, path)
        if _CALICO_NODE.search(text) and _DAEMONSET.search(text):
            from kconf.calico.patch import find_calico_node

            node = find_calico_node(text, path)
            if node is not None:
                return CalicoManifestFile(path, text, node=node)
        if _KUBEADM.search(text):
            if _CONFIGMAP.search(text) and _CONFIGMAP_KIND.search(text):
                return _configmap_file(text, path)
            return KubeadmFile(path, text, documents=_documents(text, path))
        if _KUBEADM_KIND.search(text):
            # a kubeadm kind whose apiVersion is missing or names no group:
            # kubeadm's file, broken, not somebody else's
            documents = _documents(text, path)
            if any(_lost_api_version(d) for d in documents):
                return KubeadmFile(path, text, documents=documents)
        if _TIGERA.search(text) and _INSTALLATION.search(text):
            views = [v for v in _documents(text, path) if v.kind == "Installation" and v.api_version.startswith("operator.tigera.io/")]
            return InstallationFile(path, text, installations=views) if views else None
    except KconfError as exc:
        return BrokenFile(path, text, error=exc)
    return None


def read(path: str) -> SourceFile | None:
    from kconf.fsio import read_bytes

    try:
        data = read_bytes(path)
    except KconfError as exc:
        if os.path.isdir(path):
            return None
        return BrokenFile(path, "", error=exc)
    return recognise(path, data)


# --- grouping -------------------------------------------------------------------------


def description_for(folder: Path) -> str | None:
    """A description beside ``folder`` whose metadata.name is the folder's name."""
    parent = folder.parent
    try:
        candidates = sorted(p for p in parent.iterdir() if p.is_file() and p.name.endswith((".yaml", ".yml")))
    except OSError:
        return None
    pattern = re.compile(r"^\s+name:\s*[\"']?" + re.escape(folder.name) + r"[\"']?\s*(?:#.*)?$", re.MULTILINE)
    for candidate in candidates:
        try:
            head = candidate.read_text(errors="replace")[:65536]
        except OSError:
            continue
        if CLUSTER_MARKER.search(head) and pattern.search(head):
            return str(candidate) if str(parent) != "." else candidate.name
    return None


def _folder_files(folder: Path) -> Iterator[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        path = os.path.join(str(folder), name)
        if os.path.isfile(path) and (name.endswith(YAML_SUFFIXES) or name.endswith(".cfg")):
            yield path


def build_groups(paths: Iterable[str]) -> tuple[list[Group], int]:
    """Groups to lint, and the number of files read. A description pulls in
    its output folder; a file in an output folder pulls in its description."""
    wanted = expand(paths)
    loaded: dict[str, SourceFile | None] = {}

    def load(path: str) -> SourceFile | None:
        key = os.path.normpath(path)
        if key not in loaded:
            loaded[key] = read(path)
        return loaded[key]

    for path in wanted:
        load(path)
    # a file of an output folder (recognised or not: hosts, a join script)
    # brings its description
    descriptions: dict[str, str | None] = {}
    for path in wanted:
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in descriptions:
            descriptions[folder] = description_for(Path(os.path.dirname(path) or "."))
        description = descriptions[folder]
        if description is not None and not isinstance(loaded.get(os.path.normpath(path)), ClusterFile):
            load(description)
    groups: list[Group] = []
    grouped: set[str] = set()
    for key in sorted(loaded):
        source = loaded[key]
        if not isinstance(source, ClusterFile):
            continue
        members: list[SourceFile] = [source]
        grouped.add(key)
        out = source.output_dir
        if out is not None and out.is_dir():
            for member in _folder_files(out):
                member_key = os.path.normpath(member)
                if member_key in grouped:
                    continue
                loaded_member = load(member)
                if loaded_member is not None:
                    members.append(loaded_member)
                grouped.add(member_key)
        groups.append(Group(files=members, cluster_file=source, output_dir=out if out is not None and out.is_dir() else None))
    for key in sorted(loaded):
        source = loaded[key]
        if source is not None and key not in grouped:
            groups.append(Group(files=[source]))
    return groups, sum(1 for s in loaded.values() if s is not None)
