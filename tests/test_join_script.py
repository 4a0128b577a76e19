"""join-<node>.sh, run for real with fake kubeadm and kubectl (and the host
tools of tests/joinfakes.py: id, hostname, ip, getent, curl) on PATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import joinfakes
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
    joinfakes.install(bin_dir)
    (fake_dir / "tmp").mkdir()
    return fake_dir


def run(script: Path, fake: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The script on its own host (HA_HOSTS; ``env`` may say otherwise)."""
    environment = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin",
        "FAKE": str(fake),
        "TMPDIR": str(fake / "tmp"),
        "KCONF_JOIN_PAUSE": "0",
        "KCONF_JOIN_WAIT": "0",
        **joinfakes.HA_HOSTS.get(script.name, {}),
        **env,
    }
    return subprocess.run(["/bin/bash", str(script)], env=environment, capture_output=True, text=True, timeout=60)


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
        **joinfakes.HA_HOSTS["join-cka-worker-1.sh"],
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


# --- every missing variable at once -------------------------------------------------------


def test_every_missing_secret_is_named_at_once(fake: Path, scripts: Scripts) -> None:
    result = run(scripts.control_plane, fake)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "".join(f"join-cka-cp-2.sh: {REFUSALS[name]}\n" for name in REFUSALS)
    assert calls(fake) == [] and list((fake / "tmp").iterdir()) == []


def test_bad_settings_and_secrets_are_named_together(fake: Path, scripts: Scripts) -> None:
    result = run(scripts.worker, fake, KCONF_JOIN_ATTEMPTS="0", KCONF_JOIN_WAIT="x", KCONF_CA_CERT_HASH=CA_HASH)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "join-cka-worker-1.sh: KCONF_JOIN_ATTEMPTS must be a whole number from 1 to 999\n"
        "join-cka-worker-1.sh: KCONF_JOIN_WAIT must be a whole number of seconds (0 to 9999)\n"
        f"join-cka-worker-1.sh: {REFUSALS['KCONF_TOKEN']}\n"
    )
    assert calls(fake) == []


# --- root, and its own host ---------------------------------------------------------------

NOT_ROOT = {
    "worker": "join-cka-worker-1.sh: run this as root: sudo KCONF_TOKEN=... KCONF_CA_CERT_HASH=... ./join-cka-worker-1.sh "
    "(sudo does not pass on the variables of your shell)\n",
    "control_plane": "join-cka-cp-2.sh: run this as root: sudo KCONF_TOKEN=... KCONF_CA_CERT_HASH=... KCONF_CERTIFICATE_KEY=... "
    "./join-cka-cp-2.sh (sudo does not pass on the variables of your shell)\n",
}


@pytest.mark.parametrize("role", ["worker", "control_plane"])
@pytest.mark.parametrize("skip", ["", "1"], ids=["checked", "host-check-skipped"])
def test_it_runs_as_root_only(fake: Path, scripts: Scripts, role: str, skip: str) -> None:
    result = run(getattr(scripts, role), fake, FAKE_UID="1000", KCONF_SKIP_HOST_CHECK=skip, **VALID_SECRETS)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", NOT_ROOT[role])
    assert calls(fake) == [] and list((fake / "tmp").iterdir()) == []


SKIPS = "join-cka-worker-1.sh: not joining; KCONF_SKIP_HOST_CHECK=1 skips these host checks\n"
NOT_HERE = (
    "join-cka-worker-1.sh: no interface of this host has 192.168.51.84, the address of cka-worker-1 (ip -o addr show): "
    "this is another host, or the address is not configured yet\n"
)
LOOPBACK = (
    "join-cka-worker-1.sh: cka-worker-1 resolves to {0} (getent hosts cka-worker-1), a loopback address: remove the "
    "'127.0.1.1 cka-worker-1' line from /etc/hosts (Debian and Vagrant images add it) and add the lines of kconf's hosts file\n"
)
HOST_REFUSALS = [
    pytest.param(
        {"FAKE_HOSTNAME": "cka-worker-2", "FAKE_ADDRESSES": "192.168.51.85/24"},
        "join-cka-worker-1.sh: this host is named 'cka-worker-2', not cka-worker-1: run join-cka-worker-1.sh on cka-worker-1, "
        "or name this host (hostnamectl set-hostname cka-worker-1)\n" + NOT_HERE + SKIPS,
        id="another-host",
    ),
    pytest.param(
        {"FAKE_HOSTNAME": "cka-worker-1x"},
        "join-cka-worker-1.sh: this host is named 'cka-worker-1x', not cka-worker-1: run join-cka-worker-1.sh on cka-worker-1, "
        "or name this host (hostnamectl set-hostname cka-worker-1)\n" + SKIPS,
        id="longer-hostname",
    ),
    pytest.param({"FAKE_ADDRESSES": "10.0.2.15/24 192.168.51.184/24"}, NOT_HERE + SKIPS, id="address-not-on-an-interface"),
    pytest.param({"FAKE_ADDRESSES": "192.168.51.8/24"}, NOT_HERE + SKIPS, id="address-prefix-of-another"),
    pytest.param(
        {"FAKE_IP_FAILS": "1"},
        "join-cka-worker-1.sh: cannot list this host's addresses: 'ip -o addr show' failed (install iproute2)\n" + SKIPS,
        id="ip-fails",
    ),
    pytest.param({"FAKE_RESOLVES": "127.0.1.1"}, LOOPBACK.format("127.0.1.1") + SKIPS, id="hostname-is-127.0.1.1"),
    pytest.param({"FAKE_RESOLVES": "127.0.0.1"}, LOOPBACK.format("127.0.0.1") + SKIPS, id="hostname-is-127.0.0.1"),
    pytest.param({"FAKE_RESOLVES": "::1"}, LOOPBACK.format("::1") + SKIPS, id="hostname-is-ipv6-loopback"),
]


