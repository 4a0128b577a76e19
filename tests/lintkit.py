"""Helpers for lint tests: lay out files in a folder, lint, look at findings."""

from __future__ import annotations

from pathlib import Path

from kconf.lint.engine import lint_paths
from kconf.lint.model import Finding
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
