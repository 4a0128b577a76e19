"""kconf migrate: kubeadm.k8s.io/v1beta3 -> v1beta4, offline, judged by upstream kubeadm.

- The CLI (in-process, exact output and exit codes), its errors, --in-place, -o.
- The text: comments, key order, quoting, the other documents and line ends
  kept; a second run changes nothing.
- Differential: on generated v1beta3 files (tests/strategies.py migrate_cases)
  and a table of named variants, kconf's output holds the same data as what
  `kubeadm config migrate` of the matching kubeadm prints, beyond the two
  named tables of tests/migrate_differential.py (DEFAULTS kubeadm adds,
  INTENDED_DIFFERENCES with their reasons); every entry of both is needed.
- Conformance: `kubeadm config validate` accepts every output (the kubeadm
  that deploys its kubernetesVersion; a file without one, every built kubeadm,
  1.37 included, which no longer reads v1beta3).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from conftest import run_cli
from kubeadm_split import split_like_kubeadm
from kubeadm_tools import built, kubeadm_for, require_kubeadm, run_kubeadm, validate
from migrate_differential import DEFAULTS, INTENDED_DIFFERENCES, compare_files
from strategies import MIGRATE_SHAPES, MigrateCase, migrate_cases

from kconf.kubeadm.migrate import migrate_text

# --- the CLI ---------------------------------------------------------------------------

COMMENTED = """\
# cka: written for kubeadm 1.30
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.51.81
nodeRegistration:
  name: cka-cp-1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    # not the NAT address
    node-ip: 192.168.51.81  # enp0s8
    cgroup-driver: systemd
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.31.2   # the next upgrade: 1.32
controlPlaneEndpoint: "k8s-vip:6443"
apiServer:
  certSANs: [k8s-vip, 192.168.51.80]
  # slow disks on the lab hosts
  timeoutForControlPlane: 10m  # upstream default 4m0s
  extraArgs:
    audit-log-maxage: "30"
    authorization-mode: Node,RBAC
controllerManager:
  extraArgs: {node-cidr-mask-size: "24", bind-address: 0.0.0.0}
etcd:
  local:
    dataDir: /var/lib/etcd
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd    # as containerd's SystemdCgroup
"""

COMMENTED_MIGRATED = """\
# cka: written for kubeadm 1.30
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.51.81
nodeRegistration:
  name: cka-cp-1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: cgroup-driver
      value: systemd
    # not the NAT address
    - name: node-ip
      value: 192.168.51.81  # enp0s8
timeouts:
  # slow disks on the lab hosts
  controlPlaneComponentHealthCheck: 10m  # upstream default 4m0s
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.2   # the next upgrade: 1.32
controlPlaneEndpoint: "k8s-vip:6443"
apiServer:
  certSANs: [k8s-vip, 192.168.51.80]
  extraArgs:
    - name: audit-log-maxage
      value: "30"
    - name: authorization-mode
      value: Node,RBAC
controllerManager:
  extraArgs: [{name: bind-address, value: 0.0.0.0}, {name: node-cidr-mask-size, value: "24"}]
