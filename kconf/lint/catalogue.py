"""The rule catalogue from the registry: ``kconf rules`` (text, markdown,
json) and ``kconf lint --explain`` without a rule.

docs/rules.md is this module's markdown, so the documentation cannot drift
from the rules: regenerate it with ``kconf rules --format markdown >
docs/rules.md`` (tests/test_rules_cmd.py fails while it is stale).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from kconf.lint.registry import Rule

REGENERATE = "kconf rules --format markdown > docs/rules.md"


class Entry(NamedTuple):  # not a frozen dataclass: no generated source to exec at start-up
    """A registered rule and the family (module of kconf/lint/rules/) it belongs to."""

    rule: Rule
    family: str

    @property
    def module_path(self) -> str:
        return f"kconf/lint/rules/{self.family}.py"


def entries() -> list[Entry]:
    """Every rule the engine runs, in the registry's order (family by family)."""
    from kconf.lint.rules import RULES

    # a registered check keeps its module's name (functools.wraps): the family
    return [Entry(rule, rule.check.__module__.rsplit(".", 1)[-1]) for rule in RULES.values()]


def text(catalogue: Sequence[Entry]) -> str:
    """One rule a line: name, default severity, summary, in aligned columns."""
    width = max(len(e.rule.name) for e in catalogue)
    severity_width = max(len(e.rule.severity) for e in catalogue)
    return "".join(f"{e.rule.name:<{width}}  {e.rule.severity:<{severity_width}}  {e.rule.summary}\n" for e in catalogue)


def as_json(catalogue: Sequence[Entry]) -> str:
    rules = [
        {"name": e.rule.name, "severity": e.rule.severity, "summary": e.rule.summary,
         "family": e.family, "documentation": e.rule.documentation}
        for e in catalogue
    ]  # fmt: skip
    return json.dumps({"rules": rules}, indent=2) + "\n"


# Outside `code spans`, what markdown would take for markup: an HTML tag
# (`<region>` would vanish on GitHub), emphasis, a table cell's end.
_CODE_SPAN = re.compile(r"(`[^`]*`)")
_MARKUP = {"<": "&lt;", ">": "&gt;", "*": "\\*", "|": "\\|"}


def _escaped(text: str) -> str:
    """``text`` for markdown, as written; a code span may go over a line break, as in CommonMark."""
    parts = _CODE_SPAN.split(text)
    for index in range(0, len(parts), 2):  # the even parts are outside code spans
        parts[index] = "".join(_MARKUP.get(char, char) for char in parts[index])
    lines = "".join(parts).split("\n")
    return "\n".join("\\" + line if line.startswith("#") else line for line in lines)  # not a heading


def _families(catalogue: Sequence[Entry]) -> Iterator[tuple[str, list[Entry]]]:
    seen: dict[str, list[Entry]] = {}
    for entry in catalogue:
        seen.setdefault(entry.family, []).append(entry)
    yield from seen.items()


def markdown(catalogue: Sequence[Entry]) -> str:
    """docs/rules.md: a table of every rule, then each rule's documentation
    (its check's docstring: what, Why:, Fix:) under a heading that
    ``#RULE`` links to, family by family."""
    lines = [
        f"<!-- Generated from the rule registry by `kconf rules --format markdown`; do not edit. Regenerate: {REGENERATE} -->",
        "",
        "# kconf lint rules",
        "",
        f"{len(catalogue)} rules. The severity is the default: `severity` in `[tool.kconf]` of pyproject.toml or in",
        "`.kconf.yaml` changes it, `disable` there turns a rule off, and `# kconf: disable=RULE` on a finding's line",
        "(or the line above) silences that finding. `kconf lint --explain RULE` prints a rule's section below.",
        "",
        "| rule | severity | what it finds |",
        "|---|---|---|",
    ]
    lines += [f"| [`{e.rule.name}`](#{e.rule.name}) | {e.rule.severity} | {_escaped(e.rule.summary)} |" for e in catalogue]
    for family, members in _families(catalogue):
        lines += ["", f"## {family} (`{members[0].module_path}`)"]
        for entry in members:
            rule = entry.rule
            lines += ["", f"### `{rule.name}`", "", f"**{rule.severity}**: {_escaped(rule.summary)}", ""]
            lines.append(_escaped(rule.documentation))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Sequence[Entry]], str]] = {"text": text, "markdown": markdown, "json": as_json}

EXPLAIN_HINT = "kconf lint --explain RULE: what RULE checks, why, and how to fix it\n"


def listing_for_explain() -> str:
    """What ``kconf lint --explain`` with no rule prints: the rules, and how to ask about one."""
    return text(entries()) + "\n" + EXPLAIN_HINT


def run_rules(output_format: str, *, echo: Callable[..., Any]) -> int:
    """The ``kconf rules`` command."""
    from kconf.errors import KconfError

    formatter = FORMATS.get(output_format)
    if formatter is None:
        raise KconfError(f"--format: unknown format {output_format!r} (formats: {', '.join(FORMATS)})")
    echo(formatter(entries()), nl=False)
    return 0
