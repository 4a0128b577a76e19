"""The lint engine: files -> groups -> rules -> findings -> a reporter.

Rules only yield findings. Here severities are set (rule default, the rule's
own level where it has two, then project settings), ``--select``/``--ignore``
and ``# kconf: disable`` comments apply, secrets are redacted from every
message, and the exit code is decided (0 clean, 1 findings, 2 usage error).
"""

from __future__ import annotations

import os

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from kconf.errors import KconfError
from kconf.lint.model import ERROR, WARNING, ClusterFile, Finding, Group, RawFinding, SourceFile
from kconf.lint.registry import Rule
from kconf.lint.settings import Settings, load_settings
from kconf.wording import counted


# Selection and LintResult were frozen dataclasses with a dict or list default
# (field(default_factory=...)): plain classes now, whose __init__ gives each a
# fresh one, as the dataclass's did; Final keeps their fields unassigned
# (mypy), as frozen did. Nothing compares or prints them: no __eq__, __repr__.
class Selection:
    """Which rules run and at what severity."""

    __slots__ = ("enabled", "severity")

    enabled: Final[frozenset[str]]
    severity: Final[dict[str, str]]

    def __init__(self, enabled: frozenset[str], severity: dict[str, str] | None = None) -> None:
        self.enabled = enabled
        self.severity = {} if severity is None else severity


def parse_rule_list(text: str | None, option: str, known: Iterable[str]) -> set[str]:
    """Rule names of a comma-separated option; an unknown name is a usage error."""
    if text is None:
        return set()
    names = {part.strip() for part in text.split(",") if part.strip()}
    if not names:
        raise KconfError(f"{option}: names no rule (give RULE[,RULE...]; kconf lint --explain RULE)")
    unknown_rules(names, known, option)
    return names


def unknown_rules(names: Iterable[str], known: Iterable[str], where: str) -> None:
    """Raise a usage error naming every unknown rule and the known ones."""
    known_names = set(known)
    unknown = sorted(set(names) - known_names)
    if unknown:
        label = "rule" if len(unknown) == 1 else "rules"
        raise KconfError(f"{where}: unknown {label} {', '.join(unknown)} (rules: {', '.join(sorted(known_names))})")


def selection(rules: dict[str, Rule], select: str | None, ignore: str | None, settings: Settings) -> Selection:
    """--select (when given, it replaces the settings' ``disable``), minus
    --ignore; severities from the settings."""
    selected = parse_rule_list(select, "--select", rules)
    ignored = parse_rule_list(ignore, "--ignore", rules)
    enabled = set(selected or rules)
    enabled -= ignored
    if not selected:
        enabled -= set(settings.disabled)
    return Selection(frozenset(enabled), dict(settings.severity))


def run_rules(
    groups: Sequence[Group], rules: dict[str, Rule], chosen: Selection, copies: list[Finding] | None = None
) -> list[Finding]:
    """The chosen rules' findings; ``copies`` (when given) gets those dropped
    as copies of the description's in files render wrote unchanged."""
    from kconf.secrets import redact

    found: set[Finding] = set()
    dropped: set[Finding] = set()
    for group in groups:
        group_findings: list[Finding] = []
        broken = group.cluster_file.broken if group.cluster_file is not None else frozenset()
        for name, rule in rules.items():
            if name not in chosen.enabled or rule.reads & broken:
                continue
            for raw in rule.check(group):
                group_findings.append(_finalise(raw, rule, chosen, redact))
        kept = set(_without_rendered_copies(group, group_findings))
        found.update(kept)
        dropped.update(set(group_findings) - kept)
    if copies is not None:
        copies.extend(sorted(dropped - found))
    return sorted(found)


