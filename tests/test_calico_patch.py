"""``kconf calico patch``: byte-preserving edits of the upstream Calico manifests.

The corpus tests run over every calico*.yaml in ../shared/corpus/calico (beside
the repository); the shape and error tests use small manifests cut from it.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kconf.calico.autodetect import MethodError, parse
from kconf.calico.patch import (
    PatchResult,
    calico_version,
    find_calico_node,
    patch_manifest,
)
from kconf.cli import main
from kconf.errors import KconfError
from kconf.yamlio import load_documents

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calico"
POD_CIDR = "172.16.0.0/16"
METHOD = "cidr=192.168.51.0/24"
ENV = ("spec", "template", "spec", "containers", 0, "env")


def _corpus_params() -> list[Any]:
    files = sorted(CORPUS.glob("*/calico*.yaml")) if CORPUS.is_dir() else []
    if not files:
        reason = f"../shared/corpus/calico is not beside the repository: {CORPUS}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    return [pytest.param(f, id=f"{f.parent.name}/{f.name}") for f in files]


CORPUS_FILES = _corpus_params()


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"../shared/corpus/calico is not beside the repository: {path}")
    return path


@functools.cache
def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@functools.cache
def patched(text: str, pod_cidr: str = POD_CIDR, method: str | None = METHOD) -> PatchResult:
    return patch_manifest(text, "calico.yaml", pod_cidr, method)


def changed_lines(old: str, new: str) -> list[str]:
    """The -/+ lines of a diff without context, as `diff | grep '^[<>]'` counts them."""
    diff = difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def daemonset_piece(text: str) -> str:
    """The text of the calico-node DaemonSet document, found independently of kconf."""
    match = re.search(r"\nkind: DaemonSet\r?\n", text)
    assert match is not None
    kind = match.start()
    start = text.rfind("\n---", 0, kind) + 1
    end = text.find("\n---", kind)
    return text[start : len(text) if end < 0 else end + 1]


def daemonset_data(text: str) -> Any:
    docs = [d.data for d in load_documents(daemonset_piece(text), "ds.yaml") if d.data]
    assert len(docs) == 1
    return docs[0]


def env_of(data: Any) -> list[dict[str, Any]]:
    for part in ENV:
        data = data[part]
    assert isinstance(data, list)
    return data


def without_env(data: Any) -> Any:
    container = dict(data["spec"]["template"]["spec"]["containers"][0])
    container.pop("env")
    return container, {k: v for k, v in data.items() if k != "spec"}, data["spec"]["template"]["spec"]["initContainers"]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing ``needle``."""
    hits = [n for n, line in enumerate(text.split("\n"), 1) if needle in line]
    return hits[nth - 1]


# --- the whole corpus -------------------------------------------------------------------

UPSTREAM_ENV = [
    "DATASTORE_TYPE", "WAIT_FOR_DATASTORE", "NODENAME", "CALICO_NETWORKING_BACKEND", "CLUSTER_TYPE", "IP",
    "CALICO_IPV4POOL_IPIP", "CALICO_IPV4POOL_VXLAN", "CALICO_IPV6POOL_VXLAN", "FELIX_IPINIPMTU", "FELIX_VXLANMTU",
    "FELIX_WIREGUARDMTU", "CALICO_DISABLE_FILE_LOGGING", "FELIX_DEFAULTENDPOINTTOHOSTACTION", "FELIX_IPV6SUPPORT",
    "FELIX_HEALTHENABLED",
]  # fmt: skip


def upstream_env(path: Path) -> list[str]:
    """The env names FACTS.md section 2.1 lists for this manifest."""
    names = list(UPSTREAM_ENV)
    if path.parent.name == "v3.20.1":
        names.remove("CALICO_IPV6POOL_VXLAN")
    if path.name == "calico-typha.yaml":
        names.insert(1, "FELIX_TYPHAK8SSERVICENAME")
    return names


