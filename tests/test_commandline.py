"""``kconf calico patch`` and ``kconf lint`` start without click (kconf.commandline)
when written in the plain forms, and hand anything else to click.

Each case runs twice, in two copies of one folder: through the real entry
point (kconf.entry, what the ``kconf`` script runs) and through click alone
(kconf.cli). Output, exit status and the files left behind must be the same
bytes; and the entry point must have taken the path the case names (click
loaded or not), so that a fallback cannot hide a difference and a plain
command line cannot silently pay for click again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN
from test_lazy_imports import MANIFEST as SMALLEST_MANIFEST

# click is recorded at exit: loaded or not by the time the command ended
ENTRY = """\
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\n@click=" + str("click" in sys.modules)))
sys.argv[0] = "kconf"
from kconf.entry import main
main()
"""
CLICK = """\
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\n@click=" + str("click" in sys.modules)))
from kconf.cli import main
main(sys.argv[1:], prog_name="kconf")
"""

# the smallest calico-node DaemonSet of test_lazy_imports, with an encapsulation to change
MANIFEST = SMALLEST_MANIFEST + '            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n'

KUBEADM_WITH_FINDINGS = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.4
imageRepository: k8s.gcr.io
networking:
  podSubnet: 172.178.33.10/16
"""


def _folder(root: Path) -> None:
    root.mkdir()
    (root / "calico.yaml").write_text(MANIFEST)
    (root / "kubeadm.yaml").write_text(KUBEADM_WITH_FINDINGS)
    (root / "adir").mkdir()
    shutil.copytree(GOLDEN / "ha-haproxy", root / "ha")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(probe: str, args: list[str], cwd: Path, stdin: str) -> tuple[int, str, str, bool]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "KCONF_DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120, env=env
    )
    stderr, _, loaded = result.stderr.rpartition("\n@click=")
    return result.returncode, result.stdout, stderr, loaded == "True"


PLAIN = "plain"  # parsed by kconf.commandline: click must stay unloaded
CLICK_PARSES = "click"  # handed to click

PATCH = ["calico", "patch"]
CASES = [
    # calico patch, plain forms
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16"]),
    (PLAIN, [*PATCH, "--pod-cidr=172.16.0.0/16", "calico.yaml", "--autodetect", "cidr=192.168.51.0/24"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "-o", "out.yaml", "--block-size", "24", "--mtu", "1440"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--output=new/out.yaml"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--encapsulation", "VXLAN", "--in-place"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--ipv6-pod-cidr", "fd00:10::/56",
             "--ipv6-autodetect", "cidr=fd00:1::/64"]),  # fmt: skip
    (PLAIN, [*PATCH, "-", "--pod-cidr", "172.16.0.0/16"]),  # the manifest on stdin
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", " 172.16.0.0/16", "--block-size", " 2_4 "]),  # what int() reads
    # calico patch: kconf's own errors (exit 2), still without click
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.178.33.10/16"]),
    (PLAIN, [*PATCH, "missing.yaml", "--pod-cidr", "172.16.0.0/16"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--block-size", "40"]),
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "abcdef.0123456789abcdef"]),  # a token: redacted on stderr
    (PLAIN, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--autodetect", "interface=\x1b[31meth0"]),
    # calico patch: click's usage errors and help
    (CLICK_PARSES, [*PATCH, "--help"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml"]),  # --pod-cidr is required
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--block-size", "x"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--encapsulation", "ipip"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--no-such-option"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "10.0.0.0/16", "--pod-cidr", "172.16.0.0/16"]),  # click: last wins
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "-o", "adir"]),  # a directory
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "-oout.yaml"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--in-place=yes"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--mtu", "-5"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "calico.yaml", "--pod-cidr", "172.16.0.0/16"]),
    (CLICK_PARSES, [*PATCH, "--pod-cidr", "172.16.0.0/16"]),  # no manifest
    (CLICK_PARSES, [*PATCH, "--pod-cidr", "172.16.0.0/16", "--", "calico.yaml"]),
    (CLICK_PARSES, [*PATCH, "calico.yaml", "--pod-cidr"]),
    # lint, plain forms
    (PLAIN, ["lint", "ha"]),
    (PLAIN, ["lint", "--format", "json", "ha", "calico.yaml"]),
    (PLAIN, ["lint", "kubeadm.yaml"]),  # findings: exit 1
    (PLAIN, ["lint", "--strict", "--format=github", "kubeadm.yaml"]),
    (PLAIN, ["lint", "kubeadm.yaml", "--select", "cidr-host-bits,image-repository-deprecated"]),
    (PLAIN, ["lint", "kubeadm.yaml", "--ignore=image-repository-deprecated", "--color"]),
    (PLAIN, ["lint", "--no-color", "kubeadm.yaml", "--format", "sarif"]),
    (PLAIN, ["lint", "--cluster", "ha/cluster.yaml", "ha/cka/haproxy.cfg"]),
    (PLAIN, ["lint", "--fix", "kubeadm.yaml"]),  # rewrites it: the two copies must end alike
    (PLAIN, ["lint"]),  # the current folder
    (PLAIN, ["lint", "missing.yaml", "-"]),
    (PLAIN, ["lint", "--cluster", "ha", "kubeadm.yaml"]),  # kconf's error: a folder
    # lint: click's
    (CLICK_PARSES, ["lint", "--explain"]),
    (CLICK_PARSES, ["lint", "--explain", "cidr-host-bits"]),
    (CLICK_PARSES, ["lint", "--format", "yaml", "ha"]),
    (CLICK_PARSES, ["lint", "--color=yes", "ha"]),
    (CLICK_PARSES, ["lint", "--color", "--no-color", "ha"]),
    (CLICK_PARSES, ["lint", "-h"]),
    (CLICK_PARSES, ["lint", "--strict", "--strict", "ha"]),
]