def _without_rendered_copies(group: Group, findings: list[Finding]) -> list[Finding]:
    """A bad value in a description reaches the files rendered from it; the
    finding is kept at the description, where it is fixed, and dropped in an
    output file that is exactly what render writes."""
    if group.cluster_file is None or group.output_dir is None:
        return findings
    description = os.path.normpath(group.cluster_file.path)  # as findings spell it: ./cluster.yaml is cluster.yaml
    at_description = {f.rule for f in findings if f.path == description}
    unchanged: dict[str, bool] = {}

    def is_copy(finding: Finding) -> bool:
        # rendered-drift is about the output file itself, never a copy.
        if finding.rule == "rendered-drift" or finding.rule not in at_description or finding.path == description:
            return False
        if finding.path not in unchanged:
            unchanged[finding.path] = group.rendered_unchanged(finding.path)
        return unchanged[finding.path]

    return [f for f in findings if not is_copy(f)]


def _finalise(raw: RawFinding, rule: Rule, chosen: Selection, redact: Callable[[str], str]) -> Finding:
    severity = chosen.severity.get(raw.rule) or raw.severity or rule.severity
    # one spelling per file (./cluster.yaml and cluster.yaml are one file)
    fix = raw.fix if rule.fix else None  # a rule fixes only what its registry entry declares
    return Finding(os.path.normpath(raw.loc.path), raw.loc.line, raw.loc.column, raw.rule, severity, redact(raw.message), fix)


def exit_code(findings: Sequence[Finding], strict: bool) -> int:
    if any(f.severity == ERROR for f in findings):
        return 1
    if strict and any(f.severity == WARNING for f in findings):
        return 1
    return 0


class LintResult:
    __slots__ = ("findings", "files", "unrecognised", "checked", "copies")

    findings: Final[list[Finding]]
    files: Final[int]  # files kconf recognised and read
    unrecognised: Final[list[str]]  # named on the command line, not kconf's
    checked: Final[list[str]]  # the files recognised and read
    # findings left out as copies of the description's in files render wrote unchanged: --fix fixes them too
    copies: Final[list[Finding]]

    def __init__(
        self, findings: list[Finding], files: int, unrecognised: list[str] | None = None, checked: list[str] | None = None,
        copies: list[Finding] | None = None,
    ) -> None:
        self.findings = findings
        self.files = files
        self.unrecognised = [] if unrecognised is None else unrecognised
        self.checked = [] if checked is None else checked
        self.copies = [] if copies is None else copies


def lint_files(
    paths: Sequence[str], *, select: str | None = None, ignore: str | None = None,
    settings: Settings | None = None, cluster: str | None = None,
) -> LintResult:
    """Findings for the given files and folders, with what was read.
    ``settings`` default: the project settings found from the working folder.
    ``cluster``: check every file against that description (--cluster)."""
    from kconf.lint.sources import build_groups

    if settings is None:
        settings = load_settings()
    # Rule names are checked first (a usage error before any file is read);
    # with none to check, the rule catalogue is imported only when a file
    # kconf reads was found (a hook run over another project's YAML files
    # never loads it).
    names_given = select is not None or ignore is not None or bool(settings.disabled) or bool(settings.severity)
    chosen = project_selection(select, ignore, settings) if names_given else None
    gathered = build_groups(paths, cluster=cluster)
    if not gathered.groups:
        return LintResult([], gathered.files, gathered.unrecognised, gathered.checked)
    if chosen is None:
        chosen = project_selection(select, ignore, settings)
    copies: list[Finding] = []
    findings = lint_groups(gathered.groups, chosen, copies)
    return LintResult(findings, gathered.files, gathered.unrecognised, gathered.checked, copies)


def lint_paths(
    paths: Sequence[str], *, select: str | None = None, ignore: str | None = None,
    settings: Settings | None = None, cluster: str | None = None,
) -> tuple[list[Finding], int]:
    """lint_files()'s findings and the number of files read."""
    result = lint_files(paths, select=select, ignore=ignore, settings=settings, cluster=cluster)
    return result.findings, result.files


