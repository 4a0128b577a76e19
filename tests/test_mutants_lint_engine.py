"""The lint engine: exact output of `kconf lint` (--fix, --cluster, --explain,
--format) and of the write gates (lint_render, lint_output, gate_output).

Written for the mutants of kconf/lint/engine.py that survived the rest of the
suite (see tools/mutation/run). Every case writes down the whole stdout and
stderr, the file after, or every finding; all run in-process (CliRunner or
the functions themselves).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click
import pytest

from conftest import run_cli
from kconf.errors import KconfError
from kconf.lint.engine import gate_output, lint_paths, lint_render, run_lint
from kconf.lint.model import Finding
from kconf.lint.settings import Settings
from lintkit import BASE_CLUSTER, MARKED_HEAD, render_into, use_marker_rules

ENDPOINT_MISSING = (
    "warning: ClusterConfiguration without controlPlaneEndpoint: a single control plane made without it cannot be "
    "turned HA later without a rebuild [control-plane-endpoint-missing]"
)

KUBEADM = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.2
imageRepository: k8s.gcr.io
networking:
  podSubnet: 10.244.1.0/16
"""
KUBEADM_FIXED_POD_SUBNET = KUBEADM.replace("10.244.1.0/16", "10.244.0.0/16")

# a second file of the folder, with a finding of its own: linted only when the folder is
OTHER = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.28.2\n"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no project settings of the repository
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


# --- kconf lint --fix: what is printed where, and what the second lint sees ---------------------


POD_SUBNET_CHANGE = "k.yaml:6:14: cidr-host-bits: '10.244.1.0/16' -> '10.244.0.0/16'\n"


@pytest.mark.parametrize(
    "args",
    [
        # run_lint 58/62 (second lint without --select), 65 (second lint of "." instead of the paths)
        pytest.param(("--select", "cidr-host-bits,control-plane-endpoint-missing", "k.yaml"), id="select"),
        # run_lint 59/63 (second lint without --ignore)
        pytest.param(("--ignore", "image-repository-deprecated", "k.yaml"), id="ignore"),
    ],
)
def test_fix_then_lint_again_with_the_same_rules_and_paths(in_tmp: Path, args: tuple[str, ...]) -> None:
    # run_lint 44/46-48 (the change's line), 52/53 (text: on stdout), 55/56/61/66 (the second lint)
    (in_tmp / "k.yaml").write_text(KUBEADM)
    (in_tmp / "other.yaml").write_text(OTHER)
    result = run_cli("lint", "--fix", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, POD_SUBNET_CHANGE + f"k.yaml:2:7: {ENDPOINT_MISSING}\n", "0 errors, 1 warning in 1 file\n"
    )
    assert (in_tmp / "k.yaml").read_text() == KUBEADM_FIXED_POD_SUBNET


def test_fix_without_paths_fixes_and_lints_the_working_folder(in_tmp: Path) -> None:
    # run_lint 41 and 67: "." both times
    (in_tmp / "k.yaml").write_text(KUBEADM)
    (in_tmp / "other.yaml").write_text(OTHER)
    result = run_cli("lint", "--fix")
    assert (result.exit_code, result.stderr) == (0, "0 errors, 2 warnings in 2 files\n")
    assert result.stdout == (
        "k.yaml:4:18: image-repository-deprecated: 'k8s.gcr.io' -> 'registry.k8s.io'\n"
        + POD_SUBNET_CHANGE
        + f"k.yaml:2:7: {ENDPOINT_MISSING}\n"
        + f"other.yaml:2:7: {ENDPOINT_MISSING}\n"
    )
    assert (in_tmp / "k.yaml").read_text() == KUBEADM_FIXED_POD_SUBNET.replace("k8s.gcr.io", "registry.k8s.io")


def test_fix_with_json_output_puts_the_changes_on_stderr(in_tmp: Path) -> None:
    # run_lint 51 (err only for text), 45/47
    (in_tmp / "k.yaml").write_text(KUBEADM)
    result = run_cli("lint", "--fix", "--format", "json", "--select", "cidr-host-bits", "k.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, '{\n  "findings": [],\n  "files": 1,\n  "unrecognised": []\n}\n', POD_SUBNET_CHANGE
    )


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