@pytest.mark.parametrize(("host", "stderr"), HOST_REFUSALS)
def test_it_refuses_to_run_on_another_host_or_one_whose_name_is_loopback(
    fake: Path, scripts: Scripts, host: dict[str, str], stderr: str
) -> None:
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, **host)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == stderr
    assert calls(fake) == [] and list((fake / "tmp").iterdir()) == []


@pytest.mark.parametrize(
    "host",
    [
        pytest.param({}, id="its-own-host"),
        pytest.param({"FAKE_HOSTNAME": "CKA-Worker-1"}, id="hostname-in-capitals"),
        pytest.param({"FAKE_RESOLVES": "192.168.51.84"}, id="name-resolves-to-its-address"),
        pytest.param({"FAKE_RESOLVES": "10.127.0.1"}, id="127-not-first"),
    ],
)
def test_it_joins_on_its_own_host(fake: Path, scripts: Scripts, host: dict[str, str]) -> None:
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, **host)
    assert (result.returncode, result.stderr) == (0, "")
    assert [c.split()[0] for c in calls(fake)] == ["join", "kubectl"]


def test_the_host_checks_can_be_skipped(fake: Path, scripts: Scripts) -> None:
    result = run(
        scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_SKIP_HOST_CHECK="1",
        FAKE_HOSTNAME="cka-worker-2", FAKE_ADDRESSES="192.168.51.85/24", FAKE_RESOLVES="127.0.1.1",
    )
    assert result.returncode == 0
    assert result.stderr == "join-cka-worker-1.sh: warning: KCONF_SKIP_HOST_CHECK=1: not checking that this host is cka-worker-1\n"
    assert [c.split()[0] for c in calls(fake)] == ["join", "kubectl"]


def test_only_1_skips_the_host_checks(fake: Path, scripts: Scripts) -> None:
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_SKIP_HOST_CHECK="yes",
                 FAKE_ADDRESSES="192.168.51.85/24")
    assert (result.returncode, result.stderr) == (1, NOT_HERE + SKIPS)


# --- joined, but not registered -----------------------------------------------------------

GENERIC_HINT = (
    "(is the kubelet running? see journalctl -u kubelet on this node; on a cloud, a cloud controller deletes a node not "
    "named as its instance: on EC2 the name must be the EC2 private DNS name)"
)


