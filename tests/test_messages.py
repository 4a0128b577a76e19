"""Issue 15, point 7's wording: field paths written one way in every message,
counts in good English, a duplicate key at its own column, and "(and N more
problems)" saying how to see them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import run_cli
from kconf.description import load_cluster
from kconf.errors import KconfError, format_field_path
from kconf.lint.model import Finding
from lintkit import BASE_CLUSTER, lay_out, lint, render_into

# --- one style of field path ---------------------------------------------------------------

# A description whose schema problems sit in list items and under keys with dots.
SCHEMA_BROKEN = (
    BASE_CLUSTER.replace("    k8s-vip: 192.168.51.80\n", "    k8s-vip: 192.168.51.80\n    bad.host: 300.1.1.1\n")
    .replace(
        "      address: 192.168.51.91/24\n",
        "      address: 192.168.51.91/24\n      labels: {node.kubernetes.io/pool: 5}\n      taints: [{key: a, effect: Bad}]\n",
    )
    + "  kubelet:\n    evictionHard: {memory.available: 5}\n"
)

# Value rules that name other nodes and fields (the description renders nothing).
VALUES_BROKEN = (
    BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/24")
    .replace("    - name: cp-3\n      role: control-plane\n      address: 192.168.51.83/24\n", "")
    .replace("      address: 192.168.51.91/24\n", "      address: 192.168.51.91/24\n      criSocket: /run/x.sock\n")
    + "    - name: worker-1\n      role: worker\n      address: 192.168.51.81/24\n"
)

INSTALLATION = (
    "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  calicoNetwork:\n"
    "    ipPools:\n      - cidr: 172.16.0.1/16\n        blockSize: 26\n"
)


def _schema_case(root: Path) -> list[Finding]:
    lay_out(root, {"cluster.yaml": SCHEMA_BROKEN})
    return lint(root)


def _values_case(root: Path) -> list[Finding]:
    lay_out(root, {"cluster.yaml": VALUES_BROKEN, "installation.yaml": INSTALLATION})
    return lint(root)


def _drift_case(root: Path) -> list[Finding]:
    out = render_into(root, BASE_CLUSTER)
    join = out / "kubeadm-join-worker-1.yaml"
    join.write_text(join.read_text().replace("value: 192.168.51.91", "value: 10.0.2.15"))
    return lint(root)


CASES = [
    pytest.param(_schema_case, id="schema"),
    pytest.param(_values_case, id="value-rules"),
    pytest.param(_drift_case, id="drift"),
]

# A path-like token: a name followed by .steps, [index] or ["key"] steps.
PATH_TOKEN = re.compile(r"[A-Za-z][\w-]*(?:\.[\w-]+|\[\d+\]|\[\"[^\"]*\"\])+")
VERSION = re.compile(r"v?\d+(\.\d+)+")


def dotted_indices(message: str) -> list[str]:
    """The path-like tokens of a message that write a list index as a
    dotted step (``spec.nodes.3.labels``); versions such as v1.31.2 are no path."""
    return [
        token for token in PATH_TOKEN.findall(message)
        if not VERSION.fullmatch(token) and re.search(r"\.\d+(?=[.\[]|$)", token)
    ]


@pytest.mark.parametrize("case", CASES)
def test_every_message_writes_field_paths_one_way(tmp_path: Path, case) -> None:  # type: ignore[no-untyped-def]
    findings = case(tmp_path)
    messages = [f.message for f in findings]
    assert [m for m in messages if dotted_indices(m)] == []
    # the check above had something to judge: list items are written in brackets
    assert any(re.search(r"[A-Za-z]\[\d+\]", m) for m in messages), messages


@pytest.mark.parametrize(
    ("message", "found"),
    [
        pytest.param("spec.nodes.3.labels: 5 was read as a number", ["spec.nodes.3.labels"], id="dotted-index"),
        pytest.param("ipPools.0: pool 10.0.0.0/25", ["ipPools.0"], id="dotted-index-last"),
        pytest.param("spec.nodes[3].labels: 5 was read as a number", [], id="bracketed"),
        pytest.param("kubernetesVersion v1.31.2 is not served", [], id="a-version-is-no-path"),
        pytest.param("node ip-10-0-1-10.eu-west-1.compute.internal", [], id="a-host-name-is-no-path"),
    ],
)
def test_the_style_check_itself(message: str, found: list[str]) -> None:
    assert dotted_indices(message) == found


def test_the_schema_case_messages(tmp_path: Path) -> None:
    """Keys with dots in them (label keys, eviction signals) are quoted in
    brackets, so a reader cannot take their dots for steps."""
    rows = [(f.line, f.column, f.rule, f.message) for f in _schema_case(tmp_path)]
    assert rows == [
        (17, 15, "cluster-schema", "spec.hosts[\"bad.host\"]: '300.1.1.1' is not a valid IP address"),
        (31, 41, "cluster-schema", 'spec.nodes[3].labels["node.kubernetes.io/pool"]: 5 was read as a number; quote it if it is meant as text'),
        (32, 33, "cluster-schema", "spec.nodes[3].taints[0].effect: 'Bad' is not one of NoSchedule | PreferNoSchedule | NoExecute"),
        (34, 38, "cluster-schema", 'spec.kubelet.evictionHard["memory.available"]: 5 was read as a number; quote it if it is meant as text'),
    ]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        pytest.param(("spec", "nodes", 0, "address"), "spec.nodes[0].address", id="index"),
        pytest.param(("spec", "nodes", 3, "taints", 0, "key"), "spec.nodes[3].taints[0].key", id="two-indices"),
        pytest.param(("spec", "hosts", "k8s-vip"), "spec.hosts.k8s-vip", id="plain-key-with-dash"),
        pytest.param(("spec", "kubelet", "evictionHard", "memory.available"), 'spec.kubelet.evictionHard["memory.available"]', id="dotted-key"),
        pytest.param(("spec", "nodes", 2, "fd00:51::91/64"), 'spec.nodes[2]["fd00:51::91/64"]', id="address-key"),
        pytest.param(("a b",), '["a b"]', id="first-step-quoted"),
        pytest.param((), "", id="the-document"),
    ],
)
def test_format_field_path(path: tuple[str | int, ...], shown: str) -> None:
    assert format_field_path(path) == shown


# --- counts in English -----------------------------------------------------------------------


def test_value_rule_messages_count_in_english(tmp_path: Path) -> None:
    rows = [(os.path.relpath(f.path, tmp_path), f.line, f.rule, f.message) for f in _values_case(tmp_path)]
    assert rows == [
        ("cluster.yaml", 10, "pod-subnet-capacity",
         "spec.networking.podSubnet 172.16.0.0/24 holds 1 node block of /24 but the cluster has 4 nodes: 3 would get no "
         "pod CIDR; widen the pod subnet or lengthen the node mask"),
        ("cluster.yaml", 27, "cri-socket",
         "spec.nodes[2].criSocket: '/run/x.sock' has no unix:// scheme: kubeadm prepends it with a deprecation warning "
         "(later kubelets may refuse it); write unix:///run/x.sock"),
        ("cluster.yaml", 28, "duplicate-node-name", "node name 'worker-1' is also spec.nodes[2]: give each node its own name"),
        ("cluster.yaml", 30, "duplicate-node-address",
         "node worker-1 has address 192.168.51.81, the same as node cp-1 (spec.nodes[0]): give each node its own address"),
        ("installation.yaml", 8, "cidr-host-bits",
         "spec.calicoNetwork.ipPools[0].cidr: '172.16.0.1/16' has host bits set: the network is 172.16.0.0/16 "
         "(write that, or fix the prefix length)"),
    ]


# --- a duplicate key at its own column -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "key"),
    [
        pytest.param("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nkind: x\n", 3, 1, "kind", id="top-level"),
        pytest.param(
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  name: a\n  name: b\n",
            5, 3, "name", id="nested",
        ),
        pytest.param(
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration: {name: a, criSocket: x, name: b}\n",
            3, 43, "name", id="flow-mapping",
        ),
    ],
)
def test_a_duplicate_key_is_reported_at_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int, column: int, key: str) -> None:
    lay_out(tmp_path, {"k.yaml": text, ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "k.yaml")
    assert (result.exit_code, result.stdout) == (
        1, f"k.yaml:{line}:{column}: error: duplicate key '{key}' (kubeadm's strict decoder rejects it too) [yaml-syntax]\n",
    )


def test_a_duplicate_key_error_keeps_the_file_line_form(tmp_path: Path) -> None:
    """Outside lint the error stays SPEC's ``kconf: error: FILE:LINE: what``."""
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE_CLUSTER.replace("  name: lab\n", "  name: lab\n  name: other\n"))
    result = run_cli("render", str(path))
    assert (result.exit_code, result.stderr) == (
        2, f"kconf: error: {path}:5: duplicate key 'name' (kubeadm's strict decoder rejects it too)\n",
    )