def test_corpus_has_every_release_and_variant() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus/calico is not beside the repository: {CORPUS}")
    names = {f"{f.parent.name}/{f.name}" for f in CORPUS.glob("*/calico*.yaml")}
    assert "v3.20.1/calico.yaml" in names
    for version in ("v3.24.6", "v3.26.5", "v3.28.5", "v3.31.7", "v3.32.1"):
        assert {f"{version}/calico.yaml", f"{version}/calico-vxlan.yaml", f"{version}/calico-typha.yaml"} <= names


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_diff_is_the_two_items(path: Path) -> None:
    text = read(path)
    result = patched(text)
    assert changed_lines(text, result.text) == [
        "+            - name: IP_AUTODETECTION_METHOD",
        '+              value: "cidr=192.168.51.0/24"',
        "-            # - name: CALICO_IPV4POOL_CIDR",
        '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR",
        '+              value: "172.16.0.0/16"',
    ]
    assert result.changed_lines == 6
    assert result.warnings == []


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_daemonset_holds_the_values_and_nothing_else_changed(path: Path) -> None:
    text = read(path)
    before, after = daemonset_data(text), daemonset_data(patched(text).text)
    names = upstream_env(path)
    assert [item["name"] for item in env_of(before)] == names
    expected = [dict(item) for item in env_of(before)]
    expected.insert(names.index("FELIX_WIREGUARDMTU") + 1, {"name": "CALICO_IPV4POOL_CIDR", "value": POD_CIDR})
    expected.insert(names.index("IP") + 1, {"name": "IP_AUTODETECTION_METHOD", "value": METHOD})
    assert env_of(after) == expected
    assert without_env(after) == without_env(before)


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_patch_is_idempotent(path: Path) -> None:
    once = patched(read(path)).text
    again = patch_manifest(once, "calico.yaml", POD_CIDR, METHOD)
    assert again.text == once
    assert again.changed_lines == 0


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_without_autodetect_leaves_it_unset(path: Path) -> None:
    text = read(path)
    result = patched(text, POD_CIDR, None)
    assert changed_lines(text, result.text) == [
        "-            # - name: CALICO_IPV4POOL_CIDR",
        '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR",
        '+              value: "172.16.0.0/16"',
    ]
    assert "IP_AUTODETECTION_METHOD" not in {item["name"] for item in env_of(daemonset_data(result.text))}


# Lines from FACTS.md section 2 (and grep): `kind: DaemonSet`, the calico-node `env:`,
# the commented CIDR item, the calico-node `image:`.
LOCATIONS = {
    "v3.20.1/calico.yaml": (3700, 3827, 3878, 3821, "docker.io/calico/node:v3.20.1"),
    "v3.24.6/calico.yaml": (4351, 4497, 4551, 4490, "docker.io/calico/node:v3.24.5"),
    "v3.24.6/calico-vxlan.yaml": (4351, 4497, 4551, 4490, "docker.io/calico/node:v3.24.5"),
    "v3.24.6/calico-typha.yaml": (4387, 4533, 4593, 4526, "docker.io/calico/node:v3.24.5"),
    "v3.26.5/calico.yaml": (4600, 4746, 4800, 4739, "docker.io/calico/node:v3.26.5"),
    "v3.26.5/calico-vxlan.yaml": (4600, 4746, 4800, 4739, "docker.io/calico/node:v3.26.5"),
    "v3.26.5/calico-typha.yaml": (4636, 4782, 4842, 4775, "docker.io/calico/node:v3.26.5"),
    "v3.28.5/calico.yaml": (4762, 4908, 4962, 4901, "docker.io/calico/node:v3.28.5"),
    "v3.28.5/calico-vxlan.yaml": (4762, 4908, 4962, 4901, "docker.io/calico/node:v3.28.5"),
    "v3.28.5/calico-typha.yaml": (4798, 4944, 5004, 4937, "docker.io/calico/node:v3.28.5"),
    "v3.31.7/calico.yaml": (7035, 7185, 7239, 7178, "quay.io/calico/node:v3.31.7"),
    "v3.31.7/calico-vxlan.yaml": (7035, 7185, 7239, 7178, "quay.io/calico/node:v3.31.7"),
    "v3.31.7/calico-typha.yaml": (7071, 7221, 7281, 7214, "quay.io/calico/node:v3.31.7"),
    "v3.32.1/calico.yaml": (7429, 7579, 7633, 7572, "quay.io/calico/node:v3.32.1"),
    "v3.32.1/calico-vxlan.yaml": (7429, 7579, 7633, 7572, "quay.io/calico/node:v3.32.1"),
    "v3.32.1/calico-typha.yaml": (7465, 7615, 7675, 7608, "quay.io/calico/node:v3.32.1"),
}


@pytest.mark.parametrize(
    ("name", "where"), [pytest.param(name, where, id=name) for name, where in LOCATIONS.items()]
)
def test_find_calico_node_locates_the_container(name: str, where: tuple[int, int, int, int, str]) -> None:
    path = corpus_file(name)
    daemonset_line, env_line, cidr_line, image_line, image = where
    node = find_calico_node(read(path), str(path))
    assert node is not None
    assert (node.daemonset_line, node.env_line, node.image_line, node.image) == (
        daemonset_line, env_line, image_line, image,
    )  # fmt: skip
    assert [e.name for e in node.entries] == upstream_env(path)
    ip = node.entry("IP")
    assert ip is not None and ip.value == "autodetect" and not ip.value_from
    mtu = node.entry("FELIX_WIREGUARDMTU")
    assert mtu is not None and mtu.value is None and mtu.value_from
    assert read(path).split("\n")[cidr_line - 1] == "            # - name: CALICO_IPV4POOL_CIDR"
    # the uncommented item stands where the comment was
    after = find_calico_node(patched(read(path)).text, str(path))
    assert after is not None
    cidr = after.entry("CALICO_IPV4POOL_CIDR")
    assert cidr is not None and (cidr.line, cidr.value) == (cidr_line + 2, POD_CIDR)  # +2: the inserted item


