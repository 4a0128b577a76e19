"""Upstream kubeadm in the tests: the binaries tools/kubeadm/build makes
(kubeadm's way of splitting a config file is in kubeadm_split.py).

The binaries live outside the repository, in
``${KCONF_TOOLS_CACHE:-~/.cache/kconf}/kubeadm/<version>/kubeadm``. A kubeadm
of minor N deploys control planes of minors N-1 and N (its
MinimumControlPlaneVersion is N-1), so a file is judged by the oldest built
kubeadm whose minor is the file's minor or the next one.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from conftest import REPO, missing

BUILD = REPO / "tools" / "kubeadm" / "build"


def cache_dir() -> Path:
    root = os.environ.get("KCONF_TOOLS_CACHE") or str(Path.home() / ".cache" / "kconf")
    return Path(root) / "kubeadm"


def minor_of(version: str) -> tuple[int, int]:
    match = re.match(r"^v?(\d+)\.(\d+)\.", version)
    assert match, version
    return int(match.group(1)), int(match.group(2))


def pinned_versions() -> list[str]:
    """The upstream versions tools/kubeadm/v1.*/go.mod require."""
    versions = []
    for go_mod in sorted((REPO / "tools" / "kubeadm").glob("v1.*/go.mod")):
        match = re.search(r"^\s*k8s\.io/kubernetes (v\S+)", go_mod.read_text(), re.M)
        assert match, f"{go_mod} requires no k8s.io/kubernetes"
        versions.append(match.group(1))
    return sorted(versions, key=minor_of)


@functools.cache
def built() -> dict[tuple[int, int], Path]:
    """minor -> binary, for every pinned version that is built."""
    found = {}
    for version in pinned_versions():
        binary = cache_dir() / version / "kubeadm"
        if binary.is_file() and os.access(binary, os.X_OK):
            found[minor_of(version)] = binary
    return found


def missing_reason() -> str | None:
    if not pinned_versions():
        return f"no kubeadm release pinned in {REPO / 'tools' / 'kubeadm'} (a copy of the tree without it?)"
    missing = [v for v in pinned_versions() if minor_of(v) not in built()]
    if not missing:
        return None
    return (
        f"upstream kubeadm {', '.join(missing)} not built in {cache_dir()} "
        f"(run tools/kubeadm/build; needs Go and the Go module proxy; CI builds them)"
    )


def require_kubeadm() -> None:
    """Skip where the binaries are not built; in CI they must be."""
    reason = missing_reason()
    if reason is not None:
        missing(reason)


def kubeadm_for(kubernetes_version: str) -> Path:
    """The kubeadm that deploys this control-plane version."""
    require_kubeadm()
    major, minor = minor_of(kubernetes_version)
    for candidate in ((major, minor), (major, minor + 1)):
        if candidate in built():
            return built()[candidate]
    raise AssertionError(f"no built kubeadm deploys Kubernetes {kubernetes_version} (built: {sorted(built())})")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    output: str


@functools.cache
def no_network_prefix() -> tuple[str, ...]:
    """kubeadm looks up dl.k8s.io for a config without kubernetesVersion:
    run it in a network namespace of its own (no interface but a down
    loopback), so nothing leaves the machine. Root, as in CI, can."""
    probe = subprocess.run(["unshare", "-n", "--", "true"], capture_output=True, timeout=10) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        missing("kubeadm would look up dl.k8s.io for a config without kubernetesVersion; unshare -n (root) is not available")
    return ("unshare", "-n", "--")


def run_kubeadm(binary: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*no_network_prefix(), str(binary), *args],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def validate(binary: Path, config: Path) -> Verdict:
    """`kubeadm config validate --config FILE`: ok, or kubeadm's error text."""
    result = run_kubeadm(binary, "config", "validate", "--config", str(config), home=config.parent)
    return Verdict(result.returncode == 0, (result.stdout + result.stderr).strip())


def kubernetes_version_of(text: str) -> str | None:
    for document in yaml.safe_load_all(text):
        if isinstance(document, dict) and isinstance(document.get("kubernetesVersion"), str):
            return str(document["kubernetesVersion"])
    return None
