"""The kconf script and ``python -m kconf`` end through kconf.entry.run: the
status Python would give, stdout and stderr flushed, without Python's
teardown. Whole processes, as users run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, REPO
from kconf.entry import exit_status


def _kconf(*args: str, cwd: Path | None = None, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kconf", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=120)


def test_large_output_reaches_a_pipe_whole() -> None:
    result = _kconf("schema")
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == (REPO / "schemas" / "cluster.schema.json").read_bytes()


def test_findings_are_exit_1_with_the_report_and_the_summary(tmp_path: Path) -> None:
    (tmp_path / "k.yaml").write_text(
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n"
        "networking:\n  podSubnet: 172.178.33.10/16\n"
    )
    result = _kconf("lint", "--format", "json", "k.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, b"")
    assert "cidr-host-bits" in {f["rule"] for f in json.loads(result.stdout)["findings"]}
    text = _kconf("lint", "k.yaml", cwd=tmp_path)
    assert text.returncode == 1 and b"cidr-host-bits" in text.stdout
    assert b"error" in text.stderr  # the summary line, after the report


def test_errors_are_exit_2_on_stderr_click_s_usage_errors_too(tmp_path: Path) -> None:
    result = _kconf("calico", "patch", "missing.yaml", "--pod-cidr", "172.16.0.0/16", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.startswith(b"kconf: error: ") and b"missing.yaml" in result.stderr
    result = _kconf("no-such-command")
    assert result.returncode == 2 and b"No such command 'no-such-command'" in result.stderr


def test_a_clean_lint_and_the_version_are_exit_0() -> None:
    result = _kconf("lint", str(GOLDEN / "ha-haproxy"))
    assert (result.returncode, result.stdout) == (0, b"")
    assert result.stderr == b"All checks passed (10 files)\n"
    assert _kconf("--version").stdout == b"kconf, version 0.1.0\n"


def test_a_full_disk_on_stdout_is_an_error_not_a_silent_success() -> None:
    with open("/dev/full", "wb") as full:
        result = _kconf("schema", stdout=full.fileno())
    assert result.returncode == 2
    assert result.stderr == b"kconf: error: standard output: cannot write: No space left on device\n"


@pytest.mark.parametrize(("code", "status", "printed"), [(None, 0, ""), (0, 0, ""), (1, 1, ""), (2, 2, ""), (120, 120, ""), ("bye", 1, "bye\n")])
def test_exit_status_is_python_s(code: object, status: int, printed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status(code) == status
    assert capsys.readouterr().err == printed
