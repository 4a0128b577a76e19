"""Which element of the picture a lint finding is about.

A finding names a file and a line. In the description, the field written on
that line says what it is about (spec.nodes[2].address: that node;
spec.networking.podSubnet: the pod CIDR); in a rendered file, the file's name
does (haproxy.cfg: the load balancer; kubeadm-join-<node>.yaml: that node).
What maps to nothing drawn (say spec.kubelet) is marked on the title.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kconf.description import Cluster
from kconf.lint.model import Finding
from kconf.yamlio import Path as FieldPath

CLUSTER = "cluster"
ENDPOINT = "endpoint"
LOAD_BALANCER = "lb"


def node_key(name: str) -> str:
    return f"node:{name}"


def lb_host_key(name: str) -> str:
    return f"lb-host:{name}"


def network_key(kind: str, network: object) -> str:
    return f"net:{kind}:{network}"


def element_id(key: str) -> str:
    """The SVG id of an element (an XML name: no ``:`` or ``/``)."""
    return key.replace(":", "-").replace("/", "_")


@dataclass(frozen=True)
class Mark:
    number: int
    finding: Finding
    where: str  # file:line, the file relative to the description's folder
    targets: tuple[str, ...]


def _deepest_field(cluster: Cluster, line: int) -> FieldPath | None:
    document = cluster.document
    written = [p for table in (document.values, document.keys) for p, pos in table.items() if pos.line == line]
    return max(written, key=lambda p: (len(p), repr(p))) if written else None


def _networks(cluster: Cluster, kind: str, message: str) -> tuple[str, ...]:
    networks = cluster.networking.pod_subnets if kind == "pod" else cluster.networking.service_subnets
    named = [n for n in networks if str(n) in message]  # dual stack: the family the message names
    return tuple(network_key(kind, n) for n in (named or networks))


# Rules about a field that is missing: the finding stands at the field's
# parent (spec:), and the rule's name says what it is about.
MISSING_FIELD_RULES = {"control-plane-endpoint-missing": ENDPOINT}


def _description_targets(cluster: Cluster, finding: Finding) -> tuple[str, ...]:
    if finding.rule in MISSING_FIELD_RULES:
        return (MISSING_FIELD_RULES[finding.rule],)
    field = _deepest_field(cluster, finding.line) or ()
    spec = field[1:] if field[:1] == ("spec",) else ()
    head = spec[0] if spec else None
    if head == "nodes" and len(spec) > 1 and isinstance(spec[1], int) and spec[1] < len(cluster.nodes):
        return (node_key(cluster.nodes[spec[1]].name),)
    if head == "networking" and len(spec) > 1 and spec[1] in ("podSubnet", "nodeCIDRMaskSize"):
        return _networks(cluster, "pod", finding.message)
    if head == "networking" and len(spec) > 1 and spec[1] == "serviceSubnet":
        return _networks(cluster, "service", finding.message)
    if head == "calico":
        return _networks(cluster, "pod", finding.message)
    lb = cluster.load_balancer
    if head == "loadBalancer" and lb is not None:
        if len(spec) > 2 and spec[1] == "hosts" and isinstance(spec[2], int) and spec[2] < len(lb.hosts):
            return (lb_host_key(lb.hosts[spec[2]].name),)
        return (LOAD_BALANCER,)
    if head in ("controlPlaneEndpoint", "hosts"):
        return (ENDPOINT,)
    return (CLUSTER,)


_PER_NODE = re.compile(r"^(?:kubeadm-join-(.+)\.yaml|join-(.+)\.sh|kube-vip-(.+)\.yaml)$")


def _rendered_targets(cluster: Cluster, name: str, message: str) -> tuple[str, ...]:
    if name == "haproxy.cfg" or name == "check_apiserver.sh":
        return (LOAD_BALANCER,)
    if name == "kubeadm-init.yaml":
        return (node_key(cluster.first_control_plane.name),)
    if name.startswith("calico"):
        return _networks(cluster, "pod", message)
    if name.startswith("keepalived-") and name.endswith(".conf"):
        return (lb_host_key(name.removeprefix("keepalived-").removesuffix(".conf")),)
    match = _PER_NODE.match(name)
    if match:
        return (node_key(next(g for g in match.groups() if g)),)
    return (CLUSTER,)


def marks(cluster: Cluster, description_path: str, findings: Sequence[Finding]) -> list[Mark]:
    """The findings, numbered in their sorted order, each with what it is about."""
    folder = posixpath.dirname(description_path)
    found: list[Mark] = []
    for number, finding in enumerate(sorted(findings), start=1):
        relative = posixpath.relpath(finding.path, folder or ".")
        if finding.path == description_path:
            targets = _description_targets(cluster, finding)
        else:
            targets = _rendered_targets(cluster, posixpath.basename(finding.path), finding.message)
        found.append(Mark(number, finding, f"{relative}:{finding.line}", targets))
    return found


def marks_of(all_marks: Sequence[Mark], key: str) -> list[Mark]:
    return [m for m in all_marks if key in m.targets]
