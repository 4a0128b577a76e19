"""Hardening, second round (issue 14, items 1-9): stop signals during a
write, a description saved under an output's name, IPv6 zone ids, file names
that would inject lines, secrets next to ':' or '_', leading zeros in the
join scripts' settings, FIFOs and devices as input, amplification through
aliases and values beyond Kubernetes' limits, and node names near NAME_MAX.
Every case writes its expected value down; every child process has a time
bound, so a hang fails instead of waiting."""

from __future__ import annotations

import copy
import json
import re
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import joinfakes
from conftest import EXAMPLES, run_cli

HA_EXAMPLE = EXAMPLES / "ha-haproxy" / "cluster.yaml"
TOKEN = "k8stok.q2w3e4r5t6y7u8i9"  # not kubeadm's documented example token
CERT_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SOCKET = "unix:///var/run/containerd/containerd.sock"
TIMEOUT = 30  # every case ends in about a second; a hang fails on this


def kconf(args: list[str], cwd: Path, *, env: dict[str, str] | None = None, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """kconf in a child process, with a time bound."""
    entry = ["-c", code] if code else ["-m", "kconf"]
    return subprocess.run(
        [sys.executable, *entry, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False,
        env={**os.environ, "KCONF_DEBUG": "", **(env or {})},
    )


def example_data() -> dict[str, Any]:
    from kconf.description import read_description

    return copy.deepcopy(read_description(str(HA_EXAMPLE))[0].data)  # type: ignore[no-any-return]


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode & 0o777) for p in sorted(folder.iterdir())}


def assert_clean_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr == message + "\n", result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def assert_description_refused(result: subprocess.CompletedProcess[str], expected: str) -> None:
    """render's refusal of a broken description (exit 2): its heading, then
    every finding in lint's text format; ``expected`` ('kconf: error:
    FILE:LINE: MESSAGE') must be one of them, at that line."""
    match = re.fullmatch(r"kconf: error: ([^:]+):(\d+): (.*)", expected, re.S)
    assert match, expected
    path, line, message = match.groups()
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert re.fullmatch(rf"kconf: error: {re.escape(path)}: the description cannot be rendered \((1 error|(?!1 )\d+ errors)\):", lines[0]), lines[0]
    pattern = rf"{re.escape(path)}:{line}:\d+: error: {re.escape(message)} \[[a-z-]+\]"
    assert any(re.fullmatch(pattern, shown) for shown in lines[1:]), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


# --- 1. stop signals during render ----------------------------------------------------------


def many_nodes(prefix: str, count: int, net: int) -> dict[str, Any]:
    """A description with ``count`` workers: many files, so a write takes a
    while and a signal has a wide window to land in."""
    data = example_data()
    nodes = data["spec"]["nodes"][:3]
    for i, node in enumerate(nodes):
        node["name"] = f"{prefix}-cp-{i + 1}"
        node["address"] = f"192.168.{net}.{11 + i}/24"
    nodes += [{"name": f"{prefix}-worker-{i}", "role": "worker", "address": f"192.168.{net}.{100 + i}/24"} for i in range(count)]
    data["spec"]["nodes"] = nodes
    data["spec"]["calico"]["ipAutodetection"] = f"cidr=192.168.{net}.0/24"
    data["spec"]["loadBalancer"]["address"] = f"192.168.{net}.80"
    data["spec"]["hosts"] = {"k8s-vip": f"192.168.{net}.80"}
    return data


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[bytes, int]], dict[str, tuple[bytes, int]]]:
    """(work folder with cluster.yaml = the new description and old/ = a
    complete render of another one, the old set, the new set)."""
    work = tmp_path_factory.mktemp("signals")
    for name, data, folder in (("old", many_nodes("old", 40, 51), "old"), ("new", many_nodes("new", 40, 52), "new-ref")):
        (work / "cluster.yaml").write_text(json.dumps(data, indent=2))
        result = kconf(["render", "cluster.yaml", "-o", folder], work)
        assert result.returncode == 0, (name, result.stderr)
    old, new = files_of(work / "old"), files_of(work / "new-ref")
    assert set(old).isdisjoint(set(new) - {"kubeadm-init.yaml", "hosts", "haproxy.cfg", "calico-installation.yaml", "PLAN.md", "kubeadm-upgrade.yaml"})
    return work, old, new


def assert_old_or_new(out: Path, old: dict[str, Any], new: dict[str, Any]) -> str:
    found = files_of(out)
    leftovers = [name for name in found if name.startswith(".") or "kconf-tmp" in name or "kconf-old" in name]
    assert leftovers == [], f"left behind: {leftovers[:5]} ({len(leftovers)})"
    if found == old:
        return "old"
    if found == new:
        return "new"
    mixed = sorted(n for n in found if (n in old and found[n] == old[n]))[:3], sorted(n for n in found if n in new and found[n] == new[n])[:3]
    raise AssertionError(f"the folder holds neither the old nor the new set (old files {mixed[0]}..., new files {mixed[1]}...)")


