"""kconf lint --fix: the mechanical fixes, made in place byte for byte.

Every case writes the file's bytes before and the exact bytes expected after;
the second run must change nothing (and print no change)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import require_corpus, run_cli
from kconf.lint.fix import fix_text
from kconf.lint.model import Finding, Replacement
from kconf.lint.rules import RULES

DESCRIPTION = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.30.6
  controlPlaneEndpoint: k8s-api:6443
  imageRepository: "k8s.gcr.io"   # the old registry
  criSocket: /var/run/containerd/containerd.sock
  networking:
    podSubnet: 10.244.33.10/16 # pods
  calico: {mode: operator, ipAutodetection: cidr=192.168.56.0/24}
  hosts:
    k8s-api: 192.168.56.11
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.56.11/24
    - {name: worker-1, role: worker, address: 192.168.56.21/24, criSocket: /run/crio/crio.sock}
"""

FIXED = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.30.6
  controlPlaneEndpoint: k8s-api:6443
  imageRepository: "registry.k8s.io"   # the old registry
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: 10.244.0.0/16 # pods
  calico: {mode: operator, ipAutodetection: cidr=192.168.56.0/24}
  hosts:
    k8s-api: 192.168.56.11
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.56.11/24
    - {name: worker-1, role: worker, address: 192.168.56.21/24, criSocket: "unix:///run/crio/crio.sock"}
"""

DESCRIPTION_CHANGES = (
    "cluster.yaml:8:20: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
    "cluster.yaml:9:14: cri-socket: '/var/run/containerd/containerd.sock' -> 'unix:///var/run/containerd/containerd.sock'\n"
    "cluster.yaml:11:16: cidr-host-bits: '10.244.33.10/16' -> '10.244.0.0/16'\n"
    "cluster.yaml:19:76: cri-socket: '/run/crio/crio.sock' -> 'unix:///run/crio/crio.sock'\n"
)

KUBEADM = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  name: cp-1
  criSocket: '/run/containerd/containerd.sock'
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.2
controlPlaneEndpoint: k8s-api:6443
imageRepository: k8s.gcr.io/mirror # kept comment
networking:
  podSubnet: "10.244.1.0/16, fd00:10:244::1/56"
  serviceSubnet: 10.96.0.0/12,fd00:10:96::/112
"""

KUBEADM_FIXED = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  name: cp-1
  criSocket: 'unix:///run/containerd/containerd.sock'
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.2
controlPlaneEndpoint: k8s-api:6443
imageRepository: registry.k8s.io/mirror # kept comment
networking:
  podSubnet: "10.244.0.0/16, fd00:10:244::/56"
  serviceSubnet: 10.96.0.0/12,fd00:10:96::/112