def test_a_refused_fix_goes_to_stderr_in_the_text_format(in_tmp: Path) -> None:
    # run_lint 49/50: a problem goes to stderr whatever the format
    (in_tmp / "cm.yaml").write_text(CONFIGMAP)
    result = run_cli("lint", "--fix", "--select", "image-repository-deprecated", "cm.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        "cm.yaml:12:22: warning: imageRepository k8s.gcr.io is frozen since April 2023 and gets no new images: "
        "write registry.k8s.io [image-repository-deprecated]\n"
    )
    assert result.stderr == (
        "cm.yaml:12:22: image-repository-deprecated: not fixed: no single value is written at this place (a value inside "
        "another, as in a ConfigMap's ClusterConfiguration text, is not edited)\n"
        "0 errors, 1 warning in 1 file\n"
    )
    assert (in_tmp / "cm.yaml").read_text() == CONFIGMAP


def test_run_lint_does_not_fix_unless_asked(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # run_lint 1: fix=False by default
    (in_tmp / "k.yaml").write_text(KUBEADM)
    code = run_lint(["k.yaml"], output_format="text", strict=False, select="cidr-host-bits", ignore=None,
                    explain=None, color=False, echo=click.echo)
    assert code == 1
    assert capsys.readouterr().out == (
        "k.yaml:6:14: error: networking.podSubnet: '10.244.1.0/16' has host bits set: the network is 10.244.0.0/16 "
        "(write that, or fix the prefix length) [cidr-host-bits]\n"
    )
    assert (in_tmp / "k.yaml").read_text() == KUBEADM


# --- --cluster -------------------------------------------------------------------------------------

DRIFT_VERSION = (
    "fetched/kubeadm-init.yaml:17:20: error: kubernetesVersion is 'v1.31.1', kconf render writes 'v1.31.2' in "
    "kubeadm-init.yaml (ClusterConfiguration); copy what kconf render writes to the host, or change the description "
    "to what the host runs [rendered-drift]\n"
)


@pytest.fixture
def fetched(in_tmp: Path) -> Path:
    """A kubeadm-init.yaml fetched from a host, beside the description: an older
    kubernetesVersion and a pod subnet with host bits."""
    out = render_into(in_tmp, BASE_CLUSTER)
    text = (out / "kubeadm-init.yaml").read_text()
    assert text.count("podSubnet: 172.16.0.0/16\n") == 1 and text.count("kubernetesVersion: v1.31.2\n") == 1
    (in_tmp / "fetched").mkdir()
    path = in_tmp / "fetched" / "kubeadm-init.yaml"
    path.write_text(text.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.5.0/16").replace("v1.31.2", "v1.31.1"))
    return path


def test_cluster_checks_a_fetched_file_against_the_description(fetched: Path) -> None:
    # run_lint 34/38: the first lint gets --cluster
    result = run_cli("lint", "--cluster", "cluster.yaml", "fetched/kubeadm-init.yaml")
    assert (result.exit_code, result.stderr) == (1, "3 errors, 0 warnings in 2 files\n")
    assert result.stdout == (
        DRIFT_VERSION
        + "fetched/kubeadm-init.yaml:20:14: error: networking.podSubnet: '172.16.5.0/16' has host bits set: the network "
        "is 172.16.0.0/16 (write that, or fix the prefix length) [cidr-host-bits]\n"
        "fetched/kubeadm-init.yaml:20:14: error: networking.podSubnet is '172.16.5.0/16', kconf render writes "
        "'172.16.0.0/16' in kubeadm-init.yaml (ClusterConfiguration); copy what kconf render writes to the host, or "
        "change the description to what the host runs [rendered-drift]\n"
    )


def test_fix_with_cluster_lints_again_against_the_description(fetched: Path) -> None:
    # run_lint 60/64: the second lint gets --cluster too; 22 (`or`) and 28 (isdir(None)) with a cluster and paths
    result = run_cli("lint", "--fix", "--cluster", "cluster.yaml", "fetched/kubeadm-init.yaml")
    assert (result.exit_code, result.stderr) == (1, "1 error, 0 warnings in 2 files\n")
    assert result.stdout == "fetched/kubeadm-init.yaml:20:14: cidr-host-bits: '172.16.5.0/16' -> '172.16.0.0/16'\n" + DRIFT_VERSION


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # run_lint 24/25
        pytest.param(("--cluster", "c.yaml"), "--cluster c.yaml: name the files to check against it (kconf lint --cluster CLUSTER FILE...)",
                     id="no-files"),
        # run_lint 29
        pytest.param(("--cluster", ".", "k.yaml"), "--cluster .: is a folder; give the cluster description (cluster.yaml)", id="folder"),
    ],
)
def test_cluster_usage_errors(in_tmp: Path, args: tuple[str, ...], message: str) -> None:
    (in_tmp / "k.yaml").write_text(KUBEADM)
    result = run_cli("lint", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"kconf: error: {message}\n")


