"""The package as pre-commit installs it: non-editable, used from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO


def test_non_editable_install_ships_schemas_and_templates(tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    package = target / "kconf"
    assert (package / "schemas" / "cluster.schema.json").is_file()
    assert sorted(p.name for p in (package / "schemas" / "kubeadm" / "v1beta4").glob("*.json")) == [
        "ClusterConfiguration.json", "InitConfiguration.json", "JoinConfiguration.json",
        "ResetConfiguration.json", "UpgradeConfiguration.json",
    ]
    assert sorted(p.name for p in (package / "templates").glob("*.j2")) == ["PLAN.md.j2", "check_apiserver.sh.j2", "cluster.yaml.j2", "haproxy.cfg.j2", "hosts.j2", "join.sh.j2", "keepalived.conf.j2"]

    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def kconf(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kconf", *args], cwd=work, env=env, capture_output=True, text=True, timeout=60)

    version = kconf("--version")
    assert version.returncode == 0 and version.stdout.startswith("kconf, version ")
    # the `kconf` command itself (pyproject's script-files), with its first line made this python's
    script = target / "bin" / "kconf"
    assert script.read_text().splitlines()[0] == f"#!{sys.executable}"
    command = subprocess.run([str(script), "lint", "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert command.returncode == 0 and command.stdout.startswith("Usage: kconf lint "), command.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import kconf, kconf.schemas; print(kconf.__file__); print(kconf.schemas.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, timeout=60,
    )
    assert [Path(line).parent.name for line in where.stdout.split()] == ["kconf", "schemas"]
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    assert "render" in kconf("--help").stdout
    rendered = kconf("render", str(EXAMPLES / "ha-haproxy" / "cluster.yaml"), "-o", "out")
    assert rendered.returncode == 0, rendered.stderr
    assert (work / "out" / "haproxy.cfg").read_text().count("    server ") == 3
    # kconf.graph is a package of its own: shipped too
    drawn = kconf("graph", str(EXAMPLES / "ha-haproxy" / "cluster.yaml"), "-o", "cka.svg")
    assert drawn.returncode == 0, drawn.stderr
    assert (work / "cka.svg").read_text().count('<g id="node-cka-cp-') == 3
    # init's template and the schema kconf schema prints are package data too
    assert kconf("init", "new/cluster.yaml").returncode == 0
    assert (work / "new" / "cluster.yaml").read_text().startswith("# yaml-language-server: $schema=cluster.schema.json\n")
    printed = kconf("schema")
    assert printed.returncode == 0 and printed.stdout == (REPO / "schemas" / "cluster.schema.json").read_text()


def test_package_data_is_read_from_the_package_folder_and_through_importlib_resources_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """kconf.resources reads the files beside the data packages' __init__.py;
    where that is no folder (a zip) it goes through importlib.resources. Both
    give the same bytes, and a missing file is an error either way."""
    from importlib.resources import files

    from kconf import resources

    names = [("kconf.schemas", "cluster.schema.json"), ("kconf.schemas", "kubeadm/v1beta4/ClusterConfiguration.json"),
             ("kconf.templates", "haproxy.cfg.j2")]  # fmt: skip
    direct = [resources.read_bytes(package, name) for package, name in names]
    assert resources._folder("kconf.schemas") is not None
    monkeypatch.setattr(resources, "_folder", lambda package: None)
    through = [resources.read_bytes(package, name) for package, name in names]
    expected = []
    for package, name in names:
        node = files(package)
        for part in name.split("/"):
            node = node.joinpath(part)
        expected.append(node.read_bytes())
    assert direct == through == expected
    assert direct[0].startswith(b"{") and b"backend" in direct[2]
    with pytest.raises(OSError):
        resources.read_bytes("kconf.schemas", "no-such.json")