@pytest.mark.parametrize(("path", "args"), CASES, ids=[f"{p}:{' '.join(a)}" for p, a in CASES])
def test_entry_point_and_click_give_the_same_result(tmp_path: Path, path: str, args: list[str]) -> None:
    stdin = MANIFEST if "-" in args else ""
    _folder(tmp_path / "entry")
    _folder(tmp_path / "click")
    by_entry = _run(ENTRY, args, tmp_path / "entry", stdin)
    by_click = _run(CLICK, args, tmp_path / "click", stdin)
    assert by_entry[:3] == by_click[:3]
    assert _tree(tmp_path / "entry") == _tree(tmp_path / "click")
    assert by_entry[3] is (path == CLICK_PARSES), "the entry point took the other path"
    assert by_click[3] is True
    assert "Traceback" not in by_entry[2]


def test_the_cases_do_their_work(tmp_path: Path) -> None:
    """The table above compares two runs; these pin what some of them print,
    so that two runs failing alike cannot pass it."""
    _folder(tmp_path / "f")
    code, out, err, click = _run(ENTRY, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16"], tmp_path / "f", "")
    assert (code, click) == (0, False)
    assert '            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"\n' in out
    code, out, err, click = _run(ENTRY, [*PATCH, "calico.yaml", "--pod-cidr", "172.178.33.10/16"], tmp_path / "f", "")
    assert (code, out, click) == (2, "", False)
    assert err.startswith("kconf: error: ") and "172.178.33.10/16" in err
    code, out, err, click = _run(ENTRY, [*PATCH, "calico.yaml", "--pod-cidr", "abcdef.0123456789abcdef"], tmp_path / "f", "")
    assert code == 2 and "0123456789abcdef" not in err and "abcdef." in err
    code, out, err, click = _run(ENTRY, ["lint", "--format", "json", "kubeadm.yaml"], tmp_path / "f", "")
    assert (code, click) == (1, False)
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"control-plane-endpoint-missing", "image-repository-deprecated", "cidr-host-bits", "public-cidr"}
    code, out, err, click = _run(ENTRY, [*PATCH, "calico.yaml"], tmp_path / "f", "")
    assert (code, out, click) == (2, "", True)
    assert "Missing option '--pod-cidr'" in err
    code, out, err, click = _run(
        ENTRY, [*PATCH, "calico.yaml", "--pod-cidr", "172.16.0.0/16", "--autodetect", "interface=\x1b[31meth0"], tmp_path / "f", ""
    )  # fmt: skip
    assert "\x1b" not in out + err  # stripped off a pipe, as click.echo does


def test_the_declarations_make_the_click_commands() -> None:
    """kconf.cli's two commands carry exactly the declared parameters."""
    from kconf import cli, commandline

    for command, params in ((cli.calico_patch, commandline.CALICO_PATCH), (cli.lint, commandline.LINT)):
        assert [p.name for p in command.params] == [p.dest for p in params]
        for made, declared in zip(command.params, params):
            if declared.kind.startswith("argument"):
                assert made.param_type_name == "argument"
            else:
                assert [*made.opts, *made.secondary_opts] == list(declared.decls)
                assert made.required is declared.required