# A signal raised at a chosen call inside kconf: deterministic, and the same
# points on any version of fsio (every write fsyncs, renames and links).
HOOKED_KCONF = """\
import itertools, os, signal, sys
where, number, sig = os.environ["HOOK_WHERE"], int(os.environ["HOOK_AT"]), getattr(signal, os.environ["HOOK_SIGNAL"])
real = getattr(os, where)
calls = itertools.count(1)  # next() is atomic: kconf writes temporary files from several threads
def hooked(*args, **kwargs):
    if next(calls) == number:
        signal.raise_signal(sig)
    return real(*args, **kwargs)
setattr(os, where, hooked)
from kconf.cli import main
sys.argv[0] = "kconf"
main()
"""

# (where the signal lands, which call, signal) -> (exit code, the set the folder holds)
HOOKED_CASES = [
    pytest.param("fsync", 1, "SIGTERM", 143, "old", id="term-writing-first-temp"),
    pytest.param("fsync", 30, "SIGTERM", 143, "old", id="term-writing-temps"),
    pytest.param("fsync", 30, "SIGINT", 130, "old", id="int-writing-temps"),
    pytest.param("fsync", 30, "SIGHUP", 129, "old", id="hup-writing-temps"),
    pytest.param("link", 2, "SIGTERM", 143, "new", id="term-keeping-old-links"),
    pytest.param("replace", 1, "SIGTERM", 143, "new", id="term-first-rename"),
    pytest.param("replace", 40, "SIGTERM", 143, "new", id="term-mid-renames"),
    pytest.param("replace", 40, "SIGINT", 130, "new", id="int-mid-renames"),
    pytest.param("unlink", 10, "SIGTERM", 143, "new", id="term-after-the-renames"),
]


def _signalled_render(
    work: Path, old: dict[str, Any], new: dict[str, Any], tmp_path: Path, where: str, number: int, sig: str, code: int, expected: str
) -> None:
    """Render the new description over a copy of the old output with the
    signal sent at the hooked moment: the exit status, the message and a
    folder that holds the old set or the new one, as ``expected``."""
    out = tmp_path / "out"
    shutil.copytree(work / "old", out)
    shutil.copy(work / "cluster.yaml", tmp_path / "cluster.yaml")
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path, code=HOOKED_KCONF,
                   env={"HOOK_WHERE": where, "HOOK_AT": str(number), "HOOK_SIGNAL": sig})
    assert result.returncode == code, (result.returncode, result.stderr[-500:])
    done = "no file was changed" if expected == "old" else "every file was written first"
    assert result.stderr.endswith(f"kconf: stopped by {sig}; {done}\n"), result.stderr[-300:]
    assert assert_old_or_new(out, old, new) == expected


@pytest.mark.parametrize(("where", "number", "sig", "code", "expected"), HOOKED_CASES)
def test_a_signal_at_a_chosen_moment_leaves_the_old_or_the_new_set(
    old_and_new: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path, where: str, number: int, sig: str, code: int, expected: str
) -> None:
    _signalled_render(*old_and_new, tmp_path, where, number, sig, code, expected)


@pytest.fixture(scope="module")
def old_and_new_many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[bytes, int]], dict[str, tuple[bytes, int]]]:
    """old_and_new with 520 workers: over 1,000 files, written through
    fsio's one-sync path (no fsync a file; one syncfs before the renames)."""
    from kconf.fsio import SYNC_ONCE_FROM

    def wide(prefix: str, net: int) -> dict[str, Any]:
        # many_nodes' /24 holds 150 workers; these 520 are in 10.<net>.0.0/16
        data = json.loads(json.dumps(many_nodes(prefix, 0, net)).replace(f"192.168.{net}.", f"10.{net}.0.").replace("/24", "/16"))
        data["spec"]["nodes"] += [
            {"name": f"{prefix}-worker-{i}", "role": "worker", "address": f"10.{net}.{1 + i // 250}.{1 + i % 250}/16"} for i in range(520)
        ]
        data["spec"]["networking"]["podSubnet"] = "172.16.0.0/12"  # a /24 block for each of 523 nodes
        return data  # type: ignore[no-any-return]

    work = tmp_path_factory.mktemp("signals-many")
    for name, data, folder in (("old", wide("old", 51), "old"), ("new", wide("new", 52), "new-ref")):
        (work / "cluster.yaml").write_text(json.dumps(data, indent=2))
        result = kconf(["render", "cluster.yaml", "-o", folder], work)
        assert result.returncode == 0, (name, result.stderr)
    old, new = files_of(work / "old"), files_of(work / "new-ref")
    assert len(new) >= SYNC_ONCE_FROM
    return work, old, new