def test_a_node_that_never_registers_is_named_with_the_wait(fake: Path, scripts: Scripts) -> None:
    (fake / "unregistered").write_text("99\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_JOIN_ATTEMPTS="2")
    assert (result.returncode, result.stdout) == (1, "")
    unregistered = f"joined, but no node cka-worker-1 registered within 0 s {GENERIC_HINT}"
    assert result.stderr.splitlines() == [
        f"join-cka-worker-1.sh: {unregistered}",
        "join-cka-worker-1.sh: try 1 of 2 failed; kubeadm reset -f, then join again in 0s",
        f"join-cka-worker-1.sh: {unregistered}",
        f"join-cka-worker-1.sh: node cka-worker-1 did not join after 2 tries; {unregistered}",
    ]
    assert [c.split()[0] for c in calls(fake)] == ["join", "kubectl", "reset", "join", "kubectl"]


def test_the_last_failure_decides_the_final_message(fake: Path, scripts: Scripts) -> None:
    (fake / "join-failures").write_text("1\n")  # the first join fails, the second never registers
    (fake / "unregistered").write_text("99\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, KCONF_JOIN_ATTEMPTS="2")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"join-cka-worker-1.sh: node cka-worker-1 did not join after 2 tries; joined, but no node cka-worker-1 "
        f"registered within 0 s {GENERIC_HINT}"
    )
    assert [c.split()[0] for c in calls(fake)] == ["join", "reset", "join", "kubectl"]


@pytest.fixture(scope="module")
def aws_scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("aws") / "out"
    result = run_cli("render", str(GOLDEN / "aws" / "cluster.yaml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


AWS_NODE = "ip-10-0-2-20.eu-west-1.compute.internal"


@pytest.mark.parametrize("folder", ["golden", "rendered"])
def test_on_aws_the_message_names_the_cloud_controller(fake: Path, aws_scripts: Path, folder: str) -> None:
    base = GOLDEN / "aws" / "aws-prod" if folder == "golden" else aws_scripts
    script = base / f"join-{AWS_NODE}.sh"
    (fake / "unregistered").write_text("99\n")
    result = run(script, fake, **VALID_SECRETS, KCONF_JOIN_ATTEMPTS="1", KCONF_JOIN_WAIT="0",
                 **joinfakes.on_host("ip-10-0-2-20", "10.0.2.20/24"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"join-{AWS_NODE}.sh: node {AWS_NODE} did not join after 1 tries; joined, but no node {AWS_NODE} registered "
        "within 0 s (deleted by the cloud controller? the name must be the EC2 private DNS name)"
    )


def test_a_short_hostname_of_the_node_name_is_its_own_host(fake: Path, aws_scripts: Path) -> None:
    # Ubuntu on EC2: hostname prints ip-10-0-2-20, the node is named with the private DNS name
    result = run(aws_scripts / f"join-{AWS_NODE}.sh", fake, **VALID_SECRETS, **joinfakes.on_host("ip-10-0-2-20", "10.0.2.20/24"))
    assert (result.returncode, result.stderr) == (0, "")


# --- without kubectl ------------------------------------------------------------------------

CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcfakekey\n-----END EC PRIVATE KEY-----\n"


def kubelet_conf(tmp_path: Path, *, inline: bool = False) -> Path:
    """The kubelet.conf kubeadm join leaves: client certificate and key as files (or inline)."""
    import base64

    encoded = lambda text: base64.b64encode(text.encode()).decode()  # noqa: E731
    user = (
        f"    client-certificate-data: {encoded(CA_PEM)}\n    client-key-data: {encoded(KEY_PEM)}\n" if inline else
        "    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n"
        "    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n"
    )
    path = tmp_path / "kubelet.conf"
    path.write_text(
        "apiVersion: v1\nclusters:\n- cluster:\n"
        f"    certificate-authority-data: {encoded(CA_PEM)}\n"
        "    server: https://k8s-vip:6443\n  name: default-cluster\n"
        "contexts:\n- context:\n    cluster: default-cluster\n    user: default-auth\n  name: default-context\n"
        "current-context: default-context\nkind: Config\nusers:\n- name: default-auth\n  user:\n" + user
    )
    return path


def without_kubectl(fake: Path, *, curl: bool) -> str:
    """A PATH of the fakes and the few system tools the script needs: no kubectl (nor curl)."""
    bin_dir = fake / "bin-no-kubectl"
    joinfakes.install(bin_dir, curl=curl)
    (bin_dir / "kubeadm").symlink_to(fake / "bin" / "kubeadm")
    joinfakes.system_tools(fake / "system")
    return f"{bin_dir}:{fake / 'system'}"


CURL_WARNING = (
    "join-cka-worker-1.sh: warning: kubectl is not installed: looking up node cka-worker-1 with curl and the kubelet's "
    "credentials ({0})\n"
)
CURL_CALL = (
    "curl --silent --output /dev/null --write-out %{{http_code}} --max-time 10 --cacert CA {0} "
    "https://k8s-vip:6443/api/v1/nodes/cka-worker-1"
)


def test_without_kubectl_the_node_is_looked_up_with_curl_as_the_kubelet(fake: Path, scripts: Scripts, tmp_path: Path) -> None:
    conf = kubelet_conf(tmp_path)
    path = without_kubectl(fake, curl=True)
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, PATH=path, KCONF_KUBELET_CONF=str(conf))
    assert result.returncode == 0, result.stderr
    assert result.stderr == CURL_WARNING.format(conf)
    assert calls(fake)[1:] == [CURL_CALL.format(
        "--cert /var/lib/kubelet/pki/kubelet-client-current.pem --key /var/lib/kubelet/pki/kubelet-client-current.pem"
    )]
    assert (fake / "ca-seen").read_text() == CA_PEM


def test_with_curl_an_inline_key_goes_through_a_pipe(fake: Path, scripts: Scripts, tmp_path: Path) -> None:
    conf = kubelet_conf(tmp_path, inline=True)
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, PATH=without_kubectl(fake, curl=True),
                 KCONF_KUBELET_CONF=str(conf))
    assert result.returncode == 0, result.stderr
    assert calls(fake)[1:] == [CURL_CALL.format("--cert FD --key FD")]
    assert (fake / "key-seen").read_text() == KEY_PEM and (fake / "cert-seen").read_text() == CA_PEM


@pytest.mark.parametrize("code", ["404", "403", "000"])
def test_with_curl_anything_but_200_is_not_registered(fake: Path, scripts: Scripts, tmp_path: Path, code: str) -> None:
    (fake / "http-code").write_text(code)
    conf = kubelet_conf(tmp_path)
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, PATH=without_kubectl(fake, curl=True),
                 KCONF_KUBELET_CONF=str(conf), KCONF_JOIN_ATTEMPTS="1")
    assert result.returncode == 1
    assert result.stderr == CURL_WARNING.format(conf) + (
        f"join-cka-worker-1.sh: joined, but no node cka-worker-1 registered within 0 s {GENERIC_HINT}\n"
        f"join-cka-worker-1.sh: node cka-worker-1 did not join after 1 tries; joined, but no node cka-worker-1 "
        f"registered within 0 s {GENERIC_HINT}\n"
    )


def test_with_curl_a_kubelet_conf_without_credentials_is_not_registered(fake: Path, scripts: Scripts, tmp_path: Path) -> None:
    conf = tmp_path / "kubelet.conf"
    conf.write_text("apiVersion: v1\nkind: Config\n")
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, PATH=without_kubectl(fake, curl=True),
                 KCONF_KUBELET_CONF=str(conf), KCONF_JOIN_ATTEMPTS="1")
    assert result.returncode == 1
    assert [c.split()[0] for c in calls(fake)] == ["join"]  # curl was not even asked


