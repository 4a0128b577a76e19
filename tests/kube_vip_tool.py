"""Upstream kube-vip in the tests: the binary tools/kube-vip/build makes.

It lives outside the repository, in
``${KCONF_TOOLS_CACHE:-~/.cache/kconf}/kube-vip/<version>/kube-vip``, for the
one version tools/kube-vip/v*/go.mod pins. ``manifest_pod(*flags)`` is what
``kube-vip manifest pod FLAGS`` prints, parsed: the static Pod kconf's own
must match.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from conftest import REPO, missing

TOOLS = REPO / "tools" / "kube-vip"


def cache_dir() -> Path:
    root = os.environ.get("KCONF_TOOLS_CACHE") or str(Path.home() / ".cache" / "kconf")
    return Path(root) / "kube-vip"


def pinned_version() -> str:
    """The upstream version tools/kube-vip/v*/go.mod requires (there is one)."""
    versions = []
    for go_mod in sorted(TOOLS.glob("v*/go.mod")):
        match = re.search(r"^\s*github\.com/kube-vip/kube-vip (v\S+)", go_mod.read_text(), re.M)
        assert match, f"{go_mod} requires no github.com/kube-vip/kube-vip"
        versions.append(match.group(1))
    assert len(versions) == 1, f"expected one pinned kube-vip, found {versions}"
    return versions[0]


def kube_vip_binary() -> Path:
    """The built kube-vip; skip where it is not built (in CI it must be)."""
    binary = cache_dir() / pinned_version() / "kube-vip"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        missing(
            f"upstream kube-vip {pinned_version()} not built in {cache_dir()} "
            f"(run tools/kube-vip/build; needs Go and the Go module proxy; CI builds it)"
        )
    return binary


@functools.cache
def no_network_prefix() -> tuple[str, ...]:
    """`manifest pod` needs no network: run it in a network namespace of its
    own so nothing can leave the machine. Root, as in CI, can."""
    probe = subprocess.run(["unshare", "-n", "--", "true"], capture_output=True, timeout=10) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        missing("kube-vip runs in a network namespace of its own here; unshare -n (root) is not available")
    return ("unshare", "-n", "--")


def run_kube_vip(*args: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: kube-vip reads its settings from environment
    # variables too (port, address, vip_interface, ...), and they win over
    # the flags, so a stray `port` in the caller's environment would change
    # the Pod.
    return subprocess.run(
        [*no_network_prefix(), str(kube_vip_binary()), *args],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
    )


def manifest_pod_text(*flags: str) -> str:
    """What `kube-vip manifest pod FLAGS` prints. It exits 0 even when it
    refuses (it prints its help and logs the reason), so refusal is told by a
    message on stderr or an output that is no Pod."""
    result = run_kube_vip("manifest", "pod", *flags)
    assert result.returncode == 0 and not result.stderr and result.stdout.startswith("apiVersion: v1\nkind: Pod\n"), (
        f"kube-vip manifest pod {' '.join(flags)}: exit {result.returncode}\n"
        f"stderr: {result.stderr}\nstdout: {result.stdout[:2000]}"
    )
    return result.stdout


def manifest_pod(*flags: str) -> dict[str, Any]:
    """`kube-vip manifest pod FLAGS`, parsed."""
    pod = yaml.safe_load(manifest_pod_text(*flags))
    assert isinstance(pod, dict) and pod.get("kind") == "Pod", pod
    return pod