"""

KUBEADM_CHANGES = (
    "kubeadm.yaml:5:14: cri-socket: '/run/containerd/containerd.sock' -> 'unix:///run/containerd/containerd.sock'\n"
    "kubeadm.yaml:11:18: image-repository-deprecated: 'k8s.gcr.io/mirror' -> 'registry.k8s.io/mirror'\n"
    "kubeadm.yaml:13:14: cidr-host-bits: '10.244.1.0/16, fd00:10:244::1/56' -> '10.244.0.0/16, fd00:10:244::/56'\n"
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no project settings of the repository


@pytest.mark.parametrize(
    ("name", "before", "after", "changes"),
    [
        pytest.param("cluster.yaml", DESCRIPTION, FIXED, DESCRIPTION_CHANGES, id="description"),
        pytest.param("kubeadm.yaml", KUBEADM, KUBEADM_FIXED, KUBEADM_CHANGES, id="kubeadm-config"),
    ],
)
def test_fix_writes_exactly_the_fixed_values_and_a_second_run_changes_nothing(
    tmp_path: Path, name: str, before: str, after: str, changes: str
) -> None:
    path = tmp_path / name
    path.write_bytes(before.encode())
    path.chmod(0o640)
    first = run_cli("lint", "--fix", "--select", "image-repository-deprecated,cri-socket,cidr-host-bits", name)
    # stderr: lint's summary, of what is left after fixing
    assert (first.exit_code, first.stdout, first.stderr) == (0, changes, "All checks passed (1 file)\n")
    assert path.read_bytes() == after.encode()
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    second = run_cli("lint", "--fix", "--select", "image-repository-deprecated,cri-socket,cidr-host-bits", name)
    assert (second.exit_code, second.stdout, second.stderr) == (0, "", "All checks passed (1 file)\n")
    assert path.read_bytes() == after.encode()


def test_only_the_bytes_of_the_values_change(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(DESCRIPTION)
    assert run_cli("lint", "--fix", "cluster.yaml").exit_code == 0
    old, new = DESCRIPTION.splitlines(keepends=True), (tmp_path / "cluster.yaml").read_text().splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    assert len(old) == len(new)
    assert changed == [
        ('  imageRepository: "k8s.gcr.io"   # the old registry\n', '  imageRepository: "registry.k8s.io"   # the old registry\n'),
        ("  criSocket: /var/run/containerd/containerd.sock\n", "  criSocket: unix:///var/run/containerd/containerd.sock\n"),
        ("    podSubnet: 10.244.33.10/16 # pods\n", "    podSubnet: 10.244.0.0/16 # pods\n"),
        (
            "    - {name: worker-1, role: worker, address: 192.168.56.21/24, criSocket: /run/crio/crio.sock}\n",
            '    - {name: worker-1, role: worker, address: 192.168.56.21/24, criSocket: "unix:///run/crio/crio.sock"}\n',
        ),
    ]


def test_what_remains_is_reported_and_decides_the_exit_code(tmp_path: Path) -> None:
    # a bare address has no mechanical fix (which prefix length?); dockershim's socket neither (which runtime?)
    text = DESCRIPTION.replace("podSubnet: 10.244.33.10/16", "podSubnet: 10.244.0.1").replace(
        "criSocket: /run/crio/crio.sock", "criSocket: /var/run/dockershim.sock"
    )
    (tmp_path / "cluster.yaml").write_text(text)
    result = run_cli("lint", "--fix", "--select", "image-repository-deprecated,cri-socket,cidr-host-bits", "cluster.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        "cluster.yaml:8:20: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
        "cluster.yaml:9:14: cri-socket: '/var/run/containerd/containerd.sock' -> 'unix:///var/run/containerd/containerd.sock'\n"
        "cluster.yaml:11:16: error: spec.networking.podSubnet: '10.244.0.1' is not a CIDR (address/prefix length, "
        "e.g. 10.244.0.0/16) [cidr-host-bits]\n"
        "cluster.yaml:19:76: error: spec.nodes[1].criSocket: '/var/run/dockershim.sock' is dockershim's socket, and dockershim "
        "was removed in Kubernetes 1.24 (kubernetesVersion is 1.30): no kubelet serves it; use cri-dockerd's "
        "unix:///var/run/cri-dockerd.sock (Docker Engine) or containerd's unix:///var/run/containerd/containerd.sock [cri-socket]\n"
    )
    fixed = (tmp_path / "cluster.yaml").read_text()
    assert "podSubnet: 10.244.0.1 # pods" in fixed and "criSocket: /var/run/dockershim.sock}" in fixed


def test_a_suppressed_finding_is_not_fixed(tmp_path: Path) -> None:
    text = DESCRIPTION.replace('  imageRepository: "k8s.gcr.io"', '  # kconf: disable=image-repository-deprecated\n  imageRepository: "k8s.gcr.io"')
    (tmp_path / "cluster.yaml").write_text(text)
    result = run_cli("lint", "--fix", "--select", "image-repository-deprecated", "cluster.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
    assert (tmp_path / "cluster.yaml").read_text() == text


def test_an_ignored_rule_is_not_fixed(tmp_path: Path) -> None:
    (tmp_path / "kubeadm.yaml").write_text(KUBEADM)
    result = run_cli("lint", "--fix", "--select", "cri-socket,cidr-host-bits", "kubeadm.yaml")
    assert result.exit_code == 0
    assert "k8s.gcr.io/mirror" in (tmp_path / "kubeadm.yaml").read_text()
    assert "image-repository-deprecated" not in result.stdout


def test_without_fix_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "kubeadm.yaml").write_text(KUBEADM)
    result = run_cli("lint", "--select", "cri-socket,cidr-host-bits,image-repository-deprecated", "kubeadm.yaml")
    assert result.exit_code == 1  # cidr-host-bits is an error
    assert (tmp_path / "kubeadm.yaml").read_text() == KUBEADM


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(b"\xef\xbb\xbf" + KUBEADM.encode(), b"\xef\xbb\xbf" + KUBEADM_FIXED.encode(), id="bom"),
        pytest.param(KUBEADM.replace("\n", "\r\n").encode(), KUBEADM_FIXED.replace("\n", "\r\n").encode(), id="crlf"),
    ],
)
def test_a_byte_order_mark_and_crlf_line_ends_are_kept(tmp_path: Path, before: bytes, after: bytes) -> None:
    (tmp_path / "kubeadm.yaml").write_bytes(before)
    result = run_cli("lint", "--fix", "--select", "cri-socket,cidr-host-bits,image-repository-deprecated", "kubeadm.yaml")
    assert (result.exit_code, result.stdout) == (0, KUBEADM_CHANGES)
    assert (tmp_path / "kubeadm.yaml").read_bytes() == after


def test_json_output_stays_one_document_and_the_changes_go_to_stderr(tmp_path: Path) -> None:
    import json

    (tmp_path / "kubeadm.yaml").write_text(KUBEADM)
    result = run_cli("lint", "--fix", "--format", "json", "--select", "cri-socket,cidr-host-bits,image-repository-deprecated", "kubeadm.yaml")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"findings": [], "files": 1, "unrecognised": []}
    assert result.stderr == KUBEADM_CHANGES


def test_a_calico_manifest_pool_is_fixed_in_place(tmp_path: Path) -> None:
    upstream = (require_corpus() / "v3.28.5" / "calico.yaml").read_text()
    commented = '            # - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"\n'
    assert upstream.count(commented) == 1
    before = upstream.replace(commented, '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.244.7.0/16"\n')
    (tmp_path / "calico.yaml").write_text(before)
    line = before[: before.index('"10.244.7.0/16"')].count("\n") + 1
    result = run_cli("lint", "--fix", "--select", "cidr-host-bits", "calico.yaml")
    assert (result.exit_code, result.stdout) == (0, f"calico.yaml:{line}:22: cidr-host-bits: '10.244.7.0/16' -> '10.244.0.0/16'\n")
    assert (tmp_path / "calico.yaml").read_text() == before.replace('value: "10.244.7.0/16"', 'value: "10.244.0.0/16"')


INSTALLATION = """\
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  calicoNetwork:
    ipPools:
      - {cidr: 10.244.9.0/16, blockSize: 26}   # pool
