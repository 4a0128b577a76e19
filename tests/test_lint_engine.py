"""The lint engine through the CLI: exit codes, --strict, --select/--ignore,
suppression comments, project settings, --explain, and secrets in every format.

Most tests use the marker rules of tests/lintkit.py as the whole catalogue,
so what they assert does not move when a real rule changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from kconf.lint.reporters import REPORTERS
from kconf.lint.rules import RULES
from lintkit import MARKED_HEAD, lay_out, use_marker_rules

A_ERROR = "# marker-a: an error\n"
B_WARNING = "# marker-b: a warning\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder, without settings (tests add them), with the
    marker rules as the catalogue."""
    use_marker_rules(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_file(root: Path, body: str, *args: str, name: str = "k.yaml") -> Any:
    lay_out(root, {name: MARKED_HEAD + body})
    return run_cli("lint", *args, name)


def lines(result: Any) -> list[str]:
    return result.stdout.splitlines()


# --- exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "args", "code", "summary"),
    [
        pytest.param("", (), 0, "All checks passed (1 file)\n", id="clean"),
        pytest.param("", ("--strict",), 0, "All checks passed (1 file)\n", id="clean-strict"),
        pytest.param(B_WARNING, (), 0, "0 errors, 1 warning in 1 file\n", id="warning-only"),
        pytest.param(B_WARNING, ("--strict",), 1, "0 errors, 1 warning in 1 file\n", id="warning-strict"),
        pytest.param(A_ERROR, (), 1, "1 error, 0 warnings in 1 file\n", id="error"),
        pytest.param(A_ERROR + B_WARNING, ("--strict",), 1, "1 error, 1 warning in 1 file\n", id="both-strict"),
        pytest.param(A_ERROR, ("--ignore", "marker-a"), 0, "All checks passed (1 file)\n", id="error-ignored"),
        pytest.param(A_ERROR + B_WARNING, ("--select", "marker-b"), 0, "0 errors, 1 warning in 1 file\n", id="only-the-warning-selected"),
        pytest.param(A_ERROR + B_WARNING, ("--select", "marker-b", "--strict"), 1, "0 errors, 1 warning in 1 file\n", id="selected-warning-strict"),
        pytest.param("# marker-b error: raised by the rule\n", (), 1, "1 error, 0 warnings in 1 file\n", id="rule-raises-its-own-level"),
    ],
)
def test_exit_code(project: Path, body: str, args: tuple[str, ...], code: int, summary: str) -> None:
    """The findings on stdout, the summary alone on stderr."""
    result = lint_file(project, body, *args)
    assert (result.exit_code, result.stderr) == (code, summary)
    assert all(line.startswith("k.yaml:") for line in lines(result))
    assert result.stdout or code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--select", "nope"), "--select: unknown rule nope", id="select"),
        pytest.param(("--ignore", "marker-a,zz,aa"), "--ignore: unknown rules aa, zz", id="ignore-several"),
        pytest.param(("--select", "marker-a, nope "), "--select: unknown rule nope", id="spaces"),
    ],
)
def test_unknown_rule_is_a_usage_error(project: Path, args: tuple[str, ...], message: str) -> None:
    result = lint_file(project, A_ERROR, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"kconf: error: {message} (rules: marker-a, marker-b)\n"


@pytest.mark.parametrize("name", ["values.yaml", "missing.yaml"])
def test_unknown_rule_is_a_usage_error_without_any_file_of_kconfs(project: Path, name: str) -> None:
    """The rule names are checked first, also when no file is kconf's (and
    the catalogue is otherwise not loaded) or a file is missing."""
    (project / "values.yaml").write_text("replicaCount: 1\n")
    result = run_cli("lint", "--select", "nope", name)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "kconf: error: --select: unknown rule nope (rules: marker-a, marker-b)\n"
    (project / ".kconf.yaml").write_text("disable: [nope]\n")
    result = run_cli("lint", name)
    assert result.exit_code == 2 and "unknown rule nope" in result.stderr, result.stderr


def test_an_empty_select_is_a_usage_error(project: Path) -> None:
    result = lint_file(project, A_ERROR, "--select", " , ")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "kconf: error: --select: names no rule (give RULE[,RULE...]; kconf lint --explain RULE)\n"


def test_a_missing_path_is_a_usage_error(project: Path) -> None:
    result = run_cli("lint", "missing.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "kconf: error: missing.yaml: no such file or folder\n")


def test_select_and_ignore_pick_rules(project: Path) -> None:
    body = "# marker-a: one\n# marker-b: two\n"
    assert [line.rsplit(" ", 1)[1] for line in lines(lint_file(project, body))] == ["[marker-a]", "[marker-b]"]
    assert lines(lint_file(project, body, "--select", "marker-b")) == ["k.yaml:5:1: warning: two [marker-b]"]
    assert lines(lint_file(project, body, "--ignore", "marker-b")) == ["k.yaml:4:1: error: one [marker-a]"]
    assert lines(lint_file(project, body, "--select", "marker-a,marker-b", "--ignore", "marker-a")) == [
        "k.yaml:5:1: warning: two [marker-b]"
    ]


# --- suppression comments --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        pytest.param("# marker-a: x # kconf: disable=marker-a\n", [], id="on-the-line"),
        pytest.param("# kconf: disable=marker-a\n# marker-a: x\n", [], id="on-the-line-above"),
        pytest.param("# marker-a: x # kconf: disable=marker-b, marker-a\n", [], id="in-a-list"),
        pytest.param("# marker-a: x # kconf: disable=marker-a  the third node comes next week\n", [], id="with-a-reason"),
        pytest.param("# marker-a: x\n# kconf: disable-file=marker-a\n", [], id="disable-file-below"),
        pytest.param("# kconf:disable-file=marker-b,marker-a\n\n\n# marker-a: x\n", [], id="disable-file-above"),
        pytest.param("# marker-a: x # kconf: disable=marker-b\n", ["marker-a"], id="another-rule"),
        pytest.param("# kconf: disable=marker-a\n\n# marker-a: x\n", ["marker-a"], id="two-lines-above"),
        pytest.param("# marker-a: x\n# kconf: disable=marker-a\n", ["marker-a"], id="the-line-below"),
        pytest.param("# marker-a: x # kconf: disable=marker-ab\n", ["marker-a"], id="a-longer-name"),
        pytest.param("# marker-a: x # kconf: disable-file=marker-b\n", ["marker-a"], id="disable-file-of-another"),
        pytest.param("# marker-a: x # kconf: disable marker-a\n", ["marker-a"], id="no-equals-sign"),
        pytest.param(
            "# marker-a: x # kconf: disable=marker-a\n# marker-b: y\n", ["marker-b"],
            id="the-line-above-silences-its-own-rules-only",
        ),
    ],
)
def test_suppression(project: Path, body: str, reported: list[str]) -> None:
    result = lint_file(project, body)
    assert [line.rsplit(" ", 1)[1].strip("[]") for line in lines(result)] == reported
    assert result.exit_code == (1 if "marker-a" in reported else 0)


