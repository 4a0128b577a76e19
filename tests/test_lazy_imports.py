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


# --- what each command may load at start-up (issue 16) ---------------------------------
#
# Whole module names, through the console script's own entry (kconf.entry),
# so `kconf --version` is probed as users run it. A heavy module is "no"
# (never loaded), "yes" (the command needs it: the row proves the probe sees
# it) or absent from the row (either is fine). Start-up time is most of a
# pre-commit hook's run: a change that loads one of these where the table
# says no is a regression of bench/startup.py's figures.

ENTRY_PROBE = """\
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["kconf", *sys.argv[1:]]
from kconf.entry import main
main()
"""

HEAVY = {
    "click": "click",
    "jsonschema": "jsonschema",
    "jinja2": "jinja2",
    "ruamel": "ruamel.yaml",
    "deepdiff": "deepdiff",
    "yaml": "yaml",  # PyYAML: its package loads its pure-Python loader and dumper too
    "kconf.cli": "kconf.cli",
    "kconf.lint.reporters": "kconf.lint.reporters",
    "kconf.lint.rules": "kconf.lint.rules",  # the rule catalogue and every rule module
    "kconf.render": "kconf.render",
    "kconf.calico.patch": "kconf.calico.patch",  # the manifest editor: its own command, and manifests to lint or render
    "dataclasses": "dataclasses",  # with inspect, ast, dis and tokenize, ~8 ms; and ~0.5 ms for each class made
}

Check = Any  # (CompletedProcess, cwd) -> whether the command did its work

STARTUP_TABLE: list[tuple[str, list[str], dict[str, bool], Check]] = [
    ("version", ["--version"], {
        "click": False, "jsonschema": False, "jinja2": False, "ruamel": False, "deepdiff": False, "yaml": False,
        "kconf.cli": False, "kconf.lint.reporters": False, "kconf.lint.rules": False, "kconf.render": False,
        "kconf.calico.patch": False,
    }, lambda r, cwd: r.stdout == "kconf, version 0.1.0\n"),
    ("help", ["--help"], {
        "click": True, "kconf.cli": True, "jsonschema": False, "jinja2": False, "ruamel": False, "deepdiff": False,
        "yaml": False, "kconf.lint.reporters": False, "kconf.lint.rules": False, "kconf.render": False,
        "kconf.calico.patch": False,
    }, lambda r, cwd: r.stdout.startswith("Usage: kconf ")),
    ("lint-help", ["lint", "--help"], {
        "click": True, "jsonschema": False, "jinja2": False, "ruamel": False, "deepdiff": False, "yaml": False,
        "kconf.lint.reporters": False, "kconf.lint.rules": False,
    }, lambda r, cwd: r.stdout.startswith("Usage: kconf lint ")),
    ("calico-patch", ["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16"], {
        # parsed by kconf.commandline: no click; no dataclass on its path
        "click": False, "kconf.cli": False, "dataclasses": False, "yaml": True, "kconf.calico.patch": True, "jsonschema": False, "jinja2": False, "ruamel": False,
        "deepdiff": False, "kconf.lint.reporters": False, "kconf.lint.rules": False, "kconf.render": False,
    }, lambda r, cwd: '              value: "172.16.0.0/16"\n' in r.stdout),
    ("lint-golden", ["lint", "--format", "json", str(GOLDEN / "ha-haproxy")], {
        # operator mode: no manifest to read or patch, so not the manifest editor either; no click,
        # and no module on the lint path defines a dataclass
        "click": False, "kconf.cli": False, "dataclasses": False, "yaml": True, "kconf.lint.rules": True, "kconf.lint.reporters": True, "jinja2": True,
        "jsonschema": False, "ruamel": False, "deepdiff": False, "kconf.calico.patch": False,
    }, lambda r, cwd: json.loads(r.stdout) == {"findings": [], "files": 10, "unrecognised": []}),
    ("lint-not-kconfs", ["lint", "--format", "json", "values.yaml"], {
        # recognition is by regular expressions first: nothing here is parsed, and no rule runs
        "click": False, "yaml": False, "kconf.lint.reporters": True, "kconf.lint.rules": False, "jsonschema": False,
        "jinja2": False, "ruamel": False, "deepdiff": False, "kconf.render": False, "kconf.calico.patch": False,
    }, lambda r, cwd: json.loads(r.stdout) == {"findings": [], "files": 0, "unrecognised": ["values.yaml"]}),
    ("schema", ["schema"], {
        "click": True, "yaml": False, "jsonschema": False, "jinja2": False, "ruamel": False, "deepdiff": False,
        "kconf.lint.reporters": False, "kconf.lint.rules": False, "kconf.render": False, "kconf.calico.patch": False,
    }, lambda r, cwd: r.stdout.startswith("{")),
    ("rules", ["rules"], {
        "kconf.lint.rules": True, "yaml": False, "jsonschema": False, "jinja2": False, "ruamel": False, "deepdiff": False,
        "kconf.lint.reporters": False, "kconf.render": False, "kconf.calico.patch": False,
    }, lambda r, cwd: "cidr-host-bits" in r.stdout),
    ("init", ["init"], {
        "jinja2": True, "yaml": False, "jsonschema": False, "ruamel": False, "deepdiff": False,
        "kconf.lint.reporters": False, "kconf.lint.rules": False, "kconf.render": False, "kconf.calico.patch": False,
    }, lambda r, cwd: "kind: Cluster\n" in r.stdout),
    ("migrate", ["migrate", "k.yaml"], {
        # the lint gate runs the rules on what it writes; the reporters only to list refused findings
        "yaml": True, "kconf.lint.rules": True, "kconf.lint.reporters": False, "jsonschema": False, "jinja2": False,
        "ruamel": False, "deepdiff": False, "kconf.render": False, "kconf.calico.patch": False,
    }, lambda r, cwd: r.stdout.startswith("apiVersion: kubeadm.k8s.io/v1beta4\n")),
    ("render", ["render", str(EXAMPLES / "aws" / "cluster.yaml"), "-o", "out"], {
        # operator mode (no upstream manifest to patch)
        "yaml": True, "jinja2": True, "kconf.render": True, "jsonschema": False, "ruamel": False, "deepdiff": False,
        "kconf.calico.patch": False,
    }, lambda r, cwd: len(list((cwd / "out").iterdir())) == 9),
]