def project_selection(select: str | None = None, ignore: str | None = None, settings: Settings | None = None) -> Selection:
    """The rules that run and their severities, from the project settings
    found from the working folder (lint and render alike)."""
    from kconf.lint.rules import RULES

    if settings is None:
        settings = load_settings()
    where = settings.source or "the settings"
    unknown_rules(settings.disabled, RULES, f"{where}: disable")
    unknown_rules(settings.severity, RULES, f"{where}: severity")
    return selection(RULES, select, ignore, settings)


def lint_groups(groups: Sequence[Group], chosen: Selection, copies: list[Finding] | None = None) -> list[Finding]:
    """Findings of the chosen rules, without the suppressed ones (``copies``:
    see run_rules)."""
    from kconf.lint.rules import RULES
    from kconf.lint.suppress import suppressed

    texts: dict[str, SourceFile] = {os.path.normpath(f.path): f for g in groups for f in g.files}
    # a copy is in a file exactly as render writes it, which holds no suppression comment
    return [f for f in run_rules(groups, RULES, chosen, copies) if not suppressed(f, texts.get(f.path))]


def lint_render(source: ClusterFile, output_dir: Path, rendered: dict[str, tuple[bytes, int]] | None) -> list[Finding]:
    """What ``kconf lint`` would find in the description and, when it could be
    rendered, in ``rendered`` as files of ``output_dir`` (read from memory:
    nothing is written yet). Drift is not checked: these files are what
    render writes."""
    from kconf.lint.sources import YAML_SUFFIXES, recognise

    chosen = gate_selection()
    if rendered is None:
        return lint_groups([Group(files=[source], cluster_file=source)], chosen)
    from kconf.yamlio import ShapeMemo

    members: list[SourceFile] = [source]
    shapes = ShapeMemo()  # a join config per node: one parse per shape
    for name, (data, _mode) in rendered.items():
        if name.endswith(YAML_SUFFIXES) or name.endswith(".cfg"):  # as lint reads a folder
            member = recognise(os.path.normpath(str(output_dir / name)), data, shapes)
            if member is not None:
                members.append(member)
    group = Group(files=members, cluster_file=source, output_dir=output_dir, _rendered=dict(rendered), in_memory=True)
    return lint_groups([group], chosen)


DRIFT_RULES = frozenset({"rendered-drift"})


def gate_selection(handled: frozenset[str] = frozenset()) -> Selection:
    """The project's rules for a command's gate on what it is about to write:
    no drift (the files are what it writes), nor the rules in ``handled``."""
    chosen = project_selection()
    return Selection(chosen.enabled - DRIFT_RULES - handled, chosen.severity)


def lint_output(path: str, data: bytes, handled: frozenset[str] = frozenset()) -> list[Finding]:
    """What ``kconf lint PATH`` would find in ``data`` written at ``path``
    (read from memory, before anything is written), without the rules in
    ``handled``: the gate of the commands that write one file (migrate,
    from-configmap), as lint_render is render's."""
    from kconf.lint.sources import YAML_SUFFIXES, recognise

    # the commands write YAML whatever the name (-o out.conf): read it as YAML
    member = recognise(os.path.normpath(path if path.endswith(YAML_SUFFIXES) else f"{path}.yaml"), data)
    if member is None:
        return []
    return lint_groups([Group(files=[member])], gate_selection(handled))


# migrate and from-configmap write the kubeadm apiVersion they were asked for
# and warn themselves when the cluster's Kubernetes version is older than it needs
GATE_HANDLED = frozenset({"kubeadm-api-version"})