def test_suppression_in_an_haproxy_config(project: Path) -> None:
    lay_out(project, {"haproxy.cfg": "global\n    # marker-a: x\n    # marker-a: y # kconf: disable=marker-a\n"})
    assert lines(run_cli("lint", "haproxy.cfg")) == ["haproxy.cfg:2:5: error: x [marker-a]"]


# --- settings --------------------------------------------------------------------------------

BODY = "# marker-a: one\n# marker-b: two\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({}, ["k.yaml:4:1: error: one [marker-a]", "k.yaml:5:1: warning: two [marker-b]"], id="none"),
        pytest.param(
            {"pyproject.toml": '[project]\nname = "x"\n\n[tool.kconf]\ndisable = ["marker-a"]\n'},
            ["k.yaml:5:1: warning: two [marker-b]"], id="pyproject-disable",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.kconf]\nseverity = {marker-a = "warning", marker-b = "error"}\n'},
            ["k.yaml:4:1: warning: one [marker-a]", "k.yaml:5:1: error: two [marker-b]"], id="pyproject-severity",
        ),
        pytest.param(
            {".kconf.yaml": "disable: [marker-b]\nseverity:\n  marker-a: warning\n"},
            ["k.yaml:4:1: warning: one [marker-a]"], id="kconf-yaml",
        ),
        pytest.param({".kconf.yaml": "# nothing yet\n"}, ["k.yaml:4:1: error: one [marker-a]", "k.yaml:5:1: warning: two [marker-b]"], id="kconf-yaml-empty"),
        pytest.param(
            {".kconf.yaml": "disable: [marker-b]\n", "pyproject.toml": '[tool.kconf]\ndisable = ["marker-a"]\n'},
            ["k.yaml:4:1: error: one [marker-a]"], id="kconf-yaml-wins-in-one-folder",
        ),
        pytest.param(
            {"../.kconf.yaml": "disable: [marker-b]\n", "pyproject.toml": '[project]\nname = "x"\n'},
            ["k.yaml:4:1: error: one [marker-a]"], id="parent-folder-past-a-pyproject-without-tool-kconf",
        ),
        pytest.param(
            {"../.kconf.yaml": "disable: [marker-b]\n", "pyproject.toml": "[tool.kconf]\n"},
            ["k.yaml:4:1: error: one [marker-a]", "k.yaml:5:1: warning: two [marker-b]"], id="nearest-wins",
        ),
    ],
)
def test_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: list[str]) -> None:
    use_marker_rules(monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    lay_out(work, files)
    monkeypatch.chdir(work)
    result = lint_file(work, BODY)
    assert lines(result) == expected
    assert result.exit_code == (1 if any(": error: " in line for line in expected) else 0)


def test_settings_severity_decides_the_exit_code(project: Path) -> None:
    lay_out(project, {".kconf.yaml": "severity: {marker-a: warning}\n"})
    assert lint_file(project, A_ERROR).exit_code == 0
    assert lint_file(project, A_ERROR, "--strict").exit_code == 1


def test_select_overrides_the_settings_disable(project: Path) -> None:
    lay_out(project, {".kconf.yaml": "disable: [marker-a]\n"})
    assert lines(lint_file(project, BODY)) == ["k.yaml:5:1: warning: two [marker-b]"]
    assert lines(lint_file(project, BODY, "--select", "marker-a")) == ["k.yaml:4:1: error: one [marker-a]"]


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        pytest.param("pyproject.toml", "[tool.kconf\n", ": not valid TOML: Expected ']' at the end of a table declaration", id="toml-syntax"),
        pytest.param("pyproject.toml", '[tool.kconf]\nselect = ["marker-a"]\n',
                     " [tool.kconf]: unknown kconf setting 'select' (known: disable, severity)", id="unknown-key"),
        pytest.param("pyproject.toml", '[tool.kconf]\ndisable = "marker-a"\n',
                     " [tool.kconf]: disable must be a list of rule names, e.g. [etcd-quorum]", id="disable-a-string"),
        pytest.param("pyproject.toml", '[tool.kconf]\nseverity = {marker-a = "fatal"}\n',
                     " [tool.kconf]: severity of marker-a: 'fatal' is not error or warning", id="bad-severity"),
        pytest.param("pyproject.toml", '[tool.kconf]\nseverity = ["marker-a"]\n',
                     " [tool.kconf]: severity must be a mapping of rule name to error or warning", id="severity-a-list"),
        pytest.param("pyproject.toml", '[tool]\nkconf = 1\n',
                     " [tool.kconf]: kconf settings must be a mapping with disable and/or severity", id="not-a-table"),
        pytest.param("pyproject.toml", '[tool.kconf]\ndisable = ["marker-a", "nope"]\n',
                     " [tool.kconf]: disable: unknown rule nope (rules: marker-a, marker-b)", id="unknown-rule-disabled"),
        pytest.param("pyproject.toml", '[tool.kconf.severity]\nnope = "error"\nzap = "warning"\n',
                     " [tool.kconf]: severity: unknown rules nope, zap (rules: marker-a, marker-b)", id="unknown-rule-severity"),
        pytest.param(".kconf.yaml", "- marker-a\n", ": kconf settings must be a mapping with disable and/or severity", id="yaml-list"),
        pytest.param(".kconf.yaml", "disable: [marker-a]\n---\nseverity: {}\n",
                     ": holds several YAML documents; kconf settings are one mapping", id="yaml-two-documents"),
        pytest.param(".kconf.yaml", "disable: [nope]\n", ": disable: unknown rule nope (rules: marker-a, marker-b)", id="yaml-unknown-rule"),
        pytest.param(".kconf.yaml", "disable: [marker-a\n", ":", id="yaml-syntax"),
    ],
)
def test_a_bad_setting_is_a_usage_error(project: Path, name: str, text: str, reason: str) -> None:
    lay_out(project, {name: text})
    result = lint_file(project, A_ERROR)
    assert (result.exit_code, result.stdout) == (2, "")
    expected = f"kconf: error: {project.resolve() / name}{reason}"
    if reason.endswith(("declaration", ":")):  # the parser's own words follow
        assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1, result.stderr
    else:
        assert result.stderr == expected + "\n"


