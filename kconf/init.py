"""``kconf init``: a commented cluster description to start from.

``description_text(options)`` is a pure transform (options -> YAML text);
``run_init`` is the edge that writes it (atomically, never over an existing
file) or prints it. The text comes from templates/cluster.yaml.j2: every
field there carries a comment saying what it is for and which field-report
failure it avoids, with the lint rule that would catch it.

What is written lints clean and renders, for every flavour, load-balancer
mode and count init accepts (tests/test_init.py runs all of them through
``kconf lint`` and ``kconf render``); combinations that cannot work (keepalived
or kube-vip VIPs on AWS, an even number of stacked-etcd members) are refused
with the reason, exit 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from kconf.errors import KconfError
from kconf.wording import counted

PLAIN = "plain"
VIRTUALBOX = "virtualbox"
AWS = "aws"
FLAVOURS = (PLAIN, VIRTUALBOX, AWS)
HAPROXY = "haproxy"
KEEPALIVED = "keepalived"
KUBE_VIP = "kube-vip"
LB_MODES = (HAPROXY, KEEPALIVED, KUBE_VIP)  # spec.loadBalancer.mode

DEFAULT_NAME = "k8s"
DEFAULT_CONTROL_PLANES = 3  # stacked etcd's smallest size that survives a failure
DEFAULT_WORKERS = 3
DEFAULT_KUBERNETES_VERSION = "v1.36.3"  # the newest minor a Calico release of the table is tested against
DEFAULT_REGION = "eu-west-1"
MAX_CONTROL_PLANES = 9
MAX_WORKERS = 200
MAX_NAME = 40  # node names add "-worker-200" and stay a 63-character DNS label
FILE_NAME = "cluster.yaml"  # a folder given as PATH gets this file

# Calico releases init may write as spec.calico.version: the patch releases of
# ../shared/corpus/calico and examples/. For a Kubernetes minor init takes the
# newest whose minor kconf.calico.support lists as tested against it.
CALICO_RELEASES = ("v3.24.6", "v3.26.5", "v3.28.5", "v3.30.7", "v3.31.7", "v3.32.1")

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
_US_EAST_1 = "us-east-1"  # its EC2 private DNS names end in .ec2.internal


@dataclass(frozen=True)
class Flavour:
    """Where the machines run: their network, NIC names, what Calico needs."""

    network: IPv4Network
    interface: str  # the cluster-facing NIC (kube-vip's VIP, keepalived)
    pod_subnet: str
    encapsulation: str
    nat_interface: tuple[str, IPv4Interface] | None = None


FLAVOUR_TABLE: dict[str, Flavour] = {
    PLAIN: Flavour(IPv4Network("192.168.10.0/24"), "eth0", "172.16.0.0/16", "VXLANCrossSubnet"),
    # VirtualBox's default host-only network; adapter 1 is NAT with 10.0.2.15 on every VM
    VIRTUALBOX: Flavour(
        IPv4Network("192.168.56.0/24"), "enp0s8", "172.16.0.0/16", "VXLANCrossSubnet",
        nat_interface=("enp0s3", IPv4Interface("10.0.2.15/24")),
    ),  # fmt: skip
    # VXLAN always: same-subnet traffic unencapsulated (CrossSubnet) needs EC2's
    # source/destination check off on every instance
    AWS: Flavour(IPv4Network("10.0.1.0/24"), "ens5", "192.168.0.0/16", "VXLAN"),
}


@dataclass(frozen=True)
class InitOptions:
    """What the user asked for; None: the default (which may depend on the rest)."""

    name: str = DEFAULT_NAME
    flavour: str = PLAIN
    control_planes: int = DEFAULT_CONTROL_PLANES
    workers: int = DEFAULT_WORKERS
    lb_mode: str | None = None  # default: haproxy with more than one control plane, none with one
    kubernetes_version: str | None = None
    region: str | None = None  # aws only


@dataclass(frozen=True)
class InitNode:
    name: str
    role: str
    address: IPv4Interface


@dataclass(frozen=True)
class InitPlan:
    """The options checked and resolved: everything the template writes."""

    options: InitOptions
    flavour: Flavour
    lb_mode: str | None
    kubernetes_version: str
    kubernetes_minor: tuple[int, int]
    calico_version: str | None
    region: str | None
    nodes: tuple[InitNode, ...]

    @property
    def command(self) -> str:
        """The init command line that writes this description again."""
        o = self.options
        words = ["kconf init", f"--flavour {o.flavour}", f"--control-planes {o.control_planes}", f"--workers {o.workers}"]
        if self.lb_mode is not None:
            words.append(f"--lb-mode {self.lb_mode}")
        words.append(f"--kubernetes-version {self.kubernetes_version}")
        if self.region is not None:
            words.append(f"--region {self.region}")
        if o.name != DEFAULT_NAME:
            words.append(f"--name {o.name}")
        return " ".join(words)


def _check_name(name: str) -> None:
    if not _DNS_LABEL.match(name):
        raise KconfError(
            f"--name {name!r}: not a DNS-1123 label (lower-case letters, digits and '-', starting and ending "
            "with a letter or digit); it is metadata.name and the start of every node name"
        )
    if len(name) > MAX_NAME:
        raise KconfError(f"--name {name!r}: at most {MAX_NAME} characters (node names add '-worker-NNN' and stay a DNS label)")


def _failures(tolerated: int) -> str:
    return "no failure" if tolerated == 0 else counted(tolerated, "failure")


def _check_counts(control_planes: int, workers: int) -> None:
    if control_planes < 1:
        raise KconfError(f"--control-planes {control_planes}: a cluster needs at least 1 control-plane node")
    if control_planes > MAX_CONTROL_PLANES:
        raise KconfError(
            f"--control-planes {control_planes}: at most {MAX_CONTROL_PLANES} (every control plane is a stacked etcd "
            "member, and each member makes every write slower; 5 already survive two failures)"
        )
    if control_planes % 2 == 0:
        raise KconfError(
            f"--control-planes {control_planes}: stacked etcd needs a majority of its members, so {control_planes} "
            f"survive {_failures(control_planes // 2 - 1)}, as {control_planes - 1} {'does' if control_planes == 2 else 'do'}, "
            "with one more machine that can "
            f"fail (etcd-quorum); use {control_planes - 1} or {control_planes + 1}"
        )
    if workers < 0:
        raise KconfError(f"--workers {workers}: not a number of nodes (0 or more)")
    if workers > MAX_WORKERS:
        raise KconfError(f"--workers {workers}: at most {MAX_WORKERS} (init numbers the nodes within one /24)")


def _lb_mode(options: InitOptions) -> str | None:
    mode = options.lb_mode
    if mode is not None and mode not in LB_MODES:
        raise KconfError(f"--lb-mode {mode!r}: not one of {', '.join(LB_MODES)}")
    if options.flavour == AWS and mode in (KEEPALIVED, KUBE_VIP):
        raise KconfError(
            f"--lb-mode {mode} with --flavour aws: a VPC delivers an address only to the instance EC2 assigned it "
            "to, so a VIP that keepalived or kube-vip moves by ARP is never reached; use --lb-mode haproxy "
            "(an HAProxy instance in front of the control planes)"
        )
    if mode is None and options.control_planes > 1:
        return HAPROXY  # more than one control plane needs a load balancer
    return mode


def _kubernetes_version(text: str | None) -> tuple[str, tuple[int, int]]:
    from kconf.description import MINIMUM_KUBERNETES, parse_kubernetes_version

    text = DEFAULT_KUBERNETES_VERSION if text is None else text.strip()
    try:
        version = parse_kubernetes_version(text)
    except ValueError:
        raise KconfError(f"--kubernetes-version {text!r}: not a Kubernetes version like {DEFAULT_KUBERNETES_VERSION}") from None
    if version[:2] < MINIMUM_KUBERNETES:
        raise KconfError(
            f"--kubernetes-version {text}: kconf writes kubeadm v1beta3 and v1beta4 configs, which need "
            f"Kubernetes {MINIMUM_KUBERNETES[0]}.{MINIMUM_KUBERNETES[1]} or later"
        )
    return ("" if text.startswith("v") else "v") + text, (version[0], version[1])


def calico_release(kubernetes_minor: tuple[int, int]) -> str | None:
    """The newest Calico release of CALICO_RELEASES tested against that minor, or None."""
    from kconf.calico import support

    tested = [r for r in CALICO_RELEASES if kubernetes_minor in (support.tested(_minor(r)) or ())]
    return max(tested, key=_minor, default=None)


def _minor(release: str) -> tuple[int, int]:
    major, minor = release.lstrip("v").split(".")[:2]
    return int(major), int(minor)


def _region(options: InitOptions) -> str | None:
    if options.flavour != AWS:
        if options.region is not None:
            raise KconfError(f"--region is for --flavour aws (it is part of the EC2 node names), not {options.flavour}")
        return None
    region = options.region or DEFAULT_REGION
    if not _REGION.match(region):
        raise KconfError(f"--region {region!r}: not an AWS region like {DEFAULT_REGION}")
    return region


def _node_name(prefix: str, role_word: str, number: int, address: IPv4Interface, region: str | None) -> str:
    if region is None:
        return f"{prefix}-{role_word}-{number}"
    # the EC2 private DNS name (IP name) of the instance with that address
    suffix = "ec2.internal" if region == _US_EAST_1 else f"{region}.compute.internal"
    return f"ip-{str(address.ip).replace('.', '-')}.{suffix}"


def _nodes(options: InitOptions, flavour: Flavour, region: str | None) -> tuple[InitNode, ...]:
    """Control planes at .11-.19 of the flavour's network, workers from .21;
    .10 is the load balancer or VIP, .8 and .9 keepalived's LB hosts."""
    def address(offset: int) -> IPv4Interface:
        return IPv4Interface(f"{flavour.network.network_address + offset}/{flavour.network.prefixlen}")

    nodes = [
        InitNode(_node_name(options.name, "cp", i, address(10 + i), region), "control-plane", address(10 + i))
        for i in range(1, options.control_planes + 1)
    ]
    nodes += [
        InitNode(_node_name(options.name, "worker", i, address(20 + i), region), "worker", address(20 + i))
        for i in range(1, options.workers + 1)
    ]
    return tuple(nodes)


