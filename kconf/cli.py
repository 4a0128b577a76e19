"""The command line: a thin click layer over the core functions.

Each command parses its options and calls one core function; a KconfError
(the user's mistake) becomes ``kconf: error: ...`` on stderr and exit 2.
Core modules are imported inside the commands so that ``kconf --help`` and
each command load only what they use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kconf import __version__, commandline
from kconf.commandline import NOT_GIVEN, Param
from kconf.console import echo, run

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """The command's exit through kconf.console.run: a KconfError is exit 2,
    anything unexpected a one-line message (the traceback only with
    KCONF_DEBUG=1), a returned int the exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        run(func, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def declared(params: tuple[Param, ...]) -> Callable[[F], F]:
    """click's arguments and options from kconf.commandline's declarations."""

    def made(param: Param) -> Callable[[F], F]:
        kwargs: dict[str, Any] = {}
        for name in ("help", "metavar"):
            if getattr(param, name) is not None:
                kwargs[name] = getattr(param, name)
        if param.default is not NOT_GIVEN:
            kwargs["default"] = param.default
        if param.show_default:
            kwargs["show_default"] = True
        if param.required and param.kind != "argument":
            kwargs["required"] = True
        if param.path is not None:
            kwargs["type"] = click.Path(**param.path)  # type: ignore[arg-type]  # bool flags only
        elif param.kind == "int":
            kwargs["type"] = int
        elif param.kind == "choice":
            kwargs["type"] = click.Choice(list(param.choices))
        if param.kind == "argument":
            return click.argument(param.dest, **kwargs)
        if param.kind == "arguments":
            return click.argument(param.dest, nargs=-1, **kwargs)
        decls = param.decls
        if param.kind == "flag":
            kwargs["is_flag"] = True
        elif param.kind == "switch":
            decls = ("/".join(decls),)
        elif param.kind == "optional-value":
            kwargs.update(is_flag=False, flag_value="")
        return click.option(*decls, param.dest, **kwargs)

    def apply(func: F) -> F:
        for param in reversed(params):
            func = made(param)(func)
        return func

    return apply


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
@declared(commandline.CALICO_PATCH)
@handles_errors
def calico_patch(**values: Any) -> int:
    """Set the pool settings given (CIDR, autodetection, encapsulation, block
    size, MTU, an IPv6 pool) in an upstream calico.yaml, changing only the
    lines they need."""
    return commandline.calico_patch(**values)


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
@declared(commandline.LINT)
@handles_errors
def lint(**values: Any) -> int:
    """Lint cluster descriptions, kubeadm configs, kubeadm-config ConfigMaps,
    Calico manifests, Installation resources and HAProxy configs.

    Files named that kconf does not recognise are listed at the end, and do
    not fail the run."""
    return commandline.lint(**values)


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