def test_a_bad_setting_is_reported_before_any_file_is_read(project: Path) -> None:
    lay_out(project, {".kconf.yaml": "disable: [nope]\n"})
    result = run_cli("lint", "does-not-exist.yaml")
    assert result.exit_code == 2 and "unknown rule nope" in result.stderr


# --- --explain -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RULES))
def test_explain_every_rule(name: str) -> None:
    """Every rule's documentation says what it checks, Why: and Fix:."""
    rule = RULES[name]
    result = run_cli("lint", "--explain", name)
    assert (result.exit_code, result.stderr) == (0, "")
    head, _, documentation = result.stdout.partition("\n\n")
    assert head == f"{name} ({rule.severity}): {rule.summary}"
    paragraphs = documentation.rstrip("\n").split("\n\n")
    starts = [p.split(":", 1)[0] for p in paragraphs]
    assert "Why" in starts and "Fix" in starts, f"{name}: its docstring needs a 'Why:' and a 'Fix:' paragraph"
    assert starts.index("Why") < starts.index("Fix")
    what = paragraphs[0]
    assert what not in ("", rule.summary) and not what.startswith(("Why:", "Fix:")), f"{name}: say what it checks first"


def test_explain_an_unknown_rule(project: Path) -> None:
    result = run_cli("lint", "--explain", "nope")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "kconf: error: --explain: unknown rule 'nope' (rules: marker-a, marker-b)\n"


