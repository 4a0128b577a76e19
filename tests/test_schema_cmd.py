"""kconf schema: the description's JSON Schema for editors, the same one kconf
validates with; the examples' yaml-language-server lines; check-jsonschema
agreeing with kconf on the examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, GOLDEN, REPO, run_cli
from test_lazy_imports import loaded

SCHEMA_SOURCE = REPO / "schemas" / "cluster.schema.json"
MODELINE = "# yaml-language-server: $schema=../../schemas/cluster.schema.json\n"
DESCRIPTIONS = sorted([*EXAMPLES.glob("*/cluster.yaml"), *GOLDEN.glob("*/cluster.yaml")])


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    # the test extra installs it; run from this interpreter's environment, offline
    return subprocess.run([sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True, timeout=120)


def test_schema_prints_the_shipped_schema_byte_for_byte() -> None:
    from kconf.resources import schema

    result = run_cli("schema")
    assert result.exit_code == 0
    assert result.stdout.encode() == SCHEMA_SOURCE.read_bytes()
    # the very document the validator is built from
    assert json.loads(result.stdout) == schema("cluster.schema.json")


def test_the_schema_has_no_dead_id_url() -> None:
    document = json.loads(run_cli("schema").stdout)
    assert "$id" not in document
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "kconf.dev" not in SCHEMA_SOURCE.read_text()


def test_schema_output_file_is_written_and_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "cluster.schema.json"
    target.write_text("{}\n")  # an older copy: replaced, it is generated
    assert run_cli("schema", "-o", str(target)).exit_code == 0
    assert target.read_bytes() == SCHEMA_SOURCE.read_bytes()
    assert run_cli("schema", "-o", str(target)).exit_code == 0  # again: the same bytes
    assert target.read_bytes() == SCHEMA_SOURCE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.schema.json"]  # no temporary file left


def test_schema_dash_is_stdout(tmp_path: Path) -> None:
    result = run_cli("schema", "-o", "-")
    assert result.exit_code == 0 and result.stdout.encode() == SCHEMA_SOURCE.read_bytes()


def test_schema_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "cluster.schema.json"
    result = run_cli("schema", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"kconf: error: {target}: cannot write: No such file or directory\n"


@pytest.mark.parametrize("path", DESCRIPTIONS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_every_example_names_the_schema_for_the_editor(path: Path) -> None:
    text = path.read_text()
    assert text.startswith(MODELINE)
    relative = MODELINE.strip().split("$schema=", 1)[1]
    # yaml-language-server resolves a relative $schema from the file's folder
    assert (path.parent / relative).resolve() == SCHEMA_SOURCE
    assert (path.parent / relative).read_bytes() == run_cli("schema").stdout.encode()


def test_check_jsonschema_accepts_the_schema_and_every_example(tmp_path: Path) -> None:
    schema_file = tmp_path / "cluster.schema.json"
    assert run_cli("schema", "-o", str(schema_file)).exit_code == 0
    meta = check_jsonschema("--check-metaschema", str(schema_file))
    assert meta.returncode == 0, meta.stdout + meta.stderr
    result = check_jsonschema("--schemafile", str(schema_file), *map(str, DESCRIPTIONS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout
    assert len(DESCRIPTIONS) == 12  # six examples and their golden copies


def test_check_jsonschema_refuses_what_kconf_refuses(tmp_path: Path) -> None:
    schema_file = tmp_path / "cluster.schema.json"
    assert run_cli("schema", "-o", str(schema_file)).exit_code == 0
    text = (EXAMPLES / "ha-haproxy" / "cluster.yaml").read_text()
    broken = text.replace("  name: cka\n", "  name: cka\n  colour: blue\n")
    assert broken != text
    bad = tmp_path / "cluster.yaml"
    bad.write_text(broken)
    result = check_jsonschema("--schemafile", str(schema_file), str(bad))
    assert result.returncode == 1
    assert "$.metadata: Additional properties are not allowed ('colour' was unexpected)" in result.stdout
    linted = run_cli("lint", str(bad))
    assert linted.exit_code == 1 and "[cluster-schema]" in linted.stdout


def test_schema_loads_no_validator_and_no_yaml(tmp_path: Path) -> None:
    result, modules = loaded(["schema"], tmp_path)
    assert result.returncode == 0 and result.stdout.encode() == SCHEMA_SOURCE.read_bytes()
    assert modules & {"jsonschema", "jinja2", "yaml", "ruamel", "deepdiff"} == set()


def test_schema_help_names_its_use() -> None:
    result = run_cli("schema", "--help")
    assert result.exit_code == 0
    assert "Print the cluster description's JSON Schema" in result.stdout
    assert "-o, --output" in result.stdout


def kconf_with_stdout(args: list[str], cwd: Path, redirect: str) -> subprocess.CompletedProcess[str]:
    """kconf in a child process with its standard output redirected by bash
    (``>/dev/full``: every write fails; ``>&-``: closed)."""
    import os
    import shlex

    line = " ".join(shlex.quote(part) for part in [sys.executable, "-m", "kconf", *args]) + " " + redirect
    return subprocess.run(["bash", "-c", line], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KCONF_DEBUG": ""})  # fmt: skip


STDOUT_ERRORS = {
    ">/dev/full": "kconf: error: standard output: cannot write: No space left on device\n",
    ">&-": "kconf: error: standard output is closed; nothing was written (use -o FILE, or give the command an output)\n",
}


@pytest.mark.parametrize("redirect", list(STDOUT_ERRORS))
def test_schema_to_a_full_or_closed_stdout_is_an_error(tmp_path: Path, redirect: str) -> None:
    result = kconf_with_stdout(["schema"], tmp_path, redirect)
    assert (result.returncode, result.stderr) == (2, STDOUT_ERRORS[redirect])
    written = kconf_with_stdout(["schema", "-o", "cluster.schema.json"], tmp_path, redirect)  # stdout not needed
    assert (written.returncode, written.stderr) == (0, "")
    assert (tmp_path / "cluster.schema.json").read_bytes() == SCHEMA_SOURCE.read_bytes()


def test_a_schema_beside_the_description_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook passes *.json files to kconf lint: the schema is
    not kconf's input and must not fail the hook."""
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "cluster.yaml").exit_code == 0
    assert run_cli("schema", "-o", "cluster.schema.json").exit_code == 0
    named = run_cli("lint", "--strict", "cluster.yaml", "cluster.schema.json")
    assert named.exit_code == 0
    assert named.stdout == "kconf: 1 file not recognised (not kconf's): cluster.schema.json\n"
    walked = run_cli("lint", "--strict", "--format", "json", ".")
    assert walked.exit_code == 0
    assert json.loads(walked.stdout) == {"findings": [], "files": 1, "unrecognised": []}