"""


def test_an_installation_pool_in_a_flow_mapping_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "calico-installation.yaml").write_text(INSTALLATION)
    result = run_cli("lint", "--fix", "--select", "cidr-host-bits", "calico-installation.yaml")
    assert (result.exit_code, result.stdout) == (0, "calico-installation.yaml:8:16: cidr-host-bits: '10.244.9.0/16' -> '10.244.0.0/16'\n")
    assert (tmp_path / "calico-installation.yaml").read_text() == INSTALLATION.replace("10.244.9.0/16", "10.244.0.0/16")


# --- the core: fix_text refuses what it cannot do exactly -----------------------------


def finding(line: int, column: int, old: str, new: str, rule: str = "cidr-host-bits") -> Finding:
    return Finding("f.yaml", line, column, rule, "error", "m", Replacement(old, new))


@pytest.mark.parametrize(
    ("text", "fixes", "expected", "problem"),
    [
        pytest.param("a: 10.1.2.3/8\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], "a: 10.0.0.0/8\n", "", id="plain"),
        pytest.param("a: '10.1.2.3/8'\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], "a: '10.0.0.0/8'\n", "", id="single-quoted"),
        pytest.param("a: [10.1.2.3/8]\n", [finding(1, 5, "10.1.2.3/8", "10.0.0.0/8")], "a: [10.0.0.0/8]\n", "", id="flow-plain"),
        pytest.param(
            "a: &x 10.1.2.3/8\nb: *x\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], None,
            "the document uses anchors, aliases or merge keys (one text may stand for several values)", id="anchor",
        ),
        pytest.param("a: |\n  10.1.2.3/8\n", [finding(1, 4, "10.1.2.3/8\n", "10.0.0.0/8\n")], None,
                     "the value is a block scalar (| or >)", id="block-scalar"),
        pytest.param("a: !!str 10.1.2.3/8\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], None,
                     "the value has a tag or an anchor", id="tag"),
        pytest.param("a: 10.9.9.9/8\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], None,
                     "the value there is '10.9.9.9/8', not '10.1.2.3/8'", id="stale-value"),
        pytest.param("a: 10.1.2.3/8\n", [finding(1, 1, "10.1.2.3/8", "10.0.0.0/8")], None,
                     "no single value is written at this place (a value inside another, as in a ConfigMap's "
                     "ClusterConfiguration text, is not edited)", id="no-value-there"),
        pytest.param(
            "a: 10.1.2.3/8\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8"), finding(1, 4, "10.1.2.3/8", "10.1.0.0/16", "other")],
            "a: 10.0.0.0/8\n", "another finding would write a different value there", id="conflict",
        ),
    ],
)
def test_fix_text(text: str, fixes: list[Finding], expected: str | None, problem: str) -> None:
    new_text, changes = fix_text("f.yaml", text, fixes)
    assert new_text == (text if expected is None else expected)
    assert [c.problem for c in changes if c.problem] == ([problem] if problem else [])


def test_a_value_that_cannot_be_plain_is_double_quoted() -> None:
    new_text, changes = fix_text("f.yaml", "a: x\nb: c\n", [finding(1, 4, "x", "y: z")])
    assert new_text == 'a: "y: z"\nb: c\n'
    assert [str(c) for c in changes] == ["f.yaml:1:4: cidr-host-bits: 'x' -> 'y: z'"]


def test_an_edit_that_reads_back_as_other_data_is_not_made(monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.lint.fix

    # a writer gone wrong: the text of a flow sequence where a string belongs
    monkeypatch.setattr(kconf.lint.fix, "_scalar_text", lambda written, new, in_flow: "[" + new + "]")
    text = "a: 10.1.2.3/8\nb: 10.5.6.7/8\n"
    new_text, changes = fix_text("f.yaml", text, [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8"), finding(2, 4, "10.5.6.7/8", "10.0.0.0/8")])
    assert new_text == text
    assert [str(c) for c in changes] == [
        "f.yaml:1:4: cidr-host-bits: not fixed: the edited file would read differently beyond the fixed values; nothing was written",
        "f.yaml:2:4: cidr-host-bits: not fixed: the edited file would read differently beyond the fixed values; nothing was written",
    ]


def test_only_rules_that_declare_a_fix_have_one() -> None:
    assert sorted(name for name, rule in RULES.items() if rule.fix) == ["cidr-host-bits", "cri-socket", "image-repository-deprecated"]


def test_a_replacement_from_a_rule_without_a_declared_fix_is_dropped(tmp_path: Path) -> None:
    from kconf.lint.engine import _finalise, Selection
    from kconf.lint.model import Loc, RawFinding

    raw = RawFinding("public-cidr", Loc("f.yaml", 1, 1), "m", fix=Replacement("a", "b"))
    assert _finalise(raw, RULES["public-cidr"], Selection(frozenset({"public-cidr"})), str).fix is None
    raw = RawFinding("cidr-host-bits", Loc("f.yaml", 1, 1), "m", fix=Replacement("a", "b"))
    assert _finalise(raw, RULES["cidr-host-bits"], Selection(frozenset({"cidr-host-bits"})), str).fix == Replacement("a", "b")


def test_explain_says_what_fix_writes() -> None:
    result = run_cli("lint", "--explain", "cidr-host-bits")
    assert result.stdout.endswith(
        "\n\n--fix: writes the network address of each CIDR with host bits set (172.16.33.10/16 -> 172.16.0.0/16)\n"
    )


def test_a_file_that_cannot_be_replaced_is_an_error_and_stays(tmp_path: Path) -> None:
    (tmp_path / "kubeadm.yaml").write_text(KUBEADM)
    os.link(tmp_path / "kubeadm.yaml", tmp_path / "other-name.yaml")
    result = run_cli("lint", "--fix", "--select", "cidr-host-bits", "kubeadm.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("kconf: error: kubeadm.yaml: has 2 hard links; --in-place would replace this name only")
    assert (tmp_path / "kubeadm.yaml").read_text() == KUBEADM


def test_a_rendered_folder_is_fixed_with_its_description_and_does_not_drift(tmp_path: Path) -> None:
    from conftest import EXAMPLES

    text = (EXAMPLES / "ha-haproxy" / "cluster.yaml").read_text()
    assert text.count("imageRepository: registry.k8s.io\n") == 1
    (tmp_path / "cluster.yaml").write_text(text.replace("imageRepository: registry.k8s.io\n", "imageRepository: k8s.gcr.io\n"))
    assert run_cli("render", "cluster.yaml").exit_code == 0  # a warning does not stop render
    result = run_cli("lint", "--fix", ".")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (
        "cka/kubeadm-init.yaml:19:18: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
        "cluster.yaml:11:20: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
    )
    assert run_cli("render", "--check", "cluster.yaml").exit_code == 0  # what the fixed description renders
    assert (tmp_path / "cluster.yaml").read_text() == text


@pytest.mark.parametrize("spelling", [".", "./cluster.yaml", "cluster.yaml", "cka"])
def test_a_description_finding_is_reported_once_and_fixed_in_its_rendered_copy_too(tmp_path: Path, spelling: str) -> None:
    # The copy of the description's finding in cka/kubeadm-init.yaml (a file render wrote unchanged)
    # is left out of the report however the description is spelt (before, `kconf lint .` and
    # `./cluster.yaml` reported it twice), and --fix fixes it with the description's, so the folder
    # does not drift afterwards.
    from conftest import EXAMPLES

    text = (EXAMPLES / "ha-haproxy" / "cluster.yaml").read_text()
    (tmp_path / "cluster.yaml").write_text(text.replace("imageRepository: registry.k8s.io\n", "imageRepository: k8s.gcr.io\n"))
    assert run_cli("render", "cluster.yaml").exit_code == 0
    lint = run_cli("lint", "--select", "image-repository-deprecated", spelling)
    assert (lint.exit_code, lint.stderr) == (0, "0 errors, 1 warning in 10 files\n")
    assert lint.stdout == (
        "cluster.yaml:11:20: warning: spec.imageRepository k8s.gcr.io is frozen since April 2023 and gets no new "
        "images: write registry.k8s.io [image-repository-deprecated]\n"
    )
    fixed = run_cli("lint", "--fix", spelling)
    assert (fixed.exit_code, fixed.stdout) == (0, (
        "cka/kubeadm-init.yaml:19:18: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
        "cluster.yaml:11:20: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
    ))
    assert run_cli("render", "--check", "cluster.yaml").exit_code == 0
    assert (tmp_path / "cluster.yaml").read_text() == text


CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: ClusterConfiguration
    kubernetesVersion: v1.28.2
    controlPlaneEndpoint: k8s-api:6443
    imageRepository: k8s.gcr.io
"""


def test_a_kubeadm_config_configmap_is_left_as_kubectl_printed_it(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(CONFIGMAP)
    result = run_cli("lint", "--fix", "--select", "image-repository-deprecated", "cm.yaml")
    assert result.exit_code == 0
    assert result.stderr == (
        "cm.yaml:12:22: image-repository-deprecated: not fixed: no single value is written at this place (a value inside "
        "another, as in a ConfigMap's ClusterConfiguration text, is not edited)\n"
        "0 errors, 1 warning in 1 file\n"
    )
    assert result.stdout == (
        "cm.yaml:12:22: warning: imageRepository k8s.gcr.io is frozen since April 2023 and gets no new images: "
        "write registry.k8s.io [image-repository-deprecated]\n"
    )
    assert (tmp_path / "cm.yaml").read_text() == CONFIGMAP
