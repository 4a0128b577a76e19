"""How kubeadm splits a config file into documents, as a test oracle.

kubeadm reads ``--config FILE`` with ``SplitConfigDocuments``
(cmd/kubeadm/app/util/marshal.go) on top of apimachinery's ``YAMLReader``
(k8s.io/apimachinery/pkg/util/yaml/decoder.go):

- every line that *starts* with ``---`` ends the chunk collected so far, if
  that chunk is not empty (so ``---`` twice in a row makes no chunk); after the
  ``---`` only spaces and a ``#`` comment may follow, anything else is
  ``invalid Yaml document separator``. The reader does not know about YAML
  block scalars: a ``---`` line inside one still splits.
- a chunk is not empty when it holds any byte, even only blank lines or
  comments; such a chunk has no apiVersion and kind, which is an error (this is
  how a header comment in a chunk of its own breaks a kubeadm config).
- each chunk's apiVersion and kind are read (sigs.k8s.io/yaml into a struct:
  the chunk must be a mapping); the apiVersion must carry a group, a version
  and the kind must be set, and no kind may come twice.

``split_like_kubeadm(text)`` returns the decoded chunks, or raises ValueError
with kubeadm's message. It is written from the Go sources above, not from
kconf's code, so it can judge kconf's outputs.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

SEPARATOR = "---"


class _UniqueKeyLoader(yaml.SafeLoader):
    """go-yaml refuses a mapping key that is set twice ("already set in map")."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"error finding kind: yaml: unmarshal errors: line {key_node.start_mark.line + 1}: key {key!r} already set in map")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_chunks(text: str) -> list[str]:
    """apimachinery's YAMLReader: the chunks between ``---`` lines."""
    chunks: list[str] = []
    buffer: list[str] = []
    # Lines end at "\n" only (bufio ReadLine), not at "\r" or U+2028 as str.splitlines would.
    for line in re.findall(r"[^\n]*\n|[^\n]+$", text):
        if line.startswith(SEPARATOR):
            trimmed = line[len(SEPARATOR):].strip()
            if trimmed and not trimmed.startswith("#"):
                raise ValueError(f"invalid Yaml document separator: {trimmed}")
            if buffer:
                chunks.append("".join(buffer))
                buffer = []
            continue
        buffer.append(line)
    if buffer:
        chunks.append("".join(buffer))
    return chunks


def _group_version(api_version: str) -> tuple[str, str]:
    """schema.ParseGroupVersion."""
    if not api_version or api_version == "/":
        return "", ""
    parts = api_version.split("/")
    if len(parts) == 1:
        return "", api_version
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ValueError(f"unexpected GroupVersion string: {api_version}")


def split_like_kubeadm(text: str) -> list[dict[str, Any]]:
    """The documents of a kubeadm config file, in order, as kubeadm splits them."""
    documents: list[dict[str, Any]] = []
    kinds: list[str] = []
    twice: list[str] = []
    for chunk in yaml_chunks(text):
        try:
            data = yaml.load(chunk, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
        except yaml.YAMLError as exc:
            raise ValueError(f"error finding kind: {exc}") from None
        if data is None:
            data = {}  # sigs.k8s.io/yaml decodes an empty document to an empty struct
        if not isinstance(data, dict):
            raise ValueError(f"error finding kind: cannot unmarshal {type(data).__name__} into Go value of type struct")
        api_version, kind = data.get("apiVersion", ""), data.get("kind", "")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            raise ValueError("error finding kind: apiVersion and kind must be strings")
        group, version = _group_version(api_version)
        if not (group and version and kind):
            raise ValueError(
                f"invalid configuration for GroupVersionKind {group}/{version}, Kind={kind}: "
                "kind and apiVersion is mandatory information that must be specified"
            )
        if kind in kinds:
            twice.append(f'invalid configuration: kind "{kind}" is specified twice in YAML file')
            continue
        kinds.append(kind)
        documents.append(data)
    if twice:
        raise ValueError(twice[0] if len(twice) == 1 else "[" + ", ".join(twice) + "]")
    return documents
