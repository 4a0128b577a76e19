"""``# kconf: disable=RULE[,RULE]`` on a finding's line or the line above, and
``# kconf: disable-file=RULE[,RULE]`` anywhere in a file."""

from __future__ import annotations

import re

from kconf.lint.model import Finding, SourceFile

_DISABLE = re.compile(r"#\s*kconf:\s*disable=([A-Za-z0-9_,\s-]+)")
_DISABLE_FILE = re.compile(r"#\s*kconf:\s*disable-file=([A-Za-z0-9_,\s-]+)")


def _names(match: re.Match[str]) -> set[str]:
    return {n.strip() for n in match.group(1).split(",") if n.strip()}


def file_disabled(source: SourceFile) -> set[str]:
    names: set[str] = set()
    for match in _DISABLE_FILE.finditer(source.text):
        names |= _names(match)
    return names


def suppressed(finding: Finding, source: SourceFile | None) -> bool:
    if source is None or "kconf:" not in source.text:
        return False
    if finding.rule in file_disabled(source):
        return True
    lines = source.lines()
    for number in (finding.line, finding.line - 1):
        if 1 <= number <= len(lines):
            match = _DISABLE.search(lines[number - 1])
            if match and finding.rule in _names(match):
                return True
    return False
