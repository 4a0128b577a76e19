"""One tool (issue 10, points 1 and 2): render runs the lint rules and refuses
what lint refuses; lint reports every independent problem in one run.

The findings of the multi-mistake descriptions are written down by hand
(rule, line); the property tests compare render with `kconf lint` run as a
user runs it, so neither side is computed with the other.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import ClusterCase, ConfigMapCase, cluster_cases, configmap_cases

from kconf.lint.engine import lint_paths
from kconf.lint.settings import Settings

HEAD = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
"""

# NAT address, duplicate node address, HAProxy on cka-cp-1 binding 6443, pod CIDR over the nodes, two control planes
FIVE = HEAD + """\
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: 192.168.0.0/16
  calico:
    mode: operator
  loadBalancer:
    hostname: cka-cp-1
    address: 192.168.51.81
    port: 6443
  hosts:
    k8s-vip: 192.168.51.81
  nodes:
    - {name: cka-cp-1, role: control-plane, address: 192.168.51.81/24}
    - {name: cka-cp-2, role: control-plane, address: 10.0.2.15/24}
    - {name: cka-worker-1, role: worker, address: 192.168.51.84/24}
    - {name: cka-worker-2, role: worker, address: 192.168.51.84/24}
"""
FIVE_FINDINGS = [
    (10, "cidr-overlaps-node-network"), (16, "lb-port-collision"), (21, "etcd-quorum"), (21, "nat-address"),
    (23, "duplicate-node-address"),
]

# a lables: typo on one worker, the load balancer on cka-cp-1:6443, two control planes
LABLES = FIVE.replace("podSubnet: 192.168.0.0/16", "podSubnet: 172.16.0.0/16").replace(
    "address: 10.0.2.15/24}", "address: 192.168.51.82/24}"
).replace(
    "    - {name: cka-worker-2, role: worker, address: 192.168.51.84/24}\n", ""
).replace("{name: cka-worker-1, role: worker, address: 192.168.51.84/24}", "{name: cka-worker-1, role: worker, address: 192.168.51.84/24, lables: {a: b}}")
LABLES_FINDINGS = [(16, "lb-port-collision"), (21, "etcd-quorum"), (22, "cluster-schema")]

# a pod CIDR with host bits, first-found autodetection on a NAT host, no endpoint
HOST_BITS = HEAD + """\
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: 172.16.33.10/16
  calico:
    mode: operator
    ipAutodetection: first-found
  nodes:
    - name: cka-cp-1
      role: control-plane
      address: 192.168.51.81/24
      interfaces:
        - {name: enp0s3, address: 10.0.2.15/24, nat: true}
        - {name: enp0s8, address: 192.168.51.81/24}
"""
HOST_BITS_FINDINGS = [(5, "control-plane-endpoint-missing"), (9, "cidr-host-bits"), (12, "calico-autodetect-first-found")]

# combinations: the five with the typo and the host bits; a broken node address among them
COMBINED = FIVE.replace("podSubnet: 192.168.0.0/16", "podSubnet: 192.168.0.10/16").replace(
    "{name: cka-worker-1, role: worker, address: 192.168.51.84/24}", "{name: cka-worker-1, role: worker, address: 192.168.51.84/24, lables: {a: b}}"
)
COMBINED_FINDINGS = [
    (10, "cidr-host-bits"), (10, "cidr-overlaps-node-network"), (16, "lb-port-collision"), (21, "etcd-quorum"),
    (21, "nat-address"), (22, "cluster-schema"), (23, "duplicate-node-address"),
]
# a node address without its prefix: node addresses are broken, so the rules that read them
# from the model (lb-port-collision) stay silent, but the roles still count (etcd-quorum)
NO_PREFIX = LABLES.replace("address: 192.168.51.84/24, lables: {a: b}}", "address: 192.168.51.84}").replace(
    "podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.1/16"
)
NO_PREFIX_FINDINGS = [(10, "cidr-host-bits"), (21, "etcd-quorum"), (22, "cluster-schema")]

MISTAKES = [
    pytest.param(FIVE, FIVE_FINDINGS, 1, id="nat-duplicate-lb-port-pod-cidr-two-control-planes"),
    pytest.param(LABLES, LABLES_FINDINGS, 2, id="lables-typo-lb-port-two-control-planes"),
    pytest.param(HOST_BITS, HOST_BITS_FINDINGS, 2, id="host-bits-first-found"),
    pytest.param(COMBINED, COMBINED_FINDINGS, 2, id="all-of-them"),
    pytest.param(NO_PREFIX, NO_PREFIX_FINDINGS, 2, id="address-without-prefix-and-host-bits"),
]


def _where(path: Path, findings: list[Any]) -> list[tuple[int, str]]:
    assert {f.path for f in findings} <= {str(path)}
    return sorted((f.line, f.rule) for f in findings)


@pytest.mark.parametrize(("text", "expected", "render_exit"), MISTAKES)
def test_lint_reports_every_independent_problem_at_once(tmp_path: Path, text: str, expected: list[tuple[int, str]], render_exit: int) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    findings, _ = lint_paths([str(path)], settings=Settings())
    assert _where(path, findings) == expected


