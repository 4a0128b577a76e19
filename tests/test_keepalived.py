"""keepalived-<host>.conf and check_apiserver.sh as the real programs see
them: Debian's `keepalived --config-test` on every rendered config (in a
network namespace of its own that has the config's interface, with
/etc/keepalived bind-mounted from a temporary folder in a mount namespace of
its own, so nothing on the host changes), shellcheck on the script, and the
script's behaviour with stand-in curl and ip. The failover itself:
tests/test_keepalived_failover.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import GOLDEN, missing, require_tool
from kconf.description import load_cluster
from kconf.render import render_files

KEEPALIVED_CASES = sorted(GOLDEN.glob("*/*/keepalived-*.conf"))
SCRIPTS = sorted(GOLDEN.glob("*/*/check_apiserver.sh"))


def test_there_are_golden_keepalived_files() -> None:
    assert [p.name for p in KEEPALIVED_CASES] == ["keepalived-cka-hap-1.conf", "keepalived-cka-hap-2.conf"]
    assert [p.parent.parent.name for p in SCRIPTS] == ["ha-keepalived"]


def config_test(config: Path, interface: str, script: Path) -> subprocess.CompletedProcess[str]:
    """`keepalived --config-test` as on an LB host: in a fresh network
    namespace with `interface` up, and check_apiserver.sh at its installed
    path (a private mount namespace bind-mounts a temporary /etc/keepalived)."""
    keepalived = require_tool("keepalived", "/usr/sbin:/sbin")
    if os.geteuid() != 0 or shutil.which("ip") is None or not Path("/etc/keepalived").is_dir():
        missing("keepalived --config-test needs root, ip and /etc/keepalived (Debian's keepalived package) for its namespaces")
    name = f"kconf-kt-{uuid.uuid4().hex[:8]}"
    etc = config.parent / f"etc-{name}"
    etc.mkdir(mode=0o755)
    shutil.copy(script, etc / "check_apiserver.sh")
    (etc / "check_apiserver.sh").chmod(0o755)
    subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
    try:
        ns = ["ip", "-n", name]
        subprocess.run([*ns, "link", "add", interface, "type", "veth", "peer", "name", "kt-peer"], check=True, timeout=10)
        subprocess.run([*ns, "link", "set", interface, "up"], check=True, timeout=10)
        subprocess.run([*ns, "addr", "add", "192.0.2.11/24", "dev", interface], check=True, timeout=10)
        return subprocess.run(
            ["ip", "netns", "exec", name, "unshare", "-m", "sh", "-c",
             'mount --bind "$1" /etc/keepalived && exec "$2" --config-test -f "$3"', "sh", str(etc), keepalived, str(config)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    finally:
        subprocess.run(["ip", "netns", "del", name], timeout=10)


def interface_of(config: Path) -> str:
    (line,) = [line for line in config.read_text().splitlines() if line.strip().startswith("interface ")]
    return line.split()[1]


@pytest.mark.parametrize("config", KEEPALIVED_CASES, ids=lambda p: p.name)
def test_keepalived_accepts_every_rendered_config(config: Path, tmp_path: Path) -> None:
    copy = tmp_path / config.name
    shutil.copy(config, copy)
    result = config_test(copy, interface_of(config), config.parent / "check_apiserver.sh")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("virtual_router_id 51", "virtual_router_id 256", id="router-id-out-of-range"),
        pytest.param("    state BACKUP\n", "    state BACKUP\n    bogus_keyword 1\n", id="unknown-keyword"),
    ],
)
def test_the_judge_can_refuse(tmp_path: Path, old: str, new: str) -> None:
    config = next(p for p in KEEPALIVED_CASES if p.name.endswith("hap-2.conf"))
    broken = tmp_path / config.name
    broken.write_text(config.read_text().replace(old, new))
    assert broken.read_text() != config.read_text()
    result = config_test(broken, interface_of(config), config.parent / "check_apiserver.sh")
    assert result.returncode != 0, result.stdout + result.stderr


def test_keepalived_accepts_a_config_for_another_interface_and_three_hosts(tmp_path: Path) -> None:
    text = (GOLDEN / "ha-keepalived" / "cluster.yaml").read_text().replace("interface: enp0s8", "interface: eth1")
    text = text.replace(
        "      - {name: cka-hap-2, address: 192.168.51.79/24, interface: eth1}\n",
        "      - {name: cka-hap-2, address: 192.168.51.79/24, interface: eth1}\n"
        "      - {name: cka-hap-3, address: 192.168.51.77/24, interface: eth1}\n",
    )
    (tmp_path / "cluster.yaml").write_text(text)
    files = render_files(load_cluster(str(tmp_path / "cluster.yaml")))
    (tmp_path / "check_apiserver.sh").write_bytes(files["check_apiserver.sh"].data)
    priorities = []
    for host in ("cka-hap-1", "cka-hap-2", "cka-hap-3"):
        config = tmp_path / f"keepalived-{host}.conf"
        config.write_bytes(files[config.name].data)
        result = config_test(config, "eth1", tmp_path / "check_apiserver.sh")
        assert result.returncode == 0, result.stdout + result.stderr
        priorities.append(next(line.split()[1] for line in config.read_text().splitlines() if line.strip().startswith("priority ")))
    assert priorities == ["150", "140", "130"]
    assert "    weight -30\n" in files["keepalived-cka-hap-1.conf"].data.decode()  # a failed host drops below every healthy one


# --- check_apiserver.sh ---------------------------------------------------------------------


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.parent.parent.name)
def test_check_script_parses_and_passes_shellcheck(script: Path) -> None:
    assert subprocess.run(["sh", "-n", str(script)], timeout=10).returncode == 0
    assert os.access(script, os.X_OK)
    result = subprocess.run([require_tool("shellcheck"), "-s", "sh", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def stand_ins(folder: Path, *, holder: bool, failing: str | None) -> dict[str, str]:
    """PATH with a curl that logs its URL (and fails for `failing`) and an ip
    that shows the VIP only on the holder."""
    folder.mkdir()
    (folder / "curl").write_text(
        '#!/bin/sh\nfor a; do url=$a; done\necho "$url" >>"$KCONF_LOG"\n'
        '[ "$url" != "$KCONF_FAIL" ]\n'
    )
    (folder / "ip").write_text(
        '#!/bin/sh\n[ "$KCONF_HOLDER" = yes ] && echo "2: enp0s8    inet 192.168.51.80/24 scope global secondary enp0s8"\nexit 0\n'
    )
    for name in ("curl", "ip"):
        (folder / name).chmod(0o755)
    return {"PATH": f"{folder}:/usr/bin:/bin", "KCONF_HOLDER": "yes" if holder else "no", "KCONF_FAIL": failing or "-"}


@pytest.mark.parametrize(
    ("holder", "failing", "code", "asked", "message"),
    [
        pytest.param(False, None, 0, ["https://127.0.0.1:6443/readyz"], "", id="backup-local-ready"),
        pytest.param(True, None, 0, ["https://127.0.0.1:6443/readyz", "https://192.168.51.80:6443/readyz"], "", id="holder-both-ready"),
        pytest.param(False, "https://127.0.0.1:6443/readyz", 1, ["https://127.0.0.1:6443/readyz"],
                     "check_apiserver: GET https://127.0.0.1:6443/readyz failed\n", id="local-frontend-down"),
        pytest.param(True, "https://192.168.51.80:6443/readyz", 1, ["https://127.0.0.1:6443/readyz", "https://192.168.51.80:6443/readyz"],
                     "check_apiserver: GET https://192.168.51.80:6443/readyz failed\n", id="vip-down-on-the-holder"),
    ],
)
def test_check_script_behaviour(tmp_path: Path, holder: bool, failing: str | None, code: int, asked: list[str], message: str) -> None:
    (script,) = SCRIPTS
    log = tmp_path / "log"
    env = {**stand_ins(tmp_path / "bin", holder=holder, failing=failing), "KCONF_LOG": str(log)}
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=10)
    assert (result.returncode, result.stderr) == (code, message)
    assert log.read_text().splitlines() == asked


def test_check_script_without_curl_says_so(tmp_path: Path) -> None:
    (script,) = SCRIPTS
    (tmp_path / "bin").mkdir()
    result = subprocess.run(["/bin/sh", str(script)], env={"PATH": str(tmp_path / "bin")}, capture_output=True, text=True, timeout=10)
    assert (result.returncode, result.stderr) == (1, "check_apiserver: curl is not installed\n")