def test_no_paths_and_no_cluster_lints_the_working_folder(in_tmp: Path) -> None:
    # run_lint 23 (`cluster is None and not paths` would be the usage error), 41
    (in_tmp / "other.yaml").write_text(OTHER)
    result = run_cli("lint")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"other.yaml:2:7: {ENDPOINT_MISSING}\n", "0 errors, 1 warning in 1 file\n")


# --- formats and --explain -------------------------------------------------------------------------


def test_an_unknown_format_is_a_usage_error(in_tmp: Path) -> None:
    # run_lint 19-21 (click's choice stops it on the command line: called directly)
    with pytest.raises(KconfError) as caught:
        run_lint([], output_format="nope", strict=False, select=None, ignore=None, explain=None, color=False, echo=click.echo)
    assert str(caught.value) == "--format: unknown format 'nope' (formats: text, json, sarif, github, junit)"


def test_junit_lists_a_clean_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # run_lint 78: the files checked reach the reporter
    use_marker_rules(monkeypatch)
    (in_tmp / "m.yaml").write_text(MARKED_HEAD)
    result = run_cli("lint", "--format", "junit", "m.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="kconf lint" tests="1" failures="0" errors="0" skipped="0">\n'
        '  <testsuite name="kconf lint" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase classname="m.yaml" name="kconf lint" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_explain_alone_lists_the_rules(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # run_lint 4, 6-8: the listing, without a line break added
    use_marker_rules(monkeypatch)
    result = run_cli("lint", "--explain")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "marker-a  error    a marker-a comment\n"
        "marker-b  warning  a marker-b comment\n"
        "\n"
        "kconf lint --explain RULE: what RULE checks, why, and how to fix it\n"
    )


def test_lint_paths_applies_select(in_tmp: Path) -> None:
    # lint_paths 3
    (in_tmp / "k.yaml").write_text(KUBEADM)
    assert lint_paths(["k.yaml"], select="cidr-host-bits") == (
        [
            Finding("k.yaml", 6, 14, "cidr-host-bits", "error",
                    "networking.podSubnet: '10.244.1.0/16' has host bits set: the network is 10.244.0.0/16 "
                    "(write that, or fix the prefix length)"),
        ],
        1,
    )


# --- lint_render: render's gate --------------------------------------------------------------------


def described(root: Path, text: str) -> Any:
    from kconf.description import read_description
    from kconf.lint.model import cluster_source

    (root / "cluster.yaml").write_text(text)
    document, source_text = read_description("cluster.yaml")
    return cluster_source("cluster.yaml", source_text, document)