etcd:
  local:
    dataDir: /var/lib/etcd
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd    # as containerd's SystemdCgroup
"""


def summary(name: str, tail: str = "") -> str:
    return (
        f"kconf: {name}: migrated InitConfiguration, ClusterConfiguration to kubeadm.k8s.io/v1beta4; "
        f"kept as they are: KubeletConfiguration{tail}\n"
    )


def test_migrate_to_stdout_keeps_comments_order_quoting_and_the_kubelet_configuration(write: Any) -> None:
    path = write("kubeadm.yaml", COMMENTED)
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == COMMENTED_MIGRATED
    assert result.stderr == summary(str(path))
    assert path.read_text() == COMMENTED


def test_migrate_output_file(write: Any, tmp_path: Path) -> None:
    path = write("kubeadm.yaml", COMMENTED)
    out = tmp_path / "new.yaml"
    result = run_cli("migrate", str(path), "--to", "v1beta4", "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", summary(str(path), f"; wrote {out}"))
    assert out.read_text() == COMMENTED_MIGRATED


def test_migrate_in_place_is_atomic_and_keeps_the_mode(write: Any, tmp_path: Path) -> None:
    path = write("kubeadm.yaml", COMMENTED)
    path.chmod(0o640)
    result = run_cli("migrate", str(path), "--in-place")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", summary(str(path), "; rewrote the file"))
    assert path.read_text() == COMMENTED_MIGRATED
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kubeadm.yaml"], "no temporary file left"


def test_migrate_reads_standard_input() -> None:
    result = run_cli("migrate", "-", input=COMMENTED)
    assert (result.exit_code, result.stdout, result.stderr) == (0, COMMENTED_MIGRATED, summary("<stdin>"))


def test_migrating_the_output_again_changes_nothing(write: Any, tmp_path: Path) -> None:
    path = write("kubeadm.yaml", COMMENTED_MIGRATED)
    before = path.stat()
    result = run_cli("migrate", str(path), "--in-place")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"kconf: {path} is already kubeadm.k8s.io/v1beta4: nothing to migrate\n"
    assert path.read_text() == COMMENTED_MIGRATED
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (before.st_mtime_ns, before.st_ino), "not rewritten"
    printed = run_cli("migrate", str(path))
    assert (printed.exit_code, printed.stdout) == (0, COMMENTED_MIGRATED)
    out = tmp_path / "copy.yaml"
    copied = run_cli("migrate", str(path), "-o", str(out))
    assert copied.stderr == f"kconf: {path} is already kubeadm.k8s.io/v1beta4: nothing to migrate; copied it to {out}\n"
    assert out.read_text() == COMMENTED_MIGRATED


def test_crlf_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    result = run_cli("migrate", str(path), "--in-place")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + COMMENTED_MIGRATED.replace("\n", "\r\n").encode()


CLUSTER_ONLY = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.33.4
apiServer:
  timeoutForControlPlane: 5m0s  # etcd is slow to start here
"""


def test_a_file_without_an_init_configuration_gets_one_for_the_control_plane_timeout(write: Any) -> None:
    path = write("cluster.yaml", CLUSTER_ONLY)
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.33.4\napiServer: {}\n"
        "---\n"
        "# Added by kconf migrate: kubeadm.k8s.io/v1beta4 keeps the ClusterConfiguration's "
        "apiServer.timeoutForControlPlane here, as timeouts.controlPlaneComponentHealthCheck.\n"
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
        "timeouts:\n  controlPlaneComponentHealthCheck: 5m0s  # etcd is slow to start here\n"
    )
    assert result.stderr == (
        # control-plane-endpoint-missing: the ClusterConfiguration has no controlPlaneEndpoint
        "kconf: note: the output has 1 warning of the lint rules (`kconf lint` on the saved file lists them)\n"
        f"kconf: {path}: migrated ClusterConfiguration to kubeadm.k8s.io/v1beta4; "
        "added an InitConfiguration for timeouts.controlPlaneComponentHealthCheck\n"
    )


JOIN = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: k8s-vip:6443
    token: "${KCONF_TOKEN}"
    caCertHashes: ["${KCONF_CA_CERT_HASH}"]
  timeout: 10m0s  # a slow VPN
nodeRegistration:
  name: cka-worker-1
  kubeletExtraArgs: {node-ip: 192.168.51.91}