def plan(options: InitOptions) -> InitPlan:
    """The options checked (KconfError, exit 2, naming the option) and resolved."""
    if options.flavour not in FLAVOUR_TABLE:
        raise KconfError(f"--flavour {options.flavour!r}: not one of {', '.join(FLAVOURS)}")
    _check_name(options.name)
    _check_counts(options.control_planes, options.workers)
    lb_mode = _lb_mode(options)
    version, minor = _kubernetes_version(options.kubernetes_version)
    region = _region(options)
    flavour = FLAVOUR_TABLE[options.flavour]
    return InitPlan(
        options=options, flavour=flavour, lb_mode=lb_mode, kubernetes_version=version, kubernetes_minor=minor,
        calico_version=calico_release(minor), region=region, nodes=_nodes(options, flavour, region),
    )  # fmt: skip


def _host(network: IPv4Network, offset: int) -> str:
    return str(network.network_address + offset)


def description_text(options: InitOptions, file_name: str = FILE_NAME) -> str:
    """The commented cluster description for ``options``; ``file_name`` is
    what its header tells to lint and render."""
    from kconf.resources import render_template
    from kconf.schema_cmd import SCHEMA_FILE_NAME
    from kconf.yamlio import block_scalar, flow_scalar

    resolved = plan(options)
    flavour = resolved.flavour
    network = flavour.network
    name = options.name
    lb_mode = resolved.lb_mode
    return render_template(
        "cluster.yaml.j2",
        schema_file=SCHEMA_FILE_NAME,
        command=resolved.command,
        file_name=file_name,
        cluster_name=name,
        # a DNS label can be a YAML number or null (123, 1e3, null): quoted where it is a value
        cluster_name_value=block_scalar(name),
        flavour=options.flavour,
        kubernetes_version=resolved.kubernetes_version,
        kubernetes_minor=f"{resolved.kubernetes_minor[0]}.{resolved.kubernetes_minor[1]}",
        calico_version=resolved.calico_version,
        aws=options.flavour == AWS,
        virtualbox=options.flavour == VIRTUALBOX,
        network=str(network),
        interface=flavour.interface,
        nat_interface=flavour.nat_interface,
        pod_subnet=flavour.pod_subnet,
        encapsulation=flavour.encapsulation,
        # a VIP on the control planes lies inside the nodes' network: a cidr= method could pick it
        autodetect_internal_ip=lb_mode == KUBE_VIP or options.flavour == AWS,
        endpoint_host=f"{name}-api",
        lb_mode=lb_mode,
        lb_address=_host(network, 10),
        lb_hosts=[(f"{name}-lb-{i}", f"{_host(network, 7 + i)}/{network.prefixlen}") for i in (1, 2)],
        first_control_plane=resolved.nodes[0],
        control_planes=options.control_planes,
        workers=options.workers,
        nodes=[{"name": flow_scalar(n.name), "role": n.role, "address": n.address} for n in resolved.nodes],
        region=resolved.region,
    )