def test_lint_render_reads_the_rendered_yaml_and_cfg_files(in_tmp: Path) -> None:
    # lint_render 12/15/16 (.cfg and YAML both read), 17/25 (the member kept), 23 (its path in the output folder)
    out = render_into(in_tmp, BASE_CLUSTER)
    haproxy = (out / "haproxy.cfg").read_bytes()
    server = b"    server cp-3 192.168.51.83:6443 check check-ssl verify none\n"
    assert haproxy.count(server) == 1
    init = (out / "kubeadm-init.yaml").read_bytes()
    assert init.count(b"podSubnet: 172.16.0.0/16") == 1
    rendered = {
        "haproxy.cfg": (haproxy.replace(server, b""), 0o644),
        "kubeadm-init.yaml": (init.replace(b"podSubnet: 172.16.0.0/16", b"podSubnet: 172.16.5.0/16"), 0o644),
        "notes.txt": (b"# marker-a: not read\n", 0o644),
    }
    assert lint_render(described(in_tmp, BASE_CLUSTER), Path("lab"), rendered) == [
        Finding("lab/haproxy.cfg", 28, 1, "haproxy-backends", "error",
                "backend kube-apiserver has no server for control-plane node cp-3 (192.168.51.83:6443)"),
        Finding("lab/kubeadm-init.yaml", 20, 14, "cidr-host-bits", "error",
                "networking.podSubnet: '172.16.5.0/16' has host bits set: the network is 172.16.0.0/16 "
                "(write that, or fix the prefix length)"),
    ]


def test_lint_render_takes_the_files_it_is_given_as_what_render_writes(in_tmp: Path) -> None:
    # lint_render 31/36: a copy of a description's finding in a file of ``rendered`` is dropped
    # (the group is given those files; it does not render the description again)
    text = BASE_CLUSTER.replace("  kubernetesVersion: v1.31.2\n", "  kubernetesVersion: v1.31.2\n  imageRepository: k8s.gcr.io\n")
    out = render_into(in_tmp, text)
    init = (out / "kubeadm-init.yaml").read_bytes()
    assert init.count(b"imageRepository: k8s.gcr.io\n") == 1
    warning = "spec.imageRepository k8s.gcr.io is frozen since April 2023 and gets no new images: write registry.k8s.io"
    assert lint_render(described(in_tmp, text), Path("lab"), {"kubeadm-join-cp-9.yaml": (init, 0o644)}) == [
        Finding("cluster.yaml", 7, 20, "image-repository-deprecated", "warning", warning),
    ]


# --- gate_output: the gate of migrate and from-configmap ---------------------------------------------

