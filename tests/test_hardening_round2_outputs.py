"""Issue 14, items 10-19: what kconf writes, and where, under unlucky
conditions: deep settings files, full and closed outputs, floats where
integers belong, CRLF output folders, date-like strings, a UTF-8 BOM,
--in-place on owned and linked files, non-ASCII file names under any locale,
a full disk, and size limits worded by what was exceeded.

Every test here failed on main before its fix (the report of issue 14 quotes
the failing line of each)."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, require_corpus, run_cli

HA_EXAMPLE = EXAMPLES / "ha-haproxy" / "cluster.yaml"
SOCKET = "unix:///var/run/containerd/containerd.sock"
TIMEOUT = 30
BOM = b"\xef\xbb\xbf"

CONFIGMAP = """\
apiVersion: v1
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta4
    kind: ClusterConfiguration
    kubernetesVersion: v1.31.2
    controlPlaneEndpoint: k8s-vip:6443
    networking:
      podSubnet: 172.16.0.0/16
      serviceSubnet: 10.96.0.0/12
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
"""


def kconf(
    args: list[str], cwd: Path, *, stdout: Any = subprocess.PIPE, shell_redirect: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """kconf in a child process; ``shell_redirect`` (e.g. ``>&-``) runs it
    through bash with that redirection of its standard output."""
    environment = {**os.environ, "KCONF_DEBUG": "", **(env or {})}
    command = [sys.executable, "-m", "kconf", *args]
    if shell_redirect is not None:
        import shlex

        line = " ".join(shlex.quote(part) for part in command) + " " + shell_redirect
        return subprocess.run(["bash", "-c", line], cwd=cwd, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                              timeout=TIMEOUT, env=environment, check=False)
    return subprocess.run(command, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=TIMEOUT,
                          env=environment, check=False)


def assert_error(result: subprocess.CompletedProcess[bytes], *fragments: str) -> str:
    """Exit 2 and one ``kconf: error:`` line; never an internal error or a traceback."""
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2, (result.returncode, stderr)
    assert stderr.startswith("kconf: error: "), stderr
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    for fragment in fragments:
        assert fragment in stderr, (fragment, stderr)
    return stderr


# --- 10. a deep settings file ----------------------------------------------------------

DEEP = 100_000
SETTINGS_FILES = {
    "pyproject-array": ("pyproject.toml", "[tool.kconf]\ndisable = " + "[" * DEEP + "]" * DEEP + "\n"),
    "pyproject-inline-table": ("pyproject.toml", "[tool.kconf]\nseverity = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"),
    "kconf-yaml-array": (".kconf.yaml", "disable: " + "[" * DEEP + "]" * DEEP + "\n"),
}


@pytest.mark.parametrize("case", list(SETTINGS_FILES))
def test_a_deep_settings_file_is_a_settings_error_naming_it(tmp_path: Path, case: str) -> None:
    name, text = SETTINGS_FILES[case]
    (tmp_path / name).write_text(text)
    stderr = assert_error(kconf(["lint", "."], tmp_path), str(tmp_path / name))
    assert "nesting" in stderr or "deeper" in stderr, stderr


# --- 11. a full or closed standard output ----------------------------------------------


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with the HA example rendered into cka/ (one file edited, so
    lint has findings to print), a Calico manifest and a ConfigMap."""
    shutil.copyfile(HA_EXAMPLE, tmp_path / "cluster.yaml")
    assert run_cli("render", str(tmp_path / "cluster.yaml")).exit_code == 0
    with open(tmp_path / "cka" / "hosts", "a") as handle:
        handle.write("10.9.9.9 added-by-hand\n")
    shutil.copyfile(require_corpus() / "v3.28.5" / "calico.yaml", tmp_path / "calico.yaml")
    (tmp_path / "cm.yaml").write_text(CONFIGMAP)
    return tmp_path