@pytest.mark.parametrize(("text", "expected", "render_exit"), MISTAKES)
def test_render_refuses_with_the_same_findings_and_writes_nothing(
    tmp_path: Path, text: str, expected: list[tuple[int, str]], render_exit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    for check in ([], ["--check"]):
        result = run_cli("render", str(path), *check)
        assert result.exit_code == render_exit, result.output
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
        assert sorted((int(line.split(":")[1]), line.rsplit("[", 1)[1].rstrip("]")) for line in lines) == expected
        assert "Traceback" not in result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.yaml"]


def test_render_prints_warnings_and_still_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cluster.yaml"
    path.write_text(LABLES.replace("port: 6443", "port: 8443").replace("k8s-vip:6443", "k8s-vip:8443").replace(", lables: {a: b}", ""))
    result = run_cli("render", "cluster.yaml")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "cluster.yaml:21:30: warning: 2 control-plane nodes with stacked etcd: quorum is 2, so it survives no failure, "
        "the same as 1 node; use an odd number [etcd-quorum]"
    )
    assert (tmp_path / "lab" / "haproxy.cfg").is_file()


@pytest.mark.parametrize(
    ("settings_file", "content", "exit_code"),
    [
        pytest.param(".kconf.yaml", "disable: [nat-address]\n", 0, id="kconf-yaml-disable"),
        pytest.param("pyproject.toml", '[tool.kconf]\nseverity = {nat-address = "warning"}\n', 0, id="pyproject-severity"),
        pytest.param(".kconf.yaml", "disable: [etcd-quorum]\n", 1, id="other-rule-disabled"),
    ],
)
def test_render_uses_lint_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_file: str, content: str, exit_code: int) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / settings_file).write_text(content)
    text = HEAD + "  criSocket: unix:///var/run/containerd/containerd.sock\n  networking: {podSubnet: 172.16.0.0/16}\n" \
        "  nodes:\n    - {name: cp-1, role: control-plane, address: 10.0.2.15/24}\n"
    (tmp_path / "cluster.yaml").write_text(text)
    assert run_cli("render", "cluster.yaml").exit_code == exit_code
    assert (tmp_path / "lab").is_dir() == (exit_code == 0)


def test_render_honours_a_disable_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = HEAD + "  criSocket: unix:///var/run/containerd/containerd.sock\n  networking: {podSubnet: 172.16.0.0/16}\n" \
        "  nodes:\n    - {name: cp-1, role: control-plane, address: 10.0.2.15/24}\n"
    (tmp_path / "cluster.yaml").write_text(text)
    assert run_cli("render", "cluster.yaml").exit_code == 1
    (tmp_path / "cluster.yaml").write_text(text.replace("10.0.2.15/24}", "10.0.2.15/24}  # kconf: disable=nat-address"))
    assert run_cli("render", "cluster.yaml").exit_code == 0
    assert (tmp_path / "lab" / "kubeadm-init.yaml").is_file()


# --- properties ------------------------------------------------------------------------


def _inject(case: ClusterCase, mistake: str) -> dict[str, Any]:
    description = copy.deepcopy(case.description)
    spec = description["spec"]
    nodes = spec["nodes"]
    if mistake == "nat-address":
        nodes[-1]["address"] = "10.0.2.15/24"
    elif mistake == "duplicate-address" and len(nodes) > 1:
        nodes[-1]["address"] = nodes[0]["address"]
    elif mistake == "pod-cidr-over-nodes":
        spec["networking"]["podSubnet"] = str(case.node_network.supernet(new_prefix=8))
    elif mistake == "two-control-planes":
        if len(case.control_planes) == 1 and len(nodes) > 1 and "loadBalancer" in spec:
            next(n for n in nodes if n["role"] == "worker")["role"] = "control-plane"
        else:
            nodes[0]["lables"] = {"a": "b"}  # no room for a second one: a typo instead
    elif mistake == "lables":
        nodes[-1]["lables"] = {"a": "b"}
    return description


def _errors(paths: list[str]) -> list[Any]:
    findings, _ = lint_paths(paths, settings=Settings())
    return [f for f in findings if f.severity == "error"]


@settings(max_examples=int(os.environ.get("KCONF_ONE_TOOL_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cluster_cases(), st.sampled_from(["none", "none", "nat-address", "duplicate-address", "pod-cidr-over-nodes", "two-control-planes", "lables"]))
def test_render_succeeds_exactly_when_lint_finds_no_error(case: ClusterCase, mistake: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        description = folder / "cluster.yaml"
        description.write_text(json.dumps(_inject(case, mistake), indent=2) + "\n")
        if case.manifest is not None:
            (folder / "upstream").mkdir()
            (folder / "upstream" / "calico.yaml").write_text(case.manifest.read_text())
        alone = _errors([str(description)])
        cwd = os.getcwd()
        os.chdir(folder)  # settings are found from the working folder: none here
        try:
            result = run_cli("render", str(description))
        finally:
            os.chdir(cwd)
        assert "Traceback" not in result.output
        assert (result.exit_code == 0) == (alone == []), (mistake, result.output, alone)
        if mistake in ("nat-address", "pod-cidr-over-nodes", "lables"):
            assert alone, mistake  # each of these is an error lint must find
        out = folder / case.name
        assert out.is_dir() == (result.exit_code == 0)
        if result.exit_code == 0:
            assert _errors([str(out)]) == []
            assert _errors([str(folder)]) == []


@settings(max_examples=int(os.environ.get("KCONF_ONE_TOOL_EXAMPLES", "40")), deadline=None)
@given(configmap_cases())
def test_every_file_from_configmap_writes_lints_without_an_error(case: ConfigMapCase) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cm.yaml"
        source.write_text(case.text)
        output = Path(tmp) / "out" / "upload-certs.yaml"
        output.parent.mkdir()
        args = ["from-configmap", str(source), "--cri-socket", case.socket, "-o", str(output)]
        result = run_cli(*args, *(["--to", "v1beta4"] if case.to_v1beta4 else []))
        assert result.exit_code == 0, result.output
        assert _errors([str(output)]) == []
