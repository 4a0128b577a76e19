"""kconf init: the description it writes (for every flavour, load-balancer
mode and count it accepts) lints clean and renders; its options are checked;
it never overwrites a file and writes atomically."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_cli
from kconf.yamlio import load_one
from test_lazy_imports import loaded

FLAVOURS = ("plain", "virtualbox", "aws")
LB_MODES = (None, "haproxy", "keepalived", "kube-vip")  # None: init's default for the count
REFUSED_ON_AWS = ("keepalived", "kube-vip")


def init_args(flavour: str, lb_mode: str | None, *extra: str) -> list[str]:
    return ["init", "--flavour", flavour, *(["--lb-mode", lb_mode] if lb_mode else []), *extra]


def data_of(text: str) -> Any:
    return load_one(text, "cluster.yaml").data


# --- every combination lints clean and renders --------------------------------------------------

VALID = [
    pytest.param(flavour, lb_mode, counts, id=f"{flavour}-{lb_mode or 'default'}-{'x'.join(counts) or 'default'}")
    for flavour in FLAVOURS
    for lb_mode in LB_MODES
    if not (flavour == "aws" and lb_mode in REFUSED_ON_AWS)
    for counts in ((), ("1", "0"), ("5", "1"))
]


def assert_no_findings(path: Path) -> None:
    result = run_cli("lint", "--strict", "--format", "json", str(path))
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize(("flavour", "lb_mode", "counts"), VALID)
def test_init_output_lints_clean_and_renders(tmp_path: Path, flavour: str, lb_mode: str | None, counts: tuple[str, ...]) -> None:
    extra = ["--control-planes", counts[0], "--workers", counts[1]] if counts else []
    description = tmp_path / "cluster.yaml"
    written = run_cli(*init_args(flavour, lb_mode, *extra), str(description))
    assert written.exit_code == 0, written.stderr
    assert_no_findings(description)
    rendered = run_cli("render", str(description))
    assert rendered.exit_code == 0, rendered.stderr
    output = tmp_path / "k8s"
    assert (output / "kubeadm-init.yaml").is_file() and (output / "PLAN.md").is_file()
    # the description with what it rendered: cross-file rules and drift too
    assert_no_findings(tmp_path)
    assert run_cli("render", str(description), "--check").exit_code == 0
    data = data_of(description.read_text())
    control_planes = int(counts[0]) if counts else 3
    workers = int(counts[1]) if counts else 3
    roles = [n["role"] for n in data["spec"]["nodes"]]
    assert roles == ["control-plane"] * control_planes + ["worker"] * workers
    expected_mode = lb_mode or ("haproxy" if control_planes > 1 else None)
    assert data["spec"].get("loadBalancer", {}).get("mode") == expected_mode
    if expected_mode in ("haproxy", "keepalived"):
        assert (output / "haproxy.cfg").is_file()
    if expected_mode == "kube-vip":
        assert sorted(p.name for p in output.glob("kube-vip-*.yaml")) == [f"kube-vip-k8s-cp-{i}.yaml" for i in range(1, control_planes + 1)]


@pytest.mark.parametrize(
    ("version", "calico"),
    [
        pytest.param("v1.22.0", "v3.24.6", id="1.22"),
        pytest.param("1.25.4", "v3.26.5", id="1.25-without-v"),
        pytest.param("v1.30.6", "v3.28.5", id="1.30-v1beta3"),
        pytest.param("v1.31.2", "v3.30.7", id="1.31-v1beta4"),
        pytest.param("v1.36.3", "v3.32.1", id="1.36"),
        pytest.param("v1.37.2", None, id="1.37-no-tested-calico"),
    ],
)
def test_each_kubernetes_version_gets_a_tested_calico(tmp_path: Path, version: str, calico: str | None) -> None:
    description = tmp_path / "cluster.yaml"
    assert run_cli("init", "--lb-mode", "kube-vip", "--kubernetes-version", version, str(description)).exit_code == 0
    data = data_of(description.read_text())
    assert data["spec"]["kubernetesVersion"] == (version if version.startswith("v") else "v" + version)
    assert data["spec"]["calico"].get("version") == calico
    if calico is None:
        assert "    # No Calico release kconf knows is tested against Kubernetes 1.37: add `version:` with the\n" in description.read_text()
    assert_no_findings(description)
    assert run_cli("render", str(description)).exit_code == 0
    assert_no_findings(tmp_path)


def test_the_calico_releases_are_in_the_support_table() -> None:
    from kconf.calico import support
    from kconf.init import CALICO_RELEASES, DEFAULT_KUBERNETES_VERSION, calico_release

    for release in CALICO_RELEASES:
        major, minor = (int(p) for p in release.lstrip("v").split(".")[:2])
        assert support.tested((major, minor)) is not None, release
    assert calico_release((1, 36)) == "v3.32.1"
    assert calico_release((1, 21)) is None
    assert DEFAULT_KUBERNETES_VERSION == "v1.36.3"


def test_check_jsonschema_accepts_every_init_output(tmp_path: Path) -> None:
    paths = []
    for flavour in FLAVOURS:
        for lb_mode in LB_MODES:
            if flavour == "aws" and lb_mode in REFUSED_ON_AWS:
                continue
            path = tmp_path / f"{flavour}-{lb_mode}.yaml"
            assert run_cli(*init_args(flavour, lb_mode), str(path)).exit_code == 0
            paths.append(str(path))
    schema_file = tmp_path / "cluster.schema.json"
    assert run_cli("schema", "-o", str(schema_file)).exit_code == 0
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema_file), *paths],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(paths) == 10


# --- what it writes --------------------------------------------------------------------------

def test_virtualbox_description_in_full() -> None:
    result = run_cli("init", "--flavour", "virtualbox", "--control-planes", "1", "--workers", "1", "--kubernetes-version", "v1.31.2")
    assert result.exit_code == 0
    nics = lambda address: [  # noqa: E731
        {"name": "enp0s3", "address": "10.0.2.15/24", "nat": True},
        {"name": "enp0s8", "address": address},
    ]
    assert data_of(result.stdout) == {
        "apiVersion": "kconf/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": "k8s"},
        "spec": {
            "kubernetesVersion": "v1.31.2",
            "controlPlaneEndpoint": "k8s-api:6443",
            "criSocket": "unix:///run/containerd/containerd.sock",
            "networking": {"podSubnet": "172.16.0.0/16", "serviceSubnet": "10.96.0.0/12"},
            "calico": {"mode": "operator", "version": "v3.30.7", "ipAutodetection": "cidr=192.168.56.0/24",
                       "encapsulation": "VXLANCrossSubnet"},
            "hosts": {"k8s-api": "192.168.56.11"},
            "nodes": [
                {"name": "k8s-cp-1", "role": "control-plane", "address": "192.168.56.11/24", "interfaces": nics("192.168.56.11/24")},
                {"name": "k8s-worker-1", "role": "worker", "address": "192.168.56.21/24", "interfaces": nics("192.168.56.21/24")},
            ],
        },
    }


def test_aws_description_in_full() -> None:
    result = run_cli("init", "--flavour", "aws", "--workers", "1", "--region", "us-east-1")
    assert result.exit_code == 0
    assert data_of(result.stdout) == {
        "apiVersion": "kconf/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": "k8s"},
        "spec": {
            "kubernetesVersion": "v1.36.3",
            "cloudProvider": "aws",
            "controlPlaneEndpoint": "k8s-api:6443",
            "criSocket": "unix:///run/containerd/containerd.sock",
            "networking": {"podSubnet": "192.168.0.0/16", "serviceSubnet": "10.96.0.0/12"},
            "calico": {"mode": "operator", "version": "v3.32.1", "ipAutodetection": "kubernetes-internal-ip",
                       "encapsulation": "VXLAN"},
            "loadBalancer": {"mode": "haproxy", "hostname": "k8s-lb", "address": "10.0.1.10", "port": 6443, "healthCheck": "readyz"},
            "hosts": {"k8s-api": "10.0.1.10"},
            "nodes": [
                # us-east-1's private DNS names end in .ec2.internal
                {"name": "ip-10-0-1-11.ec2.internal", "role": "control-plane", "address": "10.0.1.11/24"},
                {"name": "ip-10-0-1-12.ec2.internal", "role": "control-plane", "address": "10.0.1.12/24"},
                {"name": "ip-10-0-1-13.ec2.internal", "role": "control-plane", "address": "10.0.1.13/24"},
                {"name": "ip-10-0-1-21.ec2.internal", "role": "worker", "address": "10.0.1.21/24"},
            ],
        },
    }


def test_aws_names_carry_the_region() -> None:
    result = run_cli("init", "--flavour", "aws", "--control-planes", "1", "--workers", "1", "--region", "ap-southeast-2")
    names = [n["name"] for n in data_of(result.stdout)["spec"]["nodes"]]
    assert names == ["ip-10-0-1-11.ap-southeast-2.compute.internal", "ip-10-0-1-21.ap-southeast-2.compute.internal"]
    default = run_cli("init", "--flavour", "aws", "--control-planes", "1", "--workers", "0")
    assert [n["name"] for n in data_of(default.stdout)["spec"]["nodes"]] == ["ip-10-0-1-11.eu-west-1.compute.internal"]


def test_keepalived_and_kube_vip_load_balancers() -> None:
    keepalived = data_of(run_cli("init", "--lb-mode", "keepalived", "--workers", "0").stdout)["spec"]
    assert keepalived["loadBalancer"] == {
        "mode": "keepalived", "hostname": "k8s-api", "address": "192.168.10.10", "port": 6443, "healthCheck": "readyz",
        "virtualRouterID": 51,
        "hosts": [
            {"name": "k8s-lb-1", "address": "192.168.10.8/24", "interface": "eth0"},
            {"name": "k8s-lb-2", "address": "192.168.10.9/24", "interface": "eth0"},
        ],
    }
    assert "hosts" not in keepalived  # the VIP's name is the loadBalancer's hostname
    assert keepalived["calico"]["ipAutodetection"] == "cidr=192.168.10.0/24"  # the VIP is on the LB hosts, no node
    kube_vip = data_of(run_cli("init", "--flavour", "virtualbox", "--lb-mode", "kube-vip").stdout)["spec"]
    assert kube_vip["loadBalancer"] == {
        "mode": "kube-vip", "hostname": "k8s-api", "address": "192.168.56.10", "port": 6443, "interface": "enp0s8",
    }
    # the VIP lives on the control planes' host-only NIC: cidr= could select it
    assert kube_vip["calico"]["ipAutodetection"] == "kubernetes-internal-ip"


def test_no_workers_untaints_the_control_planes() -> None:
    nodes = data_of(run_cli("init", "--workers", "0").stdout)["spec"]["nodes"]
    assert nodes == [
        {"name": f"k8s-cp-{i}", "role": "control-plane", "address": f"192.168.10.1{i}/24", "taints": []} for i in (1, 2, 3)
    ]
    with_workers = data_of(run_cli("init").stdout)["spec"]["nodes"]
    assert all("taints" not in n for n in with_workers)


@pytest.mark.parametrize("name", ["123", "1e3", "012", "0x1f", "null", "yes", "on"])
def test_a_name_yaml_would_read_as_something_else_is_quoted(tmp_path: Path, name: str) -> None:
    description = tmp_path / "cluster.yaml"
    assert run_cli("init", "--name", name, "--workers", "1", str(description)).exit_code == 0
    assert f'\n  name: "{name}"\n' in description.read_text()
    assert data_of(description.read_text())["metadata"]["name"] == name
    assert_no_findings(description)
    assert run_cli("render", str(description)).exit_code == 0
    assert (tmp_path / name / f"kubeadm-join-{name}-worker-1.yaml").is_file()


def test_header_names_the_schema_and_the_command() -> None:
    lines = run_cli("init", "--name", "lab", "--control-planes", "1").stdout.splitlines()
    assert lines[:5] == [
        "# yaml-language-server: $schema=cluster.schema.json",
        "# A kconf cluster description, written by:",
        "#   kconf init --flavour plain --control-planes 1 --workers 3 --kubernetes-version v1.36.3 --name lab",
        "# Make the names and addresses those of your machines, then check it and write the cluster's files:",
        "#   kconf lint cluster.yaml && kconf render cluster.yaml",
    ]


def test_the_command_in_the_header_writes_the_same_description() -> None:
    first = run_cli("init", "--flavour", "aws", "--control-planes", "5", "--workers", "2", "--region", "eu-north-1").stdout
    command = first.splitlines()[2].removeprefix("#   kconf ").split()
    assert command[:1] == ["init"]
    assert run_cli(*command).stdout == first


def test_every_field_has_a_comment() -> None:
    """Each mapping key of the description has a comment on its line or the
    line above, but for these: the format's own words, and the node fields
    the comment above the node list explains."""
    text = run_cli("init", "--flavour", "virtualbox", "--lb-mode", "keepalived").stdout
    lines = text.splitlines()
    uncommented = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "- {", "-")) or ":" not in stripped:
            continue
        if "#" in line or lines[index - 1].lstrip().startswith("#"):
            continue
        uncommented.append(stripped)
    # the fixed words of the format and the values a comment above already covers
    assert uncommented == [
        "kind: Cluster", "metadata:", "spec:", "networking:", "calico:", "mode: keepalived", "port: 6443", "nodes:",
        *[word for i in (1, 2, 3) for word in ("role: control-plane", f"address: 192.168.56.1{i}/24", "interfaces:")],
        *[word for i in (1, 2, 3) for word in ("role: worker", f"address: 192.168.56.2{i}/24", "interfaces:")],
    ]


# --- options -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--control-planes", "2"], "--control-planes 2: stacked etcd needs a majority of its members, so 2 "
                     "survive no failure, as 1 does, with one more machine that can fail (etcd-quorum); use 1 or 3", id="even"),
        pytest.param(["--control-planes", "0"], "--control-planes 0: a cluster needs at least 1 control-plane node", id="none"),
        pytest.param(["--control-planes", "11"], "--control-planes 11: at most 9 (every control plane is a stacked etcd member, "
                     "and each member makes every write slower; 5 already survive two failures)", id="too-many"),
        pytest.param(["--workers", "-1"], "--workers -1: not a number of nodes (0 or more)", id="negative-workers"),
        pytest.param(["--workers", "201"], "--workers 201: at most 200 (init numbers the nodes within one /24)", id="too-many-workers"),
        pytest.param(["--flavour", "aws", "--lb-mode", "keepalived"],
                     "--lb-mode keepalived with --flavour aws: a VPC delivers an address only to the instance EC2 assigned "
                     "it to, so a VIP that keepalived or kube-vip moves by ARP is never reached; use --lb-mode haproxy "
                     "(an HAProxy instance in front of the control planes)", id="aws-keepalived"),
        pytest.param(["--flavour", "aws", "--lb-mode", "kube-vip"], "--lb-mode kube-vip with --flavour aws: a VPC delivers",
                     id="aws-kube-vip"),
        pytest.param(["--region", "eu-west-1"], "--region is for --flavour aws (it is part of the EC2 node names), not plain",
                     id="region-without-aws"),
        pytest.param(["--flavour", "aws", "--region", "Europe"], "--region 'Europe': not an AWS region like eu-west-1", id="bad-region"),
        pytest.param(["--kubernetes-version", "1.31"], "--kubernetes-version '1.31': not a Kubernetes version like v1.36.3",
                     id="version-without-patch"),
        pytest.param(["--kubernetes-version", "v1.21.14"], "--kubernetes-version v1.21.14: kconf writes kubeadm v1beta3 and "
                     "v1beta4 configs, which need Kubernetes 1.22 or later", id="version-too-old"),
        pytest.param(["--name", "Lab"], "--name 'Lab': not a DNS-1123 label (lower-case letters, digits and '-', starting and "
                     "ending with a letter or digit); it is metadata.name and the start of every node name", id="name-upper"),
        pytest.param(["--name", "a" * 41], f"--name '{'a' * 41}': at most 40 characters (node names add '-worker-NNN' and stay "
                     "a DNS label)", id="name-long"),
    ],
)
def test_bad_options_are_refused_with_the_reason(tmp_path: Path, args: list[str], message: str) -> None:
    target = tmp_path / "cluster.yaml"
    result = run_cli("init", *args, str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kconf: error: {message}")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a folder


def test_a_click_choice_is_a_usage_error() -> None:
    result = run_cli("init", "--flavour", "vmware")
    assert result.exit_code == 2
    assert "Invalid value for '--flavour' / '--flavor': 'vmware' is not one of 'plain', 'virtualbox', 'aws'." in result.stderr


def test_flavor_is_flavour() -> None:
    assert run_cli("init", "--flavor", "virtualbox").stdout == run_cli("init", "--flavour", "virtualbox").stdout


def test_help_shows_the_defaults_init_uses() -> None:
    from kconf.init import DEFAULT_CONTROL_PLANES, DEFAULT_KUBERNETES_VERSION, DEFAULT_NAME, DEFAULT_REGION, DEFAULT_WORKERS

    result = run_cli("init", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert f"spec.kubernetesVersion (default: {DEFAULT_KUBERNETES_VERSION})." in text
    assert f"Control-plane nodes (odd: stacked etcd). [default: {DEFAULT_CONTROL_PLANES}]" in text
    assert f"Worker nodes (0: workloads on the control planes). [default: {DEFAULT_WORKERS}]" in text
    assert f"(default: {DEFAULT_REGION})" in text
    assert f"[default: {DEFAULT_NAME}]" in text
    assert "PATH is a file, a folder (PATH/cluster.yaml), or none or - for standard output." in text


# --- where it writes ---------------------------------------------------------------------------

def test_no_path_and_dash_print_to_stdout(tmp_path: Path) -> None:
    bare = run_cli("init")
    dash = run_cli("init", "-")
    assert bare.exit_code == dash.exit_code == 0
    assert bare.stdout == dash.stdout
    assert bare.stdout.startswith("# yaml-language-server: $schema=cluster.schema.json\n")
    assert bare.stderr == ""


def test_writes_the_file_and_says_what_next(tmp_path: Path) -> None:
    target = tmp_path / "cluster.yaml"
    result = run_cli("init", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text() == run_cli("init").stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert result.stderr == (
        f"kconf: wrote {target}; next: edit its names and addresses, then `kconf lint {target}` and `kconf render {target}`\n"
        f"kconf: wrote {tmp_path / 'cluster.schema.json'}, the schema its first line names (editor completion, offline)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.schema.json", "cluster.yaml"]  # no temporary file left
    assert (tmp_path / "cluster.schema.json").read_bytes() == (REPO / "schemas" / "cluster.schema.json").read_bytes()


@pytest.mark.parametrize(
    ("existing", "said"),
    [
        pytest.param("same", "is the current schema (editor completion works offline)", id="current"),
        pytest.param('{"old": true}\n', "exists and is not kconf's current schema: left as it is (`kconf schema -o FILE` writes it)",
                     id="other-left-alone"),
    ],
)
def test_a_schema_file_already_there_is_never_overwritten(tmp_path: Path, existing: str, said: str) -> None:
    schema = tmp_path / "cluster.schema.json"
    text = (REPO / "schemas" / "cluster.schema.json").read_text() if existing == "same" else existing
    schema.write_text(text)
    result = run_cli("init", str(tmp_path / "cluster.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"kconf: {schema} {said}"
    assert schema.read_text() == text


def test_the_header_names_the_file_written(tmp_path: Path) -> None:
    target = tmp_path / "lab.yaml"
    assert run_cli("init", str(target)).exit_code == 0
    assert "#   kconf lint lab.yaml && kconf render lab.yaml\n" in target.read_text()


@pytest.mark.parametrize("form", ["existing", "trailing-slash"])
def test_a_folder_gets_cluster_yaml(tmp_path: Path, form: str) -> None:
    folder = tmp_path / "lab"
    if form == "existing":
        folder.mkdir()
    result = run_cli("init", str(folder) + ("/" if form == "trailing-slash" else ""))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["cluster.schema.json", "cluster.yaml"]


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "clusters" / "lab" / "cluster.yaml"
    assert run_cli("init", str(target)).exit_code == 0
    assert target.is_file()


@pytest.mark.parametrize("kind", ["file", "symlink", "dangling-symlink", "folder-with-cluster-yaml"])
def test_never_overwrites(tmp_path: Path, kind: str) -> None:
    existing = tmp_path / "cluster.yaml"
    named = existing
    if kind == "file":
        existing.write_text("# mine\n")
    elif kind == "symlink":
        (tmp_path / "real.yaml").write_text("# mine\n")
        existing.symlink_to(tmp_path / "real.yaml")
    elif kind == "dangling-symlink":
        existing.symlink_to(tmp_path / "nowhere.yaml")
    else:
        existing.write_text("# mine\n")
        named = tmp_path  # the folder: init would write cluster.yaml in it
    before = sorted(os.listdir(tmp_path))
    result = run_cli("init", str(named))
    assert result.exit_code == 2
    assert result.stderr == f"kconf: error: {existing}: exists; kconf init never overwrites a file (remove it, or name another file)\n"
    assert sorted(os.listdir(tmp_path)) == before  # no temporary file left
    if kind != "dangling-symlink":
        assert existing.read_text() == "# mine\n"
    else:
        assert not (tmp_path / "nowhere.yaml").exists()


def test_a_file_that_appears_while_writing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last step is link(2), which refuses an existing name: a file
    created after the first check is not replaced."""
    import kconf.fsio

    target = tmp_path / "cluster.yaml"
    real_write_temp = kconf.fsio._write_temp

    def write_temp_then_race(*args: Any) -> Path:
        temp = real_write_temp(*args)
        target.write_text("# somebody else's\n")
        return temp

    monkeypatch.setattr(kconf.fsio, "_write_temp", write_temp_then_race)
    result = run_cli("init", str(target))
    assert result.exit_code == 2
    assert "exists; kconf init never overwrites a file" in result.stderr
    assert target.read_text() == "# somebody else's\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.yaml"]


