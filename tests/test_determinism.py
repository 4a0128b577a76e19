"""Determinism across processes: the golden renders, lint output and calico
patch come out byte for byte the same whatever the hash seed (set and dict
iteration order of str keys) and the locale of the process."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, golden_cases, missing, require_corpus

# Runs in the child: every command in-process (one interpreter per
# environment), each output as base64, keyed by what it is.
DRIVER = """\
import base64, json, sys
from pathlib import Path
from click.testing import CliRunner
from kconf.cli import main

out, manifest = Path(sys.argv[1]), sys.argv[2]
runner = CliRunner()
results = {}

def run(name, *args):
    result = runner.invoke(main, list(args), catch_exceptions=False)
    results[name + ":exit"] = str(result.exit_code)
    results[name + ":stdout"] = base64.b64encode(result.stdout_bytes).decode()

for case in sys.argv[3:]:
    run("render " + case, "render", f"golden/{case}/cluster.yaml", "-o", str(out / case))
    for path in sorted((out / case).iterdir()):
        results[f"{case}/{path.name}"] = base64.b64encode(path.read_bytes()).decode()
        results[f"{case}/{path.name}:mode"] = oct(path.stat().st_mode & 0o777)
run("lint json", "lint", "--format", "json", "golden")
run("lint text", "lint", "--strict", "golden")
run("calico patch", "calico", "patch", manifest, "--pod-cidr", "172.16.0.0/16", "--autodetect", "cidr=192.168.51.0/24")
print(json.dumps(results, sort_keys=True))
"""


def available_locales() -> set[str]:
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.split()
    except OSError:
        return {"C"}
    # locale -a spells C.UTF-8 as C.utf8
    return {name.replace(".utf8", ".UTF-8") for name in listed} | {"C"}


ENVIRONMENTS = [
    pytest.param("0", "C", id="seed0-C"),
    pytest.param("1", "C.UTF-8", id="seed1-C.UTF-8"),
    pytest.param("random", "C", id="random-C"),
    pytest.param("random", "C.UTF-8", id="random-C.UTF-8"),
    pytest.param("random", "en_US.UTF-8", id="random-en_US.UTF-8"),
    # a comma as decimal point, and the dotless i that breaks lower()/upper()
    pytest.param("random", "de_DE.UTF-8", id="random-de_DE.UTF-8"),
    pytest.param("random", "tr_TR.UTF-8", id="random-tr_TR.UTF-8"),
]


def outputs(tmp_path: Path, seed: str, locale_name: str) -> dict[str, str]:
    manifest = require_corpus() / "v3.28.5" / "calico.yaml"
    out = tmp_path / f"out-{seed}-{locale_name}"
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONHASHSEED": seed,
        "LC_ALL": locale_name, "LANG": locale_name, "LANGUAGE": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(out), str(manifest), *(p.name for p in golden_cases())],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    results: dict[str, str] = json.loads(result.stdout)
    return results


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """seed 0, C locale: and it is the golden output."""
    results = outputs(tmp_path_factory.mktemp("reference"), "0", "C")
    for case in golden_cases():
        folder = case / case.name if (case / case.name).is_dir() else next(p for p in case.iterdir() if p.is_dir())
        for path in sorted(folder.iterdir()):
            assert base64.b64decode(results[f"{case.name}/{path.name}"]) == path.read_bytes(), f"{case.name}/{path.name}"
    assert {k: v for k, v in results.items() if k.endswith(":exit")} == {
        "calico patch:exit": "0", "lint json:exit": "0", "lint text:exit": "0",
        "render aws:exit": "0", "render dual-stack:exit": "0", "render ha-haproxy:exit": "0", "render ha-keepalived:exit": "0",
        "render ha-kube-vip:exit": "0", "render virtualbox-lab:exit": "0",
    }
    lint = json.loads(base64.b64decode(results["lint json:stdout"]))
    # 6 aws, 9 dual-stack, 10 ha-haproxy, 12 ha-keepalived (+ haproxy.cfg, 2 keepalived confs), 11 ha-kube-vip (3 Pods),
    # 5 virtualbox-lab (kubeadm-upgrade.yaml from 1.31)
    assert lint == {"findings": [], "files": 53, "unrecognised": []}
    assert b'value: "172.16.0.0/16"' in base64.b64decode(results["calico patch:stdout"])
    return results


@pytest.mark.parametrize(("seed", "locale_name"), ENVIRONMENTS)
def test_outputs_do_not_depend_on_hash_seed_or_locale(
    reference: dict[str, str], tmp_path: Path, seed: str, locale_name: str
) -> None:
    if locale_name not in available_locales():
        # Debian has only C and C.UTF-8 until locale-gen makes more (.ci/run does)
        missing(f"locale {locale_name} is not generated (locale-gen)")
    results = outputs(tmp_path, seed, locale_name)
    assert sorted(results) == sorted(reference)
    differing = sorted(key for key in reference if results[key] != reference[key])
    assert differing == [], f"PYTHONHASHSEED={seed} LC_ALL={locale_name}: {differing}"
