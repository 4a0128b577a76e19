"""Joins the per-minor schemas main.go prints into one schema per kind,
written to schemas/components/<Kind>.json (tools/schemas/generate runs it).

A field that some pinned minor does not have is marked: x-kconf-absent-until
"1.31" (no kubelet or kube-proxy up to that minor has it: kconf reports it
for kubernetesVersion 1.31 and older), x-kconf-absent-from "1.37" (gone from
that minor on). A field whose type differs between minors stops the merge:
that needs a decision, not a guess.

usage: python3 merge.py OUT_DIR v1.31.json v1.33.json ...
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

GROUP_VERSIONS = {
    "KubeletConfiguration": "kubelet.config.k8s.io/v1beta1",
    "KubeProxyConfiguration": "kubeproxy.config.k8s.io/v1alpha1",
}
SOURCES = {
    "KubeletConfiguration": "k8s.io/kubelet config/v1beta1/types.go",
    "KubeProxyConfiguration": "k8s.io/kube-proxy config/v1alpha1/types.go",
}


def minor_of(path: str) -> tuple[int, int]:
    match = re.search(r"v(\d+)\.(\d+)\.json$", path)
    assert match, path
    return int(match.group(1)), int(match.group(2))


def shown(minor: tuple[int, int]) -> str:
    return f"{minor[0]}.{minor[1]}"


def without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [without_descriptions(v) for v in node]
    return node


def merge_objects(versions: list[tuple[tuple[int, int], dict[str, Any] | None]], where: str) -> dict[str, Any]:
    """One object schema from the versions that have it (newest wins for
    descriptions); properties some versions lack are marked."""
    present = [(m, s) for m, s in versions if s is not None]
    newest = dict(present[-1][1])
    names: dict[str, None] = {}
    for _, schema in present:
        names.update(dict.fromkeys(schema.get("properties", {})))
    merged: dict[str, Any] = {}
    all_minors = [m for m, _ in versions]
    for name in sorted(names):
        having = [(m, s["properties"][name]) for m, s in present if name in s.get("properties", {})]
        shapes = {json.dumps(without_descriptions(p), sort_keys=True) for _, p in having}
        if len(shapes) > 1:
            raise SystemExit(f"merge: {where}.{name} differs between minors: {sorted(shapes)}")
        field = dict(having[-1][1])
        minors = [m for m, _ in having]
        missing = [m for m in all_minors if m not in minors and any(pm == m for pm, _ in present)]
        before = [m for m in missing if m < minors[0]]
        after = [m for m in missing if m > minors[-1]]
        if len(before) + len(after) != len(missing):
            raise SystemExit(f"merge: {where}.{name} comes and goes: present in {minors}")
        if before:
            field["x-kconf-absent-until"] = shown(before[-1])
        if after:
            field["x-kconf-absent-from"] = shown(after[0])
        merged[name] = field
    newest["properties"] = merged
    return newest


def merge_kind(kind: str, per_minor: list[tuple[tuple[int, int], dict[str, Any]]]) -> dict[str, Any]:
    top = merge_objects([(m, s) for m, s in per_minor], kind)
    definitions: dict[str, Any] = {}
    names: dict[str, None] = {}
    for _, schema in per_minor:
        names.update(dict.fromkeys(schema.get("$defs", {})))
    for name in sorted(names):
        definitions[name] = merge_objects([(m, s.get("$defs", {}).get(name)) for m, s in per_minor], name)
    minors = ", ".join(shown(m) for m, _ in per_minor)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://kconf.dev/schemas/components/{kind}.json",
        "title": f"{GROUP_VERSIONS[kind]} {kind}",
        "description": (
            f"{top.get('description', kind).rstrip('.')}. Written by tools/schemas/generate from the upstream Go types "
            f"({SOURCES[kind]}) of Kubernetes {minors}, as kubeadm decodes them: strict (an unknown field is an "
            "error), pointers, lists and maps may be null. x-kconf-absent-until / x-kconf-absent-from mark fields "
            "some of those minors do not have."
        ),
    }
    for key in ("type", "properties", "required", "additionalProperties"):
        schema[key] = top[key]
    schema["$defs"] = definitions
    return schema


def main(out_dir: str, paths: list[str]) -> None:
    loaded = sorted(((minor_of(p), json.loads(Path(p).read_text())) for p in paths), key=lambda item: item[0])
    for kind in GROUP_VERSIONS:
        schema = merge_kind(kind, [(m, data[kind]) for m, data in loaded])
        target = Path(out_dir) / f"{kind}.json"
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        print(f"merge: wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