def test_without_kubectl_and_curl_the_check_is_skipped_loudly(fake: Path, scripts: Scripts) -> None:
    result = run(scripts.worker, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, PATH=without_kubectl(fake, curl=False))
    assert (result.returncode, result.stdout) == (0, "join-cka-worker-1.sh: node cka-worker-1 joined the cluster\n")
    assert result.stderr == (
        "join-cka-worker-1.sh: warning: neither kubectl nor curl is installed: cannot check that node cka-worker-1 "
        "registers; once joined, run 'kubectl get node cka-worker-1' on a control-plane node\n"
    )
    assert [c.split()[0] for c in calls(fake)] == ["join"]


# --- dual stack: every address of the node is checked ----------------------------------------

DUAL = GOLDEN / "dual-stack" / "dual" / "join-dual-worker-1.sh"


@pytest.mark.parametrize(
    ("addresses", "code", "stderr"),
    [
        pytest.param(("192.168.60.91/24", "fd00:60::91/64"), 0, "", id="both-families"),
        pytest.param(
            ("192.168.60.91/24",), 1,
            "join-dual-worker-1.sh: no interface of this host has fd00:60::91, the address of dual-worker-1 (ip -o addr show): "
            "this is another host, or the address is not configured yet\n"
            "join-dual-worker-1.sh: not joining; KCONF_SKIP_HOST_CHECK=1 skips these host checks\n",
            id="ipv6-missing",
        ),
    ],
)
def test_a_dual_stack_node_needs_both_addresses(fake: Path, addresses: tuple[str, ...], code: int, stderr: str) -> None:
    result = run(DUAL, fake, KCONF_TOKEN=TOKEN, KCONF_CA_CERT_HASH=CA_HASH, **joinfakes.on_host("dual-worker-1", *addresses))
    assert (result.returncode, result.stderr) == (code, stderr)


def test_the_hosts_file_says_to_remove_the_127_0_1_1_line() -> None:
    lines = (HA_CASE / "cka" / "hosts").read_text().splitlines()
    assert lines[2:5] == [
        '# Remove the "127.0.1.1 <hostname>" line Debian and Vagrant images put there:',
        "# it makes the node's name resolve to loopback (join-<node>.sh refuses to run",
        "# while `getent hosts $(hostname)` answers 127.x).",
    ]
