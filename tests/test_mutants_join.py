"""join-<node>.sh behaviours that hand-written mutants of templates/join.sh.j2 showed untested.

The scripts are rendered from the template into a temporary folder (not read
from golden/), so a change to the template is seen here even before golden is
regenerated; tools/mutation/run runs this file against each template mutant.
`sleep` is faked, so the default pauses and waits are checked without waiting.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import joinfakes
from conftest import GOLDEN, run_cli

TOKEN = "abcdef.0123456789abcdef"
CA_HASH = "sha256:" + "ab" * 32
CERT_KEY = "0123456789" * 6 + "abcd"

FAKE_TOOLS = {
    "kubeadm": r"""#!/usr/bin/env bash
printf '%s\n' "${1:-}" >>"$FAKE/calls"
if [[ ${1:-} == join ]]; then
    left=$(cat "$FAKE/join-failures" 2>/dev/null || echo 0)
    if ((left > 0)); then echo $((left - 1)) >"$FAKE/join-failures"; exit 1; fi
fi
exit 0
""",
    "kubectl": r"""#!/usr/bin/env bash
printf 'kubectl\n' >>"$FAKE/calls"
left=$(cat "$FAKE/unregistered" 2>/dev/null || echo 0)
if ((left > 0)); then echo $((left - 1)) >"$FAKE/unregistered"; exit 1; fi
exit 0
""",
    "sleep": r"""#!/usr/bin/env bash
printf 'sleep %s\n' "$*" >>"$FAKE/calls"
""",
}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rendered")
    result = run_cli("render", str(GOLDEN / "ha-haproxy" / "cluster.yaml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    (tmp_path / "bin").mkdir()
    for name, body in FAKE_TOOLS.items():
        (tmp_path / "bin" / name).write_text(body)
        (tmp_path / "bin" / name).chmod(0o755)
    joinfakes.install(tmp_path / "bin")
    (tmp_path / "tmp").mkdir()
    return tmp_path


def run(script: Path, fake: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin", "FAKE": str(fake), "TMPDIR": str(fake / "tmp"),
        **joinfakes.HA_HOSTS[script.name], **env,
    }
    return subprocess.run(["bash", str(script)], env=environment, capture_output=True, text=True, timeout=60)


def calls(fake: Path) -> list[str]:
    path = fake / "calls"
    return path.read_text().splitlines() if path.exists() else []


TOKEN_MESSAGE = "set KCONF_TOKEN to a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}; kubeadm token create)"
HASH_MESSAGE = "set KCONF_CA_CERT_HASH to sha256:<64 hex digits> (kubeadm token create --print-join-command)"
KEY_MESSAGE = "set KCONF_CERTIFICATE_KEY to the 64 hex digit key (on cka-cp-1: sudo kubeadm init phase upload-certs --upload-certs --config kubeadm-init.yaml)"


@pytest.mark.parametrize(
    ("script", "env", "message"),
    [
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH + '"\nx: y'}, HASH_MESSAGE, id="hash-injection"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH + "ab"}, HASH_MESSAGE, id="hash-trailing-hex"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": "x" + CA_HASH}, HASH_MESSAGE, id="hash-leading-text"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": "sha256:abcd"}, HASH_MESSAGE, id="hash-too-short"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": TOKEN + "x", "KCONF_CA_CERT_HASH": CA_HASH}, TOKEN_MESSAGE, id="token-trailing-text"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": "x" + TOKEN, "KCONF_CA_CERT_HASH": CA_HASH}, TOKEN_MESSAGE, id="token-leading-text"),
        pytest.param("join-cka-worker-1.sh", {"KCONF_TOKEN": "abcdefx0123456789abcdef", "KCONF_CA_CERT_HASH": CA_HASH}, TOKEN_MESSAGE, id="token-without-dot"),
        pytest.param("join-cka-cp-2.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_CERTIFICATE_KEY": CERT_KEY + '"\nx: y'}, KEY_MESSAGE, id="key-injection"),
        pytest.param("join-cka-cp-2.sh", {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_CERTIFICATE_KEY": "x" + CERT_KEY}, KEY_MESSAGE, id="key-leading-text"),
    ],
)
def test_secrets_with_extra_text_stop_before_kubeadm(scripts: Path, fake: Path, script: str, env: dict[str, str], message: str) -> None:
    result = run(scripts / script, fake, {"KCONF_JOIN_PAUSE": "0", "KCONF_JOIN_WAIT": "0", **env})
    assert (result.returncode, result.stderr) == (1, f"{script}: {message}\n")
    assert calls(fake) == []
    assert list((fake / "tmp").iterdir()) == []


def test_defaults_are_five_tries_twenty_seconds_apart(scripts: Path, fake: Path) -> None:
    (fake / "join-failures").write_text("99\n")
    result = run(scripts / "join-cka-worker-1.sh", fake, {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH})
    assert result.returncode == 1
    assert calls(fake) == ["join"] + ["reset", "sleep 20", "join"] * 4
    assert "try 4 of 5 failed; kubeadm reset -f, then join again in 20s\n" in result.stderr
    assert result.stderr.endswith("did not join after 5 tries; see the kubeadm output above and 'journalctl -u kubelet' on this node\n")


@pytest.mark.parametrize(
    ("unregistered", "expected"),
    [
        # registered at the 13th look, after 12 pauses of 5 s: exactly the default 60 s
        pytest.param(12, ["join"] + ["kubectl", "sleep 5"] * 12 + ["kubectl"], id="registers-at-60s"),
        # not registered after 60 s: reset, join again
        pytest.param(13, ["join"] + ["kubectl", "sleep 5"] * 12 + ["kubectl", "reset", "sleep 0", "join", "kubectl"], id="gives-up-after-60s"),
    ],
)
def test_default_registration_wait_is_sixty_seconds(scripts: Path, fake: Path, unregistered: int, expected: list[str]) -> None:
    (fake / "unregistered").write_text(f"{unregistered}\n")
    env = {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_JOIN_PAUSE": "0"}
    result = run(scripts / "join-cka-worker-1.sh", fake, env)
    assert (result.returncode, result.stdout) == (0, "join-cka-worker-1.sh: node cka-worker-1 joined the cluster\n")
    assert calls(fake) == expected
