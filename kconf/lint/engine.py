"""The lint engine: files -> groups -> rules -> findings -> a reporter.

Rules only yield findings. Here severities are set (rule default, the rule's
own level where it has two, then project settings), ``--select``/``--ignore``
and ``# kconf: disable`` comments apply, secrets are redacted from every
message, and the exit code is decided (0 clean, 1 findings, 2 usage error).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kconf.errors import KconfError
from kconf.lint.model import ERROR, WARNING, Finding, Group, RawFinding, SourceFile
from kconf.lint.registry import Rule


@dataclass(frozen=True)
class Selection:
    """Which rules run and at what severity."""

    enabled: frozenset[str]
    severity: dict[str, str] = field(default_factory=dict)


def parse_rule_list(text: str | None, option: str, known: Iterable[str]) -> set[str]:
    if text is None:
        return set()
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(names - set(known))
    if unknown:
        raise KconfError(f"{option}: unknown rule {', '.join(unknown)} (kconf lint --explain RULE; rules: {', '.join(sorted(known))})")
    return names


def selection(rules: dict[str, Rule], select: str | None, ignore: str | None, settings: Any) -> Selection:
    selected = parse_rule_list(select, "--select", rules)
    ignored = parse_rule_list(ignore, "--ignore", rules)
    enabled = set(selected or rules)
    enabled -= ignored
    if not selected:
        enabled -= set(settings.disabled)
    return Selection(frozenset(enabled), dict(settings.severity))


def run_rules(groups: Sequence[Group], rules: dict[str, Rule], chosen: Selection) -> list[Finding]:
    from kconf.lint.secrets import redact

    found: set[Finding] = set()
    for group in groups:
        for name, rule in rules.items():
            if name not in chosen.enabled:
                continue
            for raw in rule.check(group):
                found.add(_finalise(raw, rule, chosen, redact))
    return sorted(found)


def _finalise(raw: RawFinding, rule: Rule, chosen: Selection, redact: Callable[[str], str]) -> Finding:
    severity = chosen.severity.get(raw.rule) or raw.severity or rule.severity
    return Finding(raw.loc.path, raw.loc.line, raw.loc.column, raw.rule, severity, redact(raw.message))


def exit_code(findings: Sequence[Finding], strict: bool) -> int:
    if any(f.severity == ERROR for f in findings):
        return 1
    if strict and any(f.severity == WARNING for f in findings):
        return 1
    return 0


def lint_paths(
    paths: Sequence[str], *, select: str | None = None, ignore: str | None = None, settings: Any = None
) -> tuple[list[Finding], int]:
    """Findings for the given files and folders, and how many files were read."""
    from kconf.lint.rules import RULES
    from kconf.lint.settings import Settings, load_settings
    from kconf.lint.sources import build_groups
    from kconf.lint.suppress import suppressed

    if settings is None:
        settings = load_settings()
    assert isinstance(settings, Settings)
    for name in list(settings.disabled) + list(settings.severity):
        if name not in RULES:
            raise KconfError(f"unknown rule {name!r} in the settings", settings.source)
    chosen = selection(RULES, select, ignore, settings)
    groups, count = build_groups(paths)
    texts: dict[str, SourceFile] = {f.path: f for g in groups for f in g.files}
    findings = [f for f in run_rules(groups, RULES, chosen) if not suppressed(f, texts.get(f.path))]
    return findings, count


def explain(rule_name: str) -> str:
    from kconf.lint.rules import RULES

    rule = RULES.get(rule_name)
    if rule is None:
        raise KconfError(f"--explain: unknown rule {rule_name!r} (rules: {', '.join(sorted(RULES))})")
    return f"{rule.name} ({rule.severity})\n\n{rule.documentation}\n"


def run_lint(
    paths: Sequence[str], *, output_format: str, strict: bool, select: str | None, ignore: str | None,
    explain: str | None, color: bool | None, echo: Callable[..., Any],
) -> int:
    from kconf.lint.reporters import REPORTERS

    if explain is not None:
        echo(globals()["explain"](explain), nl=False)
        return 0
    findings, count = lint_paths(list(paths) or ["."], select=select, ignore=ignore)
    reporter = REPORTERS[output_format](color=color)
    echo(reporter.render(findings, count), nl=False)
    return exit_code(findings, strict)
