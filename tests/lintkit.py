"""Helpers for lint tests: lay out files in a folder, lint, look at findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kconf.lint.engine import lint_paths
from kconf.lint.model import ERROR, WARNING, Finding, Group, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.lint.settings import Settings

BASE_CLUSTER = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: 172.16.0.0/16
  loadBalancer:
    hostname: lab-lb
    address: 192.168.51.80
    port: 6443
  hosts:
    k8s-vip: 192.168.51.80
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.51.81/24
    - name: cp-2
      role: control-plane
      address: 192.168.51.82/24
    - name: cp-3
      role: control-plane
      address: 192.168.51.83/24
    - name: worker-1
      role: worker
      address: 192.168.51.91/24
"""


def lay_out(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def render_into(root: Path, description: str = BASE_CLUSTER, name: str = "cluster.yaml") -> Path:
    """Write a description and render it beside itself; returns the output folder."""
    from kconf.description import load_cluster
    from kconf.render import render_files

    path = root / name
    path.write_text(description)
    cluster = load_cluster(str(path))
    out = root / cluster.name
    out.mkdir(exist_ok=True)
    for file_name, file in render_files(cluster).items():
        (out / file_name).write_bytes(file.data)
        (out / file_name).chmod(file.mode)
    return out


def lint(*paths: Path | str, select: str | None = None, settings: Settings | None = None) -> list[Finding]:
    findings, _count = lint_paths([str(p) for p in paths], select=select, settings=settings or Settings())
    return findings


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def where(findings: list[Finding], root: Path) -> list[tuple[str, int, str]]:
    """(path relative to root, line, rule) of each finding."""
    return [(str(Path(f.path).relative_to(root)) if Path(f.path).is_absolute() else f.path, f.line, f.rule) for f in findings]


# --- marker rules: findings a test writes into a file, for engine and reporter tests -----------

MARKER = re.compile(r"#\s*(marker-[a-z]+)(?:\s+(error|warning))?:\s*([^#\n]*?)\s*(?=#|$)")

# A file kconf recognises (a kubeadm document) that the marker rules read.
MARKED_HEAD = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n"


def _marker_check(name: str):  # type: ignore[no-untyped-def]
    def check(group: Group) -> Iterator[RawFinding]:
        """Reports each `# NAME [severity]: message` comment of a file.

        Why: tests need findings whose place, severity and text they choose.

        Fix: remove the comment."""
        for source in group.files:
            for number, line in enumerate(source.lines(), start=1):
                for match in MARKER.finditer(line):
                    if match.group(1) == name:
                        yield RawFinding(name, Loc(source.path, number, match.start() + 1), match.group(3), match.group(2))

    return check


def marker_rules() -> dict[str, Rule]:
    """Two rules that report `# marker-a: ...` (default error) and
    `# marker-b: ...` (default warning) comments, for a RULES table of their own."""
    return {
        "marker-a": Rule("marker-a", ERROR, "a marker-a comment", _marker_check("marker-a")),
        "marker-b": Rule("marker-b", WARNING, "a marker-b comment", _marker_check("marker-b")),
    }


def use_marker_rules(monkeypatch: Any) -> dict[str, Rule]:
    """Make the marker rules the whole catalogue (engine, --select, --explain, SARIF)."""
    import kconf.lint.rules

    rules = marker_rules()
    monkeypatch.setattr(kconf.lint.rules, "RULES", rules)
    return rules
