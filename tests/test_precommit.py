"""The pre-commit hooks, run by the real `pre-commit try-repo` against a git
repository that holds a rendered cluster.

pre-commit installs kconf from this repository into a virtualenv of its own,
non-editable (so schemas and templates must be package data), which needs
PyPI for the dependencies. The hook repository is a snapshot commit of this
working tree (tracked and untracked, not ignored, files): `try-repo` on the
checkout itself would leave untracked files out, so the test would check the
last commit instead of the code under test; in a fresh clone both are the same.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from lintkit import BASE_CLUSTER, render_into

HOOK_TIMEOUT = 600  # seconds for one try-repo: it builds the hook's virtualenv anew every time

needs_pre_commit = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed (pip install -e '.[test]')"
)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
STATUS = re.compile(r"^(?P<name>\S.*?)\.{3,}(?:\(no files to check\))?(?P<status>Passed|Failed|Skipped)$")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "kconf tests", "GIT_AUTHOR_EMAIL": "tests@kconf.invalid",
    "GIT_COMMITTER_NAME": "kconf tests", "GIT_COMMITTER_EMAIL": "tests@kconf.invalid",
    # a fixed date: the same tree gives the same commit
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def snapshot(repo: Path, dest: Path) -> Path:
    """A one-commit repository with the files of ``repo``'s working tree."""
    if not (repo / ".git").exists():
        pytest.skip(f"{repo} is not a git checkout")
    listed = git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = repo / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot of the kconf working tree")
    return dest


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return snapshot(REPO, tmp_path_factory.mktemp("kconf-hook-repo"))


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def cluster_repo(tmp_path: Path) -> Iterator[Path]:
    """A git repository with cluster.yaml and its rendered folder lab/, committed."""
    work = tmp_path / "infra"
    work.mkdir()
    git(work, "init", "-q")
    render_into(work)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "cluster lab")
    yield work


def try_repo(hook_repo: Path, work: Path, home: Path) -> tuple[int, dict[str, tuple[str, str]]]:
    """Both hooks of ``hook_repo`` on every file of ``work``: the exit code,
    and hook name -> (Passed/Failed/Skipped, the hook's output)."""
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--all-files", "--color", "never"],
        cwd=work, env=env, capture_output=True, text=True, timeout=HOOK_TIMEOUT,
    )
    hooks: dict[str, tuple[str, str]] = {}
    current: str | None = None
    for line in done.stdout.splitlines():
        match = STATUS.match(line)
        if match:
            current = match.group("name")
            hooks[current] = (match.group("status"), "")
        elif current is not None and not line.startswith("- "):
            hooks[current] = (hooks[current][0], hooks[current][1] + line + "\n")
    assert sorted(hooks) == ["kconf lint", "kconf render --check"], done.stdout + done.stderr
    return done.returncode, hooks


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_hooks_file_defines_both_hooks() -> None:
    from kconf.yamlio import load_documents

    hooks = load_documents((REPO / ".pre-commit-hooks.yaml").read_text(), ".pre-commit-hooks.yaml")[0].data
    by_id = {hook["id"]: hook for hook in hooks}
    assert sorted(by_id) == ["kconf-lint", "kconf-render-check"]
    assert by_id["kconf-lint"]["entry"] == "kconf lint"
    assert by_id["kconf-render-check"]["entry"] == "python -m kconf.hooks render-check"
    assert all(hook["language"] == "python" and hook["pass_filenames"] for hook in hooks)
    pattern = re.compile(by_id["kconf-lint"]["files"])
    passed = ["cluster.yaml", "lab/kubeadm-init.yaml", "lab/haproxy.cfg", "cm.yml", "cm.json"]
    assert [name for name in [*passed, "lab/hosts", "lab/join-cp-2.sh", "README.md"] if pattern.search(name)] == passed


