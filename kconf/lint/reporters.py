"""Reporters: one small interface, chosen by name from REPORTERS (which also
feeds --format).

A reporter turns the final findings (severities set, suppressions applied,
secrets already redacted by the engine) into the text printed on stdout.
Nothing else is printed there, so every format stays machine-readable.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kconf.errors import plain_line
from kconf.lint.severity import ERROR
from kconf.wording import counted

if TYPE_CHECKING:
    from kconf.lint.model import Finding
    from kconf.lint.registry import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/kconf/"

_RESET = "\x1b[0m"
_SEVERITY_COLOURS = {ERROR: "\x1b[1;31m", "warning": "\x1b[1;33m"}
_DIM = "\x1b[2m"

NOT_RECOGNISED = "not recognised (not kconf's): not linted"
NOTHING_RECOGNISED = (
    "No file recognised: nothing was linted (kconf lints cluster descriptions, kubeadm configs, kubeadm-config "
    "ConfigMaps, Calico manifests, Calico Installation resources and HAProxy configs)"
)


def use_colour(requested: bool | None) -> bool:
    """Whether the text format is coloured, first rule that applies:

    1. ``--color`` / ``--no-color``;
    2. ``FORCE_COLOR`` set and not empty: colour, even on a pipe (force-color.org);
    3. ``NO_COLOR`` set and not empty: no colour (no-color.org);
    4. ``TERM=dumb``: no colour;
    5. colour when standard output is a terminal.

    FORCE_COLOR wins over NO_COLOR, in the order of force-color.org's
    reference code (NO_COLOR read first, FORCE_COLOR turning colour back on);
    an empty value counts as not set, as both standards say."""
    if requested is not None:
        return requested
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout is not None and sys.stdout.isatty()


class Reporter:
    """Findings -> the text for stdout."""

    def __init__(self, *, color: bool | None = None) -> None:
        self.color = use_colour(color)

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        """``unrecognised``: files named on the command line that kconf does
        not read (not kconf's); they are no finding, only said. ``checked``:
        the files read, for a format that lists every file (junit)."""
        raise NotImplementedError

    def summary(self, findings: Sequence[Finding], files: int) -> str:
        """A last line for stderr (so stdout stays the findings); "" for none.
        Only the text format has one: the others are read by programs."""
        return ""


def unrecognised_summary(unrecognised: Sequence[str]) -> str:
    """``2 files not recognised (not kconf's): a.yaml, b.cfg``."""
    count = len(unrecognised)
    return f"{count} file{'' if count == 1 else 's'} not recognised (not kconf's): {', '.join(plain_line(p) for p in unrecognised)}"


def text_path(path: str) -> str:
    """A path for the start of a text line: escaped as ``plain_line``, and
    ``./`` put before one that starts with ``::`` (a workflow command)."""
    shown = plain_line(path)
    return "./" + shown if shown.startswith("::") else shown


class TextReporter(Reporter):
    """``path:line:col: severity: message [rule]``, one finding a line (the
    format compilers and editors jump from)."""

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        text = "".join(self.line(f) + "\n" for f in findings)
        if unrecognised:
            text += f"kconf: {unrecognised_summary(unrecognised)}\n"
        return text

    def summary(self, findings: Sequence[Finding], files: int) -> str:
        """``2 errors, 1 warning in 3 files`` (the files checked), ``All
        checks passed (3 files)``, or that no file was recognised at all."""
        if files == 0:
            return NOTHING_RECOGNISED + "\n"
        checked = counted(files, "file")
        if not findings:
            return f"All checks passed ({checked})\n"
        errors = sum(f.severity == ERROR for f in findings)
        return f"{counted(errors, 'error')}, {counted(len(findings) - errors, 'warning')} in {checked}\n"

    def line(self, f: Finding) -> str:
        """One finding in the text format."""
        severity, rule = f.severity, f"[{f.rule}]"
        if self.color:
            severity = f"{_SEVERITY_COLOURS.get(f.severity, '')}{severity}{_RESET}"
            rule = f"{_DIM}{rule}{_RESET}"
        return f"{text_path(f.path)}:{f.line}:{f.column}: {severity}: {plain_line(f.message)} {rule}"


class JsonReporter(Reporter):
    """``{"findings": [{"rule", "severity", "path", "line", "column", "message"}...], "files": N,
    "unrecognised": [path...]}``."""

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        payload = {
            "findings": [
                {"rule": f.rule, "severity": f.severity, "path": f.path, "line": f.line, "column": f.column, "message": f.message}
                for f in findings
            ],
            "files": files,
            "unrecognised": list(unrecognised),
        }
        return json.dumps(payload, indent=2) + "\n"


def _github_data(text: str) -> str:
    # the escaping of @actions/core (toolkit command.ts escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: ``::error file=P,line=L,col=C,title=RULE::message``,
    shown as annotations on the pull request's diff; a file named but not
    recognised is a ``::notice`` (it does not fail the job)."""

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        lines = []
        for f in findings:
            command = "error" if f.severity == ERROR else "warning"
            properties = ",".join(
                f"{key}={_github_property(value)}"
                for key, value in (("file", f.path), ("line", str(f.line)), ("col", str(f.column)), ("title", f.rule))
            )
            lines.append(f"::{command} {properties}::{_github_data(f.message)}\n")
        for path in unrecognised:
            lines.append(f"::notice file={_github_property(path)},title=kconf::{_github_data(NOT_RECOGNISED)}\n")
        return "".join(lines)


def artifact_location(path: str, root: Path | None = None) -> dict[str, str]:
    """A SARIF artifactLocation: a relative, percent-encoded POSIX URI against
    %SRCROOT% (the checkout code scanning maps it to) when the file is under
    ``root`` (default: the working folder), else an absolute file URI."""
    base = (root or Path.cwd()).resolve()
    given = Path(path)
    absolute = given if given.is_absolute() else base / given
    try:
        relative = Path(os.path.normpath(absolute)).relative_to(base)
    except ValueError:
        return {"uri": Path(os.path.normpath(absolute)).as_uri()}
    return {"uri": quote(PurePath(relative).as_posix()), "uriBaseId": "%SRCROOT%"}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    documentation = rule.documentation
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": documentation},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": "error" if rule.severity == ERROR else "warning"},
    }


class SarifReporter(Reporter):
    """SARIF 2.1.0 (what GitHub code scanning uploads): every registered rule
    with its documentation, one result per finding."""

    def __init__(self, *, color: bool | None = None, rules: Mapping[str, Rule] | None = None) -> None:
        super().__init__(color=color)
        self._rules = rules

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        return json.dumps(self.log(findings, unrecognised), indent=2) + "\n"

    def log(self, findings: Sequence[Finding], unrecognised: Sequence[str] = ()) -> dict[str, Any]:
        from kconf import __version__

        rules = self._rules
        if rules is None:
            from kconf.lint.rules import RULES

            rules = RULES
        ordered = list(rules.values())
        index = {rule.name: i for i, rule in enumerate(ordered)}
        return {
            "$schema": SARIF_SCHEMA,
            "version": SARIF_VERSION,
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "kconf",
                            "version": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": [_sarif_rule(rule) for rule in ordered],
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": [self._result(f, index) for f in findings],
                    **self._invocations(unrecognised),
                }
            ],
        }

    @staticmethod
    def _invocations(unrecognised: Sequence[str]) -> dict[str, Any]:
        """Files named but not recognised, as tool execution notifications
        (notes, not results: they are no finding)."""
        if not unrecognised:
            return {}
        notifications = [
            {
                "level": "note",
                "message": {"text": NOT_RECOGNISED},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
            }
            for path in unrecognised
        ]
        return {"invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]}

    @staticmethod
    def _result(f: Finding, index: Mapping[str, int]) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(f.path),
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        return result


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped: write them
    # as plain_line does (a file name with a newline or an escape sequence)
    return plain_line(text)


class JunitReporter(Reporter):
    """JUnit XML (what GitLab, Jenkins and most CI systems show as test
    results): one ``<testsuite>``; a passing ``<testcase>`` for each file
    checked without findings; for each file and rule with findings, a
    ``<testcase classname=FILE name=RULE>`` with one ``<failure>`` whose
    ``type`` is the worst severity, ``message`` the first finding and text
    every finding as the text format prints it (``path:line:col: severity:
    message [rule]``). Warnings are failures too (drop them with --ignore or
    the settings); a file named but not recognised is a skipped testcase."""

    SUITE = "kconf lint"
    CLEAN = "kconf lint"  # the testcase name of a file without findings

    def render(
        self, findings: Sequence[Finding], files: int, unrecognised: Sequence[str] = (), *, checked: Sequence[str] = ()
    ) -> str:
        import xml.etree.ElementTree as ET

        by_file: dict[str, dict[str, list[Finding]]] = {}
        for f in findings:
            by_file.setdefault(f.path, {}).setdefault(f.rule, []).append(f)
        cases = [(path, rule, self._failed(path, rule, found)) for path, rules in by_file.items() for rule, found in rules.items()]
        cases += [(path, self.CLEAN, self._case(path, self.CLEAN)) for path in set(checked) - set(by_file)]
        for path in unrecognised:
            case = self._case(path, self.CLEAN)
            ET.SubElement(case, "skipped", message=NOT_RECOGNISED)
            cases.append((path, self.CLEAN, case))
        failures = sum(len(rules) for rules in by_file.values())
        counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": str(len(unrecognised))}
        suites = ET.Element("testsuites", {"name": self.SUITE, **counts})
        suite = ET.SubElement(suites, "testsuite", {"name": self.SUITE, **counts})
        suite.extend(case for _path, _name, case in sorted(cases, key=lambda c: (c[0], c[1])))
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"

    @staticmethod
    def _case(path: str, name: str) -> Any:
        import xml.etree.ElementTree as ET

        return ET.Element("testcase", classname=_xml_text(path), name=name)

    def _failed(self, path: str, rule: str, found: list[Finding]) -> Any:
        import xml.etree.ElementTree as ET

        case = self._case(path, rule)
        lines = [TextReporter(color=False).line(f) for f in found]
        message = lines[0] + (f" (and {counted(len(lines) - 1, 'more finding')})" if len(lines) > 1 else "")
        worst = ERROR if any(f.severity == ERROR for f in found) else found[0].severity
        failure = ET.SubElement(case, "failure", type=worst, message=message)
        failure.text = "\n".join(lines) + "\n"
        return case


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "junit": JunitReporter,
}