@pytest.mark.parametrize(
    ("where", "number", "sig", "code", "expected"),
    [
        pytest.param("open", 600, "SIGTERM", 143, "old", id="term-writing-temps"),
        pytest.param("open", 600, "SIGINT", 130, "old", id="int-writing-temps"),
        pytest.param("replace", 600, "SIGTERM", 143, "new", id="term-mid-renames"),
    ],
)
def test_a_signal_in_a_write_of_many_files_leaves_the_old_or_the_new_set(
    old_and_new_many: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path, where: str, number: int, sig: str, code: int, expected: str
) -> None:
    _signalled_render(*old_and_new_many, tmp_path, where, number, sig, code, expected)


def _default_sigint() -> None:
    # pytest may run with SIGINT ignored (a background job), which a child inherits
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_render_killed_at_random_moments_leaves_the_old_or_the_new_set(
    old_and_new: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    """SIGTERM and SIGINT at random moments of a real render (40 tries, at
    most about a minute): never a leftover, never a half-old folder."""
    work, old, new = old_and_new
    shutil.copy(work / "cluster.yaml", tmp_path / "cluster.yaml")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "kconf", "render", "cluster.yaml", "-o", "timing"], cwd=tmp_path,
                         capture_output=True, timeout=TIMEOUT, check=False)
    assert run.returncode == 0
    full = time.monotonic() - started
    rng = random.Random(14)
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + 75
    tries = 0
    while tries < 40 and time.monotonic() < deadline:
        tries += 1
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(work / "old", out)
        sig = signal.SIGTERM if tries % 2 else signal.SIGINT
        # most tries aim at the last half, where the files are written
        delay = rng.uniform(0, full * 1.1) if tries % 4 == 0 else rng.uniform(full * 0.45, full * 1.05)
        process = subprocess.Popen([sys.executable, "-m", "kconf", "render", "cluster.yaml", "-o", "out"], cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_default_sigint)
        try:
            time.sleep(delay)
            process.send_signal(sig)
            _, stderr = process.communicate(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        state = assert_old_or_new(out, old, new)
        code = process.returncode
        assert code in (0, 2, 128 + sig, -sig, 1), (code, stderr[-300:])
        if code == 128 + sig:
            assert stderr.decode().startswith("kconf: stopped by") or b"\nkconf: stopped by" in stderr
        outcomes[f"{state} {code}"] = outcomes.get(f"{state} {code}", 0) + 1
    print(f"{tries} tries, render {full:.2f}s: {outcomes}")
    assert tries >= 20, outcomes


# --- 2. a description under an output file's name ----------------------------------------------------


@pytest.mark.parametrize(
    ("description", "output", "message"),
    [
        pytest.param("kubeadm-init.yaml", ".", "kconf: error: kubeadm-init.yaml: is the cluster description, and render would overwrite it with kubeadm-init.yaml; render into another folder (-o DIR) or rename the description", id="init-dot"),
        pytest.param("out/hosts", "out", "kconf: error: out/hosts: is the cluster description, and render would overwrite it with hosts; render into another folder (-o DIR) or rename the description", id="hosts"),
        pytest.param("haproxy.cfg", "./", "kconf: error: haproxy.cfg: is the cluster description, and render would overwrite it with haproxy.cfg; render into another folder (-o DIR) or rename the description", id="haproxy-dot-slash"),
        pytest.param("join-cka-worker-1.sh", ".", "kconf: error: join-cka-worker-1.sh: is the cluster description, and render would overwrite it with join-cka-worker-1.sh; render into another folder (-o DIR) or rename the description", id="join-script"),
    ],
)
def test_render_refuses_to_overwrite_its_description(tmp_path: Path, description: str, output: str, message: str) -> None:
    path = tmp_path / description
    path.parent.mkdir(exist_ok=True)
    path.write_text(HA_EXAMPLE.read_text())
    before = files_of(path.parent)
    result = kconf(["render", description, "-o", output], tmp_path)
    assert_clean_error(result, message)
    assert files_of(path.parent) == before


def test_render_refuses_a_hard_link_of_its_description_in_the_output(tmp_path: Path) -> None:
    description = tmp_path / "cluster.yaml"
    description.write_text(HA_EXAMPLE.read_text())
    (tmp_path / "out").mkdir()
    os.link(description, tmp_path / "out" / "kubeadm-init.yaml")
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert_clean_error(result, "kconf: error: cluster.yaml: is the cluster description, and render would overwrite it with kubeadm-init.yaml; render into another folder (-o DIR) or rename the description")
    assert description.read_text() == HA_EXAMPLE.read_text()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["kubeadm-init.yaml"]


def test_render_refuses_to_overwrite_its_calico_manifest(tmp_path: Path) -> None:
    (tmp_path / "calico.yaml").write_text("# the upstream manifest\n")
    (tmp_path / "cluster.yaml").write_text(HA_EXAMPLE.read_text().replace("mode: operator", "mode: manifest\n    manifest: calico.yaml"))
    result = kconf(["render", "cluster.yaml", "-o", "."], tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "calico.yaml").read_text() == "# the upstream manifest\n"


# --- 3. IPv6 zone ids -----------------------------------------------------------------------------------

ZONE_INJECTION = "fe80::2%x 10.6.6.6 registry.k8s.io #"


def _zone_message(value: str) -> str:
    return (f"{value!r} has a zone id (the part from '%'): a zone id names an interface of one host and has no place "
            "in a cluster address, a hosts file or a certificate; write the address without it")


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        pytest.param("hosts", ZONE_INJECTION, "cluster.yaml:27: spec.hosts.k8s-vip", id="hosts-injection"),
        pytest.param("hosts", "fe80::2%eth0", "cluster.yaml:27: spec.hosts.k8s-vip", id="hosts-interface"),
        pytest.param("lb", ZONE_INJECTION, "cluster.yaml:23: spec.loadBalancer.address", id="lb-injection"),
        pytest.param("lb", "fe80::2%eth0", "cluster.yaml:23: spec.loadBalancer.address", id="lb-interface"),
        pytest.param("node", "fe80::2%eth0/64", "cluster.yaml:34: spec.nodes[5].address", id="node-address"),
        pytest.param("node", "fe80::2%x 10.6.6.6 registry.k8s.io #/64", "cluster.yaml:34: spec.nodes[5].address", id="node-injection"),
    ],
)
def test_a_zone_id_is_refused_and_injects_no_hosts_line(tmp_path: Path, field: str, value: str, line: str) -> None:
    text = HA_EXAMPLE.read_text()
    replaced = {
        "hosts": text.replace("k8s-vip: 192.168.51.80", f"k8s-vip: {json.dumps(value)}"),
        "lb": text.replace("address: 192.168.51.80", f"address: {json.dumps(value)}"),
        "node": text.replace("address: 192.168.51.86/24}", f"address: {json.dumps(value)}}}"),
    }[field]
    assert replaced != text
    (tmp_path / "cluster.yaml").write_text(replaced)
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert_description_refused(result, f"kconf: error: {line}: {_zone_message(value)}")
    assert not (tmp_path / "out").exists()  # no hosts file, no certSANs
    linted = kconf(["lint", "cluster.yaml"], tmp_path)
    assert linted.returncode == 1 and _zone_message(value) in linted.stdout, linted.stdout


