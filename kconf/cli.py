"""The command line: a thin click layer over the core functions.

Each command parses its options and calls one core function; a KconfError
(the user's mistake) becomes ``kconf: error: ...`` on stderr and exit 2.
Core modules are imported inside the commands so that ``kconf --help`` and
each command load only what they use.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kconf import __version__
from kconf.errors import KconfError
from kconf.lint import FORMATS  # the reporters' names; the reporters load with the lint command
from kconf.secrets import TOKEN, redact  # tiny (re only); needed even when memory is short

F = TypeVar("F", bound=Callable[..., Any])


def _redacted(message: Any) -> Any:
    """A message for stderr with bootstrap tokens and certificate keys
    redacted: an error may quote a value the user wrote, and that value may
    be a secret (a token pasted into the wrong field)."""
    if not isinstance(message, str):
        return message
    # a message may quote a piece of a value again ("names a .<secret> file")
    secret_parts = {match.group(2) for match in TOKEN.finditer(message)}
    message = redact(message)
    for part in secret_parts:
        message = message.replace(part, "*" * len(part))
    return message


STDOUT = "standard output"


def _stdout_error(exc: OSError) -> KconfError:
    # What is left in the buffer would fail again when Python flushes it at
    # exit (and turn exit 2 into 120): point fd 1 at /dev/null first.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    return KconfError(f"cannot write: {exc.strerror or exc}", STDOUT)


def require_stdout() -> None:
    """A command whose output goes to stdout refuses to run with it closed
    (``>&-``): it would exit 0 having written nothing."""
    if sys.stdout is None:
        raise KconfError("standard output is closed; nothing was written (use -o FILE, or give the command an output)")


def echo(message: Any = None, **kwargs: Any) -> None:
    """click.echo for the core functions; what goes to stderr is redacted
    (stdout carries the command's output, which is data). A failed write to
    stdout (a full disk, ``> /dev/full``, a closed descriptor) is an error."""
    if kwargs.get("err"):
        click.echo(_redacted(message), **kwargs)
        return
    require_stdout()
    try:
        click.echo(message, **kwargs)  # click.echo flushes
    except OSError as exc:  # ENOSPC, EPIPE (`| head`), EBADF, EIO
        raise _stdout_error(exc) from None


def handles_errors(func: F) -> F:
    """Turn a KconfError into exit 2 and anything unexpected into a one-line
    message (the traceback only with KCONF_DEBUG=1); a returned int is the exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except KconfError as exc:
            echo(f"kconf: error: {exc}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("kconf: interrupted", err=True)
            sys.exit(2)
        except MemoryError:
            # reported below, once leaving this block has freed the frames
            # that hold the memory (a message needs some)
            if os.environ.get("KCONF_DEBUG"):
                raise
        except Exception as exc:  # a bug in kconf, not the user's mistake
            if os.environ.get("KCONF_DEBUG"):
                raise
            echo(
                f"kconf: internal error: {type(exc).__name__}: {exc} "
                "(please report it; KCONF_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(2)
        else:
            sys.exit(code or 0)
        click.echo("kconf: error: out of memory: the input is too large for the memory available", err=True)
        sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="kconf")
def main() -> None:
    """Turn one cluster description into kubeadm, Calico and HAProxy files,
    and lint those files before `kubeadm init`."""


@main.command()
@click.argument("cluster", type=click.Path(dir_okay=True, allow_dash=False))
@click.option(
    "-o", "--output", "output_dir", type=click.Path(),
    help="Output folder (default: a folder named after metadata.name beside CLUSTER).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each file that differs.")
@click.option("--diff", is_flag=True, help="Print a unified diff of each difference on stdout (implies --check).")
@handles_errors
def render(cluster: str, output_dir: str | None, check: bool, diff: bool) -> int:
    """Render CLUSTER (a cluster description) into kubeadm, join, HAProxy,
    hosts and Calico files."""
    from kconf.render import run_render

    return run_render(cluster, output_dir, check=check, echo=echo, diff=diff)


@main.command()
@click.argument("cluster", type=click.Path(dir_okay=True, allow_dash=False))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write the SVG to this file (default: stdout).")
@handles_errors
def graph(cluster: str, output: str | None) -> int:
    """Draw CLUSTER as a self-contained SVG: the address plan, the path from
    clients through the load balancer to the API servers, and the lint
    findings marked on them."""
    from kconf.graph.command import run_graph

    return run_graph(cluster, output, echo=echo)


@main.group()
def calico() -> None:
    """Calico manifest tools."""


@calico.command("patch")
@click.argument("manifest", type=click.Path(allow_dash=True))
@click.option("--pod-cidr", required=True, help="The pod CIDR (kubeadm podSubnet), e.g. 172.16.0.0/16.")
@click.option(
    "--autodetect", "autodetect", default=None,
    help="IP_AUTODETECTION_METHOD, e.g. cidr=192.168.51.0/24 or interface=enp0s8 (default: leave as is).",
)
@click.option(
    "--encapsulation", type=click.Choice(["IPIP", "IPIPCrossSubnet", "VXLAN", "VXLANCrossSubnet", "None"]), default=None,
    help="CALICO_IPV4POOL_IPIP and CALICO_IPV4POOL_VXLAN (and the IPv6 pool's VXLAN) for this encapsulation "
    "(default: leave as is).",
)
@click.option("--block-size", type=int, default=None, help="CALICO_IPV4POOL_BLOCK_SIZE, 20-32 (Calico's default: 26).")
@click.option("--mtu", type=int, default=None, help="veth_mtu of the calico-config ConfigMap: the pods' MTU (default: leave as is).")
@click.option(
    "--ipv6-pod-cidr", default=None,
    help="Dual stack: CALICO_IPV6POOL_CIDR, with IP6=autodetect, FELIX_IPV6SUPPORT=true and the CNI's assign_ipv6.",
)
@click.option("--ipv6-autodetect", default=None, help="IP6_AUTODETECTION_METHOD (with --ipv6-pod-cidr).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--in-place", is_flag=True, help="Rewrite MANIFEST itself (atomically).")
@handles_errors
def calico_patch(
    manifest: str, pod_cidr: str, autodetect: str | None, encapsulation: str | None, block_size: int | None,
    mtu: int | None, ipv6_pod_cidr: str | None, ipv6_autodetect: str | None, output: str | None, in_place: bool,
) -> int:  # fmt: skip
    """Set the pool settings given (CIDR, autodetection, encapsulation, block
    size, MTU, an IPv6 pool) in an upstream calico.yaml, changing only the
    lines they need."""
    from kconf.calico.patch import run_patch

    return run_patch(
        manifest, pod_cidr, autodetect, encapsulation=encapsulation, block_size=block_size, mtu=mtu,
        ipv6_pod_cidr=ipv6_pod_cidr, ipv6_autodetect=ipv6_autodetect, output=output, in_place=in_place, echo=echo,
    )  # fmt: skip


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--to", "to_version", type=click.Choice(["v1beta4"]), default="v1beta4", show_default=True,
    help="The kubeadm API version to write.",
)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@click.option("--in-place", is_flag=True, help="Rewrite FILE itself (atomically).")
@handles_errors
def migrate(file: str, to_version: str, output: str | None, in_place: bool) -> int:
    """Migrate a kubeadm config file from kubeadm.k8s.io/v1beta3 to v1beta4,
    offline (what `kubeadm config migrate` does), keeping its comments, key
    order and other documents."""
    from kconf.kubeadm.migrate import run_migrate

    return run_migrate(file, to_version=to_version, output=output, in_place=in_place, echo=echo)


@main.command("from-configmap")
@click.argument("source", default="-", type=click.Path(allow_dash=True))
@click.option("--cri-socket", default=None, help="CRI socket, e.g. unix:///var/run/containerd/containerd.sock.")
@click.option(
    "--cluster", "cluster", type=click.Path(dir_okay=False),
    help="A cluster description that supplies the CRI socket (its first control-plane node).",
)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@click.option("--to", "to_version", type=click.Choice(["v1beta4"]), default=None, help="Convert the ClusterConfiguration.")
@handles_errors
def from_configmap(source: str, cri_socket: str | None, cluster: str | None, output: str | None, to_version: str | None) -> int:
    """Build the config `kubeadm init phase upload-certs --upload-certs --config`
    needs from `kubectl get cm -n kube-system kubeadm-config -o yaml` (SOURCE or stdin)."""
    from kconf.configmap import run_from_configmap

    return run_from_configmap(
        source, cri_socket=cri_socket, cluster=cluster, output=output, to_version=to_version, echo=echo
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "output_format", default="text", show_default=True,
    type=click.Choice(list(FORMATS)), help="Output format.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--select", default=None, help="Only these rules (comma-separated).")
@click.option("--ignore", default=None, help="Skip these rules (comma-separated).")
@click.option(
    "--explain", "explain", default=None, is_flag=False, flag_value="", metavar="RULE",
    help="Print what RULE checks, why, and how to fix it (no RULE: list the rules).",
)
@click.option(
    "--color/--no-color", default=None,
    help="Colour the text format (default: FORCE_COLOR on, NO_COLOR or TERM=dumb off, else on a terminal).",
)
@click.option(
    "--cluster", "cluster", default=None, type=click.Path(), metavar="CLUSTER.yaml",
    help="Check the files named (kept outside the output folder: a haproxy.cfg from /etc/haproxy, a kubeadm "
    "config from a node, `kubectl get cm -n kube-system kubeadm-config -o yaml`) against this description: "
    "the cross-file rules, and drift from what render writes for each file.",
)
@click.option(
    "--fix", "fix", is_flag=True,
    help="Make the mechanical fixes in place first (CIDR host bits, k8s.gcr.io, unix://), print each, "
    "then report what remains.",
)
@handles_errors
def lint(
    paths: tuple[str, ...], output_format: str, strict: bool, select: str | None,
    ignore: str | None, explain: str | None, color: bool | None, cluster: str | None, fix: bool = False,
) -> int:
    """Lint cluster descriptions, kubeadm configs, kubeadm-config ConfigMaps,
    Calico manifests, Installation resources and HAProxy configs.

    Files named that kconf does not recognise are listed at the end, and do
    not fail the run."""
    from kconf.lint.engine import run_lint

    require_stdout()  # findings (or --explain) have nowhere else to go
    return run_lint(
        paths, output_format=output_format, strict=strict, select=select, ignore=ignore,
        explain=explain, color=color, echo=echo, cluster=cluster, fix=fix,
    )


@main.command()
@click.argument("path", required=False, type=click.Path(allow_dash=True))
@click.option("--flavour", "--flavor", "flavour", type=click.Choice(["plain", "virtualbox", "aws"]), default="plain",
              show_default=True, help="Where the machines run: NIC names, addresses, NAT (virtualbox), node names (aws).")
@click.option("--control-planes", type=int, default=3, show_default=True, help="Control-plane nodes (odd: stacked etcd).")
@click.option("--workers", type=int, default=3, show_default=True, help="Worker nodes (0: workloads on the control planes).")
@click.option("--lb-mode", type=click.Choice(["haproxy", "keepalived", "kube-vip"]), default=None,
              help="loadBalancer.mode (default: haproxy with more than one control plane, none with one).")
@click.option("--kubernetes-version", default=None, help="spec.kubernetesVersion (default: v1.36.3).")
@click.option("--region", default=None, help="--flavour aws: the region of the EC2 node names (default: eu-west-1).")
@click.option("--name", default="k8s", show_default=True, help="metadata.name, and the start of node names.")
@handles_errors
def init(
    path: str | None, flavour: str, control_planes: int, workers: int, lb_mode: str | None,
    kubernetes_version: str | None, region: str | None, name: str,
) -> int:  # fmt: skip
    """Write a commented cluster description that lints clean and renders.

    PATH is a file, a folder (PATH/cluster.yaml), or none or - for standard
    output. An existing file is never overwritten."""
    from kconf.init import InitOptions, run_init

    options = InitOptions(name=name, flavour=flavour, control_planes=control_planes, workers=workers,
                          lb_mode=lb_mode, kubernetes_version=kubernetes_version, region=region)  # fmt: skip
    return run_init(path, options, echo=echo)


@main.command()
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to this file (default: stdout), e.g. cluster.schema.json beside the description.")
@handles_errors
def schema(output: str | None) -> int:
    """Print the cluster description's JSON Schema, for editors.

    It is the schema kconf validates with, for yaml-language-server (VS Code's
    YAML extension) and check-jsonschema."""
    from kconf.schema_cmd import run_schema

    return run_schema(output, echo=echo)


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="markdown: docs/rules.md.")
@handles_errors
def rules(output_format: str) -> int:
    """List the lint rules: name, default severity, what each finds."""
    from kconf.lint.catalogue import run_rules

    return run_rules(output_format, echo=echo)
