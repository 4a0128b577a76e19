"""Hostile and broken input: every command ends fast with a message, loses no
data, prints no secret and lets no name or path inject a config line or a
shell command. The generated-input counterpart is tests/test_properties.py."""

from __future__ import annotations

import errno
import itertools
import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import pytest
from click.testing import Result
import joinfakes
from conftest import EXAMPLES, require_corpus, require_tool, run_cli

HA_EXAMPLE = EXAMPLES / "ha-haproxy" / "cluster.yaml"
# Not kubeadm's documented example token (abcdef.0123456789abcdef), which
# lint's rule documentation quotes on purpose.
TOKEN = "k8stok.q2w3e4r5t6y7u8i9"
CERT_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SECRETS = (TOKEN, TOKEN.split(".")[1], CERT_KEY)
SOCKET = "unix:///var/run/containerd/containerd.sock"
SUBPROCESS_TIMEOUT = 10  # generous: every case below ends in about a second
MEMORY_LIMIT = 512 * 1024 * 1024
SBIN = "/usr/sbin:/usr/local/sbin:/sbin"  # haproxy's home on Debian, off a non-root PATH


def assert_clean_failure(result: Result, *fragments: str) -> None:
    """Exit 2 with one ``kconf: error:`` message naming the problem, or render's
    lint gate: exit 1, lint's findings and "nothing written"."""
    gated = result.exit_code == 1 and re.search(r" (1 error|\d+ errors) found by the lint rules; nothing written\n\Z", result.stderr) is not None
    assert result.exit_code == 2 or gated, (result.exit_code, result.output)
    assert gated or result.stderr.startswith("kconf: error: "), result.stderr
    assert "internal error" not in result.output and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def snapshot(folder: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry of a folder: file bytes (or a link's target) and mode."""
    out: dict[str, tuple[bytes | str, int]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            out[path.name] = (os.readlink(path), 0)
        else:
            out[path.name] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return out


# --- 2. hostile YAML through every command that reads YAML ------------------------------

# What makes each command look inside a file: lint recognises a description by
# its apiVersion, calico patch parses only the calico-node DaemonSet document.
PREFIX = {
    "render": b"apiVersion: kconf/v1alpha1\nkind: Cluster\n",
    "lint": b"apiVersion: kconf/v1alpha1\nkind: Cluster\n",
    "calico": b"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: calico-node\n",
    "from-configmap": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n",
}


def billion_laughs(prefix: bytes) -> bytes:
    lines = [b'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [b"l%d: &l%d [" % (i, i) + b", ".join([b"*l%d" % (i - 1)] * 9) + b"]" for i in range(1, 10)]
    return prefix + b"\n".join(lines) + b"\n"


# case -> (the file, given what makes a command read it; a regex the message matches)
HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "billion-laughs": (billion_laughs, "alias bomb"),
    "flow-nesting-5000": (lambda p: p + b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nesting deeper than 200 levels"),
    "json-nesting-5000": (lambda p: p + b"x: " + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"\n", "nesting deeper than 200 levels"),
    "block-nesting-5000": (lambda p: p + b"x:\n" + b"- " * 5000 + b"x\n", "nesting deeper than 200 levels"),
    "non-utf8": (lambda p: p + b"spec: {name: caf\xe9}\n", "not UTF-8"),
    "nul-byte": (lambda p: p + b"spec: a\x00b\n", "binary data"),
    "tab-indent": (lambda p: p + b"spec:\n\tnodes: []\n", "tabs are not allowed"),
    "duplicate-key": (lambda p: p + b"apiVersion: v1\n", "duplicate key 'apiVersion'"),
    # libyaml refuses any surrogate escape, ruamel's parser leaves it to kconf
    "lone-surrogate": (lambda p: p + b'spec: {"\\ud800": 1}\n', "(lone UTF-16 surrogate|invalid Unicode character escape)"),
}


def command_args(command: str, path: str) -> list[str]:
    return {
        "render": ["render", path, "-o", path + ".out"],
        "lint": ["lint", path],
        "calico": ["calico", "patch", path, "--pod-cidr", "172.16.0.0/16"],
        "from-configmap": ["from-configmap", path, "--cri-socket", SOCKET],
    }[command]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


# kconf's entry point with YAML events from ruamel's pure-Python parser, the
# fallback where PyYAML lacks libyaml
RUAMEL_KCONF = """\
import sys, kconf.yamlio
kconf.yamlio._libyaml = lambda: False
from kconf.cli import main
sys.argv[0] = "kconf"
main()
"""


def use_ruamel(monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.yamlio

    monkeypatch.setattr(kconf.yamlio, "_libyaml", lambda: False)


def run_kconf(
    args: list[str], cwd: Path, stdin: bytes | None = None, parser: str = "libyaml"
) -> subprocess.CompletedProcess[str]:
    """kconf in a child process with 512 MiB of address space and a time bound."""
    entry = ["-m", "kconf"] if parser == "libyaml" else ["-c", RUAMEL_KCONF]
    result = subprocess.run(
        [sys.executable, *entry, *args], cwd=cwd, input=stdin, capture_output=True, check=False,
        timeout=SUBPROCESS_TIMEOUT, preexec_fn=_limit_memory, env={**os.environ, "KCONF_DEBUG": ""},
    )
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def assert_ends_with(result: subprocess.CompletedProcess[str], command: str, fragment: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output and "MemoryError" not in output
    if command == "lint":
        assert result.returncode == 1, output
        assert "[yaml-syntax]" in result.stdout and re.search(fragment, result.stdout), output
    else:
        assert result.returncode == 2, output
        assert result.stderr.startswith("kconf: error: ") and re.search(fragment, result.stderr), output
        assert result.stdout == ""


BEFORE_PARSING = {"non-utf8", "nul-byte"}


@pytest.mark.parametrize("command", list(PREFIX))
@pytest.mark.parametrize(
    ("case", "parser"),
    [(case, "libyaml") for case in HOSTILE] + [(case, "ruamel") for case in HOSTILE if case not in BEFORE_PARSING],
)
def test_hostile_yaml_ends_fast_with_a_message(tmp_path: Path, case: str, parser: str, command: str) -> None:
    make, fragment = HOSTILE[case]
    (tmp_path / "input.yaml").write_bytes(make(PREFIX[command]))
    result = run_kconf(command_args(command, "input.yaml"), tmp_path, parser=parser)
    assert_ends_with(result, command, fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.yaml"]  # nothing written


@pytest.mark.parametrize("command", list(PREFIX))
def test_a_50_mb_file_is_refused_without_loading_it(tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:  # 50 MB, sparse: the disk holds only the prefix
        handle.write(PREFIX[command] + b"spec:\n  x: ")
        handle.truncate(50 * 1024 * 1024)
    result = run_kconf(command_args(command, "big.yaml"), tmp_path)
    assert_ends_with(result, command, "larger than 16,777,216 bytes")


@pytest.mark.parametrize("command", ["calico", "from-configmap"])
def test_50_mb_on_standard_input_is_refused(tmp_path: Path, command: str) -> None:
    data = PREFIX[command] + b"x: " + b"a" * (50 * 1024 * 1024) + b"\n"
    result = run_kconf(command_args(command, "-"), tmp_path, stdin=data)
    assert_ends_with(result, command, "larger than 16,777,216 bytes")


@pytest.mark.parametrize("command", ["render", "calico", "from-configmap"])
def test_a_directory_or_a_missing_path_given_as_the_file(tmp_path: Path, command: str) -> None:
    (tmp_path / "folder.yaml").mkdir()
    assert_clean_failure(run_cli(*command_args(command, str(tmp_path / "folder.yaml"))), "is a directory")
    assert_clean_failure(run_cli(*command_args(command, str(tmp_path / "missing.yaml"))), "no such file")


@pytest.mark.parametrize("parser", ["libyaml", "ruamel"])
def test_a_surrogate_pair_escape_is_one_character_or_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    # json.dumps writes an emoji as "\\ud83d\\ude42"; YAML, a superset of JSON, reads one character
    if parser == "ruamel":
        use_ruamel(monkeypatch)
    description = tmp_path / "cluster.yaml"
    data = _ha_example_data()
    data["spec"]["nodes"][3]["labels"] = {"note": "\U0001f642"}
    description.write_text(json.dumps(data))
    assert "\\ud83d\\ude42" in description.read_text()
    result = run_cli("render", str(description), "-o", str(tmp_path / "out"))
    assert_clean_failure(result, "cluster.yaml:1:")
    if parser == "libyaml":  # refuses every surrogate escape
        assert "invalid Unicode character escape" in result.stderr
    else:  # reads the emoji, which is no label value
        assert "spec.nodes[3].labels.note: '\U0001f642' does not match" in result.stderr


@pytest.mark.parametrize("command", list(PREFIX))
def test_running_out_of_memory_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    import kconf.yamlio

    def exhausted(self: Any, events: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(kconf.yamlio._Composer, "run", exhausted)
    (tmp_path / "input.yaml").write_bytes(PREFIX[command] + b"spec: {}\n")
    result = run_cli(*command_args(command, str(tmp_path / "input.yaml")))
    assert result.exit_code == 2
    assert result.stderr == "kconf: error: out of memory: the input is too large for the memory available\n"


def test_lint_a_missing_path_is_a_usage_error_and_a_folder_is_walked(tmp_path: Path) -> None:
    assert_clean_failure(run_cli("lint", str(tmp_path / "missing.yaml")), "no such file")
    (tmp_path / "folder.yaml").mkdir()  # a folder named like a file: walked, not read
    (tmp_path / "folder.yaml" / "cluster.yaml").write_bytes(HOSTILE["billion-laughs"][0](PREFIX["lint"]))
    result = run_cli("lint", str(tmp_path / "folder.yaml"))
    assert result.exit_code == 1
    assert "alias bomb" in result.stdout and "[yaml-syntax]" in result.stdout


def test_lint_reports_a_broken_file_and_still_lints_the_others(tmp_path: Path) -> None:
    (tmp_path / "a-broken.yaml").write_bytes(HOSTILE["duplicate-key"][0](PREFIX["lint"]))
    (tmp_path / "b-bomb.yaml").write_bytes(HOSTILE["billion-laughs"][0](PREFIX["lint"]))
    (tmp_path / "c-latin1.yaml").write_bytes(HOSTILE["non-utf8"][0](PREFIX["lint"]))
    result = run_cli("lint", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["files"] == 3
    assert sorted((Path(f["path"]).name, f["rule"]) for f in report["findings"]) == [
        ("a-broken.yaml", "yaml-syntax"), ("b-bomb.yaml", "yaml-syntax"), ("c-latin1.yaml", "yaml-syntax"),
    ]


# --- 3. nothing is lost -----------------------------------------------------------------


@pytest.fixture
def rendered_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A description (ha-haproxy, 14 output files) and its output folder
    holding an older render in which every file differs from the new one."""
    description = tmp_path / "cluster.yaml"
    description.write_text(HA_EXAMPLE.read_text().replace("v1.31.2", "v1.31.1"))
    out = tmp_path / "out"
    assert run_cli("render", str(description), "-o", str(out)).exit_code == 0
    (out / "hosts").chmod(0o640)  # a mode the user chose is kept
    description.write_text(HA_EXAMPLE.read_text().replace("192.168.51.8", "192.168.52.8").replace("192.168.51.0/24", "192.168.52.0/24"))
    return description, out


def fail_on_call(number: int, real: Callable[..., Any], error: OSError) -> Callable[..., Any]:
    # next() of a count is atomic: kconf writes temporary files from several
    # threads, and a `calls += 1` could skip the failing call
    calls = itertools.count(1)

    def fake(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == number:
            raise error
        return real(*args, **kwargs)

    return fake


def _eio(name: str = "") -> OSError:
    return OSError(errno.EIO, os.strerror(errno.EIO), name or None)


@pytest.mark.parametrize(
    "target", ["os.replace", "kconf.fsio._write_temp", "os.fsync", "os.chmod"],
)
def test_a_write_failing_midway_leaves_every_existing_output_byte_identical(
    rendered_folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    description, out = rendered_folder
    before = snapshot(out)
    module_name, _, attribute = target.rpartition(".")
    module = sys.modules[module_name]
    monkeypatch.setattr(module, attribute, fail_on_call(3, getattr(module, attribute), _eio(str(out / "x"))))
    result = run_cli("render", str(description), "-o", str(out))
    assert_clean_failure(result, "cannot write")
    assert snapshot(out) == before  # same names (no temporary left), bytes and modes
    monkeypatch.undo()
    result = run_cli("render", str(description), "-o", str(out))  # and the next run works
    assert result.exit_code == 0 and snapshot(out) != before


def test_a_disk_full_during_a_write_leaves_no_partial_file(
    rendered_folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    description, out = rendered_folder
    before = snapshot(out)
    real_fdopen = os.fdopen
    opened = itertools.count(1)  # atomic: the temporary files are written from several threads

    class HalfWriter:
        """Writes half of what it is given, then fails as a full disk does."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        number = next(opened)
        handle = real_fdopen(fd, *args, **kwargs)
        return HalfWriter(handle) if number == 5 else handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    assert_clean_failure(run_cli("render", str(description), "-o", str(out)), "No space left on device")
    assert snapshot(out) == before


def test_bad_input_leaves_existing_outputs_untouched(rendered_folder: tuple[Path, Path]) -> None:
    description, out = rendered_folder
    before = snapshot(out)
    description.write_text(description.read_text().replace("cka-cp-2, role", "cka-cp-1, role"))
    assert_clean_failure(run_cli("render", str(description), "-o", str(out)), "node name 'cka-cp-1' is also spec.nodes[0]")
    assert snapshot(out) == before


def test_check_writes_nothing(rendered_folder: tuple[Path, Path]) -> None:
    description, out = rendered_folder
    before = snapshot(out)
    result = run_cli("render", str(description), "-o", str(out), "--check")
    assert result.exit_code == 1 and "differs" in result.stderr
    assert snapshot(out) == before


def test_an_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a folder\n")
    result = run_cli("render", str(HA_EXAMPLE), "-o", str(tmp_path / "plain-file" / "out"))
    assert_clean_failure(result, "cannot create the output folder")
    result = run_cli("render", str(HA_EXAMPLE), "-o", str(tmp_path / "plain-file"))
    assert_clean_failure(result, "output folder is not a plain folder")
    assert (tmp_path / "plain-file").read_text() == "not a folder\n"


# Linux capabilities that let root write where the mode bits say no.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def _drop_root_file_override() -> None:
    """In the child, before exec: take the capabilities that bypass file
    permissions out of the bounding set, so the exec'd kconf is root bound by
    mode bits like anybody else (the interpreter under /root stays reachable,
    which it would not be for nobody)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"prctl(PR_CAPBSET_DROP, {capability})")


def test_an_unwritable_output_folder(rendered_folder: tuple[Path, Path]) -> None:
    """Root writes into a 0555 folder anyway (and CI runs as root): there kconf
    runs without the permission-override capabilities, so the kernel refuses
    the write for real."""
    description, out = rendered_folder
    before = snapshot(out)
    out.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kconf", "render", str(description), "-o", str(out)],
            capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False,
            preexec_fn=_drop_root_file_override if os.geteuid() == 0 else None,
        )
    finally:
        out.chmod(0o755)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("kconf: error: ") and "cannot write" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    corpus = require_corpus()
    path = tmp_path / "calico.yaml"
    shutil.copyfile(corpus / "v3.28.5" / "calico.yaml", path)
    path.chmod(0o640)
    return path


@pytest.mark.parametrize("target", ["os.replace", "os.fsync", "kconf.fsio._write_temp"])
def test_in_place_with_a_failing_write_keeps_the_manifest(
    manifest: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    original = manifest.read_bytes()
    module_name, _, attribute = target.rpartition(".")
    module = sys.modules[module_name]
    monkeypatch.setattr(module, attribute, fail_on_call(1, getattr(module, attribute), _eio(str(manifest))))
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", "172.16.0.0/16", "--in-place")
    assert_clean_failure(result, "cannot write")
    assert manifest.read_bytes() == original
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o640
    assert sorted(p.name for p in manifest.parent.iterdir()) == ["calico.yaml"]
    monkeypatch.undo()
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", "172.16.0.0/16", "--in-place")
    assert result.exit_code == 0
    assert manifest.read_bytes() != original and b"172.16.0.0/16" in manifest.read_bytes()
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--pod-cidr", "172.16.0.1/16"], id="bad-cidr"),
        pytest.param(["--pod-cidr", "172.16.0.0/16", "--autodetect", "cidr=nonsense"], id="bad-method"),
    ],
)
def test_in_place_with_bad_options_keeps_the_manifest(manifest: Path, args: list[str]) -> None:
    original = manifest.read_bytes()
    assert_clean_failure(run_cli("calico", "patch", str(manifest), *args, "--in-place"))
    assert manifest.read_bytes() == original


def test_in_place_on_a_broken_manifest_keeps_it(tmp_path: Path) -> None:
    corpus = require_corpus()
    broken = tmp_path / "calico.yaml"
    text = (corpus / "v3.28.5" / "calico.yaml").read_text()
    broken.write_text(text.replace("kind: DaemonSet\n", "kind: DaemonSet\nkind: DaemonSet\n", 1))
    original = broken.read_bytes()
    assert_clean_failure(run_cli("calico", "patch", str(broken), "--pod-cidr", "172.16.0.0/16", "--in-place"), "duplicate key")
    assert broken.read_bytes() == original


def test_from_configmap_output_kept_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "cm.yaml"
    source.write_text(CONFIGMAP)
    output = tmp_path / "upload-certs.yaml"
    output.write_text("previous\n")
    monkeypatch.setattr(os, "replace", fail_on_call(1, os.replace, _eio(str(output))))
    assert_clean_failure(run_cli("from-configmap", str(source), "--cri-socket", SOCKET, "-o", str(output)), "cannot write")
    assert output.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cm.yaml", "upload-certs.yaml"]


# --- symbolic links -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hosts", "haproxy.cfg", "join-cka-worker-1.sh", "kubeadm-init.yaml"])
@pytest.mark.parametrize("dangling", [False, True], ids=["existing", "dangling"])
def test_render_does_not_follow_a_link_out_of_its_folder(
    rendered_folder: tuple[Path, Path], name: str, dangling: bool
) -> None:
    description, out = rendered_folder
    outside = description.parent / "outside"
    outside.mkdir()
    if not dangling:
        (outside / name).write_bytes(b"127.0.0.1 localhost\n")
    (out / name).unlink()
    (out / name).symlink_to(outside / name)
    before = snapshot(out)
    assert_clean_failure(run_cli("render", str(description), "-o", str(out)), "symbolic link", name)
    assert snapshot(out) == before  # nothing at all is written: the check comes first
    assert snapshot(outside) == ({} if dangling else {name: (b"127.0.0.1 localhost\n", 0o644)})
    check = run_cli("render", str(description), "-o", str(out), "--check")
    assert check.exit_code == 1 and f"{out / name}: is a symbolic link" in check.stderr


def test_render_refuses_an_output_folder_that_is_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "elsewhere")
    assert_clean_failure(run_cli("render", str(HA_EXAMPLE), "-o", str(tmp_path / "out")), "symbolic link")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_stale_file_that_is_a_link_is_not_removed(rendered_folder: tuple[Path, Path]) -> None:
    description, out = rendered_folder
    precious = description.parent / "precious.yaml"
    precious.write_text("# Generated by kconf, but not yours to delete\n")
    (out / "kubeadm-join-old-node.yaml").symlink_to(precious)
    assert run_cli("render", str(description), "-o", str(out)).exit_code == 0
    assert (out / "kubeadm-join-old-node.yaml").is_symlink() and precious.exists()


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_a_manifest_outside_the_description_folder_is_read_and_the_output_stays_inside(
    tmp_path: Path, where: str
) -> None:
    corpus = require_corpus()
    shared = tmp_path / "shared" / "calico.yaml"
    shared.parent.mkdir()
    shutil.copyfile(corpus / "v3.28.5" / "calico.yaml", shared)
    original = shared.read_bytes()
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    path = "../../shared/calico.yaml" if where == "relative" else str(shared)
    (project / "cluster.yaml").write_text(
        HA_EXAMPLE.read_text().replace("mode: operator", f"mode: manifest\n    manifest: {path}")
    )
    result = run_cli("render", str(project / "cluster.yaml"))
    assert result.exit_code == 0, result.output
    assert (project / "cka" / "calico.yaml").read_bytes() != original
    assert shared.read_bytes() == original
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["calico.yaml"]


@pytest.mark.parametrize(
    ("manifest_path", "message"),
    [
        pytest.param("/etc/passwd", "no calico-node DaemonSet", id="absolute-not-a-manifest"),
        pytest.param("../../../../../../../../etc/passwd", "no calico-node DaemonSet", id="climbing-not-a-manifest"),
        pytest.param("/etc", "is a directory", id="a-folder"),
        pytest.param("../nowhere/calico.yaml", "no such file", id="missing"),
    ],
)
def test_a_manifest_path_that_is_no_manifest(tmp_path: Path, manifest_path: str, message: str) -> None:
    description = tmp_path / "cluster.yaml"
    description.write_text(HA_EXAMPLE.read_text().replace("mode: operator", f"mode: manifest\n    manifest: {manifest_path}"))
    result = run_cli("render", str(description))
    assert_clean_failure(result, message)
    assert "root:" not in result.output  # the file's content is not echoed
    assert not (tmp_path / "cka").exists()


# --- 4. secrets -------------------------------------------------------------------------------

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: ClusterConfiguration
    kubernetesVersion: v1.30.2
    networking:
      podSubnet: 172.16.0.0/16
"""

SECRET_DATA = f"""\
  token: {TOKEN}
  certificateKey: {CERT_KEY}
  joinCommand: kubeadm join k8s-vip:6443 --token {TOKEN} --certificate-key {CERT_KEY}
"""


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_from_configmap_never_prints_other_data_keys(tmp_path: Path) -> None:
    source = tmp_path / "cm.yaml"
    source.write_text(CONFIGMAP.replace("data:\n", "data:\n" + SECRET_DATA))
    result = run_cli("from-configmap", str(source), "--cri-socket", SOCKET)
    assert result.exit_code == 0
    assert "kind: InitConfiguration" in result.stdout
    assert_no_secret(result.stdout + result.stderr)
    output = tmp_path / "upload-certs.yaml"
    result = run_cli("from-configmap", str(source), "--cri-socket", SOCKET, "-o", str(output))
    assert result.exit_code == 0
    assert_no_secret(result.output + output.read_text())
    without = CONFIGMAP.replace("data:\n", "data:\n" + SECRET_DATA).replace("  ClusterConfiguration:", "  clusterConfiguration:")
    result = run_cli("from-configmap", "-", "--cri-socket", SOCKET, input=without)
    assert_clean_failure(result, "data has no ClusterConfiguration key", "certificateKey, clusterConfiguration, joinCommand, token")
    assert_no_secret(result.output)


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        pytest.param(["from-configmap", "-", "--cri-socket", SOCKET], CONFIGMAP.replace("kind: ConfigMap", f"kind: {TOKEN}"), "not ConfigMap", id="configmap-kind"),
        pytest.param(["from-configmap", "-", "--cri-socket", SOCKET], CONFIGMAP.replace("kind: ClusterConfiguration", f"kind: {CERT_KEY}"), "expected ClusterConfiguration", id="inner-kind"),
        pytest.param(["from-configmap", "-", "--cri-socket", f"unix:///run/{TOKEN}"], CONFIGMAP, "", id="socket-warning"),
        pytest.param(["calico", "patch", "-", "--pod-cidr", TOKEN], "", "--pod-cidr", id="pod-cidr"),
        pytest.param(["calico", "patch", "-", "--pod-cidr", "172.16.0.0/16", "--autodetect", f"cidr={CERT_KEY}"], "", "--autodetect", id="autodetect"),
    ],
)
def test_a_secret_pasted_into_the_wrong_field_is_redacted(args: list[str], stdin: str, fragment: str) -> None:
    result = run_cli(*args, input=stdin)
    assert fragment in result.stderr
    assert "internal error" not in result.output
    assert_no_secret(result.output)
    assert "k8stok.****************" in result.stderr or "9f86" + "*" * 60 in result.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("v1.31.2", TOKEN, id="kubernetesVersion"),
        pytest.param("name: cka\n", f"name: {CERT_KEY}\n", id="metadata-name"),
        pytest.param("port: 6443", f"port: {TOKEN}", id="lb-port"),
    ],
)
def test_render_errors_redact_a_pasted_secret(tmp_path: Path, field: str, value: str) -> None:
    description = tmp_path / "cluster.yaml"
    description.write_text(HA_EXAMPLE.read_text().replace(field, value, 1))
    result = run_cli("render", str(description))
    assert_clean_failure(result)
    assert_no_secret(result.output)
    assert "k8stok.****************" in result.stderr or "9f86" + "*" * 60 in result.stderr


KUBEADM_WITH_SECRETS = f"""\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: {TOKEN}
certificateKey: {CERT_KEY}
localAPIEndpoint:
  advertiseAddress: 192.168.51.81
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: k8s-vip:6443
    token: {TOKEN}
    caCertHashes: ["sha256:{'ab' * 32}"]
controlPlane:
  certificateKey: {CERT_KEY}
"""


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_lint_never_prints_a_secret(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "kubeadm.yaml").write_text(KUBEADM_WITH_SECRETS)
    # a secret that ends up in a yaml-syntax message: a duplicate key
    (tmp_path / "broken.yaml").write_text(f"apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n{TOKEN}: 1\n{TOKEN}: 2\n")
    result = run_cli("lint", "--format", output_format, str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert_no_secret(result.output)
    assert "k8stok.****************" in result.output  # the duplicate key, redacted
    assert "secret-committed" in result.output


# --- 5. hostile names ----------------------------------------------------------------------------

# Marker files the payloads create when the shell runs them: relative, so a
# payload needs no "/" (which no name may hold) and lands in the cwd.
PAYLOADS = [
    "evil\n    server evil 1.2.3.4:6443",
    "cka-cp-9\n",
    "a\r\nb",
    "a\u2028b",
    "a\tb",
    "a\x00b",
    "a;touch PWNED",
    "$(touch PWNED)",
    "$(touch${IFS}PWNED)",
    "`touch${IFS}PWNED`",
    "a'b\"c",
    "a b",
    "a#b",
    "-rf",
    "--config=/etc/passwd",
    "KCONF_JOIN_CONFIG",
]

# (field, how to put a value into the description as data)
BASE: dict[str, Any] = {
    "apiVersion": "kconf/v1alpha1",
    "kind": "Cluster",
    "metadata": {"name": "cka"},
    "spec": {
        "kubernetesVersion": "v1.31.2",
        "controlPlaneEndpoint": "k8s-vip:6443",
        "criSocket": "unix:///var/run/cri-dockerd.sock",
        "networking": {"podSubnet": "172.16.0.0/16"},
        "loadBalancer": {"hostname": "cka-hap-1", "address": "192.168.51.80", "port": 6443},
        "hosts": {"k8s-vip": "192.168.51.80"},
        "nodes": [
            {"name": "cka-cp-1", "role": "control-plane", "address": "192.168.51.81/24"},
            {"name": "cka-cp-2", "role": "control-plane", "address": "192.168.51.82/24"},
            {"name": "cka-worker-1", "role": "worker", "address": "192.168.51.84/24",
             "interfaces": [{"name": "enp0s8", "address": "192.168.51.84/24"}],
             "labels": {"zone": "a"}, "taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]},
        ],
    },
}


def _set(data: dict[str, Any], field: str, payload: str) -> None:
    spec = data["spec"]
    worker = spec["nodes"][2]
    setters: dict[str, Callable[[], None]] = {
        "metadata.name": lambda: data["metadata"].update(name=payload),
        "control-plane name": lambda: spec["nodes"][1].update(name=payload),
        "worker name": lambda: worker.update(name=payload),
        "first control-plane name": lambda: spec["nodes"][0].update(name=payload),
        "loadBalancer.hostname": lambda: spec["loadBalancer"].update(hostname=payload),
        "hosts key": lambda: spec["hosts"].update({payload: "192.168.51.99"}),
        "hosts value": lambda: spec["hosts"].update({"extra": "192.168.51.99 " + payload}),
        "interface name": lambda: worker["interfaces"][0].update(name=payload),
        "label key": lambda: worker["labels"].update({payload: "a"}),
        "label value": lambda: worker["labels"].update(zone=payload),
        "taint key": lambda: worker["taints"][0].update(key=payload),
        "taint value": lambda: worker["taints"][0].update(value=payload),
        "criSocket": lambda: spec.update(criSocket="unix:///run/" + payload + ".sock"),
        "node criSocket": lambda: worker.update(criSocket="unix:///run/" + payload + ".sock"),
        "imageRepository": lambda: spec.update(imageRepository="registry.k8s.io/" + payload),
        "controlPlaneEndpoint": lambda: spec.update(controlPlaneEndpoint=payload + ":6443"),
        "dnsDomain": lambda: spec["networking"].update(dnsDomain=payload),
        "kubernetesVersion": lambda: spec.update(kubernetesVersion="v1.31.2-" + payload),
        "node address": lambda: worker.update(address="192.168.51.84/24" + payload),
        "ipAutodetection": lambda: spec.update(calico={"ipAutodetection": "interface=" + payload}),
    }
    setters[field]()


FIELDS = [
    "metadata.name", "control-plane name", "worker name", "first control-plane name", "loadBalancer.hostname",
    "hosts key", "hosts value", "interface name", "label key", "label value", "taint key", "taint value",
    "criSocket", "node criSocket", "imageRepository", "controlPlaneEndpoint", "dnsDomain", "kubernetesVersion",
    "node address", "ipAutodetection",
]
# Fields that reach haproxy.cfg, hosts, file names or the scripts' comments
# and messages: a value with anything but letters, digits, '.', '_' and '-'
# must be refused.
NAME_CHARACTERS = re.compile(r"[A-Za-z0-9._-]+")
NAME_FIELDS = {
    "metadata.name", "control-plane name", "worker name", "first control-plane name", "loadBalancer.hostname",
    "hosts key", "hosts value", "label key", "label value", "taint key", "taint value", "node address",
}

FAKE_KUBEADM = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE/calls"
if [[ $1 == join ]]; then
    cp "$3" "$FAKE/config-seen"
    left=$(cat "$FAKE/join-failures" 2>/dev/null || echo 1)
    if ((left > 0)); then echo $((left - 1)) >"$FAKE/join-failures"; exit 1; fi
fi
exit 0
"""


def run_join_script(script: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """Run a join script with a fake kubeadm (the first join fails, so the
    reset path with --cri-socket runs too) in ``work``, under ``bash -x``."""
    fake = work / "fake"
    (fake / "bin").mkdir(parents=True)
    (fake / "tmp").mkdir()
    for name, body in (("kubeadm", FAKE_KUBEADM), ("kubectl", "#!/usr/bin/env bash\nexit 0\n")):
        (fake / "bin" / name).write_text(body)
        (fake / "bin" / name).chmod(0o755)
    joinfakes.install(fake / "bin")
    env = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin", "FAKE": str(fake), "TMPDIR": str(fake / "tmp"),
        # hostile names are about what the script does with them, not which host it runs on
        "KCONF_SKIP_HOST_CHECK": "1", "FAKE_UID": "0",
        "KCONF_JOIN_PAUSE": "0", "KCONF_JOIN_WAIT": "0", "KCONF_TOKEN": TOKEN,
        "KCONF_CA_CERT_HASH": "sha256:" + "ab" * 32, "KCONF_CERTIFICATE_KEY": CERT_KEY,
    }
    return subprocess.run(["bash", "-x", str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=60, check=False)


def assert_outputs_are_safe(out: Path, data: dict[str, Any], work: Path) -> None:
    """What render wrote for an accepted hostile value holds it as data only."""
    from kconf.yamlio import load_documents

    nodes = data["spec"]["nodes"]
    control_planes = [n for n in nodes if n["role"] == "control-plane"]
    haproxy = (out / "haproxy.cfg").read_text()
    servers = [line.split() for line in haproxy.splitlines() if line.strip().startswith("server ")]
    assert [s[1] for s in servers] == [n["name"] for n in control_planes]
    assert [s[2] for s in servers] == [n["address"].split("/")[0] + ":6443" for n in control_planes]
    haproxy_bin = require_tool("haproxy", path=SBIN)
    checked = subprocess.run([haproxy_bin, "-c", "-f", str(out / "haproxy.cfg")], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hosts = [line for line in (out / "hosts").read_text().splitlines() if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[0-9.]+\t[a-z0-9. -]+", line) for line in hosts), hosts
    assert len(hosts) == len({n["address"].split("/")[0] for n in nodes} | {"192.168.51.80"})
    for script in sorted(out.glob("join-*.sh")):
        text = script.read_text()
        assert all(line.startswith("#") for line in text.splitlines()[:12]), "the header comment grew a command"
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
        result = run_join_script(script, work / script.stem)
        assert result.returncode == 0, result.stderr
        assert not list(work.rglob("PWNED*")), "a payload ran"
        assert_no_secret(result.stdout + result.stderr)
    for yaml_file in sorted(out.glob("kubeadm-*.yaml")):
        for document in load_documents(yaml_file.read_text(), str(yaml_file)):
            registration = (document.data or {}).get("nodeRegistration")
            if registration is not None:
                assert set(registration) <= {"name", "criSocket", "kubeletExtraArgs", "taints"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p)[1:-1][:24])
@pytest.mark.parametrize("field", FIELDS)
def test_hostile_names_are_refused_or_kept_as_data(tmp_path: Path, field: str, payload: str) -> None:
    data = json.loads(json.dumps(BASE))
    _set(data, field, payload)
    description = tmp_path / "cluster.yaml"
    description.write_text(json.dumps(data, indent=2))  # JSON is YAML, and escapes every character
    out = tmp_path / "out"
    result = run_cli("render", str(description), "-o", str(out))
    assert "internal error" not in result.output and "Traceback" not in result.output
    if (field in NAME_FIELDS and not NAME_CHARACTERS.fullmatch(payload)) or not payload.isprintable():
        assert_clean_failure(result, "cluster.yaml:")
    if result.exit_code != 0:
        assert_clean_failure(result, "cluster.yaml:")
        assert not out.exists()
        return
    work = tmp_path / "work"
    work.mkdir()
    assert_outputs_are_safe(out, data, work)
    if "criSocket" in field:  # reached both the join configuration and kubeadm reset intact
        fake = work / "join-cka-worker-1" / "fake"
        socket = "unix:///run/" + payload + ".sock"
        (seen,) = _docs((fake / "config-seen").read_text())
        assert seen.data["nodeRegistration"]["criSocket"] == socket
        assert f"reset -f --cri-socket {socket}" in (fake / "calls").read_text()
    if field == "ipAutodetection":
        (installation,) = _docs((out / "calico-installation.yaml").read_text())
        assert installation.data["spec"]["calicoNetwork"]["nodeAddressAutodetectionV4"] == {"interface": payload}


def _docs(text: str) -> list[Any]:
    from kconf.yamlio import load_documents

    return [d for d in load_documents(text, "seen") if d.data is not None]


@pytest.mark.parametrize(
    "file_name",
    [
        "evil\n    server evil 1.2.3.4:6443\n#.yaml",
        "x\ntouch PWNED\n#.yaml",
        "x$(touch PWNED).yaml",
        "x`touch PWNED`'\".yaml",
        "x\r\u2028y.yaml",
    ],
    ids=["haproxy-line", "shell-line", "substitution", "backticks-quotes", "odd-breaks"],
)
def test_a_hostile_description_file_name_stays_in_the_header_comment(tmp_path: Path, file_name: str) -> None:
    description = tmp_path / file_name
    description.write_text(HA_EXAMPLE.read_text())
    out = tmp_path / "out"
    result = run_cli("render", str(description), "-o", str(out))
    assert result.exit_code == 0, result.output
    for path in sorted(out.iterdir()):
        first = path.read_text().splitlines()[1 if path.suffix == ".sh" else 0]
        if path.suffix == ".md":  # an HTML comment, which a "--" in the name must not end
            assert first.startswith("<!-- Generated by kconf from ") and first.endswith("run `kconf render`. -->")
            assert first.count("--") == 2, first
            continue
        assert first.startswith("# Generated by kconf from ") and first.endswith("Do not edit: change the description and run `kconf render`.")
    work = tmp_path / "work"
    work.mkdir()
    assert_outputs_are_safe(out, json.loads(json.dumps(_ha_example_data())), work)


def _ha_example_data() -> dict[str, Any]:
    from kconf.description import read_description

    return read_description(str(HA_EXAMPLE))[0].data  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "output_name", ["x; touch PWNED.yaml", "$(touch PWNED).yaml", "a'b.yaml"],
)
def test_from_configmap_next_step_quotes_the_output_path(tmp_path: Path, output_name: str) -> None:
    source = tmp_path / "cm.yaml"
    source.write_text(CONFIGMAP)
    output = tmp_path / output_name
    result = run_cli("from-configmap", str(source), "--cri-socket", SOCKET, "-o", str(output))
    assert result.exit_code == 0
    command = result.stderr.splitlines()[-1].strip()
    assert command.startswith("sudo kubeadm init phase upload-certs --upload-certs --config ")
    import shlex

    assert shlex.split(command)[-1] == str(output)


@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", 143), ("SIGINT", 130), ("SIGHUP", None)])
def test_a_join_script_stopped_midway_removes_its_secret_copy(tmp_path: Path, signal_name: str, code: int | None) -> None:
    import signal
    import time

    out = tmp_path / "out"
    assert run_cli("render", str(HA_EXAMPLE), "-o", str(out)).exit_code == 0
    fake = tmp_path / "fake"
    (fake / "bin").mkdir(parents=True)
    (fake / "tmp").mkdir()
    # kubeadm join hangs (a slow API server) until the test stops the script
    (fake / "bin" / "kubeadm").write_text('#!/usr/bin/env bash\ntouch "$FAKE/started"\nexec sleep 30\n')
    (fake / "bin" / "kubeadm").chmod(0o755)
    joinfakes.install(fake / "bin")
    env = {
        "PATH": f"{fake / 'bin'}:/usr/bin:/bin", "FAKE": str(fake), "TMPDIR": str(fake / "tmp"),
        **joinfakes.HA_HOSTS["join-cka-cp-2.sh"],
        "KCONF_TOKEN": TOKEN, "KCONF_CA_CERT_HASH": "sha256:" + "ab" * 32, "KCONF_CERTIFICATE_KEY": CERT_KEY,
    }
    # The three signals back to their defaults in the child: pytest may itself
    # have started with some ignored (SIGINT in a background job of a script,
    # SIGHUP under nohup), and a non-interactive bash cannot trap (nor die of)
    # a signal that was ignored when it started.
    def default_signals() -> None:
        for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)

    process = subprocess.Popen(
        ["bash", str(out / "join-cka-cp-2.sh")], env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_signals,
    )
    try:
        deadline = time.monotonic() + 20
        while not (fake / "started").exists():
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.05)
        assert len(list((fake / "tmp").iterdir())) == 1  # the 0600 copy, while kubeadm runs
        os.killpg(process.pid, getattr(signal, signal_name))  # as a terminal does: the whole group
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0
    if code is not None:
        assert process.returncode == code
    assert list((fake / "tmp").iterdir()) == [], "the filled-in join configuration was left behind"
    assert_no_secret(stdout + stderr)


@pytest.mark.parametrize("command", ["render", "calico", "from-configmap", "lint", "render-manifest"])
def test_a_fifo_nobody_writes_to_is_refused_not_waited_for(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "input.yaml")
    if command == "render-manifest":
        (tmp_path / "cluster.yaml").write_text(
            HA_EXAMPLE.read_text().replace("mode: operator", "mode: manifest\n    manifest: input.yaml")
        )
        args = ["render", "cluster.yaml", "-o", "out"]
    else:
        args = command_args(command, "input.yaml" if command != "lint" else ".")
    result = run_kconf(args, tmp_path)  # a hang fails on the subprocess timeout
    if command == "lint":
        assert result.returncode == 1 and "\ninput.yaml:1:1: error: is not a regular file" in "\n" + result.stdout
    else:
        assert result.returncode == 2 and "is not a regular file" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_pipe_the_user_names_is_still_read(tmp_path: Path) -> None:
    source = tmp_path / "cm.yaml"
    source.write_text(CONFIGMAP)
    # a shell's <(kubectl get cm ...) and /dev/stdin are pipes, read as before
    script = f'kconf() {{ {sys.executable} -m kconf "$@"; }}; kconf from-configmap <(cat cm.yaml) --cri-socket {SOCKET} && cat cm.yaml | kconf from-configmap /dev/stdin --cri-socket {SOCKET}'
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("kind: InitConfiguration") == 2


def test_a_huge_file_in_the_output_folder_is_replaced_unread(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with open(out / "hosts", "wb") as handle:  # 2 GB, sparse; 512 MiB of address space could not hold it
        handle.truncate(2 * 1024 * 1024 * 1024)
    shutil.copyfile(HA_EXAMPLE, tmp_path / "cluster.yaml")
    check = run_kconf(["render", "cluster.yaml", "-o", "out", "--check"], tmp_path)
    assert check.returncode == 1 and "out/hosts: differs" in check.stderr, check.stderr
    result = run_kconf(["render", "cluster.yaml", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "hosts").stat().st_size < 1000


def test_a_stale_file_that_cannot_be_removed_is_a_warning(
    rendered_folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    description, out = rendered_folder
    description.write_text(description.read_text().replace("    - {name: cka-worker-3, role: worker, address: 192.168.52.86/24}\n", ""))
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith("cka-worker-3.yaml"):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    result = run_cli("render", str(description), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"kconf: warning: {out / 'kubeadm-join-cka-worker-3.yaml'}: no longer rendered, but cannot remove it" in result.stderr
    assert f"removed {out / 'join-cka-worker-3.sh'}" in result.stderr
    assert "internal error" not in result.output