@pytest.mark.parametrize("text", ["fe80::1%eth0", "fe80::1%x 10.6.6.6 h #", "fe80::1%", "::1%1"])
def test_the_address_parser_takes_no_zone_id(text: str) -> None:
    from kconf.addresses import AddressError, parse_address, parse_interface, parse_network

    for parse, value in ((parse_address, text), (parse_interface, text + "/64"), (parse_network, "fe80::%eth0/64")):
        with pytest.raises(AddressError, match="has a zone id"):
            parse(value)


# --- 4. lint's text format and hostile file names ---------------------------------------------------------

BROKEN = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nkind: InitConfiguration\n"
BROKEN_MESSAGE = "error: duplicate key 'kind' (kubeadm's strict decoder rejects it too) [yaml-syntax]"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("x\n::error file=a.yaml::pwned\n.yaml", "x\\n::error file=a.yaml::pwned\\n.yaml", id="line-break"),
        pytest.param("x\r::warning::pwned.yaml", "x\\r::warning::pwned.yaml", id="carriage-return"),
        pytest.param("::error title=x::pwned.yaml", "./::error title=x::pwned.yaml", id="starts-with-command"),
        pytest.param("x\x1b[31mred.yaml", "x\\x1b[31mred.yaml", id="escape-sequence"),
        pytest.param("x\u2028y\\z.yaml", "x\\u2028y\\\\z.yaml", id="line-separator-and-backslash"),
    ],
)
def test_lint_text_escapes_a_hostile_file_name(tmp_path: Path, name: str, shown: str) -> None:
    (tmp_path / name).write_text(BROKEN)
    result = kconf(["lint", name], tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == f"{shown}:3:1: {BROKEN_MESSAGE}"
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    for output_format in ("json", "sarif"):  # JSON escapes it, and keeps the real name
        result = kconf(["lint", "--format", output_format, name], tmp_path)
        payload = json.loads(result.stdout)
        if output_format == "json":
            assert payload["findings"][0]["path"] == name
        else:
            assert payload["runs"][0]["results"][0]["message"]["text"].startswith("duplicate key 'kind'")


# --- 5. secrets after ':' and after a word character ------------------------------------------------------

SECRET_CASES = [
    pytest.param(f"key:{CERT_KEY}", f"key:9f86{'*' * 60}", id="certificate-key-after-colon"),
    pytest.param(f"x_{TOKEN}", "x_k8stok.****************", id="token-after-underscore"),
    pytest.param(f"\u00c4{TOKEN}", "\u00c4k8stok.****************", id="token-after-a-letter"),
    pytest.param(f"{TOKEN}_x", "k8stok.****************_x", id="token-before-underscore"),
]


@pytest.mark.parametrize(("secret", "redacted"), SECRET_CASES)
def test_render_errors_redact_a_secret_next_to_a_word_character(tmp_path: Path, secret: str, redacted: str) -> None:
    text = HA_EXAMPLE.read_text().replace("controlPlaneEndpoint: k8s-vip:6443", f"controlPlaneEndpoint: {json.dumps(secret)}")
    (tmp_path / "cluster.yaml").write_text(text)
    result = kconf(["render", "cluster.yaml"], tmp_path)
    assert_description_refused(result, f"kconf: error: cluster.yaml:10: spec.controlPlaneEndpoint: '{redacted}' is not host[:port], e.g. k8s-vip:6443")
    assert secret not in result.stderr + result.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize(("secret", "redacted"), SECRET_CASES)
def test_lint_redacts_a_secret_next_to_a_word_character(tmp_path: Path, secret: str, redacted: str, output_format: str) -> None:
    (tmp_path / "broken.yaml").write_text(f"apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n{secret}: 1\n{secret}: 2\n")
    result = kconf(["lint", "--format", output_format, "broken.yaml"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert secret not in result.stdout + result.stderr
    for part in (TOKEN.split(".")[1], CERT_KEY):
        assert part not in result.stdout
    shown = result.stdout if output_format in ("text", "github") else json.dumps(json.loads(result.stdout), ensure_ascii=False)
    assert f"duplicate key '{redacted}'" in shown, result.stdout


def test_a_ca_cert_hash_stays_readable() -> None:
    from kconf.secrets import redact

    assert redact(f"sha256:{CERT_KEY}") == f"sha256:{CERT_KEY}"
    assert redact(f"SHA256:{CERT_KEY}") == f"SHA256:{CERT_KEY}"


# --- 6. leading zeros in the join scripts' settings ----------------------------------------------------------

FAKE_TOOLS = {
    "kubeadm": '#!/usr/bin/env bash\nprintf "%s\\n" "$1" >>"$FAKE/kubeadm"\nexit 0\n',
    "kubectl": "#!/usr/bin/env bash\nexit 1\n",  # never registered
    "sleep": '#!/usr/bin/env bash\nprintf "%s\\n" "$1" >>"$FAKE/sleeps"\n',  # no real waiting
}


@pytest.fixture(scope="module")
def worker_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("join") / "cka"
    result = run_cli("render", str(HA_EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out / "join-cka-worker-1.sh"


# settings -> (exit code, kubeadm calls, sleeps, a line of stderr)
JOIN_CASES = [
    pytest.param({"KCONF_JOIN_WAIT": "08"}, 1, ["join"], ["5", "5"], "node cka-worker-1 did not join after 1 tries", id="wait-08-is-8"),
    pytest.param({"KCONF_JOIN_WAIT": "011"}, 1, ["join"], ["5", "5", "5"], "node cka-worker-1 did not join after 1 tries", id="wait-011-is-11"),
    pytest.param({"KCONF_JOIN_WAIT": "0009"}, 1, ["join"], ["5", "5"], "node cka-worker-1 did not join after 1 tries", id="wait-0009"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "2", "KCONF_JOIN_PAUSE": "010"}, 1, ["join", "reset", "join"], ["10"], "join again in 10s", id="pause-010-is-10"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "2", "KCONF_JOIN_PAUSE": "08"}, 1, ["join", "reset", "join"], ["8"], "join again in 8s", id="pause-08-is-8"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "03"}, 1, ["join", "reset", "join", "reset", "join"], ["0", "0"], "did not join after 3 tries", id="attempts-03-is-3"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "010"}, 1, ["join", "reset"] * 9 + ["join"], ["0"] * 9, "did not join after 10 tries", id="attempts-010-is-10"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "00"}, 1, [], [], "KCONF_JOIN_ATTEMPTS must be a whole number from 1 to 999", id="attempts-00"),
    pytest.param({"KCONF_JOIN_ATTEMPTS": "1000"}, 1, [], [], "KCONF_JOIN_ATTEMPTS must be a whole number from 1 to 999", id="attempts-1000"),
    pytest.param({"KCONF_JOIN_WAIT": "0x10"}, 1, [], [], "KCONF_JOIN_WAIT must be a whole number of seconds (0 to 9999)", id="wait-hex"),
    pytest.param({"KCONF_JOIN_PAUSE": "10#9"}, 1, [], [], "KCONF_JOIN_PAUSE must be a whole number of seconds (0 to 9999)", id="pause-base-prefix"),
    pytest.param({"KCONF_JOIN_WAIT": "10000"}, 1, [], [], "KCONF_JOIN_WAIT must be a whole number of seconds (0 to 9999)", id="wait-10000"),
]