STDOUT_COMMANDS = {
    "calico-patch": ["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16"],
    "from-configmap": ["from-configmap", "cm.yaml", "--cri-socket", SOCKET],
    "lint-text": ["lint", "cluster.yaml", "cka"],
    "lint-json": ["lint", "--format", "json", "cluster.yaml", "cka"],
    "lint-explain": ["lint", "--explain", "rendered-drift"],
}


@pytest.mark.parametrize("command", list(STDOUT_COMMANDS))
def test_a_full_standard_output_is_an_error(work: Path, command: str) -> None:
    with open("/dev/full", "w") as full:
        result = kconf(STDOUT_COMMANDS[command], work, stdout=full)
    stderr = assert_error(result, "standard output: cannot write: No space left on device")
    assert "save this output" not in stderr


@pytest.mark.parametrize("command", list(STDOUT_COMMANDS))
def test_a_closed_standard_output_is_an_error(work: Path, command: str) -> None:
    stderr = assert_error(kconf(STDOUT_COMMANDS[command], work, shell_redirect=">&-"), "standard output is closed")
    assert "save this output" not in stderr


def test_a_closed_standard_output_does_not_matter_with_o(work: Path) -> None:
    result = kconf(["calico", "patch", "calico.yaml", "--pod-cidr", "172.16.0.0/16", "-o", "out.yaml"], work,
                   shell_redirect=">&-")
    assert result.returncode == 0, result.stderr
    assert b"CALICO_IPV4POOL_CIDR" in (work / "out.yaml").read_bytes()


# --- 12. floats are not integers -------------------------------------------------------

FLOATS = {
    # case -> (the line in the example, its replacement, the field path in the message)
    "port-6443.0": ("    port: 6443\n", "    port: 6443.0\n", "spec.loadBalancer.port"),
    "port-6.443e3": ("    port: 6443\n", "    port: 6.443e3\n", "spec.loadBalancer.port"),
    "port-tagged-float": ("    port: 6443\n", "    port: !!float 6443\n", "spec.loadBalancer.port"),
    "blockSize-26.0": ("    blockSize: 26\n", "    blockSize: 26.0\n", "spec.calico.blockSize"),
    "nodeCIDRMaskSize-24.0": ("    serviceSubnet: 10.96.0.0/12\n", "    serviceSubnet: 10.96.0.0/12\n    nodeCIDRMaskSize: 24.0\n",
                              "spec.networking.nodeCIDRMaskSize"),
    "bindPort-6443.0": ("role: control-plane, address: 192.168.51.81/24}", "role: control-plane, address: 192.168.51.81/24, bindPort: 6443.0}",
                        "spec.nodes[0].bindPort"),
    "port-6443.5": ("    port: 6443\n", "    port: 6443.5\n", "spec.loadBalancer.port"),
}