GATED = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.2
controlPlaneEndpoint: k8s-api:6443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
"""
ONE_ERROR = GATED.replace("10.244.0.0/16", "10.244.1.0/16")
TWO_ERRORS = ONE_ERROR.replace("10.96.0.0/12", "10.96.1.0/12")
ERROR_AND_WARNING = ONE_ERROR.replace("kubernetesVersion: v1.31.2\n", "kubernetesVersion: v1.31.2\nimageRepository: k8s.gcr.io\n")


def gate(data: str, before: str, written: str | None = "out.yaml") -> int | str | None:
    return gate_output("out.yaml", data.encode(), "in.yaml", before.encode(), click.echo, written)


@pytest.mark.parametrize(
    ("data", "before", "written", "note"),
    [
        # gate_output 24 (-= 2: the second of two errors the input had would count as brought)
        pytest.param(TWO_ERRORS, TWO_ERRORS, "out.yaml", "kconf: note: the output has 2 errors of the lint rules (`kconf lint out.yaml` lists them)",
                     id="two-errors-the-input-had"),
        # gate_output 56/57: " and "
        pytest.param(ERROR_AND_WARNING, ONE_ERROR, None,
                     "kconf: note: the output has 1 error and 1 warning of the lint rules (`kconf lint` on the saved file lists them)",
                     id="error-and-warning"),
        pytest.param(GATED, GATED, "out.yaml", None, id="clean"),
    ],
)
def test_gate_output_counts_what_the_input_had(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], data: str, before: str, written: str | None, note: str | None
) -> None:
    assert gate(data, before, written) == note
    assert capsys.readouterr() == ("", "")


def test_gate_output_lists_an_error_the_command_brings(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # gate_output 22/23 (the input's one error would count for both), 36/37 (no colour, even when forced:
    # the echo gets the text itself, as a terminal would show it)
    monkeypatch.setenv("FORCE_COLOR", "1")
    said: list[tuple[str, bool, bool]] = []  # the text, whether click.echo ends it with a line break, stderr

    def echo(message: str, **kwargs: Any) -> None:
        said.append((message, bool(kwargs.get("nl", True)), bool(kwargs.get("err"))))

    code = gate_output("out.yaml", TWO_ERRORS.encode(), "in.yaml", ONE_ERROR.encode(), echo, "out.yaml")
    assert code == 1
    assert said == [
        ("out.yaml:7:18: error: networking.serviceSubnet: '10.96.1.0/12' has host bits set: the network is 10.96.0.0/12 "
         "(write that, or fix the prefix length) [cidr-host-bits]\n", False, True),
        ("kconf: in.yaml: 1 error found by the lint rules in what would be written; nothing written", True, True),
    ]


# --- lint_files and lint_paths: the arguments reach the engine -------------------------------------

A_AND_B = MARKED_HEAD + "# marker-a: an error\n# marker-b: a warning\n"
A_FINDING = Finding("m.yaml", 4, 1, "marker-a", "error", "an error")
B_FINDING = Finding("m.yaml", 5, 1, "marker-b", "warning", "a warning")


@pytest.fixture
def marked(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The marker rules as the catalogue, m.yaml with one finding of each, and
    settings in the working folder that disable marker-a (a function given
    other settings must not read these)."""
    use_marker_rules(monkeypatch)
    (in_tmp / "m.yaml").write_text(A_AND_B)
    (in_tmp / ".kconf.yaml").write_text("disable: [marker-a]\n")
    return in_tmp


@pytest.mark.parametrize(
    ("kwargs", "findings"),
    [
        # lint_paths 3/8
        pytest.param({"select": "marker-b"}, [B_FINDING], id="select"),
        # lint_paths 4/9
        pytest.param({"ignore": "marker-b"}, [A_FINDING], id="ignore"),
        # lint_paths 5/10, lint_files 38/41 (no rule named: the given settings, not the folder's)
        pytest.param({}, [A_FINDING, B_FINDING], id="settings-given"),
        # lint_files 16/19 (a rule named: the same)
        pytest.param({"settings": Settings(disabled=frozenset({"marker-b"}))}, [A_FINDING], id="settings-disable"),
        pytest.param({"settings": Settings(severity={"marker-b": "error"})}, [A_FINDING, Finding("m.yaml", 5, 1, "marker-b", "error", "a warning")], id="settings-severity"),
    ],
)
def test_lint_paths_passes_its_arguments(marked: Path, kwargs: dict[str, Any], findings: list[Finding]) -> None:
    kwargs.setdefault("settings", Settings())
    assert lint_paths(["m.yaml"], **kwargs) == (findings, 1)


def test_lint_paths_without_settings_reads_the_working_folders(marked: Path) -> None:
    assert lint_paths(["m.yaml"]) == ([B_FINDING], 1)


def test_lint_paths_passes_the_cluster(fetched: Path) -> None:
    # lint_paths 6/11, lint_files 22/24
    findings, files = lint_paths(["fetched/kubeadm-init.yaml"], select="rendered-drift", cluster="cluster.yaml")
    assert (files, [(f.path, f.line, f.column, f.rule) for f in findings]) == (
        2, [("fetched/kubeadm-init.yaml", 17, 20, "rendered-drift"), ("fetched/kubeadm-init.yaml", 20, 14, "rendered-drift")]
    )