@pytest.mark.parametrize(("settings", "code", "calls", "sleeps", "line"), JOIN_CASES)
def test_join_settings_with_leading_zeros_are_decimal(
    worker_script: Path, tmp_path: Path, settings: dict[str, str], code: int, calls: list[str], sleeps: list[str], line: str
) -> None:
    fake = tmp_path / "fake"
    (fake / "bin").mkdir(parents=True)
    for name, body in FAKE_TOOLS.items():
        (fake / "bin" / name).write_text(body)
        (fake / "bin" / name).chmod(0o755)
    joinfakes.install(fake / "bin")
    env = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin", "FAKE": str(fake), "TMPDIR": str(tmp_path),
        **joinfakes.HA_HOSTS["join-cka-worker-1.sh"],
        "KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": "sha256:" + "ab" * 32,
        "KCONF_JOIN_ATTEMPTS": "1", "KCONF_JOIN_PAUSE": "0", "KCONF_JOIN_WAIT": "0", **settings,
    }
    result = subprocess.run(["bash", str(worker_script)], env=env, capture_output=True, text=True, timeout=20, check=False)
    assert result.returncode == code, result.stderr
    assert line in result.stderr, result.stderr
    assert "value too great for base" not in result.stderr
    read = lambda name: (fake / name).read_text().split() if (fake / name).exists() else []  # noqa: E731
    assert read("kubeadm") == calls
    assert read("sleeps") == sleeps