"""


def test_join_discovery_timeout_moves_with_its_comment(write: Any) -> None:
    result = run_cli("migrate", str(write("join.yaml", JOIN)))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n"
        "    apiServerEndpoint: k8s-vip:6443\n    token: \"${KCONF_TOKEN}\"\n"
        "    caCertHashes: [\"${KCONF_CA_CERT_HASH}\"]\n"
        "nodeRegistration:\n  name: cka-worker-1\n  kubeletExtraArgs: [{name: node-ip, value: 192.168.51.91}]\n"
        "timeouts:\n  discovery: 10m0s  # a slow VPN\n"
    )


def test_go_yaml_style_sequences_get_the_same_style(write: Any) -> None:
    """kubeadm (go-yaml) writes `key:\\n- item`; a file in that style keeps it."""
    text = (
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  certSANs:\n  - k8s-vip\n"
        "  extraArgs:\n    authorization-mode: Node,RBAC\n"
    )
    result = run_cli("migrate", str(write("k.yaml", text)))
    assert result.stdout == (
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  certSANs:\n  - k8s-vip\n"
        "  extraArgs:\n  - name: authorization-mode\n    value: Node,RBAC\n"
    )


def test_a_shape_the_edits_do_not_handle_is_written_anew_with_a_warning(write: Any) -> None:
    text = (
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.0\n"
        "apiServer: {timeoutForControlPlane: 5m0s, certSANs: [k8s-vip]}  # flow style\n"
    )
    path = write("k.yaml", text)
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0
    documents = list(yaml.safe_load_all(result.stdout))
    assert documents == [
        {"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "ClusterConfiguration", "kubernetesVersion": "v1.31.0", "apiServer": {"certSANs": ["k8s-vip"]}},
        {"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "InitConfiguration", "timeouts": {"controlPlaneComponentHealthCheck": "5m0s"}},
    ]
    assert result.stderr.splitlines()[0] == (
        f"kconf: warning: {path}:1: ClusterConfiguration: written anew from its data (apiServer is in flow style), "
        "so its comments are lost; compare it with the original"
    )


@pytest.mark.parametrize(
    ("version", "advice"),
    [
        pytest.param("v1.30.5", "Kubernetes 1.30 with kubeadm.k8s.io/v1beta4: kubeadm 1.30 does not read v1beta4: use this file "
                     "with kubeadm 1.31 (it deploys 1.30), or keep the v1beta3 file", id="1.30"),
        pytest.param("v1.24.17", "Kubernetes 1.24 with kubeadm.k8s.io/v1beta4: no kubeadm that reads v1beta4 (1.31 and newer) "
                     "deploys Kubernetes 1.24: keep the v1beta3 file", id="1.24"),
    ],
)
def test_an_older_kubernetes_version_is_warned_about(write: Any, version: str, advice: str) -> None:
    path = write("k.yaml", f"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: {version}\n")
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0
    assert result.stderr == f"kconf: warning: {path}:3: kubernetesVersion: {advice}\n" + (
        # control-plane-endpoint-missing; kubeadm-api-version is left to the warning above
        "kconf: note: the output has 1 warning of the lint rules (`kconf lint` on the saved file lists them)\n"
        f"kconf: {path}: migrated ClusterConfiguration to kubeadm.k8s.io/v1beta4\n"
    )


H = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n"
ERRORS = [
    pytest.param(H + "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n", [],
                 "k.yaml:4: apiVersion: mixes kubeadm.k8s.io/v1beta3 (line 1) and kubeadm.k8s.io/v1beta4 (line 4): kconf migrate "
                 "converts a v1beta3 file; make every kubeadm document of this file v1beta3 (or split it)", id="mixed-versions"),
    pytest.param("apiVersion: apps/v1\nkind: Deployment\n---\n" + H, [],
                 "k.yaml:1: apiVersion: apiVersion 'apps/v1' kind 'Deployment' is neither a kubeadm configuration (kubeadm.k8s.io/v1beta3) "
                 "nor a component config kubeadm reads (kubelet.config.k8s.io/v1beta1 KubeletConfiguration; "
                 "kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration); kubeadm config migrate refuses the file too", id="not-kubeadm"),
    pytest.param("apiVersion: v1\nkind: ConfigMap\n", [],
                 "k.yaml:1: kubeadm splits the file at each '---' line, and lines 1-2 hold no document with a grouped apiVersion "
                 "and a kind: kubeadm refuses the file ('kind and apiVersion is mandatory information'); remove the '---' line "
                 "or name apiVersion and kind", id="no-api-group"),
    pytest.param("apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n---\n" + H, [],
                 "k.yaml:1: apiVersion: apiVersion 'kubelet.config.k8s.io/v1' kind 'KubeletConfiguration' is neither a kubeadm "
                 "configuration (kubeadm.k8s.io/v1beta3) nor a component config kubeadm reads (kubelet.config.k8s.io/v1beta1 "
                 "KubeletConfiguration; kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration); kubeadm config migrate refuses "
                 "the file too", id="unknown-component-config-version"),
    pytest.param("apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n", [],
                 "k.yaml:1: apiVersion: kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kconf writes and checks "
                 "kubeadm.k8s.io/v1beta3 and kubeadm.k8s.io/v1beta4 (migrate old files with 'kubeadm config migrate' of a "
                 "kubeadm release that still reads them)", id="v1beta2"),
    pytest.param("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n", [],
                 "k.yaml:1: holds no kubeadm configuration (kubeadm.k8s.io/v1beta3 InitConfiguration, ClusterConfiguration or "
                 "JoinConfiguration): nothing to migrate", id="no-kubeadm-document"),
    pytest.param("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ResetConfiguration\n", [],
                 "k.yaml:2: kind: unknown kind 'ResetConfiguration' for kubeadm.k8s.io/v1beta3; it has InitConfiguration, "
                 "ClusterConfiguration, JoinConfiguration (ResetConfiguration is in kubeadm.k8s.io/v1beta4)", id="reset-in-v1beta3"),
    pytest.param(H + "apiServer:\n  foo: bar\n", [],
                 "k.yaml:4: apiServer.foo: unknown field 'foo': v1beta3 has no such field, so kconf does not know where it goes in "
                 "v1beta4; remove it or convert the file by hand", id="unknown-field"),
    pytest.param(H + "dns:\n  type: CoreDNS\n", [],
                 "k.yaml:4: dns.type: dns.type was removed in v1beta3 (kubeadm installs only CoreDNS): delete it", id="dns-type"),
    pytest.param(H + "scheduler:\n  extraArgs:\n    v: 2\n", [],
                 "k.yaml:5: scheduler.extraArgs.v: is a number; extraArgs values are strings: quote it", id="flag-value-not-a-string"),
    pytest.param("apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs: [a]\n", [],
                 "k.yaml:4: nodeRegistration.kubeletExtraArgs: is a list; v1beta3 kubeletExtraArgs is a mapping of flag names to "
                 "values", id="flags-as-a-list"),
    pytest.param(H + "apiServer:\n  timeoutForControlPlane: 4 minutes\n", [],
                 "k.yaml:4: apiServer.timeoutForControlPlane: '4 minutes' is not a duration like 4m0s", id="not-a-duration"),
    pytest.param(H + "networking:\n  podSubnet: 1\n", [],
                 "k.yaml:4: networking.podSubnet: 1 was read as a number; quote it if it is meant as text", id="schema-type"),
    pytest.param(H + "---\n" + H, [], "k.yaml:5: a second ClusterConfiguration: kubeadm reads one document of each kind", id="kind-twice"),
    pytest.param(H + "--- x\n", [], "k.yaml:3: kubeadm allows only a comment after '---', found 'x'", id="separator-text"),
    pytest.param("", [], "k.yaml:1: the file holds no YAML document: expected a kubeadm config file", id="empty"),
    pytest.param("a: [\n", [], "k.yaml:2: invalid YAML: did not find expected node content", id="broken-yaml"),
    pytest.param(H, ["--in-place", "-o", "x.yaml"], "-o/--output and --in-place cannot be used together", id="in-place-and-output"),
]


@pytest.mark.parametrize(("text", "options", "message"), ERRORS)
def test_errors_name_the_line_and_exit_2(write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, options: list[str], message: str) -> None:
    write("k.yaml", text)
    monkeypatch.chdir(tmp_path)
    result = run_cli("migrate", "k.yaml", *options)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"kconf: error: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.yaml"], "nothing written"
    assert (tmp_path / "k.yaml").read_text() == text


def test_in_place_needs_a_file() -> None:
    result = run_cli("migrate", "-", "--in-place", input=H)
    assert (result.exit_code, result.stderr) == (2, "kconf: error: --in-place needs a file, not standard input\n")


def test_only_v1beta4_is_a_target(write: Any) -> None:
    result = run_cli("migrate", str(write("k.yaml", H)), "--to", "v1beta5")
    assert result.exit_code == 2
    assert "Invalid value for '--to': 'v1beta5' is not 'v1beta4'." in result.stderr


# --- generated files and named variants -------------------------------------------------

PER_SHAPE = int(os.environ.get("KCONF_MIGRATE_EXAMPLES_PER_SHAPE", "10"))
GENERATED = PER_SHAPE * len(MIGRATE_SHAPES)


def _generated() -> list[MigrateCase]:
    """PER_SHAPE files of each shape, the same ones on every run (derandomized)."""
    cases: list[MigrateCase] = []
    for shape in MIGRATE_SHAPES:
        found: list[MigrateCase] = []

        @settings(max_examples=PER_SHAPE, database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
        @given(migrate_cases(shape))
        def collect(case: MigrateCase) -> None:
            found.append(case)

        collect()
        cases += found[-PER_SHAPE:]
    return cases


def _named(text: str, kubeadm_minor: int) -> MigrateCase:
    return MigrateCase([d for d in yaml.safe_load_all(text) if d], text, re.findall(r"# c\d+", text), kubeadm_minor)


INIT = textwrap.dedent("""\
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: InitConfiguration
    bootstrapTokens:
      - token: abcdef.0123456789abcdef  # c1
        ttl: 2h
    localAPIEndpoint:
      advertiseAddress: 192.168.51.81
      bindPort: 6443
    nodeRegistration:
      name: cka-cp-1
      criSocket: unix:///var/run/containerd/containerd.sock
      # c2
      kubeletExtraArgs:
        node-ip: 192.168.51.81  # c3
        max-pods: "110"
      taints:
        - key: node-role.kubernetes.io/control-plane
          effect: NoSchedule
    """)
CLUSTER = textwrap.dedent("""\
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: ClusterConfiguration
    kubernetesVersion: v1.{minor}.2
    controlPlaneEndpoint: k8s-vip:6443
    networking:
      podSubnet: 172.16.0.0/16
    apiServer:
      certSANs:
        - k8s-vip
        - 192.168.51.80
      # c4
      extraArgs:
        # c5
        enable-admission-plugins: NodeRestriction
        authorization-mode: Node,RBAC  # c6
      timeoutForControlPlane: {timeout}  # c7
    controllerManager:
      extraArgs:
        bind-address: 0.0.0.0
        allocate-node-cidrs: "true"
    scheduler:
      extraArgs: {{bind-address: 0.0.0.0}}  # c8
    etcd:
      {etcd}
    """)
LOCAL_ETCD = "local:\n    dataDir: /var/lib/etcd\n    extraArgs:\n      listen-metrics-urls: http://0.0.0.0:2381  # c9"
EXTERNAL_ETCD = (
    "external:\n    endpoints: [https://192.168.51.90:2379]\n    caFile: /etc/etcd/ca.crt\n"
    "    certFile: /etc/etcd/client.crt\n    keyFile: /etc/etcd/client.key  # c9"
)
JOIN_WORKER = textwrap.dedent("""\
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: JoinConfiguration
    discovery:
      bootstrapToken:
        apiServerEndpoint: k8s-vip:6443
        token: abcdef.0123456789abcdef
        caCertHashes: ["sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]
      # c10
      timeout: 7m  # c11
    nodeRegistration:
      name: cka-worker-1
      kubeletExtraArgs:
        node-ip: 192.168.51.91
    """)
JOIN_CONTROL_PLANE = JOIN_WORKER.replace("cka-worker-1", "cka-cp-2").replace("192.168.51.91", "192.168.51.82") + (
    "controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: 192.168.51.82\n"
    "  certificateKey: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
)
COMPONENTS = textwrap.dedent("""\
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    cgroupDriver: systemd  # c12
    ---
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    mode: ipvs
    ipvs:
      strictARP: true
    """)


def cluster(minor: int, timeout: str = "5m0s", etcd: str = LOCAL_ETCD) -> str:
    return CLUSTER.format(minor=minor, timeout=timeout, etcd=etcd)


def files(*parts: str) -> str:
    return "---\n".join(parts)


NAMED = {
    "init+cluster-1.31": _named(files(INIT, cluster(31)), 31),
    "init+cluster+components-1.36": _named(files(INIT, cluster(36, "90s"), COMPONENTS), 36),
    "cluster+init-order-1.33": _named(files(cluster(33), INIT), 33),
    "cluster-alone-1.30": _named(cluster(30), 31),
    "cluster-external-etcd-1.34": _named(cluster(34, etcd=EXTERNAL_ETCD), 35),
    "cluster-external-etcd-1.35": _named(cluster(35, etcd=EXTERNAL_ETCD), 35),
    "init-alone": _named(INIT, 33),
    "join-worker": _named(JOIN_WORKER, 31),
    "join-control-plane": _named(JOIN_CONTROL_PLANE, 36),
    "cluster+join-zero-timeout-1.32": _named(files(cluster(32, "0s"), JOIN_CONTROL_PLANE), 33),
    "init+cluster+join+components-1.35": _named(files(INIT, cluster(35, "1m30s"), JOIN_WORKER, COMPONENTS), 35),
}
CASES = {**NAMED, **{f"generated-{i}": case for i, case in enumerate(_generated())}}


@functools.cache
def migrated(name: str) -> str:
    return migrate_text(CASES[name].text, "in.yaml").text


def kubeadm_migrated(name: str, home: Path) -> list[dict[str, Any]]:
    case = CASES[name]
    (home / "old.yaml").write_text(case.text)
    result = run_kubeadm(built()[(1, case.kubeadm_minor)], "config", "migrate", "--old-config", str(home / "old.yaml"),
                         "--new-config", str(home / "new.yaml"), home=home)
    assert result.returncode == 0, f"kubeadm 1.{case.kubeadm_minor} refuses the input:\n{case.text}\n{result.stderr}"
    return [d for d in yaml.safe_load_all((home / "new.yaml").read_text()) if d]


@functools.cache
def differential(name: str) -> tuple[tuple[str, ...], Counter[str], Counter[str]]:
    """(problems, intended differences used, defaults used) of one case."""
    require_kubeadm()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        theirs = kubeadm_migrated(name, Path(tmp))
    ours = [d for d in yaml.safe_load_all(migrated(name)) if d]
    problems, ctx = compare_files(ours, theirs, CASES[name].kubeadm_minor)
    return tuple(problems), Counter(ctx.used), Counter(ctx.defaults)


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_data_as_kubeadm_config_migrate(name: str) -> None:
    problems, _, _ = differential(name)
    assert not problems, f"{CASES[name].text}\n--- kconf:\n{migrated(name)}\n" + "\n".join(problems)


def test_every_named_default_and_difference_is_needed() -> None:
    """Each DEFAULTS and INTENDED_DIFFERENCES entry is relied on by some case
    (a table entry nothing needs would hide a difference nobody checked)."""
    used: Counter[str] = Counter()
    defaults: Counter[str] = Counter()
    for name in CASES:
        _, case_used, case_defaults = differential(name)
        used += case_used
        defaults += case_defaults
    assert set(used) == set(INTENDED_DIFFERENCES)
    named = {f"{kind} {'.'.join(str(p) for p in path)}" for kind, table in DEFAULTS.items() for path in table}
    assert named - set(defaults) == set()


def test_the_generated_files_cover_every_shape() -> None:
    generated = [c for n, c in CASES.items() if n.startswith("generated-")]
    assert len(generated) == GENERATED
    shapes = Counter(tuple(sorted(k for k in c.kinds if "Configuration" in k and not k.startswith("Kube"))) for c in generated)
    assert len(shapes) == 6, shapes
    assert any("KubeletConfiguration" in c.kinds for c in generated)
    assert any("controlPlane" in d for c in generated for d in c.documents if d["kind"] == "JoinConfiguration")
    assert {c.kubeadm_minor for c in generated} == {31, 33, 35, 36}


# --- the text: comments, order, idempotence --------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_comments_key_order_and_other_documents_are_kept(name: str) -> None:
    case = CASES[name]
    migration = migrate_text(case.text, "in.yaml")
    assert not [w for w in migration.warnings if "written anew" in w]
    found = Counter(re.findall(r"# c\d+\b", migration.text))
    assert set(found) == set(case.comments), "every comment kept"
    copies = migration.text.count("controlPlaneComponentHealthCheck:")
    for comment, count in found.items():
        # the control-plane timeout's comments go with each copy of it (InitConfiguration, JoinConfiguration)
        assert count == 1 or (count == copies and comment in timeout_comments(case.text)), comment
    new = [d for d in yaml.safe_load_all(migration.text) if d]
    for old in case.documents:
        [now] = [d for d in new if d["kind"] == old["kind"]]
        if old["apiVersion"] != "kubeadm.k8s.io/v1beta3":
            assert now == old
            continue
        assert_same_order(old, now, ())
    old_texts = [chunk for chunk in case.text.split("---\n") if "kubeadm.k8s.io/v1beta3" not in chunk]
    for chunk in old_texts:
        assert chunk in migration.text, "a component config is kept byte for byte"


def timeout_comments(text: str) -> set[str]:
    """The comments on the timeoutForControlPlane line and right above it."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "timeoutForControlPlane:" in line)
    above = at
    while above > 0 and lines[above - 1].strip().startswith("#"):
        above -= 1
    return set(re.findall(r"# c\d+\b", "\n".join(lines[above : at + 1])))


MOVED = {("apiServer", "timeoutForControlPlane"), ("discovery", "timeout")}
FLAGS = {"extraArgs", "kubeletExtraArgs"}


def assert_same_order(old: Any, new: Any, path: tuple[str, ...]) -> None:
    if not isinstance(old, dict):
        return
    kept = [k for k in old if path + (k,) not in MOVED]
    extra = ["timeouts"] if not path and "timeouts" in new else []
    assert list(new) == kept + extra, path
    for key in kept:
        if key in FLAGS and isinstance(old[key], dict):
            assert [item["name"] for item in new[key]] == sorted(old[key]), "flags sorted by name, as kubeadm sorts them"
        else:
            assert_same_order(old[key], new[key], path + (key,))


@pytest.mark.parametrize("name", list(CASES))
def test_migrating_twice_changes_nothing(name: str) -> None:
    again = migrate_text(migrated(name), "out.yaml")
    assert again.already and again.text == migrated(name)


# --- conformance: kubeadm config validate -----------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_the_output_passes_kubeadm_config_validate(name: str, tmp_path: Path) -> None:
    require_kubeadm()
    text = migrated(name)
    config = tmp_path / "migrated.yaml"
    config.write_text(text)
    assert len(split_like_kubeadm(text)) == len([d for d in yaml.safe_load_all(text) if d])
    version = next((d["kubernetesVersion"] for d in yaml.safe_load_all(text) if d and "kubernetesVersion" in d), None)
    binaries = [kubeadm_for(version)] if version else list(built().values())  # 1.37 reads only v1beta4
    for binary in binaries:
        verdict = validate(binary, config)
        assert verdict.ok, f"{binary}: {verdict.output}\n{text}"


def _drop_timeouts(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        d.pop("timeouts", None)


def _unsort_flags(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        if d["kind"] == "ClusterConfiguration":
            d["apiServer"]["extraArgs"].reverse()


def _flags_as_map(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        if d["kind"] == "InitConfiguration":
            flags = d["nodeRegistration"]["kubeletExtraArgs"]
            d["nodeRegistration"]["kubeletExtraArgs"] = {f["name"]: f["value"] for f in flags}


def _other_value(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        if d["kind"] == "ClusterConfiguration":
            d["controllerManager"]["extraArgs"][0]["value"] = "127.0.0.1"


def _keep_old_field(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        if d["kind"] == "JoinConfiguration":
            d["discovery"]["timeout"] = d["timeouts"].pop("discovery")


def _no_join_copy(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        if d["kind"] == "JoinConfiguration":
            d["timeouts"].pop("controlPlaneComponentHealthCheck")


@pytest.mark.parametrize(
    "mistake", [_drop_timeouts, _unsort_flags, _flags_as_map, _other_value, _keep_old_field, _no_join_copy],
    ids=lambda f: f.__name__.strip("_"),
)
def test_the_comparison_finds_a_wrong_migration(mistake: Any) -> None:
    """The differential is no rubber stamp: kconf's output with one mistake put in differs from kubeadm's."""
    name = "init+cluster+join+components-1.35"
    differential(name)  # kubeadm's output, checked against the right migration first
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        theirs = kubeadm_migrated(name, Path(tmp))
    ours = [d for d in yaml.safe_load_all(migrated(name)) if d]
    mistake(ours)
    problems, _ = compare_files(ours, theirs, CASES[name].kubeadm_minor)
    assert problems


# --- the conversion table ---------------------------------------------------------------


def _schema_fields(kind: str, version: str) -> set[tuple[str, ...]]:
    """Every field path of kconf's strict schema (written from kubeadm's Go types), down to leaves."""
    from kconf.resources import schema

    document = schema(f"kubeadm/{version}/{kind}.json")

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = document["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    found: set[tuple[str, ...]] = set()

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        for key, child in resolve(node).get("properties", {}).items():
            found.add(path + (key,))
            if "properties" in resolve(child):
                walk(child, path + (key,))

    walk(document, ())
    return found


def _table_fields(shape: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for key, rule in shape.items():
        found.add(path + (key,))
        if isinstance(rule, dict):
            found |= _table_fields(rule, path + (key,))
    return found


@pytest.mark.parametrize("kind", ["InitConfiguration", "ClusterConfiguration", "JoinConfiguration"])
def test_the_conversion_table_names_every_v1beta3_field_and_where_it_goes(kind: str) -> None:
    from kconf.kubeadm.convert import V1BETA3_FIELDS, Rule

    table = V1BETA3_FIELDS[kind]
    ours = _table_fields(table)
    # the table stops at COPY: what is below one (a taint's fields, a token's) is the same type in both versions
    copied = {p for p in ours if _rule(table, p) is Rule.COPY}
    assert {p for p in _schema_fields(kind, "v1beta3") if not any(p[: len(c)] == c and p != c for c in copied)} == ours
    v1beta4 = _schema_fields(kind, "v1beta4")
    for path in ours:
        rule = _rule(table, path)
        if rule in (Rule.COPY, Rule.ARGS) or isinstance(rule, dict):
            assert path in v1beta4, f"{path} is kept, so v1beta4 must have it"
        else:
            assert path not in v1beta4, f"{path} moves, so v1beta4 has no such field"


def _rule(table: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        table = table[part]
    return table


def test_the_lint_gate_counts_what_the_file_carries_and_names_the_file_in_place(write: Any) -> None:
    """migrate --in-place writes the user's file with its findings (an
    imageRepository k8s.gcr.io warning, carried over), and the note names the
    file to lint."""
    path = write("k.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n"
                           "controlPlaneEndpoint: k8s-api:6443\nimageRepository: k8s.gcr.io\n")
    result = run_cli("migrate", "--in-place", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"kconf: note: the output has 1 warning of the lint rules (`kconf lint {path}` lists them)\n"
        f"kconf: {path}: migrated ClusterConfiguration to kubeadm.k8s.io/v1beta4; rewrote the file\n"
    )
    assert path.read_text() == (
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n"
        "controlPlaneEndpoint: k8s-api:6443\nimageRepository: k8s.gcr.io\n"
    )