@pytest.mark.parametrize(
    "name", [pytest.param("v3.20.1/calico.yaml", id="v3.20.1"), pytest.param("v3.32.1/calico-typha.yaml", id="v3.32.1-typha")]
)
def test_every_document_loads_to_identical_data(name: str) -> None:
    """A full parse of input and output (slow: pure-Python ruamel), for the oldest and the largest file."""
    text = read(corpus_file(name))
    before = [d.data for d in load_documents(text, name)]
    after = [d.data for d in load_documents(patched(text).text, name)]
    assert len(before) == len(after)
    daemonsets = [i for i, d in enumerate(before) if isinstance(d, dict) and d.get("kind") == "DaemonSet"]
    assert len(daemonsets) == 1
    for i, (old, new) in enumerate(zip(before, after)):
        if i != daemonsets[0]:
            assert new == old, f"document {i} changed"
    assert without_env(after[daemonsets[0]]) == without_env(before[daemonsets[0]])


# --- manifests someone already edited with sed -----------------------------------------

COMMENTED = '            # - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"\n'
IP_ITEM = '            - name: IP\n              value: "autodetect"\n'


def sed_uncommented(text: str) -> str:
    assert text.count(COMMENTED) == 1
    return text.replace(COMMENTED, '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.244.0.0/16"\n')


def sed_both(text: str) -> str:
    text = sed_uncommented(text)
    assert text.count(IP_ITEM) == 1
    return text.replace(IP_ITEM, IP_ITEM + "            - name: IP_AUTODETECTION_METHOD\n              value: \"interface=eth0\"\n")


SED_CASES = [
    pytest.param(
        sed_uncommented,
        [
            "+            - name: IP_AUTODETECTION_METHOD",
            '+              value: "cidr=192.168.51.0/24"',
            '-              value: "10.244.0.0/16"',
            '+              value: "172.16.0.0/16"',
        ],
        id="cidr-uncommented",
    ),
    pytest.param(
        sed_both,
        [
            '-              value: "interface=eth0"',
            '+              value: "cidr=192.168.51.0/24"',
            '-              value: "10.244.0.0/16"',
            '+              value: "172.16.0.0/16"',
        ],
        id="both-set",
    ),
]


@pytest.mark.parametrize("path", CORPUS_FILES)
@pytest.mark.parametrize(("edit", "expected_diff"), SED_CASES)
def test_sed_edited_manifests(path: Path, edit: Any, expected_diff: list[str]) -> None:
    text = edit(read(path))
    result = patch_manifest(text, "calico.yaml", POD_CIDR, METHOD)
    assert changed_lines(text, result.text) == expected_diff
    env = {item["name"]: item.get("value") for item in env_of(daemonset_data(result.text))}
    assert (env["CALICO_IPV4POOL_CIDR"], env["IP_AUTODETECTION_METHOD"]) == (POD_CIDR, METHOD)
    assert patch_manifest(result.text, "calico.yaml", POD_CIDR, METHOD).text == result.text


# --- shapes, on a small manifest --------------------------------------------------------


def small_manifest() -> str:
    """The v3.32.1 calico-config ConfigMap and calico-node DaemonSet only."""
    text = read(corpus_file("v3.32.1/calico.yaml"))
    config_start = text.index("---\n# Source: calico/templates/calico-config.yaml")
    config_end = text.index("\n---", config_start + 4) + 1
    return text[config_start:config_end] + daemonset_piece(text)


def env_block(text: str) -> tuple[int, int]:
    """Character offsets of the calico-node env list (from `env:` to `securityContext:`)."""
    start = text.index("          env:\n            # Use Kubernetes API")
    return start, text.index("          securityContext:", start)


def env_values(text: str) -> list[tuple[str, Any]]:
    return [(item["name"], item.get("value")) for item in env_of(daemonset_data(text))]


def requote(text: str, quote: str) -> str:
    """The env list with every `value: "..."` item (not the commented one) written with ``quote`` instead."""
    start, end = env_block(text)
    block = re.sub(r'(?m)^( +)value: "([^"]*)"', lambda m: f"{m.group(1)}value: {quote}{m.group(2)}{quote}", text[start:end])
    return text[:start] + block + text[end:]


def dedent_env(text: str) -> str:
    """The env list with dash offset 0 (`env:` and its items at one column)."""
    start, end = env_block(text)
    block = "\n".join(line[2:] if line.startswith("            ") else line for line in text[start:end].split("\n"))
    return text[:start] + block + text[end:]


def drop(text: str, snippet: str) -> str:
    assert text.count(snippet) == 1, snippet
    return text.replace(snippet, "")


def _sub(old: str, new: str) -> Any:
    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return edit


