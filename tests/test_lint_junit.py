"""``kconf lint --format junit`` (issue 15.7), read back with junitparser, the
JUnit XML reader CI tools build on. Findings come from the marker rules
(tests/lintkit.py), so every expected value is chosen here."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import pytest

from conftest import run_cli
from kconf.lint.model import Finding
from kconf.lint.reporters import JunitReporter
from lintkit import MARKED_HEAD, lay_out, use_marker_rules
from test_lint_output import CFG, OTHER

NOT_RECOGNISED = "not recognised (not kconf's): not linted"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_marker_rules(monkeypatch)
    lay_out(tmp_path, {
        ".kconf.yaml": "", "cfg.yaml": CFG, "sub/other.yaml": OTHER, "clean.yaml": MARKED_HEAD,
        "notes.yaml": "title: not kconf's\n",
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    return tmp_path


def junit(*paths: str) -> tuple[int, str, str]:
    result = run_cli("lint", "--format", "junit", *paths)
    return result.exit_code, result.stdout, result.stderr


def cases(xml: str) -> list[tuple[str, str, list[tuple[str, str | None, str | None, str | None]]]]:
    """(classname, name, [(result kind, type, message, text)]) of every testcase, as junitparser reads them."""
    suites = junitparser.JUnitXml.fromstring(xml)
    (suite,) = list(suites)
    return [
        (case.classname, case.name, [(type(r).__name__, r.type, r.message, r.text) for r in case.result])
        for case in suite
    ]


def test_junit_one_testcase_per_file_and_rule(project: Path) -> None:
    code, stdout, stderr = junit("cfg.yaml", "sub", "clean.yaml", "notes.yaml")
    assert (code, stderr) == (1, "")
    assert cases(stdout) == [
        ("cfg.yaml", "marker-a", [(
            "Failure", "error", 'cfg.yaml:5:28: error: use 10.244.0.0/16, not "this" [marker-a]',
            'cfg.yaml:5:28: error: use 10.244.0.0/16, not "this" [marker-a]\n',
        )]),
        ("cfg.yaml", "marker-b", [(
            "Failure", "warning", "cfg.yaml:6:32: warning: a warning, 50% sure [marker-b]",
            "cfg.yaml:6:32: warning: a warning, 50% sure [marker-b]\n",
        )]),
        ("clean.yaml", "kconf lint", []),
        ("notes.yaml", "kconf lint", [("Skipped", None, NOT_RECOGNISED, None)]),
        ("sub/other.yaml", "marker-b", [(
            "Failure", "error", "sub/other.yaml:4:1: error: escalated: by the rule [marker-b]",
            "sub/other.yaml:4:1: error: escalated: by the rule [marker-b]\n",
        )]),
    ]


def test_junit_counts(project: Path) -> None:
    _code, stdout, _stderr = junit("cfg.yaml", "sub", "clean.yaml", "notes.yaml")
    suites = junitparser.JUnitXml.fromstring(stdout)
    (suite,) = list(suites)
    assert (suite.name, suite.tests, suite.failures, suite.errors, suite.skipped) == ("kconf lint", 5, 3, 0, 1)
    assert (suites.tests, suites.failures, suites.errors, suites.skipped) == (5, 3, 0, 1)


def test_junit_several_findings_of_one_rule_in_one_file_are_one_failure(project: Path) -> None:
    (project / "two.yaml").write_text(MARKED_HEAD + "a: 1  # marker-a: first\nb: 2  # marker-a warning: second\n")
    code, stdout, _stderr = junit("two.yaml")
    assert code == 1
    assert cases(stdout) == [("two.yaml", "marker-a", [(
        "Failure", "error", "two.yaml:4:7: error: first [marker-a] (and 1 more finding)",
        "two.yaml:4:7: error: first [marker-a]\ntwo.yaml:5:7: warning: second [marker-a]\n",
    )])]


def test_junit_clean_run_passes(project: Path) -> None:
    code, stdout, stderr = junit("clean.yaml")
    assert (code, stderr) == (0, "")
    assert cases(stdout) == [("clean.yaml", "kconf lint", [])]
    assert stdout == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="kconf lint" tests="1" failures="0" errors="0" skipped="0">\n'
        '  <testsuite name="kconf lint" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase classname="clean.yaml" name="kconf lint" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_junit_keeps_to_the_schema_structure(project: Path) -> None:
    """What the JUnit XSD (Jenkins junit-10.xsd, which GitLab and others read)
    allows: a <testsuites> root with one <testsuite>; testcases with
    classname and name, and each at most one <failure> or <skipped>."""
    _code, stdout, _stderr = junit("cfg.yaml", "sub", "clean.yaml", "notes.yaml")
    root = ET.fromstring(stdout)
    assert root.tag == "testsuites"
    assert [child.tag for child in root] == ["testsuite"]
    for case in root[0]:
        assert case.tag == "testcase"
        assert set(case.attrib) == {"classname", "name"}
        assert len(case) <= 1 and all(child.tag in ("failure", "skipped") for child in case)
        for child in case:
            allowed = {"type", "message"} if child.tag == "failure" else {"message"}
            assert set(child.attrib) == allowed


def test_junit_escapes_what_xml_cannot_hold() -> None:
    """A control character in a file name or message cannot go into XML 1.0
    even as a character reference: it is written as an escape."""
    finding = Finding("we\x1bird.yaml", 1, 2, "r", "error", 'a <b> & "c"\x07')
    xml = JunitReporter(color=False).render([finding], 1, checked=["we\x1bird.yaml"])
    assert cases(xml) == [("we\\x1bird.yaml", "r", [(
        "Failure", "error", 'we\\x1bird.yaml:1:2: error: a <b> & "c"\\x07 [r]', 'we\\x1bird.yaml:1:2: error: a <b> & "c"\\x07 [r]\n',
    )])]


def test_junit_with_no_file_recognised_is_an_empty_suite(project: Path) -> None:
    code, stdout, stderr = junit("notes.yaml")
    assert (code, stderr) == (0, "")
    suites = junitparser.JUnitXml.fromstring(stdout)
    (suite,) = list(suites)
    assert (suite.tests, suite.failures, suite.skipped) == (1, 0, 1)
