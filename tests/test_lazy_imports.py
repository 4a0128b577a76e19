"""Imports a command does not need stay unloaded (start-up time is most of a
pre-commit hook's run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, GOLDEN

PROBE = """\
import json, sys
from kconf.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)), file=sys.stderr)
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


def loaded(args: list[str], cwd: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("args", "not_loaded"),
    [
        pytest.param(["--help"], {"jsonschema", "jinja2", "deepdiff", "ruamel", "yaml"}, id="help"),
        pytest.param(
            ["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16"], {"jsonschema", "jinja2", "deepdiff"},
            id="calico-patch",
        ),
        pytest.param(["render", str(EXAMPLES / "aws" / "cluster.yaml"), "-o", "out"], {"deepdiff", "ruamel"}, id="render"),
        pytest.param(["lint", str(GOLDEN / "aws")], {"deepdiff", "ruamel"}, id="lint-without-drift"),
    ],
)
def test_commands_load_only_what_they_use(tmp_path: Path, args: list[str], not_loaded: set[str]) -> None:
    (tmp_path / "calico.yaml").write_text(MANIFEST)
    modules = loaded(args, tmp_path)
    assert "kconf" in modules
    assert modules & not_loaded == set()
