"""``# kconf: disable=RULE[,RULE]`` on a finding's line or the line above, and
``# kconf: disable-file=RULE[,RULE]`` anywhere in a file.

Rule names are separated by commas (spaces around them allowed); whatever
follows the list after a space is free text, so a reason can be given:
``# kconf: disable=etcd-quorum  two nodes until the third arrives``.
"""

from __future__ import annotations

import re

from kconf.lazyre import lazy
from kconf.lint.model import Finding, SourceFile

_NAMES = r"([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)"
_DISABLE = lazy(r"#[ \t]*kconf:[ \t]*disable=" + _NAMES)
_DISABLE_FILE = lazy(r"#[ \t]*kconf:[ \t]*disable-file=" + _NAMES)


def _names(match: re.Match[str]) -> set[str]:
    return {n.strip() for n in match.group(1).split(",") if n.strip()}


def file_disabled(source: SourceFile) -> set[str]:
    names: set[str] = set()
    for match in _DISABLE_FILE.finditer(source.text):
        names |= _names(match)
    return names


def line_disabled(line: str) -> set[str]:
    names: set[str] = set()
    for match in _DISABLE.finditer(line):
        names |= _names(match)
    return names


def suppressed(finding: Finding, source: SourceFile | None) -> bool:
    if source is None or "kconf:" not in source.text:
        return False
    if finding.rule in file_disabled(source):
        return True
    lines = source.lines()
    for number in (finding.line, finding.line - 1):
        if 1 <= number <= len(lines) and finding.rule in line_disabled(lines[number - 1]):
            return True
    return False