def gate_output(path: str, data: bytes, source: str, before: bytes, echo: Callable[..., Any], written: str | None) -> int | str | None:
    """Lint one file a command is about to write from ``before`` (the file
    ``source``, read as it is). The file is mostly the user's, carried over:
    what the input already has is the user's to fix and is only counted, with
    the command that lists it; an error the command's own change brings in
    is listed and nothing is written (1). Otherwise the note that counts the
    findings, for the caller to print once the file is written, or None.
    ``written``: the file the output goes to, None for standard output."""
    from collections import Counter

    findings = lint_output(path, data, GATE_HANDLED)
    errors_out = [f for f in findings if f.severity == ERROR]
    # the input is linted only to tell the output's errors apart: none, no need
    had = Counter(f.rule for f in lint_output(source, before, GATE_HANDLED) if f.severity == ERROR) if errors_out else Counter()
    brought: list[Finding] = []
    for finding in errors_out:
        if had[finding.rule]:
            had[finding.rule] -= 1
        else:
            brought.append(finding)
    if brought:
        from kconf.lint.reporters import TextReporter  # only to list them: start-up stays small

        echo(TextReporter(color=False).render(brought, 1), nl=False, err=True)
        echo(f"kconf: {source}: {counted(len(brought), 'error')} found by the lint rules in what would be written; nothing written", err=True)
        return 1
    if findings:
        errors = len(errors_out)
        counts = " and ".join(counted(n, word) for n, word in ((errors, "error"), (len(findings) - errors, "warning")) if n)
        lists = f"`kconf lint {written}` lists them" if written else "`kconf lint` on the saved file lists them"
        return f"kconf: note: the output has {counts} of the lint rules ({lists})"
    return None


def explain(rule_name: str) -> str:
    """The user documentation of a rule: name, default severity, summary, and
    its docstring (what it checks, Why:, Fix:)."""
    from kconf.lint.rules import RULES

    rule = RULES.get(rule_name.strip())
    if rule is None:
        raise KconfError(f"--explain: unknown rule {rule_name!r} (rules: {', '.join(sorted(RULES))})")
    return f"{rule.name} ({rule.severity}): {rule.summary}\n\n{rule.documentation}\n"


explain_rule = explain  # run_lint's parameter ``explain`` shadows the function


def run_lint(
    paths: Sequence[str], *, output_format: str, strict: bool, select: str | None, ignore: str | None,
    explain: str | None, color: bool | None, echo: Callable[..., Any], cluster: str | None = None,
    fix: bool = False,
) -> int:
    """The ``kconf lint`` command: 0 clean, 1 findings, 2 usage error (raised).
    ``fix``: make the rules' mechanical fixes first, print each, and report
    (and exit on) what a second lint still finds."""
    from kconf.lint.reporters import REPORTERS

    if explain is not None:
        if not explain.strip():  # `--explain` alone: which rules there are to ask about
            from kconf.lint.catalogue import listing_for_explain

            echo(listing_for_explain(), nl=False)
        else:
            echo(explain_rule(explain), nl=False)
        return 0
    reporter_class = REPORTERS.get(output_format)
    if reporter_class is None:
        raise KconfError(f"--format: unknown format {output_format!r} (formats: {', '.join(REPORTERS)})")
    if cluster is not None and not paths:
        raise KconfError(f"--cluster {cluster}: name the files to check against it (kconf lint --cluster CLUSTER FILE...)")
    if cluster is not None and os.path.isdir(cluster):
        raise KconfError(f"--cluster {cluster}: is a folder; give the cluster description (cluster.yaml)")
    result = lint_files(list(paths) or ["."], select=select, ignore=ignore, cluster=cluster)
    if fix:
        from kconf.lint.fix import apply_fixes

        changes = apply_fixes(sorted(result.findings + result.copies))
        for change in changes:
            # text: the changes lead the report; other formats keep stdout one document
            echo(str(change), err=bool(change.problem) or output_format != "text")
        if any(not change.problem for change in changes):
            result = lint_files(list(paths) or ["."], select=select, ignore=ignore, cluster=cluster)
    reporter = reporter_class(color=color)
    # click.echo strips ANSI codes off a non-terminal unless told: --color means colour
    text = reporter.render(result.findings, result.files, result.unrecognised, checked=result.checked)
    echo(text, nl=False, color=reporter.color)
    summary = reporter.summary(result.findings, result.files)
    if summary:
        echo(summary, nl=False, err=True)
    return exit_code(result.findings, strict)