def test_explain_prints_the_docstring(project: Path) -> None:
    result = run_cli("lint", "--explain", "marker-b")
    assert (result.exit_code, result.stdout) == (0, (
        "marker-b (warning): a marker-b comment\n\n"
        "Reports each `# NAME [severity]: message` comment of a file.\n\n"
        "Why: tests need findings whose place, severity and text they choose.\n\n"
        "Fix: remove the comment.\n"
    ))


# --- secrets ---------------------------------------------------------------------------------

TOKEN = "7h3k9x.q7w2e9r4t6y1u3i8"
TOKEN_REDACTED = "7h3k9x.****************"
CERTIFICATE_KEY = "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
KEY_REDACTED = "e6a2" + "*" * 60
CA_HASH = "sha256:" + "c" * 64  # public: stays


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_a_rule_message_never_carries_a_secret(project: Path, output_format: str) -> None:
    """Whatever a rule writes in its message, the engine redacts it."""
    body = f"# marker-a: token {TOKEN}, key {CERTIFICATE_KEY}, hash {CA_HASH}\n# marker-b: {TOKEN.upper()} is not a token\n"
    result = lint_file(project, body, "--format", output_format)
    assert result.exit_code == 1
    assert TOKEN not in result.stdout and CERTIFICATE_KEY not in result.stdout
    assert TOKEN_REDACTED in result.stdout and KEY_REDACTED in result.stdout and CA_HASH in result.stdout


KUBEADM_WITH_SECRETS = f"""\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: {TOKEN}
certificateKey: {CERTIFICATE_KEY}
localAPIEndpoint:
  advertiseAddress: 192.168.51.81
nodeRegistration:
  name: cp-1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 192.168.51.80:6443
    token: {TOKEN}
    caCertHashes: ["{CA_HASH}"]
controlPlane:
  certificateKey: {CERTIFICATE_KEY}
nodeRegistration:
  name: cp-2
  criSocket: unix:///var/run/containerd/containerd.sock
"""


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_secrets_in_a_kubeadm_file_are_reported_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    """The real catalogue: secret-committed reports each secret, redacted, in every format."""
    lay_out(tmp_path, {".kconf.yaml": "", "kubeadm.yaml": KUBEADM_WITH_SECRETS})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", output_format, "kubeadm.yaml")
    assert result.exit_code == 1, result.output
    assert TOKEN not in result.output and CERTIFICATE_KEY not in result.output
    assert TOKEN_REDACTED in result.stdout and KEY_REDACTED in result.stdout
    found = json.loads(run_cli("lint", "--format", "json", "kubeadm.yaml").stdout)["findings"]
    secret_lines = sorted(f["line"] for f in found if f["rule"] == "secret-committed")
    assert secret_lines == [4, 5, 17, 20]