# --- "(and N more problems)" says where to see them --------------------------------------------------


CP_2_ROLE = ("address: 192.168.51.82/24\n", "address: 192.168.51.82/24\n      bogus: 2\n")
CP_3_ROLE = ("address: 192.168.51.83/24\n", "address: 192.168.51.83/24\n      bogus: 3\n")


@pytest.mark.parametrize(
    ("edits", "more"),
    [
        pytest.param([], "", id="one-problem"),
        pytest.param([CP_2_ROLE], " (and 1 more problem: `kconf lint {path}` lists them all)", id="two"),
        pytest.param([CP_2_ROLE, CP_3_ROLE], " (and 2 more problems: `kconf lint {path}` lists them all)", id="three"),
    ],
)
def test_more_problems_say_how_to_see_them(tmp_path: Path, edits: list[tuple[str, str]], more: str) -> None:
    text = BASE_CLUSTER.replace("spec:\n", "spec:\n  bogus: 1\n")
    for old, new in edits:
        text = text.replace(old, new)
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    with pytest.raises(KconfError) as caught:
        load_cluster(str(path))
    assert str(caught.value).startswith(f"{path}:6: spec.bogus: unknown field 'bogus' (")
    assert str(caught.value).endswith("nodes, scheduler)" + more.format(path=path))


def test_more_problems_quote_a_path_for_the_shell(tmp_path: Path) -> None:
    path = tmp_path / "my cluster.yaml"
    path.write_text(BASE_CLUSTER.replace("spec:\n", "spec:\n  bogus: 1\n").replace(*CP_2_ROLE))
    with pytest.raises(KconfError) as caught:
        load_cluster(str(path))
    assert str(caught.value).endswith(f" (and 1 more problem: `kconf lint '{path}'` lists them all)")