def run_init(path: str | None, options: InitOptions, *, echo: Callable[..., Any]) -> int:
    """The ``kconf init`` command: print the description (no PATH, or ``-``),
    or write it to PATH (a folder: PATH/cluster.yaml), never over an existing file."""
    if path is None or path == "-":
        echo(description_text(options), nl=False)
        return 0
    from kconf.errors import plain_line
    from kconf.fsio import write_new_file
    from kconf.schema_cmd import SCHEMA_FILE_NAME

    target = Path(path)
    if target.is_dir() or path.endswith(("/", os.sep)):  # `kconf init lab/`: a folder, new or not
        target = target / FILE_NAME
    text = description_text(options, target.name)  # bad options: an error before anything is created
    if not target.parent.is_dir():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KconfError(f"cannot create its folder: {exc.strerror or exc}", str(target)) from None
    write_new_file(target, text.encode("utf-8"), "kconf init")
    shown = plain_line(str(target))
    echo(f"kconf: wrote {shown}; next: edit its names and addresses, then `kconf lint {shown}` and `kconf render {shown}`", err=True)
    echo(_schema_beside(target.parent / SCHEMA_FILE_NAME), err=True)
    return 0


def _schema_beside(path: Path) -> str:
    """The description's first line points the editor at the schema in its
    own folder: write it there unless a file of that name is there already
    (never overwritten); the line to print about it."""
    from kconf.errors import plain_line
    from kconf.fsio import write_new_file
    from kconf.schema_cmd import schema_bytes

    shown = plain_line(str(path))
    current = schema_bytes()
    try:
        if path.read_bytes() == current:
            return f"kconf: {shown} is the current schema (editor completion works offline)"
    except FileNotFoundError:
        write_new_file(path, current, "kconf init")
        return f"kconf: wrote {shown}, the schema its first line names (editor completion, offline)"
    except OSError:
        pass
    return f"kconf: {shown} exists and is not kconf's current schema: left as it is (`kconf schema -o FILE` writes it)"