# --- 7. FIFOs, devices and sockets as input ----------------------------------------------------------------

NOT_REGULAR = "is not a regular file (a FIFO, a device or a socket)"


def _args(command: str, path: str) -> list[str]:
    return {
        "render": ["render", path, "-o", "out"],
        "lint": ["lint", path],
        "calico": ["calico", "patch", path, "--pod-cidr", "172.16.0.0/16"],
        "from-configmap": ["from-configmap", path, "--cri-socket", SOCKET],
        "render-manifest": ["render", "cluster.yaml", "-o", "out"],
    }[command]


@pytest.fixture(params=["tmp", "dev-shm"])
def fifo(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "tmp":
        path = tmp_path / "input.yaml"
    else:
        shm = Path("/dev/shm")
        assert shm.is_dir(), "/dev/shm is missing"
        path = shm / f"kconf-test-{os.getpid()}-{random.randrange(10**9)}.yaml"
    os.mkfifo(path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize("command", ["render", "calico", "from-configmap", "lint", "render-manifest"])
def test_a_fifo_anywhere_is_refused_not_waited_for(tmp_path: Path, fifo: Path, command: str) -> None:
    if command == "render-manifest":
        (tmp_path / "cluster.yaml").write_text(HA_EXAMPLE.read_text().replace("mode: operator", f"mode: manifest\n    manifest: {fifo}"))
    result = kconf(_args(command, str(fifo)), tmp_path)  # a hang fails on the time bound
    if command == "lint":
        assert result.returncode == 1 and result.stdout.startswith(f"{fifo}:1:1: error: {NOT_REGULAR} [yaml-syntax]\n"), result.stdout
    elif command == "render-manifest":
        assert_clean_error(result, f"kconf: error: cluster.yaml:18: spec.calico.manifest: the upstream Calico manifest {fifo}: {NOT_REGULAR}")
    else:
        assert_clean_error(result, f"kconf: error: {fifo}: {NOT_REGULAR}")


@pytest.mark.parametrize("kind", ["socket", "char-device"])
@pytest.mark.parametrize("command", ["render", "calico", "from-configmap", "lint"])
def test_a_socket_or_a_device_is_refused(tmp_path: Path, kind: str, command: str) -> None:
    if kind == "socket":
        path = str(tmp_path / "input.yaml")
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
    else:
        path = "/dev/null"
    try:
        result = kconf(_args(command, path), tmp_path)
    finally:
        if kind == "socket":
            server.close()
    if command == "lint":
        assert result.returncode == 1 and result.stdout.startswith(f"{path}:1:1: error: {NOT_REGULAR} [yaml-syntax]\n"), result.stdout
    else:
        assert_clean_error(result, f"kconf: error: {path}: {NOT_REGULAR}")


# --- 8. amplification through aliases, and Kubernetes' length limits ------------------------------------

MB = 1024 * 1024


def test_one_big_value_aliased_by_30_nodes_is_refused(tmp_path: Path) -> None:
    big = "v" * MB
    lines = HA_EXAMPLE.read_text().splitlines()
    nodes = lines.index("  nodes:")
    workers = [f"    - {{name: w{i}, role: worker, address: 192.168.51.{100 + i}/24, taints: [{{key: k, value: *big, effect: NoSchedule}}]}}" for i in range(30)]
    lines[nodes + 1:nodes + 1] = [f"    - {{name: w, role: worker, address: 192.168.51.99/24, taints: [{{key: k, value: &big {big}, effect: NoSchedule}}]}}", *workers]
    (tmp_path / "cluster.yaml").write_text("\n".join(lines) + "\n")
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    # the anchor (line 29) and 15 aliases are 16 MiB; with the rest of the
    # file, the 15th alias (line 44) passes the limit
    assert_clean_error(result, "kconf: error: cluster.yaml:44: alias *big expands the text to more than 16,777,216 characters (the size limit of a file); kconf refuses such an amplification")
    assert not (tmp_path / "out").exists()


def test_from_configmap_to_v1beta4_does_not_amplify(tmp_path: Path) -> None:
    configmap = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n"
        "  ClusterConfiguration: |\n    apiVersion: kubeadm.k8s.io/v1beta3\n    kind: ClusterConfiguration\n"
        "    kubernetesVersion: v1.30.2\n    apiServer:\n      extraArgs:\n"
        f"        a0: &v {'v' * MB}\n" + "".join(f"        a{i}: *v\n" for i in range(1, 3000))
    )
    (tmp_path / "cm.yaml").write_text(configmap)
    result = kconf(["from-configmap", "cm.yaml", "--cri-socket", SOCKET, "--to", "v1beta4"], tmp_path)
    assert_clean_error(result, "kconf: error: cm.yaml:28: data.ClusterConfiguration: alias *v expands the text to more than 16,777,216 characters (the size limit of a file); kconf refuses such an amplification")
    assert result.stdout == ""


def test_aliases_within_the_limit_still_work(tmp_path: Path) -> None:
    text = HA_EXAMPLE.read_text().replace("criSocket: unix:///var/run/cri-dockerd.sock", "criSocket: &socket unix:///var/run/cri-dockerd.sock")
    text = text.replace("{name: cka-worker-3, role: worker,", "{name: cka-worker-3, criSocket: *socket, role: worker,")
    (tmp_path / "cluster.yaml").write_text(text)
    assert kconf(["render", "cluster.yaml", "-o", "out"], tmp_path).returncode == 0


LIMIT_VALUE = "(Kubernetes allows 63 characters in a label or taint value)"
TAINT_KEY = "is not a taint key ([prefix/]name: a name of letters, digits, '-', '_' and '.' up to 63 characters, a DNS subdomain prefix up to 253)"
LABEL_KEY = "is not a label key ([prefix/]name: a name of letters, digits, '-', '_' and '.' up to 63 characters, a DNS subdomain prefix up to 253)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"taints": [{"key": "k", "value": "v" * 64, "effect": "NoSchedule"}]},
                     f"spec.nodes[5].taints[0].value: '{'v' * 64}' is 64 characters long; at most 63 are allowed {LIMIT_VALUE}", id="taint-value-64"),
        pytest.param({"taints": [{"key": "k", "value": "v" * MB, "effect": "NoSchedule"}]},
                     f"spec.nodes[5].taints[0].value: '{'v' * 40}'... is 1,048,576 characters long; at most 63 are allowed {LIMIT_VALUE}", id="taint-value-1mb"),
        pytest.param({"taints": [{"key": "k" * 64, "effect": "NoSchedule"}]}, f"spec.nodes[5].taints[0].key: '{'k' * 64}' {TAINT_KEY}", id="taint-key-name-64"),
        pytest.param({"taints": [{"key": "p" * 254 + "/k", "effect": "NoSchedule"}]}, f"spec.nodes[5].taints[0].key: '{'p' * 40}'... {TAINT_KEY}", id="taint-key-prefix-254"),
        pytest.param({"taints": [{"key": "a/b/c", "effect": "NoSchedule"}]}, f"spec.nodes[5].taints[0].key: 'a/b/c' {TAINT_KEY}", id="taint-key-two-slashes"),
        pytest.param({"labels": {"x" * 64: "v"}}, f"spec.nodes[5].labels: '{'x' * 64}' {LABEL_KEY}", id="label-key-64"),
        pytest.param({"labels": {"x": "v" * 64}}, f"spec.nodes[5].labels.x: '{'v' * 64}' is 64 characters long; at most 63 are allowed {LIMIT_VALUE}", id="label-value-64"),
        pytest.param({"criSocket": "unix:///" + "s" * 200},
                     f"spec.nodes[5].criSocket: 'unix:///{'s' * 32}'... is 208 characters long; at most 114 are allowed (a Unix socket path holds at most 107 bytes, so unix:// and the path at most 114)", id="cri-socket"),
        pytest.param({"name": "n" * 254}, f"spec.nodes[5].name: '{'n' * 40}'... is 254 characters long; at most 253 are allowed (Kubernetes allows 253 characters in a DNS subdomain name)", id="node-name-254"),
    ],
)
def test_values_beyond_kubernetes_limits_are_refused_with_the_limit(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    data = example_data()
    data["spec"]["nodes"][5].update(change)
    (tmp_path / "cluster.yaml").write_text(json.dumps(data))
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert_description_refused(result, f"kconf: error: cluster.yaml:1: {message}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"taints": [{"key": "example.com/" + "k" * 63, "value": "v" * 63, "effect": "NoSchedule"}]}, id="taint-at-limits"),
        pytest.param({"labels": {"a" * 253 + "/" + "x" * 63: "v" * 63}}, id="label-at-limits"),
    ],
)
def test_values_at_kubernetes_limits_render(tmp_path: Path, change: dict[str, Any]) -> None:
    data = example_data()
    data["spec"]["nodes"][5].update(change)
    (tmp_path / "cluster.yaml").write_text(json.dumps(data))
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr


