"""Property tests for issue 14's inputs: stop signals at generated moments,
IPv6 zone ids, secrets next to any character, hostile file names in lint's
text format, long names and long values. Deterministic (derandomize) and
bounded (few examples for what starts processes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_cli
from test_hardening_round2_inputs import HOOKED_KCONF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HA_EXAMPLE = EXAMPLES / "ha-haproxy" / "cluster.yaml"
FAST = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(max_examples=6, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ipv6 = st.ip_addresses(v=6).map(str)
ipv4 = st.ip_addresses(v=4).map(str)
zone = st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), min_size=0, max_size=20)


@FAST
@given(address=st.one_of(ipv6, ipv4), zone_id=zone)
def test_no_zone_id_passes_any_address_parser(address: str, zone_id: str) -> None:
    from kconf.addresses import AddressError, parse_address, parse_interface

    for parse, text in ((parse_address, f"{address}%{zone_id}"), (parse_interface, f"{address}%{zone_id}/64")):
        with pytest.raises(AddressError):
            parse(text)


def example_data() -> dict[str, Any]:
    from kconf.description import read_description

    return read_description(str(HA_EXAMPLE))[0].data  # type: ignore[no-any-return]


@SLOW
@given(zone_id=zone, field=st.sampled_from(["hosts", "lb"]))
def test_a_zone_id_never_reaches_the_hosts_file(tmp_path_factory: pytest.TempPathFactory, zone_id: str, field: str) -> None:
    work = tmp_path_factory.mktemp("zone")
    data = example_data()
    value = f"fe80::2%{zone_id}"
    if field == "hosts":
        data["spec"]["hosts"]["k8s-vip"] = value
    else:
        data["spec"]["loadBalancer"]["address"] = value
    (work / "cluster.yaml").write_text(json.dumps(data))
    result = run_cli("render", str(work / "cluster.yaml"), "-o", str(work / "out"))
    assert result.exit_code == 2 and "internal error" not in result.output
    assert not (work / "out").exists()


secret_neighbour = st.characters(codec="utf-8", exclude_categories=["Cs"]).filter(lambda c: c not in "abcdefghijklmnopqrstuvwxyz0123456789")
token = st.tuples(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=6, max_size=6),
                  st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=16, max_size=16))
cert_key = st.text("0123456789abcdef", min_size=64, max_size=64)


@FAST
@given(before=st.one_of(st.just(""), secret_neighbour), after=st.one_of(st.just(""), secret_neighbour), parts=token)
def test_a_token_is_redacted_whatever_stands_beside_it(before: str, after: str, parts: tuple[str, str]) -> None:
    from kconf.secrets import redact

    shown = redact(f"{before}{parts[0]}.{parts[1]}{after}")
    assert parts[1] not in shown
    assert shown == f"{before}{parts[0]}.{'*' * 16}{after}"


@FAST
@given(before=st.one_of(st.just(""), st.sampled_from(":=_ x-/\"'")), key=cert_key)
def test_a_certificate_key_is_redacted_after_any_separator(before: str, key: str) -> None:
    from kconf.secrets import redact

    assert redact(f"key{before}{key}") == f"key{before}{key[:4]}{'*' * 60}"
    assert redact(f"sha256:{key}") == f"sha256:{key}"  # a CA cert hash is public


@FAST
@given(path=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40))
def test_lint_text_lines_never_break_or_start_a_workflow_command(path: str) -> None:
    from kconf.lint.model import Finding
    from kconf.lint.reporters import TextReporter

    finding = Finding(rule="yaml-syntax", severity="error", path=path, line=1, column=1, message=f"x\n::error::{path}")
    text = TextReporter(color=False).render([finding], 1)
    assert text.count("\n") == 1 and text.endswith("\n")
    assert len(text[:-1].splitlines()) == 1
    assert not text.startswith("::")


name_part = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=63)


@SLOW
@given(length=st.integers(min_value=200, max_value=253))
def test_a_long_node_name_renders_or_is_refused_by_name(tmp_path_factory: pytest.TempPathFactory, length: int) -> None:
    work = tmp_path_factory.mktemp("long")
    name = ("n" * 62 + ".") * 4
    name = name[:length].rstrip(".") + "n" * (length - len(name[:length].rstrip(".")))
    assert len(name) == length
    data = example_data()
    data["spec"]["nodes"][5]["name"] = name
    (work / "cluster.yaml").write_text(json.dumps(data))
    result = run_cli("render", str(work / "cluster.yaml"), "-o", str(work / "out"))
    assert "internal error" not in result.output
    if length <= 237:
        assert result.exit_code == 0, result.output
        assert (work / "out" / f"kubeadm-join-{name}.yaml").is_file()
    else:
        assert result.exit_code == 2 and "spec.nodes[5].name: a node name of" in result.stderr


@FAST
@given(field=st.sampled_from(["taint value", "taint key", "label value", "label key"]), size=st.integers(0, 400))
def test_long_label_and_taint_values_are_checked_by_length(field: str, size: int) -> None:
    from kconf.schemacheck import check

    data = example_data()
    node = data["spec"]["nodes"][5]
    text = "v" * size
    if field == "taint value":
        node["taints"] = [{"key": "k", "value": text, "effect": "NoSchedule"}]
    elif field == "taint key":
        node["taints"] = [{"key": text, "effect": "NoSchedule"}]
    elif field == "label value":
        node["labels"] = {"k": text}
    else:
        node["labels"] = {text: "v"}
    issues = check("cluster.schema.json", data)
    allowed = (0 <= size <= 63) if field in ("taint value", "label value") else (1 <= size <= 63)
    assert (not issues) == allowed, (size, issues)
    assert all(len(issue.message) < 400 for issue in issues)




@pytest.fixture(scope="module")
def rendered_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    work = tmp_path_factory.mktemp("pair")
    old = HA_EXAMPLE.read_text().replace("cka-worker", "old-worker")
    (work / "cluster.yaml").write_text(old)
    assert run_cli("render", str(work / "cluster.yaml"), "-o", str(work / "old")).exit_code == 0
    (work / "cluster.yaml").write_text(HA_EXAMPLE.read_text())
    assert run_cli("render", str(work / "cluster.yaml"), "-o", str(work / "new")).exit_code == 0
    read = lambda folder: {p.name: p.read_bytes() for p in sorted(folder.iterdir())}  # noqa: E731
    return work, read(work / "old"), read(work / "new")


@SLOW
@given(where=st.sampled_from(["fsync", "replace", "link", "unlink", "chmod"]), number=st.integers(1, 20),
       sig=st.sampled_from(["SIGTERM", "SIGINT", "SIGHUP"]))
def test_a_signal_at_any_call_leaves_the_old_or_the_new_set(
    rendered_pair: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path_factory: pytest.TempPathFactory,
    where: str, number: int, sig: str,
) -> None:
    work, old, new = rendered_pair
    run = tmp_path_factory.mktemp("signal")
    shutil.copytree(work / "old", run / "out")
    shutil.copy(work / "cluster.yaml", run / "cluster.yaml")
    result = subprocess.run([sys.executable, "-c", HOOKED_KCONF, "render", "cluster.yaml", "-o", "out"], cwd=run, capture_output=True, text=True,
                            timeout=30, check=False, env={**os.environ, "HOOK_WHERE": where, "HOOK_AT": str(number), "HOOK_SIGNAL": sig})
    found = {p.name: p.read_bytes() for p in sorted((run / "out").iterdir())}
    assert found in (old, new), sorted(set(found) ^ set(new))[:5]
    assert result.returncode in (0, 128 + int(getattr(__import__("signal"), sig))), result.stderr[-300:]