SHAPES = [
    pytest.param(lambda t: t, METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="upstream"),
    pytest.param(lambda t: requote(t, "'"), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", "+              value: 'cidr=192.168.51.0/24'",
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="single-quoted-neighbours"),
    pytest.param(lambda t: requote(t, ""), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", "+              value: cidr=192.168.51.0/24",
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="plain-neighbours"),
    pytest.param(lambda t: requote(t, ""), "interface=eth.*", [
        "+            - name: IP_AUTODETECTION_METHOD", "+              value: interface=eth.*",
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="plain-neighbours-regex"),
    pytest.param(lambda t: requote(t, ""), "interface=^(eth|en) #x", [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "interface=^(eth|en) #x"',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="plain-neighbours-unsafe-value-quoted"),
    pytest.param(lambda t: requote(t, ""), "interface=eth0:", [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "interface=eth0:"',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="plain-neighbours-trailing-colon-quoted"),
    pytest.param(dedent_env, METHOD, [
        "+          - name: IP_AUTODETECTION_METHOD", '+            value: "cidr=192.168.51.0/24"',
        "-          # - name: CALICO_IPV4POOL_CIDR", '-          #   value: "192.168.0.0/16"',
        "+          - name: CALICO_IPV4POOL_CIDR", '+            value: "172.16.0.0/16"',
    ], id="dash-offset-0"),
    pytest.param(lambda t: t, r'interface=eth\d+,"en.*"', [
        "+            - name: IP_AUTODETECTION_METHOD", r'+              value: "interface=eth\\d+,\"en.*\""',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="escapes-in-double-quotes"),
    pytest.param(lambda t: t, "cidr=10.0.1.0/24 , 10.0.2.0/24", [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=10.0.1.0/24,10.0.2.0/24"',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="method-normalised"),
    pytest.param(lambda t: drop(t, COMMENTED), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
    ], id="no-commented-cidr-goes-after-the-pool-items"),
    pytest.param(lambda t: drop(t, "            # Auto-detect the BGP IP address.\n" + IP_ITEM), METHOD, [
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
    ], id="no-IP-item-appends"),
    pytest.param(lambda t: sed_uncommented(t).replace('"10.244.0.0/16"', '10.244.0.0/16   # ours'), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
        "-              value: 10.244.0.0/16   # ours", "+              value: 172.16.0.0/16   # ours",
    ], id="plain-value-with-comment-kept"),
    pytest.param(lambda t: sed_uncommented(t).replace('"10.244.0.0/16"', "'172.16.0.0/16'"), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
    ], id="cidr-already-set"),
    pytest.param(_sub('#   value: "192.168.0.0/16"', "#   value: '192.168.0.0/16'"), METHOD, [
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
        "-            # - name: CALICO_IPV4POOL_CIDR", "-            #   value: '192.168.0.0/16'",
        "+            - name: CALICO_IPV4POOL_CIDR", "+              value: '172.16.0.0/16'",
    ], id="commented-item-quoting-kept"),
]  # fmt: skip


# The IP_AUTODETECTION_METHOD value each method in SHAPES must end up as.
WRITTEN_METHOD = {
    "cidr=192.168.51.0/24": "cidr=192.168.51.0/24",
    "cidr=10.0.1.0/24 , 10.0.2.0/24": "cidr=10.0.1.0/24,10.0.2.0/24",
    "interface=^(eth|en) #x": "interface=^(eth|en) #x",
    "interface=eth.*": "interface=eth.*",
    "interface=eth0:": "interface=eth0:",
    'interface=eth\\d+,"en.*"': 'interface=eth\\d+,"en.*"',
}


@pytest.mark.parametrize(("shape", "method", "expected_diff"), SHAPES)
def test_shapes(shape: Any, method: str, expected_diff: list[str]) -> None:
    text = shape(small_manifest())
    result = patch_manifest(text, "calico.yaml", POD_CIDR, method)
    assert changed_lines(text, result.text) == expected_diff
    assert result.changed_lines == len(expected_diff)
    env = dict(env_values(result.text))
    assert (env["CALICO_IPV4POOL_CIDR"], env["IP_AUTODETECTION_METHOD"]) == (POD_CIDR, WRITTEN_METHOD[method])
    assert patch_manifest(result.text, "calico.yaml", POD_CIDR, method).text == result.text


def test_crlf_line_endings_are_kept() -> None:
    text = small_manifest().replace("\n", "\r\n")
    result = patch_manifest(text, "calico.yaml", POD_CIDR, METHOD)
    assert result.text.count("\r\n") == result.text.count("\n") == text.count("\n") + 2
    assert '            - name: IP_AUTODETECTION_METHOD\r\n              value: "cidr=192.168.51.0/24"\r\n' in result.text
    assert dict(env_values(result.text))["CALICO_IPV4POOL_CIDR"] == POD_CIDR


def test_crlf_value_replaced_in_place() -> None:
    text = sed_uncommented(small_manifest()).replace("\n", "\r\n")
    result = patch_manifest(text, "calico.yaml", POD_CIDR, None)
    assert changed_lines(text, result.text) == ['-              value: "10.244.0.0/16"\r', '+              value: "172.16.0.0/16"\r']


def test_file_without_final_newline() -> None:
    text = small_manifest().rstrip("\n")
    result = patch_manifest(text, "calico.yaml", POD_CIDR, METHOD)
    assert not result.text.endswith("\n")
    assert result.changed_lines == 6


def test_documents_around_the_daemonset_are_kept_byte_for_byte() -> None:
    head = "# leading comment, no marker\n---\n---\n\n---\n# comment-only document\n"
    tail = "---\n# Source: trailing comment-only document\n\n"
    text = head + small_manifest() + tail
    result = patch_manifest(text, "calico.yaml", POD_CIDR, METHOD)
    assert result.text.startswith(head) and result.text.endswith(tail)
    assert result.changed_lines == 6


FIRST_FOUND_WARNING = (
    "--autodetect first-found: calico-node takes the first address of the first interface it finds, which on a "
    "host with more than one NIC is often the wrong one: a NAT adapter (VirtualBox and Vagrant give every VM the "
    "same 10.0.2.15) or an address the other nodes cannot reach, and pod traffic between the nodes goes nowhere; "
    "pin it to the nodes' network: cidr=<their CIDR>, interface=<the cluster NIC>, or kubernetes-internal-ip "
    "(Calico v3.22 and later)"
)

WARNINGS = [
    pytest.param("v3.32.1/calico.yaml", "8.8.0.0/16", METHOD, [
        "pod CIDR 8.8.0.0/16 is not private address space (RFC 1918 / RFC 6598): pods would hide public addresses of that range",
    ], id="public-pod-cidr"),
    pytest.param("v3.20.1/calico.yaml", POD_CIDR, "kubernetes-internal-ip", [
        ("calico.yaml:3821: kubernetes-internal-ip needs Calico v3.22 or later, but the calico-node image is "
         "docker.io/calico/node:v3.20.1: calico-node would stop with 'Invalid IP autodetection method'"),
    ], id="kubernetes-internal-ip-on-v3.20"),
    pytest.param("v3.24.6/calico.yaml", POD_CIDR, "kubernetes-internal-ip", [], id="kubernetes-internal-ip-on-v3.24"),
    pytest.param("v3.20.1/calico.yaml", "10.244.0.0/16", "first-found", [FIRST_FOUND_WARNING], id="private-and-first-found"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "pod_cidr", "method", "warnings"), WARNINGS)
def test_warnings(name: str, pod_cidr: str, method: str, warnings: list[str]) -> None:
    result = patch_manifest(read(corpus_file(name)), "calico.yaml", pod_cidr, method)
    assert result.warnings == warnings
    assert dict(env_values(result.text))["IP_AUTODETECTION_METHOD"] == method  # written all the same


@pytest.mark.parametrize(
    ("image", "version"),
    [
        pytest.param("docker.io/calico/node:v3.20.1", (3, 20), id="docker-hub"),
        pytest.param("quay.io/calico/node:v3.32.1", (3, 32), id="quay"),
        pytest.param("registry:5000/calico/node:v3.22.0@sha256:abcd", (3, 22), id="port-and-digest"),
        pytest.param("calico/node:3.9", (3, 9), id="no-v"),
        pytest.param("calico/node:latest", None, id="latest"),
        pytest.param("registry:5000/calico/node", None, id="no-tag"),
        pytest.param(None, None, id="none"),
    ],
)
def test_calico_version(image: str | None, version: tuple[int, int] | None) -> None:
    assert calico_version(image) == version


def test_unknown_calico_version_warns_for_kubernetes_internal_ip() -> None:
    text = small_manifest().replace("image: quay.io/calico/node:v3.32.1", "image: quay.io/calico/node:latest")
    result = patch_manifest(text, "c.yaml", POD_CIDR, "kubernetes-internal-ip")
    node = find_calico_node(text, "c.yaml")
    assert node is not None and node.image_line == line_of(text, "        - name: calico-node") + 1
    assert text.split("\n")[node.image_line - 1] == "          image: quay.io/calico/node:latest"
    assert result.warnings == [
        (
            f"c.yaml:{node.image_line}: cannot tell the Calico version from image 'quay.io/calico/node:latest'; "
            "kubernetes-internal-ip needs Calico v3.22 or later"
        )
    ]


def test_find_calico_node_is_none_without_the_daemonset() -> None:
    assert find_calico_node(read(corpus_file("v3.32.1/custom-resources.yaml")), "cr.yaml") is None
    assert find_calico_node("", "empty.yaml") is None


# --- errors: nothing is emitted ---------------------------------------------------------


def _two_daemonsets(text: str) -> str:
    return text + daemonset_piece(text)


def _flow_env(text: str) -> str:
    start, end = env_block(text)
    return text[:start] + '          env: [{name: DATASTORE_TYPE, value: "kubernetes"}, {name: IP, value: "autodetect"}]\n' + text[end:]


def _value_from_cidr(text: str) -> str:
    return text.replace(COMMENTED, (
        "            - name: CALICO_IPV4POOL_CIDR\n"
        "              valueFrom:\n"
        "                configMapKeyRef:\n"
        "                  name: calico-config\n"
        "                  key: pod_cidr\n"
    ))  # fmt: skip


def _twice(text: str) -> str:
    item = '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.244.0.0/16"\n'
    return text.replace(COMMENTED, item + item)


ERRORS = [
    pytest.param(_sub("kind: DaemonSet", "kind: Deployment"), POD_CIDR, METHOD, None,
                 "c.yaml: no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file",
                 id="no-daemonset"),
    pytest.param(_two_daemonsets, POD_CIDR, METHOD, ("kind: DaemonSet", 2),
                 "more than one calico-node DaemonSet (the first is at line {first}); kconf patches exactly one",
                 id="two-daemonsets"),
    pytest.param(_flow_env, POD_CIDR, METHOD, ("env: [", 1),
                 "the env list of the calico-node container is in flow style ([...]); kconf cannot edit it safely",
                 id="flow-style-env"),
    pytest.param(_value_from_cidr, POD_CIDR, METHOD, ("- name: CALICO_IPV4POOL_CIDR", 1),
                 "CALICO_IPV4POOL_CIDR is set with valueFrom; kconf cannot edit it safely", id="valueFrom-cidr"),
    pytest.param(_twice, POD_CIDR, METHOD, ("- name: CALICO_IPV4POOL_CIDR", 2),
                 "CALICO_IPV4POOL_CIDR is set 2 times (lines {lines}); kconf cannot edit it safely",
                 id="duplicate-cidr"),
    pytest.param(_sub(COMMENTED, COMMENTED + COMMENTED), POD_CIDR, METHOD, ("# - name: CALICO_IPV4POOL_CIDR", 2),
                 "CALICO_IPV4POOL_CIDR is commented out 2 times (lines {lines}); kconf cannot edit it safely",
                 id="commented-twice"),
    pytest.param(_sub(COMMENTED, '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.244.0.0/16"\n'
                      '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.244.0.0/16"\n'),
                 POD_CIDR, None, ("- name: CALICO_IPV4POOL_CIDR", 2),
                 "CALICO_IPV4POOL_CIDR is set 2 times (lines {lines}); kconf cannot edit it safely",
                 id="duplicate-cidr-without-autodetect"),
    pytest.param(_sub(COMMENTED, "            - name: CALICO_IPV4POOL_CIDR\n              value:\n"
                      "                10.244.0.0/16\n"), POD_CIDR, METHOD, ("              value:$", 1),
                 "the value of CALICO_IPV4POOL_CIDR is not a one-line scalar on the line of its key; "
                 "kconf cannot edit it safely", id="value-on-next-line"),
    pytest.param(_sub(COMMENTED, "            - name: CALICO_IPV4POOL_CIDR\n              value: 10.244.0.0\n"
                      "                /16\n"), POD_CIDR, METHOD, ("value: 10.244.0.0", 1),
                 "the value of CALICO_IPV4POOL_CIDR is not a one-line scalar on the line of its key; "
                 "kconf cannot edit it safely", id="plain-value-over-two-lines"),
    pytest.param(_sub(COMMENTED, "            - name: CALICO_IPV4POOL_CIDR\n              value: \"10.244.0.0\n"
                      "                /16\"\n"), POD_CIDR, METHOD, ('value: "10.244.0.0', 1),
                 "the value of CALICO_IPV4POOL_CIDR is not a one-line scalar on the line of its key; "
                 "kconf cannot edit it safely", id="quoted-value-over-two-lines"),
    pytest.param(_sub(COMMENTED, "            - name: CALICO_IPV4POOL_CIDR\n              value: |-\n"
                      "                10.244.0.0/16\n"), POD_CIDR, METHOD, ("value: |-", 1),
                 "the value of CALICO_IPV4POOL_CIDR is not a one-line scalar on the line of its key; "
                 "kconf cannot edit it safely", id="block-scalar-value"),
    pytest.param(_sub(IP_ITEM, "            - {name: IP, value: autodetect}\n"), POD_CIDR, METHOD, ("{name: IP", 1),
                 "env item 'IP' is not written as `- name: ...`; kconf cannot edit it safely", id="flow-item"),
    pytest.param(_sub("          env:\n            # Use", "          env: &env\n            # Use"), POD_CIDR, METHOD,
                 ("env: &env", 1), "the env list of the calico-node container is not a plain block list; "
                 "kconf cannot edit it safely", id="anchored-env"),
    pytest.param(_sub("        - name: calico-node\n", "        - name: calico-nodes\n"), POD_CIDR, METHOD,
                 ("- name: calico-nodes", 1), "the calico-node DaemonSet has no container named calico-node", id="no-container"),
    pytest.param(_sub("          env:\n            # Use Kubernetes API", "          envx:\n            # Use Kubernetes API"),
                 POD_CIDR, METHOD, ("- name: calico-node", 1),
                 "the calico-node container has no env items; kconf cannot edit it safely", id="no-env"),
    pytest.param(_sub('              value: "autodetect"\n', '              value: "autodetect"\n     bad: [\n'),
                 POD_CIDR, METHOD, ("bad: [", 1), "invalid YAML: {problem}", id="broken-yaml-line-in-file"),
    pytest.param(_sub("            # Auto-detect the BGP", "            # Auto-detect\r the BGP"), POD_CIDR, METHOD,
                 ("Auto-detect", 1), "a line break other than LF or CRLF in the calico-node DaemonSet; "
                 "kconf cannot edit it safely", id="lone-carriage-return"),
    pytest.param(lambda t: t, "172.178.33.10/16", METHOD, None,
                 "--pod-cidr: '172.178.33.10/16' has host bits set: the network is 172.178.0.0/16 "
                 "(write that, or fix the prefix length)", id="cidr-host-bits"),
    pytest.param(lambda t: t, "172.16.0.0/33", METHOD, None, "--pod-cidr: '172.16.0.0/33' is not a valid CIDR",
                 id="cidr-bad-mask"),
    pytest.param(lambda t: t, "fd00::/48", METHOD, None,
                 "--pod-cidr: fd00::/48 is IPv6; CALICO_IPV4POOL_CIDR takes an IPv4 CIDR", id="cidr-ipv6"),
    pytest.param(lambda t: t, POD_CIDR, "nic=eth0", None,
                 "--autodetect: unknown autodetection method 'nic' (one of: first-found, can-reach, interface, "
                 "skip-interface, cidr, kubernetes-internal-ip)", id="bad-method"),
    pytest.param(lambda t: t, POD_CIDR, "cidr=192.168.51.1/24", None,
                 "--autodetect: cidr=192.168.51.1/24: '192.168.51.1/24' has host bits set: the network is "
                 "192.168.51.0/24 (write that, or fix the prefix length)", id="method-cidr-host-bits"),
    pytest.param(lambda t: t, POD_CIDR, "interface=eth(", None,
                 "--autodetect: interface=eth(: not a valid regular expression "
                 "(missing ), unterminated subpattern at position 3)", id="method-bad-regex"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "pod_cidr", "method", "where", "message"), ERRORS)
def test_errors(edit: Any, pod_cidr: str, method: str | None, where: tuple[str, int] | None, message: str) -> None:
    text = edit(small_manifest())
    with pytest.raises(KconfError) as info:
        patch_manifest(text, "c.yaml", pod_cidr, method)
    error = info.value
    if where is None:
        assert str(error) == message
        return
    needle, nth = where
    if needle.endswith("$"):  # the whole line
        hits = [n for n, line in enumerate(text.split("\n"), 1) if line == needle[:-1]]
    else:
        hits = [n for n, line in enumerate(text.split("\n"), 1) if needle in line]
    line = hits[nth - 1]
    assert (error.path, error.line) == ("c.yaml", line)
    assert error.message == message.format(
        first=hits[0], lines=", ".join(str(n) for n in hits[:2]), problem=error.message.partition(": ")[2]
    )
    if "{problem}" in message:
        assert error.message.startswith("invalid YAML: ") and len(error.message) > len("invalid YAML: ")


# --- property: any method Calico accepts survives the quoting ---------------------------

_REGEX_CHARS = st.text(alphabet="abc019._-*+?^$|()[]{}\\\"'#: !&%@`", min_size=1, max_size=12)


def _method_or_none(kind: str, pattern: str) -> str | None:
    try:
        return str(parse(f"{kind}={pattern}"))
    except MethodError:
        return None


@pytest.mark.filterwarnings("ignore::FutureWarning")  # re's "possible nested set" on generated patterns
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["interface", "skip-interface"]),
    pattern=_REGEX_CHARS,
    quote=st.sampled_from(['"', "'", ""]),
)
def test_any_valid_method_loads_back_exactly(kind: str, pattern: str, quote: str) -> None:
    method = _method_or_none(kind, pattern)
    assume(method is not None)
    assert method is not None
    text = requote(small_manifest(), quote)
    result = patch_manifest(text, "c.yaml", POD_CIDR, method)
    assert dict(env_values(result.text))["IP_AUTODETECTION_METHOD"] == method
    assert patch_manifest(result.text, "c.yaml", POD_CIDR, method).text == result.text


# --- the command line -------------------------------------------------------------------


@pytest.fixture()
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "calico.yaml"
    path.write_text(small_manifest(), encoding="utf-8")
    return path


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, ["calico", "patch", *args], input=input)


def test_cli_prints_to_stdout(manifest: Path) -> None:
    result = run(str(manifest), "--pod-cidr", POD_CIDR, "--autodetect", METHOD)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == patch_manifest(manifest.read_text(), str(manifest), POD_CIDR, METHOD).text
    assert manifest.read_text() == small_manifest()


def test_cli_reads_stdin() -> None:
    result = run("-", "--pod-cidr", POD_CIDR, input=small_manifest())
    assert result.exit_code == 0
    assert result.stdout == patch_manifest(small_manifest(), "-", POD_CIDR, None).text


def test_cli_stdin_error_names_stdin() -> None:
    result = run("-", "--pod-cidr", POD_CIDR, input="kind: ConfigMap\n")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "kconf: error: <stdin>: no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file\n"
    )


def test_cli_output_file_keeps_its_mode(manifest: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    result = run(str(manifest), "--pod-cidr", POD_CIDR, "--autodetect", METHOD, "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text() == patch_manifest(small_manifest(), "x", POD_CIDR, METHOD).text
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if "kconf-tmp" in p.name] == []


def test_cli_in_place_keeps_mode_and_follows_a_link(manifest: Path, tmp_path: Path) -> None:
    manifest.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(manifest)
    result = run(str(link), "--pod-cidr", POD_CIDR, "--autodetect", METHOD, "--in-place")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert link.is_symlink()
    assert manifest.read_text() == patch_manifest(small_manifest(), "x", POD_CIDR, METHOD).text
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o640


def test_cli_warning_goes_to_stderr(manifest: Path) -> None:
    result = run(str(manifest), "--pod-cidr", "8.8.0.0/16")
    assert result.exit_code == 0
    assert result.stderr == (
        "kconf: warning: pod CIDR 8.8.0.0/16 is not private address space (RFC 1918 / RFC 6598): "
        "pods would hide public addresses of that range\n"
    )
    assert '              value: "8.8.0.0/16"\n' in result.stdout


CLI_ERRORS = [
    pytest.param(["-o", "{out}", "--in-place"], "kconf: error: -o/--output and --in-place cannot be used together\n",
                 id="output-and-in-place"),
    pytest.param(["--autodetect", "bogus", "--in-place"],
                 "kconf: error: --autodetect: unknown autodetection method 'bogus' (one of: first-found, can-reach, "
                 "interface, skip-interface, cidr, kubernetes-internal-ip)\n", id="bad-method-in-place"),
    pytest.param(["--autodetect", "bogus", "-o", "{out}"],
                 "kconf: error: --autodetect: unknown autodetection method 'bogus' (one of: first-found, can-reach, "
                 "interface, skip-interface, cidr, kubernetes-internal-ip)\n", id="bad-method-output"),
    pytest.param(["--pod-cidr", "172.178.33.10/16", "-o", "{out}"],
                 "kconf: error: --pod-cidr: '172.178.33.10/16' has host bits set: the network is 172.178.0.0/16 "
                 "(write that, or fix the prefix length)\n", id="bad-cidr-output"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "stderr"), CLI_ERRORS)
def test_cli_failure_leaves_files_untouched(manifest: Path, tmp_path: Path, extra: list[str], stderr: str) -> None:
    out = tmp_path / "out.yaml"
    out.write_bytes(b"previous output\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = [a.format(out=out) for a in extra]
    if "--pod-cidr" not in args:
        args += ["--pod-cidr", POD_CIDR]
    result = run(str(manifest), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_cli_unpatchable_manifest_leaves_output_untouched(tmp_path: Path) -> None:
    source = tmp_path / "other.yaml"
    source.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: calico-node\n")
    out = tmp_path / "out.yaml"
    out.write_bytes(b"previous output\n")
    result = run(str(source), "--pod-cidr", POD_CIDR, "-o", str(out))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"kconf: error: {source}: no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file\n"
    )
    assert out.read_bytes() == b"previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.yaml", "out.yaml"]


def test_cli_in_place_refuses_stdin() -> None:
    result = run("-", "--pod-cidr", POD_CIDR, "--in-place", input=small_manifest())
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "kconf: error: --in-place needs a file, not standard input\n"


def test_cli_in_place_unchanged_file_is_not_rewritten(manifest: Path) -> None:
    first = run(str(manifest), "--pod-cidr", POD_CIDR, "--in-place")
    assert first.exit_code == 0
    inode, mtime = manifest.stat().st_ino, manifest.stat().st_mtime_ns
    os.utime(manifest, ns=(mtime - 10**9, mtime - 10**9))
    second = run(str(manifest), "--pod-cidr", POD_CIDR, "--in-place")
    assert second.exit_code == 0
    assert (manifest.stat().st_ino, manifest.stat().st_mtime_ns) == (inode, mtime - 10**9)


# --- the document split: str.find, exactly what the marker's regular expression finds ---

MARKER = re.compile(r"^---(?=[ \t\r]|$)", re.MULTILINE)


@given(st.text(alphabet="-\n\r\t a#", max_size=60))
def test_marker_starts_are_the_regular_expressions_matches(text: str) -> None:
    from kconf.calico.patch import _marker_starts

    assert _marker_starts(text) == [m.start() for m in MARKER.finditer(text)]


@pytest.mark.parametrize("text", ["---", "---\n", "a\n---", "a\n---x\n---\n", "----\n", "\r---\n", "--- a\n---\t\n---\r\n"])
def test_marker_starts_on_edges(text: str) -> None:
    from kconf.calico.patch import _marker_starts

    assert _marker_starts(text) == [m.start() for m in MARKER.finditer(text)]
