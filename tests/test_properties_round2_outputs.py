"""Property tests for issue 14, items 10-19: generated floats where integers
belong, strings YAML 1.1 would read as something else, a UTF-8 BOM, and
full or closed outputs. Deterministic and bounded (derandomize, no database,
few examples): each property costs well under a few seconds."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, require_corpus, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HA_EXAMPLE = EXAMPLES / "ha-haproxy" / "cluster.yaml"
BOM = b"\xef\xbb\xbf"


def bounded(max_examples: int) -> Any:
    return settings(max_examples=max_examples, database=None, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- floats (item 12) -------------------------------------------------------------------

# field -> (the text in the example, a template for the replacement, the field path)
INTEGER_FIELDS = {
    "loadBalancer.port": ("    port: 6443\n", "    port: VALUE\n", "spec.loadBalancer.port"),
    "calico.blockSize": ("    blockSize: 26\n", "    blockSize: VALUE\n", "spec.calico.blockSize"),
    "nodeCIDRMaskSize": ("    serviceSubnet: 10.96.0.0/12\n", "    serviceSubnet: 10.96.0.0/12\n    nodeCIDRMaskSize: VALUE\n",
                         "spec.networking.nodeCIDRMaskSize"),
    "bindPort": ("address: 192.168.51.81/24}", "address: 192.168.51.81/24, bindPort: VALUE}", "spec.nodes[0].bindPort"),
}


def float_spellings(value: int) -> st.SearchStrategy[str]:
    """Ways to write a whole number as a YAML float: 26.0, 2.6e1, 26e0, !!float 26."""
    return st.sampled_from([f"{value}.0", f"{value}.", f"{value}e0", f"{value / 10}e1", f"!!float {value}", f"{value}.000"])


@bounded(24)
@given(field=st.sampled_from(sorted(INTEGER_FIELDS)), value=st.integers(20, 32), data=st.data())
def test_a_float_is_never_an_integer(tmp_path_factory: pytest.TempPathFactory, field: str, value: int, data: Any) -> None:
    old, template, path = INTEGER_FIELDS[field]
    spelling = data.draw(float_spellings(value))
    tmp = tmp_path_factory.mktemp("float")
    text = HA_EXAMPLE.read_text()
    assert old in text
    (tmp / "cluster.yaml").write_text(text.replace(old, template.replace("VALUE", spelling), 1))
    result = run_cli("render", str(tmp / "cluster.yaml"), "-o", str(tmp / "out"))
    assert result.exit_code == 2, (spelling, result.output)
    assert f"{path}: " in result.stderr and "is a float, expected integer" in result.stderr, result.stderr
    assert not (tmp / "out").exists()


# --- strings YAML 1.1 or 1.2 would read as something else (item 14) ----------------------

DATE = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28))
TIMESTAMP = st.builds(lambda date, h, mi, s, sep, zone: f"{date}{sep}{h}:{mi:02d}:{s:02d}{zone}",
                      DATE, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.sampled_from(["T", "t", " "]),
                      st.sampled_from(["", "Z", "+01:00", "-5", " Z"]))
NUMBERISH = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(0, 4095).map(lambda n: f"0{n:o}"),
    st.integers(0, 4095).map(lambda n: f"0x{n:X}"),
    st.integers(0, 15).map(lambda n: f"0b{n:b}"),
    st.integers(1, 999).map(lambda n: f"{n}_000"),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 99), st.integers(-9, 9)),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(1, 99), st.integers(0, 59)),
)
WORDS = st.sampled_from(["on", "off", "yes", "no", "y", "n", "Y", "N", "On", "NO", "true", "False", "null", "~", "=", "<<",
                         ".inf", "-.Inf", ".nan"])
TRICKY = st.one_of(DATE, TIMESTAMP, NUMBERISH, WORDS)


@bounded(300)
@given(text=TRICKY)
def test_a_dumped_string_reads_back_as_the_same_string_in_yaml_1_1_and_1_2(text: str) -> None:
    from ruamel.yaml import YAML

    from kconf.yamlio import dump_documents, load_documents

    data = {"name": text, "labels": {text: text}, "taints": [{"key": "k", "value": text}]}
    dumped = dump_documents([data])
    assert yaml.safe_load(dumped) == data, dumped  # YAML 1.1 (go-yaml's family)
    assert YAML(typ="safe", pure=True).load(io.StringIO(dumped)) == data, dumped  # YAML 1.2
    assert load_documents(dumped, "x")[0].data == data  # kconf itself


@bounded(12)
@given(date=DATE)
def test_a_date_like_node_name_renders_as_a_string(tmp_path_factory: pytest.TempPathFactory, date: str) -> None:
    tmp = tmp_path_factory.mktemp("date")
    text = HA_EXAMPLE.read_text().replace("name: cka-worker-3,", f"name: {date},")
    (tmp / "cluster.yaml").write_text(text)
    result = run_cli("render", str(tmp / "cluster.yaml"), "-o", str(tmp / "out"))
    assert result.exit_code == 0, result.output
    join = yaml.safe_load((tmp / "out" / f"kubeadm-join-{date}.yaml").read_text())
    assert join["nodeRegistration"]["name"] == date


# --- a UTF-8 BOM (item 15) ----------------------------------------------------------------


@bounded(8)
@given(bom=st.booleans(), where=st.sampled_from(["stdout", "-o", "--in-place"]),
       cidr=st.sampled_from(["172.16.0.0/16", "10.244.0.0/16", "192.168.128.0/17"]))
def test_calico_patch_keeps_the_bom_exactly_when_the_input_has_one(
    tmp_path_factory: pytest.TempPathFactory, bom: bool, where: str, cidr: str
) -> None:
    tmp = tmp_path_factory.mktemp("bom")
    original = (require_corpus() / "v3.28.5" / "calico.yaml").read_bytes()
    (tmp / "plain.yaml").write_bytes(original)
    reference = run_cli("calico", "patch", str(tmp / "plain.yaml"), "--pod-cidr", cidr).stdout_bytes
    manifest = tmp / "calico.yaml"
    manifest.write_bytes((BOM if bom else b"") + original)
    args = ["calico", "patch", str(manifest), "--pod-cidr", cidr]
    if where == "stdout":
        data = run_cli(*args).stdout_bytes
    elif where == "-o":
        assert run_cli(*args, "-o", str(tmp / "out.yaml")).exit_code == 0
        data = (tmp / "out.yaml").read_bytes()
    else:
        assert run_cli(*args, "--in-place").exit_code == 0
        data = manifest.read_bytes()
    assert data == (BOM if bom else b"") + reference


# --- full and closed outputs (item 11) ----------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("outputs")
    shutil.copyfile(HA_EXAMPLE, tmp / "cluster.yaml")
    assert run_cli("render", str(tmp / "cluster.yaml")).exit_code == 0
    with open(tmp / "cka" / "hosts", "a") as handle:  # a finding, so every lint format prints
        handle.write("10.9.9.9 added-by-hand\n")
    shutil.copyfile(require_corpus() / "v3.28.5" / "calico.yaml", tmp / "calico.yaml")
    return tmp


COMMANDS = {
    "calico": ["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16"],
    "lint": ["lint", "cluster.yaml", "cka", "--strict"],
    "explain": ["lint", "--explain", "rendered-drift"],
}
FORMATS = ["text", "json", "sarif", "github"]


@bounded(10)
@given(command=st.sampled_from(sorted(COMMANDS)), output=st.sampled_from(["full", "closed"]), output_format=st.sampled_from(FORMATS))
def test_a_command_whose_output_cannot_be_written_fails_with_a_message(work: Path, command: str, output: str, output_format: str) -> None:
    args = [sys.executable, "-m", "kconf", *COMMANDS[command]]
    if command == "lint":
        args += ["--format", output_format]
    env = {**os.environ, "KCONF_DEBUG": ""}
    if output == "full":
        with open("/dev/full", "w") as full:
            result = subprocess.run(args, cwd=work, stdout=full, stderr=subprocess.PIPE, timeout=30, env=env, check=False)
        expected = "kconf: error: standard output: cannot write: No space left on device"
    else:
        result = subprocess.run(args, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30, env=env,
                                check=False, preexec_fn=lambda: os.close(1))
        expected = "kconf: error: standard output is closed"
    stderr = result.stderr.decode()
    assert result.returncode == 2, (result.returncode, stderr)
    assert stderr.startswith(expected) and "internal error" not in stderr and "Traceback" not in stderr, stderr