@needs_pre_commit
@needs_git
def test_try_repo_on_a_rendered_cluster(hook_repo: Path, pre_commit_home: Path, cluster_repo: Path) -> None:
    # clean: both hooks pass (and were given files)
    code, hooks = try_repo(hook_repo, cluster_repo, pre_commit_home)
    assert (code, {name: status for name, (status, _) in hooks.items()}) == (
        0, {"kconf lint": "Passed", "kconf render --check": "Passed"}
    ), hooks

    # a hand edit drops a backend server: lint names haproxy-backends, render-check the file
    haproxy = cluster_repo / "lab" / "haproxy.cfg"
    original = haproxy.read_text()
    server = next(line for line in original.splitlines(keepends=True) if line.strip().startswith("server cp-2 "))
    replace(haproxy, server, "")
    code, hooks = try_repo(hook_repo, cluster_repo, pre_commit_home)
    assert code == 1
    status, output = hooks["kconf lint"]
    assert status == "Failed" and "lab/haproxy.cfg:" in output and "[haproxy-backends]" in output, output
    status, output = hooks["kconf render --check"]
    assert status == "Failed" and "lab/haproxy.cfg: differs\n" in output and "kubeadm-init" not in output, output
    haproxy.write_text(original)

    # a pod CIDR over the node network, the files rendered from it (bypassing the gate):
    # lint fails, and so does render --check, which is lint-gated
    overlapping = BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 192.168.0.0/16")
    assert overlapping != BASE_CLUSTER
    render_into(cluster_repo, overlapping)
    code, hooks = try_repo(hook_repo, cluster_repo, pre_commit_home)
    assert code == 1
    status, output = hooks["kconf render --check"]
    assert status == "Failed" and "[cidr-overlaps-node-network]" in output and "nothing written" in output, hooks
    status, output = hooks["kconf lint"]
    assert status == "Failed" and "cluster.yaml:10:" in output and "[cidr-overlaps-node-network]" in output, output


# --- the render-check entry point, in-process ------------------------------------------------


def render_check(work: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> Any:
    from click.testing import CliRunner

    from kconf.hooks import main

    monkeypatch.chdir(work)
    return CliRunner().invoke(main, ["render-check", *paths], catch_exceptions=False)


def test_render_check_of_a_clean_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_into(tmp_path)
    result = render_check(tmp_path, monkeypatch, "cluster.yaml", "lab/hosts", "lab/haproxy.cfg", "unrelated.txt")
    assert (result.exit_code, result.output) == (0, "")


def test_render_check_of_a_description_changed_without_rendering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_into(tmp_path)
    replace(tmp_path / "cluster.yaml", "podSubnet: 172.16.0.0/16", "podSubnet: 10.244.0.0/16")
    result = render_check(tmp_path, monkeypatch, "cluster.yaml")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "lab/PLAN.md: differs\n"  # its Calico step names the pool
        "lab/calico-installation.yaml: differs\n"
        "lab/kubeadm-init.yaml: differs\n"
        "kconf: 3 files in lab are not what `kconf render cluster.yaml` writes\n"
    )


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(("lab/hosts",), id="the-edited-file"),
        pytest.param(("lab/join-cp-2.sh", "lab/hosts", "cluster.yaml"), id="each-description-once"),
    ],
)
def test_render_check_of_a_hand_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: tuple[str, ...]) -> None:
    render_into(tmp_path)
    replace(tmp_path / "lab" / "hosts", "192.168.51.91", "192.168.51.99")
    result = render_check(tmp_path, monkeypatch, *given)
    assert (result.exit_code, result.stderr) == (
        1, "lab/hosts: differs\nkconf: 1 file in lab is not what `kconf render cluster.yaml` writes\n"
    )


def test_render_check_skips_a_description_never_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cluster.yaml").write_text(BASE_CLUSTER)
    result = render_check(tmp_path, monkeypatch, "cluster.yaml")
    assert (result.exit_code, result.output) == (0, "")


def test_render_check_of_a_broken_description(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_into(tmp_path)
    replace(tmp_path / "cluster.yaml", "  nodes:\n", "  nodez: 1\n  nodes:\n")
    result = render_check(tmp_path, monkeypatch, "lab/hosts")
    assert result.exit_code == 1
    assert result.stderr.startswith("kconf: error: cluster.yaml:") and "nodez" in result.stderr, result.stderr
