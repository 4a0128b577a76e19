"""Imports a command does not need stay unloaded (start-up time is most of a
pre-commit hook's run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, GOLDEN

# The real entry point, exit status and all; the loaded modules are written
# at interpreter exit, after the command has finished (or failed).
PROBE = """\
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr))
from kconf.cli import main
main(sys.argv[1:], prog_name="kconf")
"""

MANIFEST = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: calico-node
          image: docker.io/calico/node:v3.28.5
          env:
            - name: IP
              value: "autodetect"
            - name: CALICO_IPV4POOL_CIDR
              value: "192.168.0.0/16"
"""


def loaded(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    *messages, modules = result.stderr.strip().splitlines()
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout, "\n".join(messages)), set(json.loads(modules))


@pytest.mark.parametrize(
    ("args", "not_loaded", "did_its_work"),
    [
        pytest.param(
            ["--help"], {"jsonschema", "jinja2", "deepdiff", "ruamel", "yaml"},
            lambda result, cwd: result.stdout.startswith("Usage: kconf "),
            id="help",
        ),
        pytest.param(
            ["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16"], {"jsonschema", "jinja2", "deepdiff"},
            lambda result, cwd: '              value: "172.16.0.0/16"\n' in result.stdout,
            id="calico-patch",
        ),
        pytest.param(
            ["render", str(EXAMPLES / "aws" / "cluster.yaml"), "-o", "out"], {"deepdiff", "ruamel"},
            lambda result, cwd: (cwd / "out" / "kubeadm-init.yaml").is_file() and len(list((cwd / "out").iterdir())) == 9,
            id="render",
        ),
        pytest.param(
            ["lint", "--format", "json", str(GOLDEN / "aws")], {"deepdiff", "ruamel"},
            lambda result, cwd: json.loads(result.stdout) == {"findings": [], "files": 6, "unrecognised": []},
            id="lint-without-drift",
        ),
    ],
)
def test_commands_load_only_what_they_use(
    tmp_path: Path, args: list[str], not_loaded: set[str], did_its_work: Any
) -> None:
    (tmp_path / "calico.yaml").write_text(MANIFEST)
    result, modules = loaded(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert did_its_work(result, tmp_path), (result.stdout, result.stderr)
    assert "kconf" in modules
    assert modules & not_loaded == set()


def test_the_probe_reports_a_failing_command() -> None:
    result, modules = loaded(["render", "no-such-file.yaml"], Path.cwd())
    assert result.returncode == 2
    assert result.stderr.startswith("kconf: error: no-such-file.yaml")
    assert "kconf" in modules
