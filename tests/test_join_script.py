"""join-<node>.sh, run for real with fake kubeadm and kubectl on PATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import GOLDEN, require_tool, run_cli

TOKEN = "abcdef.0123456789abcdef"
CA_HASH = "sha256:" + "ab" * 32
CERT_KEY = "0123456789" * 6 + "abcd"
SECRETS = (TOKEN, CA_HASH, CERT_KEY, CA_HASH[7:])

HA_CASE = GOLDEN / "ha-haproxy"


class Scripts(NamedTuple):
    worker: Path
    control_plane: Path


@pytest.fixture(scope="module")
def rendered_scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HA golden description rendered now, into a folder of its own: the
    behaviour tests run on what the template writes today, not only on the
    committed golden scripts (which a regeneration could carry a bug into)."""
    out = tmp_path_factory.mktemp("rendered") / "cka"
    result = run_cli("render", str(HA_CASE / "cluster.yaml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(params=["golden", "rendered"])
def scripts(request: pytest.FixtureRequest) -> Scripts:
    folder = HA_CASE / "cka" if request.param == "golden" else request.getfixturevalue("rendered_scripts")
    return Scripts(folder / "join-cka-worker-1.sh", folder / "join-cka-cp-2.sh")

FAKE_KUBEADM = r"""#!/usr/bin/env bash
# Records each call; "join" fails while $FAKE/join-failures is above zero.
printf '%s\n' "$*" >>"$FAKE/calls"
if [[ $1 == join ]]; then
    config=$3
    stat -c '%a' "$config" >>"$FAKE/modes"
    printf '%s\n' "$config" >>"$FAKE/paths"
    cp "$config" "$FAKE/config-seen"
    left=$(cat "$FAKE/join-failures" 2>/dev/null || echo 0)
    if ((left > 0)); then
        echo $((left - 1)) >"$FAKE/join-failures"
        echo "error execution phase preflight: couldn't validate the identity of the API Server" >&2
        exit 1
    fi
fi
exit 0
"""

FAKE_KUBECTL = r"""#!/usr/bin/env bash
printf 'kubectl %s\n' "$*" >>"$FAKE/calls"
left=$(cat "$FAKE/unregistered" 2>/dev/null || echo 0)
if ((left > 0)); then
    echo $((left - 1)) >"$FAKE/unregistered"
    exit 1
fi
exit 0
"""


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    fake_dir = tmp_path / "fake"
    bin_dir = fake_dir / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in (("kubeadm", FAKE_KUBEADM), ("kubectl", FAKE_KUBECTL)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    (fake_dir / "tmp").mkdir()
    return fake_dir


def run(script: Path, fake: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin",
        "FAKE": str(fake),
        "TMPDIR": str(fake / "tmp"),
        "KCONF_JOIN_PAUSE": "0",
        "KCONF_JOIN_WAIT": "0",
        **env,
    }
    return subprocess.run(["bash", str(script)], env=environment, capture_output=True, text=True, timeout=60)


def calls(fake: Path) -> list[str]:
    path = fake / "calls"
    return path.read_text().splitlines() if path.exists() else []


def assert_no_secret(result: subprocess.CompletedProcess[str]) -> None:
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr


def test_worker_joins_with_a_0600_copy_that_is_removed(fake: Path, scripts: Scripts) -> None:
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "join-cka-worker-1.sh: node cka-worker-1 joined the cluster\n"
    assert calls(fake) == [
        f"join --config {(fake / 'paths').read_text().strip()}",
        "kubectl --kubeconfig /etc/kubernetes/kubelet.conf get node cka-worker-1 -o name",
    ]
    assert (fake / "modes").read_text() == "600\n"
    seen = (fake / "config-seen").read_text()
    assert f'token: "{TOKEN}"' in seen and f'- "{CA_HASH}"' in seen
    assert "${KCONF" not in seen
    assert not Path((fake / "paths").read_text().strip()).exists()
    assert list((fake / "tmp").iterdir()) == []
    assert_no_secret(result)


def test_control_plane_needs_and_fills_the_certificate_key(fake: Path, scripts: Scripts) -> None:
    missing = run(scripts.control_plane, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH)
    assert missing.returncode == 1
    assert missing.stderr == (
        "join-cka-cp-2.sh: set KCONF_CERTIFICATE_KEY to the 64 hex digit key "
        "(on cka-cp-1: sudo kubeadm init phase upload-certs --upload-certs --config kubeadm-init.yaml)\n"
    )
    assert calls(fake) == []
    result = run(scripts.control_plane, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_CERTIFICATE_KEY=CERT_KEY)
    assert result.returncode == 0, result.stderr
    seen = (fake / "config-seen").read_text()
    assert f'certificateKey: "{CERT_KEY}"' in seen
    assert "advertiseAddress: 192.168.51.82" in seen
    assert_no_secret(result)


def test_failed_joins_are_reset_and_retried(fake: Path, scripts: Scripts) -> None:
    (fake / "join-failures").write_text("2\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH)
    assert result.returncode == 0, result.stderr
    log = calls(fake)
    assert [c.split()[0] for c in log] == ["join", "reset", "join", "reset", "join", "kubectl"]
    assert log[1] == "reset -f --cri-socket unix:///var/run/cri-dockerd.sock"
    assert "try 1 of 5 failed; kubeadm reset -f, then join again in 0s" in result.stderr
    assert "try 2 of 5 failed" in result.stderr
    assert list((fake / "tmp").iterdir()) == []
    assert_no_secret(result)


def test_gives_up_after_the_bounded_number_of_tries(fake: Path, scripts: Scripts) -> None:
    (fake / "join-failures").write_text("99\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_JOIN_ATTEMPTS="3")
    assert result.returncode == 1
    assert [c.split()[0] for c in calls(fake)] == ["join", "reset", "join", "reset", "join"]
    assert result.stderr.endswith(
        "join-cka-worker-1.sh: node cka-worker-1 did not join after 3 tries; see the kubeadm output above "
        "and 'journalctl -u kubelet' on this node\n"
    )
    assert list((fake / "tmp").iterdir()) == []
    assert_no_secret(result)


def test_a_join_whose_node_does_not_register_is_retried(fake: Path, scripts: Scripts) -> None:
    (fake / "unregistered").write_text("1\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH)
    assert result.returncode == 0
    assert [c.split()[0] for c in calls(fake)] == ["join", "kubectl", "reset", "join", "kubectl"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"KCONF_CA_CERT_HASH": CA_HASH}, "set KCONF_TOKEN to a bootstrap token", id="no-token"),
        pytest.param({"KCONF_TOKEN": "abcdef.0123456789ABCDEF", "KCONF_CA_CERT_HASH": CA_HASH}, "set KCONF_TOKEN", id="upper-case-token"),
        pytest.param({"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": "ab" * 32}, "set KCONF_CA_CERT_HASH", id="hash-without-sha256"),
        pytest.param({"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_JOIN_ATTEMPTS": "0"}, "KCONF_JOIN_ATTEMPTS must be", id="zero-attempts"),
        pytest.param({"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_JOIN_PAUSE": "1;id"}, "KCONF_JOIN_PAUSE must be", id="bad-pause"),
    ],
)
def test_bad_values_stop_before_kubeadm(fake: Path, scripts: Scripts, env: dict[str, str], message: str) -> None:
    result = run(scripts.worker, fake, **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert calls(fake) == []
    assert list((fake / "tmp").iterdir()) == []
    assert_no_secret(result)


VALID_SECRETS = {"KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH, "KCONF_CERTIFICATE_KEY": CERT_KEY}
REFUSALS = {
    "KCONF_TOKEN": "set KCONF_TOKEN to a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}; kubeadm token create)",
    "KCONF_CA_CERT_HASH": "set KCONF_CA_CERT_HASH to sha256:<64 hex digits> (kubeadm token create --print-join-command)",
    "KCONF_CERTIFICATE_KEY": "set KCONF_CERTIFICATE_KEY to the 64 hex digit key (on cka-cp-1: sudo kubeadm init phase upload-certs --upload-certs --config kubeadm-init.yaml)",
}
# Each is a valid value with something around it: a regex that lost its ^ or
# $ anchor lets it through, and the first two would write YAML of their own
# into the join configuration (the values are put inside double quotes).
TAMPERINGS = [
    pytest.param(lambda v: v + '"\n  unsafeSkipCAVerification: true\n#', id="quote-newline-yaml"),
    pytest.param(lambda v: v + '"\nx: y', id="quote-newline-key"),
    pytest.param(lambda v: v + "\n", id="trailing-newline"),
    pytest.param(lambda v: v + " ", id="trailing-space"),
    pytest.param(lambda v: v + "0", id="trailing-character"),
    pytest.param(lambda v: v + " and more", id="trailing-text"),
    pytest.param(lambda v: " " + v, id="leading-space"),
    pytest.param(lambda v: "x" + v, id="leading-text"),
]
SECRET_SCRIPTS = [
    pytest.param("KCONF_TOKEN", "worker", id="token-worker"),
    pytest.param("KCONF_TOKEN", "control_plane", id="token-control-plane"),
    pytest.param("KCONF_CA_CERT_HASH", "worker", id="ca-hash-worker"),
    pytest.param("KCONF_CA_CERT_HASH", "control_plane", id="ca-hash-control-plane"),
    pytest.param("KCONF_CERTIFICATE_KEY", "control_plane", id="certificate-key-control-plane"),
]


@pytest.mark.parametrize("tamper", TAMPERINGS)
@pytest.mark.parametrize(("variable", "role"), SECRET_SCRIPTS)
def test_a_secret_with_anything_around_it_is_refused_before_kubeadm(
    fake: Path, scripts: Scripts, variable: str, role: str, tamper: Any
) -> None:
    script = getattr(scripts, role)
    bad = tamper(VALID_SECRETS[variable])
    result = run(script, fake, **{**VALID_SECRETS, variable: bad})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{script.name}: {REFUSALS[variable]}\n"
    assert calls(fake) == []  # kubeadm never ran
    assert list((fake / "tmp").iterdir()) == []  # no filled-in copy was made
    assert_no_secret(result)
    assert bad not in result.stderr


def test_tracing_is_switched_off_even_under_bash_x(fake: Path, scripts: Scripts) -> None:
    environment = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin", "FAKE": str(fake), "TMPDIR": str(fake / "tmp"),
        "KCONF_JOIN_PAUSE": "0", "KCONF_JOIN_WAIT": "0", "KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": CA_HASH,
    }
    result = subprocess.run(["bash", "-x", str(scripts.worker)], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert_no_secret(result)


GOLDEN_SCRIPTS = [pytest.param(p, id=p.name) for p in sorted(GOLDEN.glob("*/*/join-*.sh"))]


def test_there_are_golden_scripts_of_both_roles() -> None:
    names = [p.values[0].name for p in GOLDEN_SCRIPTS]  # type: ignore[union-attr]
    assert "join-cka-worker-1.sh" in names and "join-cka-cp-2.sh" in names and len(names) == 22


@pytest.mark.parametrize("script", GOLDEN_SCRIPTS)
def test_scripts_parse_and_pass_shellcheck(script: Path) -> None:
    assert_parses_and_passes_shellcheck(script)


def test_freshly_rendered_scripts_parse_and_pass_shellcheck(rendered_scripts: Path) -> None:
    scripts = sorted(rendered_scripts.glob("join-*.sh"))
    assert [p.name for p in scripts] == [
        "join-cka-cp-2.sh", "join-cka-cp-3.sh", "join-cka-worker-1.sh", "join-cka-worker-2.sh", "join-cka-worker-3.sh",
    ]
    for script in scripts:
        assert_parses_and_passes_shellcheck(script)


def assert_parses_and_passes_shellcheck(script: Path) -> None:
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert "set -x" not in script.read_text()
    assert os.access(script, os.X_OK)
    shellcheck = require_tool("shellcheck")
    result = subprocess.run([shellcheck, "-s", "bash", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
