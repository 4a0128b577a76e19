"""cri-socket, image-repository-deprecated, placeholder-value: the exact findings.

Written for the mutants of kconf/lint/rules/nodes.py that survived the rest of
the suite (see tools/mutation/run): every row gives (file, line, column, rule,
severity, message) of each finding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kconf.lint.rules.nodes import _socket_problem
from lintkit import BASE_CLUSTER, lay_out, lint

CLUSTER_CONFIGURATION = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.0\n"
FROZEN = "is frozen since April 2023 and gets no new images: write"


def findings(tmp_path: Path, files: dict[str, str], rule: str) -> list[tuple[str, int, int, str, str, str]]:
    lay_out(tmp_path, files)
    return [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in lint(tmp_path, select=rule)]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": BASE_CLUSTER.replace("  criSocket:", "  imageRepository: k8s.gcr.io\n  criSocket:")}, [
            ("cluster.yaml", 8, 20, "image-repository-deprecated", "warning", f"spec.imageRepository k8s.gcr.io {FROZEN} registry.k8s.io"),
        ], id="description"),
        # etcd.local.imageRepository of a ClusterConfiguration; an InitConfiguration's imageRepository is no field kubeadm reads
        pytest.param({"k.yaml": CLUSTER_CONFIGURATION + "etcd:\n  local:\n    imageRepository: k8s.gcr.io/etcd\n---\n"
                      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nimageRepository: k8s.gcr.io\n"}, [
            ("k.yaml", 6, 22, "image-repository-deprecated", "warning", f"etcd.local.imageRepository k8s.gcr.io/etcd {FROZEN} registry.k8s.io/etcd"),
        ], id="etcd-local-only-in-cluster-configuration"),
    ],
)
def test_image_repository_findings(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str, str]]) -> None:
    assert findings(tmp_path, files, "image-repository-deprecated") == expected


def test_placeholder_findings(tmp_path: Path) -> None:
    files = {"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nbootstrapTokens:\n  - token: abcdef.0123456789abcdef\n"
             "nodeRegistration:\n  name: node\n"}
    assert findings(tmp_path, files, "placeholder-value") == [
        ("k.yaml", 4, 12, "placeholder-value", "error",
         "bootstrapTokens[0].token is still the example token of `kubeadm config print`: anyone can join with it; "
         "generate one with `kubeadm token generate` or leave it out"),
        ("k.yaml", 6, 9, "placeholder-value", "error",
         "nodeRegistration.name 'node' is the example of `kubeadm config print init-defaults`: write the node's own name (its hostname)"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/var/run/containerd/containerd.sock", ("warning", "'/var/run/containerd/containerd.sock' has no unix:// scheme: kubeadm prepends "
                                                 "it with a deprecation warning (later kubelets may refuse it); write unix:///var/run/containerd/containerd.sock")),
        ("containerd.sock", ("error", "'containerd.sock' is not a socket URL: write unix:// and an absolute path, e.g. unix:///var/run/containerd/containerd.sock")),
        ("/var/run/a://b.sock", ("error", "'/var/run/a://b.sock': kubeadm on Linux reaches the runtime through a unix:// socket, not /var/run/a://; "
                                 "write e.g. unix:///var/run/containerd/containerd.sock")),
        ("unix:///var/run/x", ("warning", "CRI socket 'unix:///var/run/x' does not end in .sock, as runtime sockets usually do; check the path")),
        ("unix:///var/run/containerd/containerd.sock", None),
    ],
)
def test_socket_problem(value: str, expected: tuple[str, str] | None) -> None:
    assert _socket_problem(value) == expected


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\ncertificateKey: abc\n"}, "token-format", [
            ("k.yaml", 3, 17, "token-format", "error",
             "certificateKey is malformed: a certificate key is 64 hex digits (`kubeadm certs certificate-key` makes one)"),
        ], id="init-certificate-key"),
        pytest.param({"cluster.yaml": BASE_CLUSTER.replace("      role: worker\n", "      role: worker\n      criSocket: /run/x.sock\n")}, "cri-socket", [
            ("cluster.yaml", 29, 18, "cri-socket", "warning",
             "spec.nodes[3].criSocket: '/run/x.sock' has no unix:// scheme: kubeadm prepends it with a deprecation warning "
             "(later kubelets may refuse it); write unix:///run/x.sock"),
        ], id="node-cri-socket-in-the-description"),
    ],
)
def test_secret_and_socket_findings(tmp_path: Path, files: dict[str, str], rule: str, expected: list[tuple[str, int, int, str, str, str]]) -> None:
    assert findings(tmp_path, files, rule) == expected


# --- cloud-provider-node-name / cloud-provider-mixed-regions ---------------------------------

from test_lint_addresses import AWS_CLUSTER, Case, lay, sub  # noqa: E402

WRONG_IP_NAME = "ip-10-0-1-99.eu-west-1.compute.internal"
NAMES_99 = f"nodeRegistration.name '{WRONG_IP_NAME}' names address 10.0.1.99, but the node's address is"
NOT_EC2 = (
    "is not an EC2 private DNS name (ip-A-B-C-D.<region>.compute.internal or i-<instance id>.<region>.compute.internal; "
    ".ec2.internal in us-east-1)"
)
MIXED = "the AWS cloud controller serves one region and deletes the Nodes of the others"


def _init(name: str | None = None, node_ip: str | None = None, advertise: str | None = None) -> str:
    text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
    if advertise:
        text += f"localAPIEndpoint:\n  advertiseAddress: {advertise}\n"
    text += "nodeRegistration:\n  taints: []\n"
    if name:
        text += f"  name: {name}\n"
    if node_ip:
        text += f"  kubeletExtraArgs:\n    - name: node-ip\n      value: {node_ip}\n"
    return text


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # the address to check the name against: the first IPv4 node-ip, else advertiseAddress
        pytest.param(_init(WRONG_IP_NAME, "10.0.1.40", "10.0.1.50"), [
            (7, 9, f"{NAMES_99} 10.0.1.40: with cloudProvider aws write ip-10-0-1-40.eu-west-1.compute.internal"),
        ], id="node-ip"),
        pytest.param(_init(WRONG_IP_NAME, None, "10.0.1.50"), [
            (7, 9, f"{NAMES_99} 10.0.1.50: with cloudProvider aws write ip-10-0-1-50.eu-west-1.compute.internal"),
        ], id="advertise-address"),
        pytest.param(_init(WRONG_IP_NAME, "fd00::5", "10.0.1.50"), [
            (7, 9, f"{NAMES_99} 10.0.1.50: with cloudProvider aws write ip-10-0-1-50.eu-west-1.compute.internal"),
        ], id="ipv6-node-ip-is-passed-over"),
        pytest.param(_init(WRONG_IP_NAME, "bogus", "10.0.1.50"), [
            (7, 9, f"{NAMES_99} 10.0.1.50: with cloudProvider aws write ip-10-0-1-50.eu-west-1.compute.internal"),
        ], id="unparsable-node-ip-is-passed-over"),
        # no address at all: the suggestion keeps A-B-C-D, in the region of the described nodes
        pytest.param(_init("worker-x"), [
            (5, 9, f"nodeRegistration.name 'worker-x' {NOT_EC2}: with cloudProvider aws write ip-A-B-C-D.eu-west-1.compute.internal"),
        ], id="no-address"),
        pytest.param(_init("node"), [], id="placeholder-name-is-placeholder-value's"),
        pytest.param(_init(None, None, "10.0.1.50"), [], id="no-name"),
    ],
)
def test_cloud_provider_node_name_of_a_kubeadm_document(tmp_path: Path, document: str, expected: list[tuple[int, int, str]]) -> None:
    lay(tmp_path, Case({"lab/extra.yaml": document}, rendered=AWS_CLUSTER))
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in lint(tmp_path, select="cloud-provider-node-name")] == [
        ("lab/extra.yaml", line, column, "cloud-provider-node-name", "error", message) for line, column, message in expected
    ]


@pytest.mark.parametrize(
    ("renamed", "expected"),
    [
        pytest.param("ip-10-0-1-30.us-east-1.compute.internal", [
            ("cloud-provider-mixed-regions", "warning",
             f"node name 'ip-10-0-1-30.us-east-1.compute.internal' is in region us-east-1, but 2 of the cluster's 3 nodes are in eu-west-1: {MIXED}"),
            ("cloud-provider-node-name", "error",
             "node name 'ip-10-0-1-30.us-east-1.compute.internal' is not the EC2 private DNS name: in us-east-1 it ends in .ec2.internal: "
             "with cloudProvider aws write ip-10-0-1-30.eu-west-1.compute.internal"),
        ], id="us-east-1-compute-internal"),
        pytest.param("ip-10-0-1-300.eu-west-1.compute.internal", [
            ("cloud-provider-node-name", "error",
             "node name 'ip-10-0-1-300.eu-west-1.compute.internal' is not an EC2 private DNS name: ip-A-B-C-D must spell an IPv4 address: "
             "with cloudProvider aws write ip-10-0-1-30.eu-west-1.compute.internal"),
        ], id="not-an-address"),
        pytest.param("ip-10-0-1-30.us-west-2.compute.internal", [
            ("cloud-provider-mixed-regions", "warning",
             f"node name 'ip-10-0-1-30.us-west-2.compute.internal' is in region us-west-2, but 2 of the cluster's 3 nodes are in eu-west-1: {MIXED}"),
        ], id="other-region"),
    ],
)
def test_cloud_provider_findings_in_the_description(tmp_path: Path, renamed: str, expected: list[tuple[str, str, str]]) -> None:
    lay(tmp_path, Case({"cluster.yaml": sub(AWS_CLUSTER, ("ip-10-0-1-30.eu-west-1.compute.internal", renamed))}))
    found = lint(tmp_path, select="cloud-provider-node-name,cloud-provider-mixed-regions")
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in found] == [
        ("cluster.yaml", 16, 14, rule, severity, message) for rule, severity, message in expected
    ]


# --- cri-socket beside a description, token-format of a JoinConfiguration without caCertHashes -------

from test_lint_addresses import CLUSTER  # noqa: E402

TOKEN_MALFORMED = "discovery.bootstrapToken.token is malformed: a bootstrap token is [a-z0-9]{6}.[a-z0-9]{16} (`kubeadm token generate` makes one)"
DOCKERD_WORKER = sub(CLUSTER, ("{name: worker-1, role: worker, address: 192.168.51.91/24}",
                               "{name: worker-1, role: worker, address: 192.168.51.91/24, criSocket: unix:///var/run/cri-dockerd.sock}"))
NO_SOCKET_WARNING = (
    "neither spec.criSocket nor any node sets a CRI socket: kubeadm then looks for one and stops with \"found multiple CRI "
    "endpoints on the host\" where several runtimes are installed (Docker Engine brings containerd along); set spec.criSocket "
    "to the runtime's: unix:///var/run/containerd/containerd.sock (containerd), unix:///var/run/cri-dockerd.sock (Docker "
    "Engine through cri-dockerd) or unix:///var/run/crio/crio.sock (CRI-O)"
)
NO_SOCKET = "".join(line for line in CLUSTER.splitlines(keepends=True) if not line.strip().startswith("criSocket:"))


def _join(name: str, socket: str | None = None) -> str:
    text = f"apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    token: bad\nnodeRegistration:\n  name: {name}\n"
    return text + (f"  criSocket: {socket}\n" if socket else "")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a containerd node's document first: the dockerd node's after it is still checked
        pytest.param({"cluster.yaml": DOCKERD_WORKER, "lab/a.yaml": _join("cp-1"), "lab/b.yaml": _join("worker-1")}, [
            ("lab/a.yaml", 5, 12, "token-format", "error", TOKEN_MALFORMED),
            ("lab/b.yaml", 5, 12, "token-format", "error", TOKEN_MALFORMED),
            ("lab/b.yaml", 6, 1, "cri-socket", "error",
             "nodeRegistration.criSocket is missing, but node worker-1 runs cri-dockerd (with containerd beside it): kubeadm stops with "
             "\"found multiple CRI endpoints on the host\"; write criSocket: unix:///var/run/cri-dockerd.sock"),
        ], id="dockerd-node-after-a-containerd-one"),
        pytest.param({"cluster.yaml": CLUSTER, "lab/a.yaml": _join("stranger")}, [("lab/a.yaml", 5, 12, "token-format", "error", TOKEN_MALFORMED)],
                     id="node-not-described"),
        # no socket anywhere: the description's warning (issue 12), the node's file says nothing more
        pytest.param({"cluster.yaml": NO_SOCKET, "lab/a.yaml": _join("cp-1")}, [
            ("cluster.yaml", 5, 1, "cri-socket", "warning", NO_SOCKET_WARNING),
            ("lab/a.yaml", 5, 12, "token-format", "error", TOKEN_MALFORMED),
        ], id="no-socket-described"),
        pytest.param({"cluster.yaml": CLUSTER, "lab/a.yaml": _join("cp-1", "5")}, [("lab/a.yaml", 5, 12, "token-format", "error", TOKEN_MALFORMED)],
                     id="socket-not-a-string"),
        # a ClusterConfiguration has no nodeRegistration: kubeadm does not read one there
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnodeRegistration:\n  criSocket: tcp://x\n"}, [],
                     id="cluster-configuration-socket"),
    ],
)
def test_cri_socket_beside_a_description(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str, str]]) -> None:
    lay(tmp_path, Case(files))
    found = lint(tmp_path, select="cri-socket,token-format")
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in found] == expected


@pytest.mark.parametrize("address", ["address: bogus", ""], ids=["unparsable-address", "no-address"])
def test_cloud_provider_node_name_of_a_described_node_without_an_address(tmp_path: Path, address: str) -> None:
    cluster = sub(AWS_CLUSTER, (", address: 10.0.1.20/24", f", {address}" if address else ""), ("ip-10-0-1-20.eu-west-1", "worker-9.eu-west-1"))
    lay(tmp_path, Case({"cluster.yaml": cluster}))
    assert [(f.line, f.column, f.rule, f.message) for f in lint(tmp_path, select="cloud-provider-node-name")] == [
        (15, 14, "cloud-provider-node-name",
         f"node name 'worker-9.eu-west-1.compute.internal' {NOT_EC2}: with cloudProvider aws write ip-A-B-C-D.eu-west-1.compute.internal"),
    ]


# --- cri-socket: dockershim by Kubernetes version, the unix:// fix; image-repository-deprecated's fix ---

DOCKERSHIM_USE = ("use cri-dockerd's unix:///var/run/cri-dockerd.sock (Docker Engine) or containerd's "
                  "unix:///var/run/containerd/containerd.sock")
NO_SCHEME = "has no unix:// scheme: kubeadm prepends it with a deprecation warning (later kubelets may refuse it); write"
V1BETA3 = "apiVersion: kubeadm.k8s.io/v1beta3\n"
V1BETA4 = "apiVersion: kubeadm.k8s.io/v1beta4\n"
FixedRow = tuple[str, int, int, str, str, tuple[str, str] | None]


def described_socket(socket: str, version: str = "v1.31.2") -> str:
    return edited_cluster(("unix:///var/run/containerd/containerd.sock", socket), ("v1.31.2", version))


def edited_cluster(*edits: tuple[str, str]) -> str:
    text = BASE_CLUSTER
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # _dockershim_problem 2-13, _socket_fields 1-13 (the description's version), cri_socket 12
        pytest.param({"cluster.yaml": described_socket("unix:///var/run/dockershim.sock")}, [
            ("cluster.yaml", 8, 14, "error", "spec.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket, and dockershim was "
             f"removed in Kubernetes 1.24 (kubernetesVersion is 1.31): no kubelet serves it; {DOCKERSHIM_USE}", None),
        ], id="dockershim-on-1.31"),
        # _dockershim_problem 14: 1.24 itself
        pytest.param({"cluster.yaml": described_socket("unix:///run/dockershim.sock", "v1.24.0")}, [
            ("cluster.yaml", 8, 14, "error", "spec.criSocket: 'unix:///run/dockershim.sock' is dockershim's socket, and dockershim was "
             f"removed in Kubernetes 1.24 (kubernetesVersion is 1.24): no kubelet serves it; {DOCKERSHIM_USE}", None),
        ], id="dockershim-on-1.24"),
        # _scheme_fix 1: the bare dockershim path gets no unix:// fix (which runtime?)
        pytest.param({"cluster.yaml": described_socket("/var/run/dockershim.sock", "v1.23.17")}, [
            ("cluster.yaml", 8, 14, "warning", "spec.criSocket: '/var/run/dockershim.sock' is dockershim's socket: it works on Kubernetes "
             f"1.23, but dockershim is removed in 1.24; before upgrading, {DOCKERSHIM_USE}", None),
        ], id="bare-dockershim-on-1.23"),
        # _socket_fields 68-70, 73, 74: a v1beta4 file alone is for 1.31 or later
        pytest.param({"k.yaml": V1BETA4 + "kind: JoinConfiguration\nnodeRegistration:\n  criSocket: /var/run/dockershim.sock\n"}, [
            ("k.yaml", 4, 14, "error", "nodeRegistration.criSocket: '/var/run/dockershim.sock' is dockershim's socket, and dockershim was "
             f"removed in Kubernetes 1.24 (kubernetesVersion is 1.31): no kubelet serves it; {DOCKERSHIM_USE}", None),
        ], id="v1beta4-file"),
        # _socket_fields 71: a v1beta3 file alone has no known version
        pytest.param({"k.yaml": V1BETA3 + "kind: JoinConfiguration\nnodeRegistration:\n  criSocket: unix:///var/run/dockershim.sock\n"}, [
            ("k.yaml", 4, 14, "warning", "nodeRegistration.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket, and "
             f"dockershim was removed in Kubernetes 1.24: unless this cluster runs 1.22 or 1.23, {DOCKERSHIM_USE}", None),
        ], id="v1beta3-file"),
        # _kubeadm_file_minor 1-11, _socket_fields 36, 37: the file's ClusterConfiguration, after the JoinConfiguration, says 1.23
        pytest.param({"k.yaml": V1BETA3 + "kind: JoinConfiguration\nnodeRegistration:\n  criSocket: unix:///var/run/dockershim.sock\n"
                      "---\n" + V1BETA3 + "kind: ClusterConfiguration\nkubernetesVersion: v1.23.5\n"}, [
            ("k.yaml", 4, 14, "warning", "nodeRegistration.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket: it works "
             f"on Kubernetes 1.23, but dockershim is removed in 1.24; before upgrading, {DOCKERSHIM_USE}", None),
        ], id="v1beta3-file-with-its-cluster-configuration"),
        # _scheme_fix 3-5, 7, 8, 10-17, 19-24, cri_socket 21, 26: the fix writes unix:// before the path
        pytest.param({"cluster.yaml": described_socket("/run/containerd/containerd.sock")}, [
            ("cluster.yaml", 8, 14, "warning", f"spec.criSocket: '/run/containerd/containerd.sock' {NO_SCHEME} unix:///run/containerd/containerd.sock",
             ("/run/containerd/containerd.sock", "unix:///run/containerd/containerd.sock")),
        ], id="unix-scheme-fix"),
        # _scheme_fix 18: no fix when the socket with unix:// still has a problem (no .sock)
        pytest.param({"cluster.yaml": described_socket("/run/x")}, [
            ("cluster.yaml", 8, 14, "warning", f"spec.criSocket: '/run/x' {NO_SCHEME} unix:///run/x", None),
        ], id="no-fix-for-a-socket-not-ending-in-sock"),
        # cri_socket 8: a socket that is no text is skipped, the next one still checked
        pytest.param({"k.yaml": V1BETA4 + "kind: InitConfiguration\nnodeRegistration:\n  criSocket: 5\n---\n"
                      + V1BETA4 + "kind: JoinConfiguration\nnodeRegistration:\n  criSocket: /run/x.sock\n"}, [
            ("k.yaml", 9, 14, "warning", f"nodeRegistration.criSocket: '/run/x.sock' {NO_SCHEME} unix:///run/x.sock", ("/run/x.sock", "unix:///run/x.sock")),
        ], id="after-a-socket-that-is-no-text"),
    ],
)
def test_cri_socket_findings_and_fixes(tmp_path: Path, files: dict[str, str], expected: list[FixedRow]) -> None:
    lay_out(tmp_path, files)
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.severity, f.message, None if f.fix is None else (f.fix.old, f.fix.new))
            for f in lint(tmp_path, select="cri-socket")] == expected


def test_image_repository_deprecated_fixes(tmp_path: Path) -> None:
    # image_repository_deprecated 17, 21, 24, 25: the fix replaces k8s.gcr.io, a path below it kept
    lay_out(tmp_path, {"cluster.yaml": edited_cluster(("  criSocket:", "  imageRepository: k8s.gcr.io\n  criSocket:")),
                       "lab/k.yaml": V1BETA4 + "kind: ClusterConfiguration\ndns:\n  imageRepository: k8s.gcr.io/coredns\n"})
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, None if f.fix is None else (f.fix.old, f.fix.new))
            for f in lint(tmp_path, select="image-repository-deprecated")] == [
        ("cluster.yaml", 8, 20, ("k8s.gcr.io", "registry.k8s.io")),
        ("lab/k.yaml", 4, 20, ("k8s.gcr.io/coredns", "registry.k8s.io/coredns")),
    ]
