"""The commands that start without click: ``kconf calico patch`` and ``kconf lint``.

Both run at every commit as pre-commit hooks and in editors, where start-up
is most of the run, and click costs 20-30 ms of imports, about a third of
``kconf calico patch``. Their arguments and options are declared here, once:
kconf.cli makes click's parameters (and so ``--help``) from these
declarations, and ``parse`` reads a command line with them.

``parse`` takes only the plain forms (``--name value``, ``--name=value``,
``-o value``, flags, positional arguments, each option at most once) whose
values click would accept unchanged: an int that ``int()`` reads, a listed
choice, a path click's checks would let through. Anything else (help, an
unknown or repeated option, a value that starts with ``-``, a missing
required option, ``--``) returns None, and click parses the command line,
with its own messages and exit status. Either way the command's body below
runs, through kconf.console, so the output and the exit status are the same
whichever parsed it (tests/test_commandline.py runs both on one table).
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, Any

from kconf.calico import ENCAPSULATIONS
from kconf.lint import FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

NOT_GIVEN: Any = object()  # a default not declared (click's own default applies)


class Param:
    """One argument or option. ``kind``: ``argument`` (one value),
    ``arguments`` (any number), ``text``, ``int``, ``choice``, ``flag``,
    ``switch`` (``--x/--no-x``, None when neither is given) or
    ``optional-value`` (a value or none; click parses those). ``path``: the
    keyword arguments of the click.Path the value is checked as."""

    __slots__ = ("decls", "dest", "kind", "help", "default", "choices", "path", "metavar", "show_default", "required")

    def __init__(
        self, dest: str, *decls: str, kind: str = "text", help: str | None = None, default: Any = NOT_GIVEN,
        choices: Sequence[str] = (), path: dict[str, bool] | None = None, metavar: str | None = None,
        show_default: bool = False, required: bool = False,
    ) -> None:  # fmt: skip
        self.dest = dest
        self.decls = decls
        self.kind = kind
        self.help = help
        self.default = default
        self.choices = tuple(choices)
        self.path = path
        self.metavar = metavar
        self.show_default = show_default
        self.required = required

    def missing(self) -> Any:
        """The value when the command line does not give one."""
        if self.default is not NOT_GIVEN:
            return self.default
        return {"arguments": (), "flag": False}.get(self.kind)


CALICO_PATCH = (
    Param("manifest", kind="argument", path={"allow_dash": True}),
    Param("pod_cidr", "--pod-cidr", required=True, help="The pod CIDR (kubeadm podSubnet), e.g. 172.16.0.0/16."),
    Param(
        "autodetect", "--autodetect", default=None,
        help="IP_AUTODETECTION_METHOD, e.g. cidr=192.168.51.0/24 or interface=enp0s8 (default: leave as is).",
    ),
    Param(
        "encapsulation", "--encapsulation", kind="choice", choices=ENCAPSULATIONS, default=None,
        help="CALICO_IPV4POOL_IPIP and CALICO_IPV4POOL_VXLAN (and the IPv6 pool's VXLAN) for this encapsulation "
        "(default: leave as is).",
    ),
    Param("block_size", "--block-size", kind="int", default=None, help="CALICO_IPV4POOL_BLOCK_SIZE, 20-32 (Calico's default: 26)."),
    Param(
        "mtu", "--mtu", kind="int", default=None,
        help="veth_mtu of the calico-config ConfigMap: the pods' MTU (default: leave as is).",
    ),
    Param(
        "ipv6_pod_cidr", "--ipv6-pod-cidr", default=None,
        help="Dual stack: CALICO_IPV6POOL_CIDR, with IP6=autodetect, FELIX_IPV6SUPPORT=true and the CNI's assign_ipv6.",
    ),
    Param("ipv6_autodetect", "--ipv6-autodetect", default=None, help="IP6_AUTODETECTION_METHOD (with --ipv6-pod-cidr)."),
    Param("output", "-o", "--output", path={"dir_okay": False}, help="Write to this file."),
    Param("in_place", "--in-place", kind="flag", help="Rewrite MANIFEST itself (atomically)."),
)  # fmt: skip

LINT = (
    Param("paths", kind="arguments", path={}),
    Param("output_format", "--format", kind="choice", choices=FORMATS, default="text", show_default=True, help="Output format."),
    Param("strict", "--strict", kind="flag", help="Warnings fail too (exit 1)."),
    Param("select", "--select", default=None, help="Only these rules (comma-separated)."),
    Param("ignore", "--ignore", default=None, help="Skip these rules (comma-separated)."),
    Param(
        "explain", "--explain", kind="optional-value", default=None, metavar="RULE",
        help="Print what RULE checks, why, and how to fix it (no RULE: list the rules).",
    ),
    Param(
        "color", "--color", "--no-color", kind="switch", default=None,
        help="Colour the text format (default: FORCE_COLOR on, NO_COLOR or TERM=dumb off, else on a terminal).",
    ),
    Param(
        "cluster", "--cluster", default=None, path={}, metavar="CLUSTER.yaml",
        help="Check the files named (kept outside the output folder: a haproxy.cfg from /etc/haproxy, a kubeadm "
        "config from a node, `kubectl get cm -n kube-system kubeadm-config -o yaml`) against this description: "
        "the cross-file rules, and drift from what render writes for each file.",
    ),
    Param(
        "fix", "--fix", kind="flag",
        help="Make the mechanical fixes in place first (CIDR host bits, k8s.gcr.io, unix://), print each, "
        "then report what remains.",
    ),
)  # fmt: skip


# --- the bodies: what each command runs, whichever parsed its command line -------------


def calico_patch(
    manifest: str, pod_cidr: str, autodetect: str | None, encapsulation: str | None, block_size: int | None,
    mtu: int | None, ipv6_pod_cidr: str | None, ipv6_autodetect: str | None, output: str | None, in_place: bool,
) -> int:  # fmt: skip
    from kconf.calico.patch import run_patch
    from kconf.console import echo

    return run_patch(
        manifest, pod_cidr, autodetect, encapsulation=encapsulation, block_size=block_size, mtu=mtu,
        ipv6_pod_cidr=ipv6_pod_cidr, ipv6_autodetect=ipv6_autodetect, output=output, in_place=in_place, echo=echo,
    )  # fmt: skip


def lint(
    paths: tuple[str, ...], output_format: str, strict: bool, select: str | None,
    ignore: str | None, explain: str | None, color: bool | None, cluster: str | None, fix: bool = False,
) -> int:  # fmt: skip
    from kconf.console import echo, require_stdout
    from kconf.lint.engine import run_lint

    require_stdout()  # findings (or --explain) have nowhere else to go
    return run_lint(
        paths, output_format=output_format, strict=strict, select=select, ignore=ignore,
        explain=explain, color=color, echo=echo, cluster=cluster, fix=fix,
    )  # fmt: skip


COMMANDS: dict[tuple[str, ...], tuple[tuple[Param, ...], Callable[..., int]]] = {
    ("calico", "patch"): (CALICO_PATCH, calico_patch),
    ("lint",): (LINT, lint),
}


# --- the click-free parser -------------------------------------------------------------


def _path_passes(value: str, checks: dict[str, bool]) -> bool:
    """Whether click.Path(**checks) (exists=False) takes ``value`` as it is."""
    if checks.get("allow_dash") and value == "-":
        return True
    try:
        mode = os.stat(value).st_mode
    except (OSError, ValueError):  # missing; ValueError: a NUL in it (click lets the command say)
        return True
    if not checks.get("file_okay", True) and stat.S_ISREG(mode):
        return False
    if not checks.get("dir_okay", True) and stat.S_ISDIR(mode):
        return False
    return os.access(value, os.R_OK)


def _value(param: Param, text: str) -> tuple[bool, Any]:
    """(taken, the value click would convert ``text`` to)."""
    if param.kind == "int":
        try:
            return True, int(text)
        except ValueError:
            return False, None
    if param.kind == "choice":
        return text in param.choices, text
    if param.path is not None:
        return _path_passes(text, param.path), text
    return True, text


def parse(params: Sequence[Param], args: Sequence[str]) -> dict[str, Any] | None:
    """The values of ``params`` in ``args`` (the words after the command's
    name), or None to let click parse them."""
    names: dict[str, tuple[Param, bool]] = {}  # an option's name -> (its Param, the value of a flag)
    positional: list[Param] = []
    for param in params:
        if param.kind in ("argument", "arguments"):
            positional.append(param)
        elif param.kind == "switch":
            names[param.decls[0]], names[param.decls[1]] = (param, True), (param, False)
        elif param.kind != "optional-value":  # left to click
            for decl in param.decls:
                names[decl] = (param, True)
    values: dict[str, Any] = {}
    words: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if word == "-" or not word.startswith("-"):
            words.append(word)
            continue
        name, equals, text = word.partition("=") if word.startswith("--") else (word, "", "")
        if name not in names:
            return None
        param, flag = names[name]
        if param.dest in values:
            return None
        if param.kind in ("flag", "switch"):
            if equals:
                return None
            values[param.dest] = flag
            continue
        if not equals:
            if index == len(args):
                return None
            text = args[index]
            index += 1
        if text.startswith("-"):
            return None
        taken, value = _value(param, text)
        if not taken:
            return None
        values[param.dest] = value
    for param in positional:
        if param.kind == "arguments":
            given, words = words, []
        elif words:
            given, words = words[:1], words[1:]
        else:
            return None
        if param.path is not None and not all(_path_passes(word, param.path) for word in given):
            return None
        values[param.dest] = tuple(given) if param.kind == "arguments" else given[0]
    if words:
        return None
    for param in params:
        if param.dest not in values:
            if param.required:
                return None
            values[param.dest] = param.missing()
    return values


def run_fast(argv: Sequence[str]) -> None:
    """Run ``argv`` (without the program's name) here when it is one of
    COMMANDS in the plain forms; return only when click must parse it."""
    for path, (params, body) in COMMANDS.items():
        if tuple(argv[: len(path)]) == path:
            values = parse(params, argv[len(path) :])
            if values is not None:
                from kconf.console import run

                run(body, **values)
            return