def test_no_file_of_kconfs_picks_no_rules(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # lint_files 8 (`ignore is None`), 13 (`or True`): the rule catalogue is not even looked at
    import kconf.lint.engine

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("project_selection called")

    monkeypatch.setattr(kconf.lint.engine, "project_selection", refuse)
    (in_tmp / "notes.yaml").write_text("a: 1\n")
    result = kconf.lint.engine.lint_files(["notes.yaml"], settings=Settings())
    assert (result.findings, result.files, result.unrecognised, result.checked) == ([], 0, ["notes.yaml"], [])


def test_files_not_kconfs_are_handed_back_beside_the_linted_ones(marked: Path) -> None:
    # lint_files 52 (unrecognised=None, which LintResult takes for its default [])
    import kconf.lint.engine

    (marked / "notes.yaml").write_text("a: 1\n")
    result = kconf.lint.engine.lint_files(["m.yaml", "notes.yaml"], settings=Settings())
    assert (result.findings, result.files, result.unrecognised, result.checked) == ([A_FINDING, B_FINDING], 1, ["notes.yaml"], ["m.yaml"])


def test_a_lint_result_s_lists_default_to_new_empty_ones() -> None:
    # LintResult.__init__ 4/8/12 (`and False`: the default left None); a class, not a dataclass,
    # makes them (start-up), as field(default_factory=list) did
    from kconf.lint.engine import LintResult

    first, second = LintResult([], 0), LintResult([], 0)
    assert (first.unrecognised, first.checked, first.copies) == ([], [], [])
    assert first.unrecognised is not second.unrecognised and first.checked is not second.checked and first.copies is not second.copies


def test_a_bad_severity_setting_is_an_error_even_without_a_file_of_kconfs(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # lint_files 10: settings with only a severity name rules, checked before any file is read
    use_marker_rules(monkeypatch)
    (in_tmp / "notes.yaml").write_text("a: 1\n")
    with pytest.raises(KconfError) as caught:
        lint_paths(["notes.yaml"], settings=Settings(severity={"nope": "error"}, source=".kconf.yaml"))
    assert str(caught.value) == ".kconf.yaml: severity: unknown rule nope (rules: marker-a, marker-b)"


def test_junit_with_no_file_of_kconfs(in_tmp: Path) -> None:
    # the junit reporter makes a set of checked (lint_files 29, checked=None, is equivalent now:
    # LintResult takes None for its default [], which gathered.checked is with no groups)
    (in_tmp / "notes.yaml").write_text("a: 1\n")
    result = run_cli("lint", "--format", "junit", "notes.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="kconf lint" tests="1" failures="0" errors="0" skipped="1">\n'
        '  <testsuite name="kconf lint" tests="1" failures="0" errors="0" skipped="1">\n'
        '    <testcase classname="notes.yaml" name="kconf lint">\n'
        '      <skipped message="not recognised (not kconf\'s): not linted" />\n'
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_a_fix_only_from_a_rule_that_declares_one() -> None:
    # _finalise 7 (`or True`)
    from kconf.lint.engine import Selection, _finalise
    from kconf.lint.model import Loc, RawFinding, Replacement
    from kconf.lint.rules import RULES

    raw = RawFinding("public-cidr", Loc("./f.yaml", 1, 1), "m", fix=Replacement("a", "b"))
    assert _finalise(raw, RULES["public-cidr"], Selection(frozenset({"public-cidr"})), str).fix is None
    raw = RawFinding("cidr-host-bits", Loc("./f.yaml", 1, 1), "m", fix=Replacement("a", "b"))
    assert _finalise(raw, RULES["cidr-host-bits"], Selection(frozenset({"cidr-host-bits"})), str).fix == Replacement("a", "b")


# --- what is dropped as a copy of the description's finding --------------------------------------


@pytest.mark.parametrize("spelling", ["cluster.yaml", "./cluster.yaml", "."])
def test_drift_in_an_unchanged_output_file_is_kept_beside_drift_at_the_description(in_tmp: Path, spelling: str) -> None:
    # _without_rendered_copies 11/12: rendered-drift is at the description (a missing file) and at a
    # file whose bytes are render's (its mode): that one is no copy. However the description is
    # spelt (`kconf lint .` reads it as ./cluster.yaml), the findings are the same.
    out = render_into(in_tmp, BASE_CLUSTER)
    (out / "join-worker-1.sh").unlink()
    (out / "join-cp-2.sh").chmod(0o644)
    result = run_cli("lint", spelling)
    assert (result.exit_code, result.stderr) == (1, "2 errors, 0 warnings in 8 files\n")
    assert result.stdout == (
        "cluster.yaml:1:1: error: lab/join-worker-1.sh is missing; run kconf render cluster.yaml [rendered-drift]\n"
        "lab/join-cp-2.sh:1:1: error: file mode is 644, kconf render writes 755 [rendered-drift]\n"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        # project_selection 5/6: a Settings made without a file is "the settings"
        pytest.param(Settings(disabled=frozenset({"nope"})), "the settings: disable: unknown rule nope (rules: marker-a, marker-b)", id="disable"),
        pytest.param(Settings(severity={"nope": "error"}), "the settings: severity: unknown rule nope (rules: marker-a, marker-b)", id="severity"),
    ],
)
def test_an_unknown_rule_in_settings_without_a_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, message: str) -> None:
    from kconf.lint.engine import project_selection

    use_marker_rules(monkeypatch)
    with pytest.raises(KconfError) as caught:
        project_selection(settings=settings)
    assert str(caught.value) == message


@pytest.mark.parametrize("spelling", [".", "./cluster.yaml", "cluster.yaml"])
def test_copies_of_the_description_findings_are_handed_back_apart(in_tmp: Path, spelling: str) -> None:
    # lint_files 46/49/59, lint_groups 8/12 and run_rules 32 lost the copies left out of the report
    # (lint --fix fixes them with the description's finding)
    from conftest import EXAMPLES
    from kconf.lint.engine import lint_files

    text = (EXAMPLES / "ha-haproxy" / "cluster.yaml").read_text()
    (in_tmp / "cluster.yaml").write_text(text.replace("imageRepository: registry.k8s.io\n", "imageRepository: k8s.gcr.io\n"))
    assert run_cli("render", "cluster.yaml").exit_code == 0
    result = lint_files([spelling], select="image-repository-deprecated")
    message = ("spec.imageRepository k8s.gcr.io is frozen since April 2023 and gets no new images: write registry.k8s.io")
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in result.findings] == [
        ("cluster.yaml", 11, 20, "image-repository-deprecated", message),
    ]
    assert [(f.path, f.line, f.column, f.rule) for f in result.copies] == [
        ("cka/kubeadm-init.yaml", 19, 18, "image-repository-deprecated"),
    ]
    assert result.copies[0].fix is not None