def test_a_file_system_without_hard_links_still_gets_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "cluster.yaml"
    assert run_cli("init", str(target)).exit_code == 0
    assert target.read_text() == run_cli("init").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.schema.json", "cluster.yaml"]


def test_init_is_deterministic(tmp_path: Path) -> None:
    outputs = {run_cli("init", "--flavour", flavour).stdout for flavour in FLAVOURS for _ in range(2)}
    assert len(outputs) == 3


def test_init_loads_no_validator(tmp_path: Path) -> None:
    result, modules = loaded(["init", "cluster.yaml"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cluster.yaml").read_text().startswith("# yaml-language-server: $schema=cluster.schema.json\n")
    assert modules & {"jsonschema", "deepdiff", "ruamel", "yaml"} == set()


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_init_to_a_full_or_closed_stdout_is_an_error_but_a_file_is_fine(tmp_path: Path, redirect: str) -> None:
    from test_schema_cmd import STDOUT_ERRORS, kconf_with_stdout

    result = kconf_with_stdout(["init"], tmp_path, redirect)
    assert (result.returncode, result.stderr) == (2, STDOUT_ERRORS[redirect])
    written = kconf_with_stdout(["init", "cluster.yaml"], tmp_path, redirect)
    assert written.returncode == 0 and written.stderr.startswith("kconf: wrote cluster.yaml; next: ")
    assert (tmp_path / "cluster.yaml").is_file()


# --- upstream kubeadm accepts what render makes of it -----------------------------------------

TOKEN = "abcdef.0123456789abcdef"
CA_HASH = "sha256:" + "ab" * 32
CERT_KEY = "0123456789" * 6 + "abcd"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--flavour", "plain"], id="plain-haproxy"),
        pytest.param(["--flavour", "virtualbox", "--lb-mode", "kube-vip", "--kubernetes-version", "v1.30.6"], id="virtualbox-kube-vip-v1beta3"),
        pytest.param(["--flavour", "aws", "--kubernetes-version", "v1.33.5"], id="aws-haproxy"),
        pytest.param(["--lb-mode", "keepalived", "--workers", "0", "--kubernetes-version", "v1.37.2"], id="keepalived-no-workers"),
    ],
)
def test_kubeadm_validates_every_kubeadm_file_rendered_from_init(tmp_path: Path, args: list[str]) -> None:
    from kubeadm_tools import kubeadm_for, kubernetes_version_of, validate

    description = tmp_path / "cluster.yaml"
    assert run_cli("init", *args, str(description)).exit_code == 0
    assert run_cli("render", str(description)).exit_code == 0
    output = tmp_path / "k8s"
    version = kubernetes_version_of((output / "kubeadm-init.yaml").read_text())
    assert version is not None
    binary = kubeadm_for(version)
    files = sorted(output.glob("kubeadm-*.yaml"))
    assert len(files) >= 3  # init, a join, the upgrade
    for path in files:
        # the values join-<node>.sh fills in from the environment
        filled = path.read_text().replace("${KCONF_TOKEN}", TOKEN).replace("${KCONF_CA_CERT_HASH}", CA_HASH)
        filled = filled.replace("${KCONF_CERTIFICATE_KEY}", CERT_KEY)
        checked = tmp_path / "checked" / path.name
        checked.parent.mkdir(exist_ok=True)
        checked.write_text(filled)
        verdict = validate(binary, checked)
        assert verdict.ok, f"{path.name}: {verdict.output}"