# --- 9. node names near NAME_MAX ----------------------------------------------------------------------------


def long_name(length: int) -> str:
    return ".".join(["a" * 63] * 4)[:length].rstrip(".") if length > 63 else "a" * length


@pytest.mark.parametrize("length", [218, 225, 237])
def test_long_node_names_render(tmp_path: Path, length: int) -> None:
    name = "w" * length
    data = example_data()
    data["spec"]["nodes"][5]["name"] = name
    (tmp_path / "cluster.yaml").write_text(json.dumps(data))
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / f"kubeadm-join-{name}.yaml").is_file() and (tmp_path / "out" / f"join-{name}.sh").is_file()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    assert kconf(["lint", "cluster.yaml"], tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("index", "length", "size"),
    [
        pytest.param(5, 238, 256, id="worker-238"),
        pytest.param(5, 253, 271, id="worker-253"),
        pytest.param(1, 253, 271, id="control-plane-253"),
    ],
)
def test_a_node_name_too_long_for_a_file_name_is_a_clear_error(tmp_path: Path, index: int, length: int, size: int) -> None:
    data = example_data()
    data["spec"]["nodes"][index]["name"] = "w" * length
    (tmp_path / "cluster.yaml").write_text(json.dumps(data, indent=2))
    message = (f"a node name of {length} characters makes its file kubeadm-join-<name>.yaml {size} bytes long, and file systems "
               "allow 255: kconf renders joining nodes' names up to 237 characters")
    line = {1: 38, 5: 58}[index]
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert_description_refused(result, f"kconf: error: cluster.yaml:{line}: spec.nodes[{index}].name: {message}")
    linted = kconf(["lint", "cluster.yaml"], tmp_path)
    assert linted.returncode == 1 and "internal error" not in linted.stderr
    assert linted.stdout.startswith(f"cluster.yaml:{line}:"), linted.stdout
    assert message in linted.stdout