@pytest.mark.parametrize(("args", "expected", "did_its_work"), [pytest.param(a, e, c, id=n) for n, a, e, c in STARTUP_TABLE])
def test_start_up_loads_what_the_table_says(tmp_path: Path, args: list[str], expected: dict[str, bool], did_its_work: Check) -> None:
    (tmp_path / "calico.yaml").write_text(MANIFEST)
    (tmp_path / "values.yaml").write_text("replicaCount: 1\nimage: {repository: nginx}\n")
    (tmp_path / "k.yaml").write_text(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\ncontrolPlaneEndpoint: k8s-api:6443\n"
    )
    result = subprocess.run([sys.executable, "-c", ENTRY_PROBE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    *messages, modules_line = result.stderr.strip().splitlines()
    assert result.returncode == 0, "\n".join(messages)  # a failing command proves nothing about its imports
    assert did_its_work(result, tmp_path), (result.stdout[-500:], messages[-5:])
    modules = set(json.loads(modules_line))
    assert "kconf.entry" in modules
    loaded_now = {name: any(m == module or m.startswith(module + ".") for m in modules) for name, module in HEAVY.items()}
    wrong = {name: loaded_now[name] for name, wanted in expected.items() if loaded_now[name] != wanted}
    assert wrong == {}, f"loaded (True) or not (False), against the table: {wrong}"


# kconf's own calico patch path, without the command line (click itself imports
# inspect): run_patch from import to written file. dataclasses (which imports
# inspect, ast, dis, tokenize) costs ~9 ms of every start, and each dataclass
# ~0.5 ms more to create: the modules of this path use named tuples and
# slotted classes instead.
PATCH_PROBE = """\
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from kconf.calico.patch import run_patch
def echo(message, *, err=False, nl=True):
    print(message, file=sys.stderr if err else sys.stdout)
sys.exit(run_patch(
    "calico.yaml", "172.16.0.0/16", "interface=eth0", encapsulation="VXLAN", block_size=24,
    output="patched.yaml", in_place=False, echo=echo,
))
"""


def test_calico_patch_loads_no_dataclasses(tmp_path: Path) -> None:
    (tmp_path / "calico.yaml").write_text(MANIFEST)
    result = subprocess.run([sys.executable, "-c", PATCH_PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    *messages, modules_line = result.stderr.strip().splitlines()
    assert result.returncode == 0, "\n".join(messages)
    patched = (tmp_path / "patched.yaml").read_text()
    assert '              value: "172.16.0.0/16"\n' in patched and "CALICO_IPV4POOL_VXLAN" in patched, patched
    modules = set(json.loads(modules_line))
    assert {"kconf.calico.patch", "kconf.calico.autodetect", "kconf.yamlio", "kconf.fsio"} <= modules
    assert modules & {"dataclasses", "inspect"} == set()


def test_the_version_fast_path_prints_what_click_prints() -> None:
    fast = subprocess.run([sys.executable, "-m", "kconf", "--version"], capture_output=True, text=True, timeout=60)
    via_click = subprocess.run(
        [sys.executable, "-c", "from kconf.cli import main; main(['--version'], prog_name='kconf')"],
        capture_output=True, text=True, timeout=60,
    )
    assert (fast.returncode, fast.stdout, fast.stderr) == (via_click.returncode, via_click.stdout, via_click.stderr) == (0, "kconf, version 0.1.0\n", "")


def _imported(args: list[str]) -> set[str]:
    """Modules a whole interpreter run imports, from ``-X importtime``."""
    result = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return {line.split("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:") and "|" in line} - {"imported package"}


def test_the_console_script_adds_only_kconf_to_a_bare_start() -> None:
    # bin/kconf is the script installers put on PATH (pyproject's script-files):
    # `kconf --version` imports nothing a bare `python -c pass` does not, but
    # kconf and its entry module (pip's generated wrapper imported `re`)
    script = str(Path(__file__).resolve().parents[1] / "bin" / "kconf")
    assert _imported([script, "--version"]) - _imported(["-c", "pass"]) == {"kconf", "kconf.entry"}