def test_render_s_gate_parses_one_join_configuration_of_each_shape(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # lint_render 12/21/24 dropped the ShapeMemo: every node's join configuration was parsed again
    # (5,000 parses at 5,000 nodes) where the others are composed from the first of their shape
    # (here kubeadm-join-cp-3.yaml from kubeadm-join-cp-2.yaml)
    import kconf.yamlio
    from kconf.render import lint_description

    (in_tmp / "cluster.yaml").write_text(BASE_CLUSTER)
    parsed: list[str] = []
    load = kconf.yamlio.load_documents

    def counting(text: str, path: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(path)
        return load(text, path, *args, **kwargs)

    monkeypatch.setattr(kconf.yamlio, "load_documents", counting)
    linted = lint_description("cluster.yaml", None)
    assert linted.findings == []
    assert sorted(linted.rendered or {}) == [
        "PLAN.md", "calico-installation.yaml", "haproxy.cfg", "hosts", "join-cp-2.sh", "join-cp-3.sh", "join-worker-1.sh",
        "kubeadm-init.yaml", "kubeadm-join-cp-2.yaml", "kubeadm-join-cp-3.yaml", "kubeadm-join-worker-1.yaml", "kubeadm-upgrade.yaml",
    ]
    assert sorted(parsed) == [
        "cluster.yaml", "lab/calico-installation.yaml", "lab/kubeadm-init.yaml", "lab/kubeadm-join-cp-2.yaml",
        "lab/kubeadm-join-worker-1.yaml", "lab/kubeadm-upgrade.yaml",
    ]
