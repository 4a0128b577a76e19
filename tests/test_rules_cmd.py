"""kconf rules (text, markdown, json), docs/rules.md kept current, and
kconf lint --explain without a rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from kconf.lint.catalogue import REGENERATE, _escaped
from kconf.lint.rules import RULES
from test_lazy_imports import loaded

DOCS = REPO / "docs" / "rules.md"
HINT = "kconf lint --explain RULE: what RULE checks, why, and how to fix it\n"


def test_rules_lists_every_rule_once_with_severity_and_summary() -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES) == 55
    assert [line.split()[0] for line in lines] == list(RULES)  # the registry's order
    assert lines[0] == (
        "yaml-syntax                     error    unparsable YAML, duplicate keys, tabs for indent, empty where a document is required"
    )
    assert "etcd-quorum                     warning  an even number of stacked-etcd control-plane nodes" in lines
    assert (
        "control-plane-endpoint-missing  error    no controlPlaneEndpoint with several control-plane nodes (error) or one (warning)"
    ) in lines
    for line in lines:
        name, severity = line.split()[:2]
        assert severity == RULES[name].severity
        assert line.endswith("  " + RULES[name].summary)


def test_rules_json_has_each_rule_with_its_documentation() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0
    rules = json.loads(result.stdout)["rules"]
    assert [r["name"] for r in rules] == list(RULES)
    nat = next(r for r in rules if r["name"] == "nat-address")
    assert nat["severity"] == "error"
    assert nat["family"] == "addresses"
    assert nat["summary"] == "a node's cluster address is a NAT address every VM shares"
    assert nat["documentation"].startswith("A node's cluster address is a NAT address: VirtualBox's 10.0.2.15\n")
    assert "\n\nFix: " in nat["documentation"]


def test_docs_rules_md_is_what_the_registry_generates() -> None:
    result = run_cli("rules", "--format", "markdown")
    assert result.exit_code == 0
    assert DOCS.is_file(), f"docs/rules.md is missing; generate it: {REGENERATE}"
    assert DOCS.read_text() == result.stdout, f"docs/rules.md is stale; regenerate it: {REGENERATE}"


def test_the_regenerate_command_is_the_one_the_file_names() -> None:
    assert REGENERATE == "kconf rules --format markdown > docs/rules.md"
    assert DOCS.read_text().splitlines()[0] == (
        "<!-- Generated from the rule registry by `kconf rules --format markdown`; do not edit. "
        "Regenerate: kconf rules --format markdown > docs/rules.md -->"
    )


def test_markdown_has_a_table_row_and_a_section_per_rule() -> None:
    text = run_cli("rules", "--format", "markdown").stdout
    assert "\n55 rules. The severity is the default:" in text
    assert "| [`cidr-host-bits`](#cidr-host-bits) | error | a CIDR with host bits set (or not a CIDR at all) |\n" in text
    assert "\n## addresses (`kconf/lint/rules/addresses.py`)\n" in text
    assert "\n### `nat-address`\n\n**error**: a node's cluster address is a NAT address every VM shares\n\n" in text
    for name in RULES:
        assert text.count(f"\n### `{name}`\n") == 1
        assert text.count(f"| [`{name}`](#{name}) |") == 1
    # outside code spans an angle bracket would be taken for an HTML tag and vanish
    assert "join-&lt;node&gt;.sh" in text
    assert "join-<node>.sh" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("cidr=<the nodes' networks>", "cidr=&lt;the nodes' networks&gt;", id="angle-brackets"),
        pytest.param("`kube-vip-<node>.yaml` and <node>", "`kube-vip-<node>.yaml` and &lt;node&gt;", id="code-span-kept"),
        pytest.param("`kubeadm token create\n--print-join-command` <x>", "`kubeadm token create\n--print-join-command` &lt;x&gt;",
                     id="code-span-over-a-line-break"),
        pytest.param("a | b * c", "a \\| b \\* c", id="table-cell-and-emphasis"),
        pytest.param("see\n# not a heading", "see\n\\# not a heading", id="heading"),
    ],
)
def test_markdown_escapes_only_outside_code_spans(text: str, expected: str) -> None:
    assert _escaped(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Fix: list one `server NAME ADDRESS:BINDPORT check` per node", id="code-span"),
        pytest.param("- podSubnet and serviceSubnet", id="list-item"),
        pytest.param("CALICO_IPV4POOL_CIDR and spec.calico.ipAutodetection", id="underscores"),
    ],
)
def test_markdown_leaves_plain_text_alone(text: str) -> None:
    assert _escaped(text) == text


def test_rules_refuses_an_unknown_format() -> None:
    result = run_cli("rules", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'xml' is not one of 'text', 'markdown', 'json'." in result.stderr


def test_lint_explain_without_a_rule_lists_the_rules() -> None:
    listing = run_cli("rules").stdout
    result = run_cli("lint", "--explain")
    assert result.exit_code == 0
    assert result.stdout == listing + "\n" + HINT
    assert result.stderr == ""


def test_lint_explain_before_another_option_lists_the_rules() -> None:
    result = run_cli("lint", "--explain", "--strict")
    assert result.exit_code == 0
    assert result.stdout.endswith("\n" + HINT)
    assert result.stdout.count("\n") == len(RULES) + 2


def test_lint_explain_with_a_rule_still_explains_it() -> None:
    result = run_cli("lint", "--explain", "nat-address")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "nat-address (error): a node's cluster address is a NAT address every VM shares\n\n"
        "A node's cluster address is a NAT address: VirtualBox's 10.0.2.15\n"
    )


def test_lint_explain_of_an_unknown_rule_is_a_usage_error() -> None:
    result = run_cli("lint", "--explain", "no-such-rule")
    assert result.exit_code == 2
    assert result.stderr.startswith("kconf: error: --explain: unknown rule 'no-such-rule' (rules: advertise-address-not-on-node, ")


def test_rules_loads_no_validator_and_no_yaml(tmp_path: Path) -> None:
    result, modules = loaded(["rules"], tmp_path)
    assert result.returncode == 0 and result.stdout.count("\n") == len(RULES)
    assert modules & {"jsonschema", "jinja2", "yaml", "ruamel", "deepdiff"} == set()


def test_the_listing_is_the_catalogue_the_engine_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from lintkit import use_marker_rules

    use_marker_rules(monkeypatch)
    result = run_cli("lint", "--explain")
    assert result.exit_code == 0
    assert result.stdout == "marker-a  error    a marker-a comment\nmarker-b  warning  a marker-b comment\n\n" + HINT
    markdown = run_cli("rules", "--format", "markdown").stdout
    assert "\n2 rules. The severity is the default:" in markdown


@pytest.mark.parametrize("args", [["rules"], ["rules", "--format", "markdown"], ["lint", "--explain"]], ids=" ".join)
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_rules_to_a_full_or_closed_stdout_is_an_error(tmp_path: Path, args: list[str], redirect: str) -> None:
    from test_schema_cmd import STDOUT_ERRORS, kconf_with_stdout

    result = kconf_with_stdout(args, tmp_path, redirect)
    assert (result.returncode, result.stderr) == (2, STDOUT_ERRORS[redirect])