def test_the_first_control_plane_may_have_a_253_character_name(tmp_path: Path) -> None:
    data = example_data()
    name = ".".join(["c" * 63] * 3 + ["c" * 61])  # 253, a valid DNS subdomain; it runs kubeadm init, no file of its own
    assert len(name) == 253
    data["spec"]["nodes"][0]["name"] = name
    (tmp_path / "cluster.yaml").write_text(json.dumps(data))
    result = kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"name: {name}" in (tmp_path / "out" / "kubeadm-init.yaml").read_text()


# --- 4b. file names on stderr: render's and every command's error lines -------------------------

HOSTILE_NAME = "a\n::error file=x::injected\x1b[31m.yaml"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["render", HOSTILE_NAME, "-o", "out"], "wrote out/kubeadm-init.yaml", id="render-writes"),
        pytest.param(["render", HOSTILE_NAME, "-o", HOSTILE_NAME + "-out", "--check"],
                     "kconf: 16 files in a\\n::error file=x::injected\\x1b[31m.yaml-out are not what "
                     "`kconf render a\\n::error file=x::injected\\x1b[31m.yaml` writes", id="render-check"),
        pytest.param(["lint", HOSTILE_NAME + "-missing"],
                     "kconf: error: a\\n::error file=x::injected\\x1b[31m.yaml-missing: no such file or folder", id="error-line"),
    ],
)
def test_a_hostile_file_name_never_starts_a_line_of_its_own(tmp_path: Path, args: list[str], expected: str) -> None:
    shutil.copyfile(HA_EXAMPLE, tmp_path / HOSTILE_NAME)
    result = kconf(args, tmp_path)
    assert "Traceback" not in result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert expected in lines, result.stderr
    assert not [line for line in lines if line.startswith("::") or "\x1b" in line]