@pytest.mark.parametrize("case", list(FLOATS))
def test_a_float_where_an_integer_belongs_is_refused(tmp_path: Path, case: str) -> None:
    old, new, field = FLOATS[case]
    text = HA_EXAMPLE.read_text()
    assert old in text
    (tmp_path / "cluster.yaml").write_text(text.replace(old, new, 1))
    result = run_cli("render", str(tmp_path / "cluster.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"{field}: " in result.stderr and "is a float, expected integer" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_whole_integer_still_renders(tmp_path: Path) -> None:
    text = HA_EXAMPLE.read_text().replace("    port: 6443\n", "    port: 0x192b\n")  # 6443 in hex (YAML 1.2 int)
    (tmp_path / "cluster.yaml").write_text(text)
    assert run_cli("render", str(tmp_path / "cluster.yaml"), "-o", str(tmp_path / "out")).exit_code == 0
    assert "bind :6443\n" in (tmp_path / "out" / "haproxy.cfg").read_text()


# --- 13. lint sees CRLF drift ----------------------------------------------------------


def test_lint_reports_an_output_folder_converted_to_crlf(tmp_path: Path) -> None:
    shutil.copyfile(HA_EXAMPLE, tmp_path / "cluster.yaml")
    assert run_cli("render", str(tmp_path / "cluster.yaml")).exit_code == 0
    out = tmp_path / "cka"
    names = sorted(p.name for p in out.iterdir())
    for path in out.iterdir():
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # unix2dos
    assert run_cli("render", str(tmp_path / "cluster.yaml"), "--check").exit_code == 1
    result = run_cli("lint", "--format", "json", str(tmp_path))
    import json

    findings = json.loads(result.stdout)["findings"]
    crlf = sorted(Path(f["path"]).name for f in findings
                  if f["rule"] == "rendered-drift" and "line endings are CRLF; kconf render writes LF" in f["message"])
    assert crlf == names, result.stdout
    assert result.exit_code == 1


def test_lint_reports_one_crlf_line_among_lf(tmp_path: Path) -> None:
    shutil.copyfile(HA_EXAMPLE, tmp_path / "cluster.yaml")
    assert run_cli("render", str(tmp_path / "cluster.yaml")).exit_code == 0
    script = tmp_path / "cka" / "join-cka-worker-1.sh"
    lines = script.read_bytes().split(b"\n")
    lines[3] += b"\r"
    script.write_bytes(b"\n".join(lines))
    result = run_cli("lint", str(tmp_path))
    assert result.exit_code == 1
    assert f"{script}:4:" in result.stdout and "line endings are CRLF" in result.stdout, result.stdout


# --- 14. date-like and other YAML 1.1 specials are quoted ------------------------------

YAML11_SPECIALS = [
    "2024-01-02", "2024-1-2", "2024-01-02t10:20:30z", "2024-01-02 10:20:30", "2001-12-14T21:59:43.10-05:00",
    "on", "Off", "yes", "n", "1e3", "1e+3", "0x1F", "012", "08", "1_000", "1:30", "190:20:30", "<<", "=",
    "0b101", "+12", ".5", "1.", "-.inf", ".NaN", "~", "null",
]


@pytest.mark.parametrize("text", YAML11_SPECIALS)
def test_dumped_strings_read_back_as_the_same_strings_in_yaml_1_1_and_1_2(text: str) -> None:
    from ruamel.yaml import YAML

    from kconf.yamlio import dump_documents

    dumped = dump_documents([{"name": text, text: [text]}])
    assert yaml.safe_load(dumped) == {"name": text, text: [text]}, dumped  # YAML 1.1
    assert YAML(typ="safe", pure=True).load(io.StringIO(dumped)) == {"name": text, text: [text]}, dumped  # YAML 1.2


def test_a_date_like_cluster_node_and_taint_value_render_quoted(tmp_path: Path) -> None:
    text = HA_EXAMPLE.read_text().replace("name: cka-worker-3, role: worker,",
                                          "name: 2024-01-02, role: worker, taints: [{key: k, value: 2024-01-03, effect: NoSchedule}],")
    text = text.replace("  name: cka\n", "  name: 2024-01-04\n")
    (tmp_path / "cluster.yaml").write_text(text)
    result = run_cli("render", str(tmp_path / "cluster.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    join = (tmp_path / "out" / "kubeadm-join-2024-01-02.yaml").read_text()
    assert 'name: "2024-01-02"' in join and 'value: "2024-01-03"' in join, join
    init = (tmp_path / "out" / "kubeadm-init.yaml").read_text()
    assert 'clusterName: "2024-01-04"' in init, init
    for path in (tmp_path / "out").glob("*.yaml"):
        for document in yaml.safe_load_all(path.read_text()):
            assert not _holds_a_date(document), path


def _holds_a_date(value: Any) -> bool:
    import datetime

    if isinstance(value, dict):
        return any(_holds_a_date(k) or _holds_a_date(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_a_date(v) for v in value)
    return isinstance(value, (datetime.date, datetime.datetime))


# --- 15. calico patch keeps a UTF-8 BOM ------------------------------------------------


@pytest.mark.parametrize("where", ["stdout", "-o", "--in-place"])
def test_calico_patch_keeps_a_utf8_bom(tmp_path: Path, where: str) -> None:
    original = (require_corpus() / "v3.28.5" / "calico.yaml").read_bytes()
    manifest = tmp_path / "calico.yaml"
    manifest.write_bytes(BOM + original)
    args = ["calico", "patch", str(manifest), "--pod-cidr", "172.16.0.0/16"]
    manifest_plain = tmp_path / "plain.yaml"
    manifest_plain.write_bytes(original)
    reference = run_cli("calico", "patch", str(manifest_plain), "--pod-cidr", "172.16.0.0/16").stdout_bytes
    assert not reference.startswith(BOM)
    if where == "stdout":
        data = run_cli(*args).stdout_bytes
    elif where == "-o":
        assert run_cli(*args, "-o", str(tmp_path / "out.yaml")).exit_code == 0
        data = (tmp_path / "out.yaml").read_bytes()
    else:
        assert run_cli(*args, "--in-place").exit_code == 0
        data = manifest.read_bytes()
    assert data == BOM + reference


# --- 16. --in-place keeps owner, group and mode; refuses hard links --------------------


@pytest.fixture
def owned_manifest(tmp_path: Path) -> Path:
    manifest = tmp_path / "calico.yaml"
    shutil.copyfile(require_corpus() / "v3.28.5" / "calico.yaml", manifest)
    manifest.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(manifest, 1234, 5678)
    return manifest


def test_in_place_keeps_owner_group_and_mode(owned_manifest: Path) -> None:
    before = owned_manifest.stat()
    result = run_cli("calico", "patch", str(owned_manifest), "--pod-cidr", "172.31.0.0/16", "--in-place")
    assert result.exit_code == 0, result.output
    after = owned_manifest.stat()
    assert after.st_ino != before.st_ino  # replaced by rename, atomically
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o640, before.st_uid, before.st_gid)
    assert (before.st_uid, before.st_gid) == ((1234, 5678) if os.geteuid() == 0 else (os.geteuid(), before.st_gid))
    assert b"172.31.0.0/16" in owned_manifest.read_bytes()


def test_in_place_refuses_a_hard_linked_manifest(owned_manifest: Path) -> None:
    link = owned_manifest.with_name("other-name.yaml")
    os.link(owned_manifest, link)
    before = owned_manifest.read_bytes()
    result = run_cli("calico", "patch", str(owned_manifest), "--pod-cidr", "172.31.0.0/16", "--in-place")
    assert result.exit_code == 2, result.output
    assert f"kconf: error: {owned_manifest}: has 2 hard links" in result.stderr, result.stderr
    assert owned_manifest.read_bytes() == before == link.read_bytes()
    assert sorted(p.name for p in owned_manifest.parent.iterdir()) == ["calico.yaml", "other-name.yaml"]


# --- 17. a non-ASCII description file name, under any locale ---------------------------

LOCALES = [
    {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    {"LC_ALL": "C", "LANG": "C"},
    {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},  # ASCII file system encoding
    {"LC_ALL": "POSIX", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
]


def test_a_non_ascii_description_name_renders_the_same_bytes_under_every_locale(tmp_path: Path) -> None:
    shutil.copyfile(HA_EXAMPLE, tmp_path / "clüster.yaml")
    outputs = []
    for number, locale in enumerate(LOCALES):
        result = kconf(["render", "clüster.yaml", "-o", f"out{number}"], tmp_path, env=locale)
        assert result.returncode == 0, (locale, result.stderr)
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / f"out{number}").iterdir())})
    assert outputs[0]["kubeadm-init.yaml"].startswith("# Generated by kconf from clüster.yaml (cluster cka).".encode())
    for locale, output in zip(LOCALES[1:], outputs[1:], strict=True):
        assert output == outputs[0], locale


def test_a_non_ascii_configmap_name_gives_the_same_bytes_under_every_locale(tmp_path: Path) -> None:
    (tmp_path / "kübeadm-config.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n"
        "  ClusterConfiguration: |\n    apiVersion: kubeadm.k8s.io/v1beta4\n    kind: ClusterConfiguration\n"
        "    kubernetesVersion: v1.31.2\n"
    )
    outputs = []
    for locale in LOCALES:
        result = kconf(["from-configmap", "kübeadm-config.yaml", "--cri-socket", "unix:///run/containerd/containerd.sock"], tmp_path, env=locale)
        assert result.returncode == 0, (locale, result.stderr)
        outputs.append(result.stdout)
    assert outputs[0].startswith("# Generated by kconf from-configmap from kübeadm-config.yaml (ConfigMap kube-system/kubeadm-config).".encode())
    assert outputs[1:] == outputs[:1] * (len(outputs) - 1)


# --- 18. a full disk names the target ---------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only); 48 KiB of it already used."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        (mount / "filler").write_bytes(b"x" * 48 * 1024)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_names_the_target_file(tiny_disk: Path, tmp_path: Path) -> None:
    shutil.copyfile(HA_EXAMPLE, tmp_path / "cluster.yaml")
    out = tiny_disk / "out"
    result = kconf(["render", str(tmp_path / "cluster.yaml"), "-o", str(out)], tmp_path)
    stderr = assert_error(result, "No space left on device")
    assert stderr.startswith(f"kconf: error: {out}/"), stderr
    assert ".kconf-tmp" not in stderr, stderr
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize(
    ("target", "error"),
    [("os.fsync", errno.ENOSPC), ("os.chmod", errno.EPERM), ("os.replace", errno.EIO)],
)
def test_a_write_error_names_the_target_not_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, error: int
) -> None:
    manifest = tmp_path / "calico.yaml"
    shutil.copyfile(require_corpus() / "v3.28.5" / "calico.yaml", manifest)
    module_name, _, attribute = target.rpartition(".")
    module = sys.modules[module_name]
    real = getattr(module, attribute)

    def fail(*args: Any, **kwargs: Any) -> Any:
        name = args[0] if args and not isinstance(args[0], int) else None
        raise OSError(error, os.strerror(error), *([str(name)] if name is not None else []),
                      *([None, str(args[1])] if target == "os.replace" else []))

    monkeypatch.setattr(module, attribute, fail)
    out = tmp_path / "out.yaml"
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", "172.16.0.0/16", "-o", str(out))
    monkeypatch.setattr(module, attribute, real)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"kconf: error: {out}: cannot write: {os.strerror(error)}\n", result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calico.yaml"]


# --- 19. size limits say what was exceeded ---------------------------------------------


@pytest.mark.parametrize(("items", "limit"), [(300, 1_000), (3_000, 10_000)], ids=["limit-1000", "limit-10000"])
def test_many_plain_nodes_are_not_called_an_alias_bomb(monkeypatch: pytest.MonkeyPatch, items: int, limit: int | None) -> None:
    import kconf.yamlio
    from kconf.errors import KconfError
    from kconf.yamlio import load_documents

    if limit is not None:
        monkeypatch.setattr(kconf.yamlio, "MAX_NODES", limit)
    limit = kconf.yamlio.MAX_NODES
    text = "env:\n" + "".join(f"- {{name: N{i}, value: v}}\n" for i in range(items))
    with pytest.raises(KconfError) as raised:
        load_documents(text, "big.yaml")
    # 3 nodes (document mapping, key, list), then 5 per item: with 500,000
    # item 100,000 (line 100,001) is one too many, with 1,000 item 200 (line 201)
    assert str(raised.value) == (
        f"big.yaml:{(limit - 3) // 5 + 2}: more than {limit:,} YAML nodes in one document "
        "(no aliases among them); kconf reads documents up to that size"
    )


def test_an_alias_bomb_is_still_called_one() -> None:
    from kconf.errors import KconfError
    from kconf.yamlio import load_documents

    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(KconfError, match=r"nodes once aliases are expanded \(an alias bomb\?\)"):
        load_documents("\n".join(lines) + "\n", "bomb.yaml")
