"""kubeadm node settings and secrets rules (kconf/lint/rules/nodes.py): for
each rule, a table of files that trigger it (where, and what it says) and a
table of files that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import lay_out, lint
from test_lint_addresses import (
    AWS_CLUSTER,
    CALICO,
    CLUSTER,
    CONFIGMAP,
    JOIN,
    KUBEADM,
    KUBEADM_V1BETA3,
    Case,
    files,
    found,
    lay,
    messages,
    rendered,
    sub,
)

TOKEN = "7x3k9q.4hz2m8w1v6b0n5c3"
CERTIFICATE_KEY = "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
CA_CERT_HASH = "sha256:" + "0f" * 32

# What `kubeadm config print init-defaults` prints: 5 token, 12 advertiseAddress, 18 name.
INIT_DEFAULTS = """\
apiVersion: kubeadm.k8s.io/v1beta4
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: node
  taints: null
"""

DOCKERD_CLUSTER = sub(CLUSTER, ("unix:///var/run/containerd/containerd.sock", "unix:///var/run/cri-dockerd.sock"))

HAPROXY = """\
global
    log stdout format raw local0

defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h

# join with: kubeadm join k8s-vip:6443 --token {token}
frontend kube-apiserver
    bind *:6443
    default_backend kube-apiserver

backend kube-apiserver
    server cp-1 192.168.51.81:6443 check
"""


# --- cri-socket -------------------------------------------------------------------------------

CRI = [
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("criSocket: unix:///var/run/containerd/containerd.sock", "criSocket: /var/run/containerd/containerd.sock"))),
        [("cluster.yaml", 7, "cri-socket", "warning")], id="description-no-scheme",
    ),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("address: 192.168.51.91/24}", "address: 192.168.51.91/24, criSocket: 'npipe:////./pipe/containerd-containerd'}"))),
        [("cluster.yaml", 15, "cri-socket", "error")], id="description-node-windows-pipe",
    ),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("containerd/containerd.sock", "containerd/containerd"))),
        [("kubeadm.yaml", 8, "cri-socket", "warning")], id="kubeadm-not-a-sock",
    ),
    pytest.param(
        files(join_yaml=sub(JOIN, ("criSocket: unix:///var/run/containerd/containerd.sock", "criSocket: tcp://10.0.0.1:2375"))),
        [("join.yaml", 11, "cri-socket", "error")], id="kubeadm-tcp",
    ),
    pytest.param(
        files(reset_yaml="apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\ncriSocket: unix://run/containerd/containerd.sock\n"),
        [("reset.yaml", 3, "cri-socket", "error")], id="reset-relative-path",
    ),
    pytest.param(
        rendered(DOCKERD_CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "  criSocket: unix:///var/run/cri-dockerd.sock\n", "")),
        [("lab/kubeadm-join-worker-1.yaml", 10, "cri-socket", "error")], id="cri-dockerd-node-without-criSocket",
    ),
]

NOT_CRI = [
    pytest.param(files(cluster_yaml=CLUSTER, kubeadm_yaml=KUBEADM, join_yaml=JOIN), id="unix-sockets"),
    pytest.param(rendered(DOCKERD_CLUSTER), id="rendered-cri-dockerd"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("  criSocket: unix:///var/run/containerd/containerd.sock\n", ""))), id="standalone-without-criSocket"),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "  criSocket: unix:///var/run/containerd/containerd.sock\n", "")),
        id="containerd-node-without-criSocket",
    ),
    pytest.param(files(reset_yaml="apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\ncriSocket: unix:///run/crio/crio.sock\n"), id="reset"),
]


@pytest.mark.parametrize(("case", "expected"), CRI)
def test_cri_socket_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str, str]]) -> None:
    findings = lint(lay(tmp_path, case), select="cri-socket")
    assert [(str(Path(f.path).relative_to(tmp_path)), f.line, f.rule, f.severity) for f in findings] == expected


@pytest.mark.parametrize("case", NOT_CRI)
def test_cri_socket_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "cri-socket") == []


def test_cri_socket_messages(tmp_path: Path) -> None:
    case = rendered(DOCKERD_CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "  criSocket: unix:///var/run/cri-dockerd.sock\n", ""))
    assert messages(tmp_path / "a", case, "cri-socket") == [
        "nodeRegistration.criSocket is missing, but node worker-1 runs cri-dockerd (with containerd beside it): kubeadm "
        'stops with "found multiple CRI endpoints on the host"; write criSocket: unix:///var/run/cri-dockerd.sock'
    ]
    case = files(cluster_yaml=sub(CLUSTER, ("criSocket: unix:///var/run/containerd/containerd.sock", "criSocket: /var/run/containerd/containerd.sock")))
    assert messages(tmp_path / "b", case, "cri-socket") == [
        "spec.criSocket: '/var/run/containerd/containerd.sock' has no unix:// scheme: kubeadm prepends it with a "
        "deprecation warning (later kubelets may refuse it); write unix:///var/run/containerd/containerd.sock"
    ]


# --- image-repository-deprecated --------------------------------------------------------------

IMAGES = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("  cloudProvider: none", "  imageRepository: k8s.gcr.io"))), [("cluster.yaml", 8, "image-repository-deprecated")], id="description"),
    pytest.param(files(cm_yaml=CONFIGMAP), [("cm.yaml", 11, "image-repository-deprecated")], id="configmap-of-a-1.24-cluster"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM_V1BETA3, ("imageRepository: registry.k8s.io", "imageRepository: k8s.gcr.io"))), [("kubeadm.yaml", 4, "image-repository-deprecated")], id="kubeadm"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM_V1BETA3, ("dns: {}", "dns: {imageRepository: k8s.gcr.io/coredns}"))), [("kubeadm.yaml", 5, "image-repository-deprecated")], id="kubeadm-dns"),
]

NOT_IMAGES = [
    pytest.param(files(kubeadm_yaml=KUBEADM_V1BETA3, cluster_yaml=CLUSTER), id="registry.k8s.io-and-default"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM_V1BETA3, ("registry.k8s.io", "k8s.gcr.io.mirror.example.com/k8s"))), id="a-mirror-named-alike"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("imageRepository: k8s.gcr.io", "imageRepository: registry.k8s.io"))), id="configmap-migrated"),
]


@pytest.mark.parametrize(("case", "expected"), IMAGES)
def test_image_repository_deprecated_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "image-repository-deprecated") == expected


@pytest.mark.parametrize("case", NOT_IMAGES)
def test_image_repository_deprecated_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "image-repository-deprecated") == []


def test_image_repository_deprecated_is_a_warning_naming_the_new_path(tmp_path: Path) -> None:
    lay(tmp_path, files(kubeadm_yaml=sub(KUBEADM_V1BETA3, ("dns: {}", "dns: {imageRepository: k8s.gcr.io/coredns}"))))
    [finding] = lint(tmp_path, select="image-repository-deprecated")
    assert finding.severity == "warning"
    assert finding.message == "dns.imageRepository k8s.gcr.io/coredns is frozen since April 2023 and gets no new images: write registry.k8s.io/coredns"


# --- placeholder-value ------------------------------------------------------------------------

PLACEHOLDERS = [
    pytest.param(
        files(init_yaml=INIT_DEFAULTS),
        [("init.yaml", 5, "placeholder-value"), ("init.yaml", 12, "placeholder-value"), ("init.yaml", 18, "placeholder-value")],
        id="init-defaults",
    ),
    pytest.param(
        files(join_yaml=sub(JOIN, ('token: "${KCONF_TOKEN}"', "token: abcdef.0123456789abcdef"))),
        [("join.yaml", 6, "placeholder-value")], id="join-token",
    ),
    pytest.param(
        files(join_yaml=sub(JOIN, ("advertiseAddress: 192.168.51.82", "advertiseAddress: 1.2.3.4"), ("name: cp-2", "name: node"))),
        [("join.yaml", 10, "placeholder-value"), ("join.yaml", 16, "placeholder-value")], id="join-control-plane",
    ),
]

NOT_PLACEHOLDERS = [
    pytest.param(files(kubeadm_yaml=KUBEADM, join_yaml=JOIN), id="real-values"),
    pytest.param(files(join_yaml=sub(JOIN, ("name: cp-2", "name: node-1"))), id="node-1"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("name: cp-1", "name: node"))), id="description-is-not-kubeadm-defaults"),
]


@pytest.mark.parametrize(("case", "expected"), PLACEHOLDERS)
def test_placeholder_value_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "placeholder-value") == expected


@pytest.mark.parametrize("case", NOT_PLACEHOLDERS)
def test_placeholder_value_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "placeholder-value") == []


def test_placeholder_values_are_not_other_findings(tmp_path: Path) -> None:
    lay_out(tmp_path, {"init.yaml": INIT_DEFAULTS})
    findings = lint(tmp_path, select="secret-committed,token-format,advertise-address-not-on-node,placeholder-value")
    assert {f.rule for f in findings} == {"placeholder-value"}
    assert findings[1].message == (
        "localAPIEndpoint.advertiseAddress 1.2.3.4 is the example of `kubeadm config print init-defaults`: write the "
        "node's own address"
    )


# --- token-format -----------------------------------------------------------------------------

TOKEN_FORMAT = [
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_TOKEN}"', TOKEN.upper()))), [("join.yaml", 6, "token-format")], id="token-upper-case"),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_CA_CERT_HASH}"', "sha256:1234"))), [("join.yaml", 8, "token-format")], id="short-ca-cert-hash"),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_CA_CERT_HASH}"', "0f" * 32))), [("join.yaml", 8, "token-format")], id="ca-cert-hash-without-sha256"),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_CERTIFICATE_KEY}"', CERTIFICATE_KEY[:-2]))), [("join.yaml", 18, "token-format")], id="certificate-key-62-hex"),
    pytest.param(files(init_yaml=sub(INIT_DEFAULTS, ("abcdef.0123456789abcdef", "abcdef-0123456789abcdef"))), [("init.yaml", 5, "token-format")], id="init-bootstrapTokens"),
    pytest.param(
        files(join_yaml=sub(JOIN, ('    caCertHashes:\n', f"    caCertHashes:\n      - {CA_CERT_HASH}\n"), ("  bootstrapToken:\n", "  tlsBootstrapToken: 123456\n  bootstrapToken:\n"))),
        [("join.yaml", 4, "token-format")], id="tlsBootstrapToken-a-number",
    ),
]

NOT_TOKEN_FORMAT = [
    pytest.param(files(join_yaml=JOIN), id="kconf-placeholders"),
    pytest.param(
        files(join_yaml=sub(JOIN, ('"${KCONF_TOKEN}"', TOKEN), ('"${KCONF_CA_CERT_HASH}"', CA_CERT_HASH.upper().replace("SHA256", "sha256")), ('"${KCONF_CERTIFICATE_KEY}"', CERTIFICATE_KEY))),
        id="real-values",
    ),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_TOKEN}"', '"{{ kubeadm_token }}"'), ('"${KCONF_CERTIFICATE_KEY}"', '""'))), id="jinja-and-empty"),
    pytest.param(files(init_yaml=INIT_DEFAULTS), id="init-defaults"),
]


@pytest.mark.parametrize(("case", "expected"), TOKEN_FORMAT)
def test_token_format_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "token-format") == expected


@pytest.mark.parametrize("case", NOT_TOKEN_FORMAT)
def test_token_format_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "token-format") == []


def test_token_format_messages_show_only_the_public_hash(tmp_path: Path) -> None:
    case = files(join_yaml=sub(JOIN, ('"${KCONF_CA_CERT_HASH}"', "sha256:1234"), ('"${KCONF_TOKEN}"', TOKEN.upper())))
    assert messages(tmp_path, case, "token-format") == [
        "discovery.bootstrapToken.token is malformed: a bootstrap token is [a-z0-9]{6}.[a-z0-9]{16} (`kubeadm token "
        "generate` makes one)",
        "discovery.bootstrapToken.caCertHashes[0] 'sha256:1234' is malformed: a CA cert hash is sha256: and 64 hex "
        "digits (`kubeadm token create --print-join-command` prints it)",
    ]


# --- secret-committed -------------------------------------------------------------------------

SECRETS = [
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_TOKEN}"', TOKEN))), [("join.yaml", 6, "secret-committed")], id="join-token"),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_CERTIFICATE_KEY}"', f'"{CERTIFICATE_KEY}"'))), [("join.yaml", 18, "secret-committed")], id="join-certificate-key"),
    pytest.param(files(init_yaml=sub(INIT_DEFAULTS, ("abcdef.0123456789abcdef", TOKEN))), [("init.yaml", 5, "secret-committed")], id="init-bootstrapTokens"),
    pytest.param(Case({"haproxy.cfg": HAPROXY.format(token=TOKEN)}), [("haproxy.cfg", 10, "secret-committed")], id="haproxy-comment"),
    pytest.param(
        files(cluster_yaml=CLUSTER + f"# kubeadm join 192.168.51.81:6443 --token {TOKEN} --control-plane --certificate-key {CERTIFICATE_KEY}\n"),
        [("cluster.yaml", 17, "secret-committed"), ("cluster.yaml", 17, "secret-committed")], id="description-comment",
    ),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-join-worker-1.yaml", '"${KCONF_TOKEN}"', TOKEN)),
        [("lab/kubeadm-join-worker-1.yaml", 7, "secret-committed")], id="rendered-hand-edit",
    ),
]

NOT_SECRETS = [
    pytest.param(files(join_yaml=JOIN, kubeadm_yaml=KUBEADM), id="kconf-placeholders"),
    pytest.param(files(init_yaml=INIT_DEFAULTS), id="init-defaults-token"),
    pytest.param(files(join_yaml=sub(JOIN, ('"${KCONF_CA_CERT_HASH}"', CA_CERT_HASH))), id="ca-cert-hash-is-public"),
    pytest.param(files(calico_yaml=sub(CALICO, ("node:v3.28.5", "node@sha256:" + "ab" * 32))), id="image-digest"),
    pytest.param(Case({"haproxy.cfg": HAPROXY.format(token="${KCONF_TOKEN}")}), id="haproxy-placeholder"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("  criSocket:", "  # ip-10-0-1-10.eu-west-1.compute.internal\n  criSocket:"))), id="ec2-names"),
]


@pytest.mark.parametrize(("case", "expected"), SECRETS)
def test_secret_committed_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "secret-committed") == expected


@pytest.mark.parametrize("case", NOT_SECRETS)
def test_secret_committed_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "secret-committed") == []


def test_secret_committed_shows_secrets_redacted(tmp_path: Path) -> None:
    line = f"# kubeadm join 192.168.51.81:6443 --token {TOKEN} --control-plane --certificate-key {CERTIFICATE_KEY}\n"
    lay(tmp_path, files(cluster_yaml=CLUSTER + line))
    findings = lint(tmp_path, select="secret-committed")
    assert [(f.column, f.message) for f in findings] == [
        (43, "bootstrap token 7x3k9q.**************** is written in this file: revoke it and pass it at join time "
             "(${KCONF_TOKEN} / ${KCONF_CERTIFICATE_KEY})"),
        (101, "certificate key e6a2" + "*" * 60 + " is written in this file: revoke it and pass it at join time "
              "(${KCONF_TOKEN} / ${KCONF_CERTIFICATE_KEY})"),
    ]
    assert not any(TOKEN in f.message or CERTIFICATE_KEY in f.message or TOKEN[7:] in f.message for f in findings)


def test_secret_rules_never_print_a_secret(tmp_path: Path) -> None:
    join = sub(JOIN, ('"${KCONF_TOKEN}"', TOKEN), ('"${KCONF_CERTIFICATE_KEY}"', CERTIFICATE_KEY[:-1] + "x"))
    lay(tmp_path, files(join_yaml=join))
    findings = lint(tmp_path, select="secret-committed,token-format,placeholder-value")
    assert {f.rule for f in findings} == {"secret-committed", "token-format"}
    assert not any(TOKEN[7:] in f.message or CERTIFICATE_KEY[:-1] in f.message for f in findings)


# --- cloud-provider-node-name -----------------------------------------------------------------

CP1, WORKER1, WORKER2 = (f"ip-10-0-1-{n}.eu-west-1.compute.internal" for n in (10, 20, 30))  # lines 14, 15, 16

EC2 = [
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-10.eu-west-1.compute.internal", "cp-1"))), [("cluster.yaml", 14, "cloud-provider-node-name")], id="plain-name"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-20.eu-west-1", "ip-10-0-1-21.eu-west-1"))), [("cluster.yaml", 15, "cloud-provider-node-name")], id="other-address"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-30.eu-west-1.compute.internal", "ip-10-0-1-30.us-east-1.compute.internal"))), [("cluster.yaml", 16, "cloud-provider-node-name")], id="us-east-1-compute-internal"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-30.eu-west-1.compute.internal", "ip-10-0-1-300.eu-west-1.compute.internal"))), [("cluster.yaml", 16, "cloud-provider-node-name")], id="not-an-address"),
    pytest.param(
        rendered(AWS_CLUSTER, ("lab/kubeadm-join-ip-10-0-1-20.eu-west-1.compute.internal.yaml", "name: ip-10-0-1-20.eu-west-1.compute.internal", "name: worker-1")),
        [("lab/kubeadm-join-ip-10-0-1-20.eu-west-1.compute.internal.yaml", 11, "cloud-provider-node-name")], id="kubeadm-beside-description",
    ),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123def4567890.us-east-1.compute.internal"))), [("cluster.yaml", 14, "cloud-provider-node-name")], id="resource-us-east-1-compute-internal"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123.eu-west-1.compute.internal"))), [("cluster.yaml", 14, "cloud-provider-node-name")], id="resource-id-7-hex"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123def45678901.eu-west-1.compute.internal"))), [("cluster.yaml", 14, "cloud-provider-node-name")], id="resource-id-18-hex"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0ABC123DEF4567890.eu-west-1.compute.internal"))), [("cluster.yaml", 14, "cloud-provider-node-name")], id="resource-id-upper-case"),
    pytest.param(
        # beside resource-named nodes an IP name must still spell the node's address
        files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123def4567890.eu-west-1.compute.internal"), ("ip-10-0-1-20.eu-west-1", "ip-10-0-1-21.eu-west-1"))),
        [("cluster.yaml", 15, "cloud-provider-node-name")], id="ip-name-among-resource-names",
    ),
]

NOT_EC2 = [
    pytest.param(files(cluster_yaml=AWS_CLUSTER), id="compute-internal"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123def4567890.eu-west-1.compute.internal"))), id="resource-name-17-hex"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc1234.eu-west-1.compute.internal"))), id="resource-name-8-hex"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, (CP1, "i-0abc123def4567890.ec2.internal"))), id="resource-name-us-east-1"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-10.eu-west-1.compute.internal", "ip-10-0-1-10.ec2.internal"))), id="us-east-1-ec2-internal"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("cloudProvider: aws", "cloudProvider: external"), ("ip-10-0-1-10.eu-west-1.compute.internal", "cp-1"))), id="external"),
    pytest.param(files(cluster_yaml=CLUSTER), id="no-cloud"),
    pytest.param(rendered(AWS_CLUSTER), id="rendered"),
    pytest.param(files(kubeadm_yaml=KUBEADM), id="standalone-kubeadm"),
]


@pytest.mark.parametrize(("case", "expected"), EC2)
def test_cloud_provider_node_name_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "cloud-provider-node-name") == expected


@pytest.mark.parametrize("case", NOT_EC2)
def test_cloud_provider_node_name_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "cloud-provider-node-name") == []


def test_cloud_provider_node_name_messages(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(AWS_CLUSTER, ("ip-10-0-1-10.eu-west-1.compute.internal", "cp-1"), ("ip-10-0-1-20.eu-west-1", "ip-10-0-1-21.eu-west-1")))
    assert messages(tmp_path, case, "cloud-provider-node-name") == [
        "node name 'cp-1' is not an EC2 private DNS name (ip-A-B-C-D.<region>.compute.internal or "
        "i-<instance id>.<region>.compute.internal; .ec2.internal in us-east-1): with cloudProvider aws write "
        "ip-10-0-1-10.eu-west-1.compute.internal",
        "node name 'ip-10-0-1-21.eu-west-1.compute.internal' names address 10.0.1.21, but the node's address is 10.0.1.20: "
        "with cloudProvider aws write ip-10-0-1-20.eu-west-1.compute.internal",
    ]


@pytest.mark.parametrize(
    ("renames", "suggested"),
    [
        pytest.param(
            [(CP1, "cp-1"), (WORKER1, "i-0123456789abcdef0.ec2.internal"), (WORKER2, "i-0fedcba98.ec2.internal")],
            "i-<instance id>.ec2.internal (the instance's resource name, as the other nodes are named)", id="resource-names-us-east-1",
        ),
        pytest.param(
            [(CP1, "cp-1"), (WORKER1, "i-0123456789abcdef0.ap-south-1.compute.internal"), (WORKER2, "i-0fedcba98.ap-south-1.compute.internal")],
            "i-<instance id>.ap-south-1.compute.internal (the instance's resource name, as the other nodes are named)", id="resource-names",
        ),
        pytest.param(
            [(CP1, "cp-1"), (WORKER1, "ip-10-0-1-20.ec2.internal"), (WORKER2, "ip-10-0-1-30.ec2.internal")],
            "ip-10-0-1-10.ec2.internal", id="ip-names-us-east-1",
        ),
        pytest.param([(CP1, "cp-1"), (WORKER1, "worker-1"), (WORKER2, "worker-2")], None, id="no-ec2-name-to-follow"),
    ],
)
def test_cloud_provider_node_name_suggests_the_other_nodes_form(tmp_path: Path, renames: list[tuple[str, str]], suggested: str | None) -> None:
    findings = lint(lay(tmp_path, files(cluster_yaml=sub(AWS_CLUSTER, *renames))), select="cloud-provider-node-name")
    first = findings[0]
    assert (first.line, first.severity) == (14, "error")
    assert first.message.endswith("with cloudProvider aws write " + (suggested or "ip-10-0-1-10.<region>.compute.internal"))


# --- cloud-provider-mixed-regions -------------------------------------------------------------

MIXED = [
    pytest.param(sub(AWS_CLUSTER, (WORKER2, "ip-10-0-1-30.us-west-2.compute.internal")), [16], id="ip-name-other-region"),
    pytest.param(sub(AWS_CLUSTER, (WORKER2, "ip-10-0-1-30.ec2.internal")), [16], id="ec2-internal-is-us-east-1"),
    pytest.param(sub(AWS_CLUSTER, (CP1, "i-0abc123def4567890.us-west-2.compute.internal")), [14], id="resource-name-other-region"),
    pytest.param(
        # three regions, one node each: the first node's region is taken as the cluster's
        sub(AWS_CLUSTER, (CP1, "ip-10-0-1-10.us-west-2.compute.internal"), (WORKER2, "ip-10-0-1-30.ec2.internal")), [15, 16], id="three-regions",
    ),
    pytest.param(
        sub(AWS_CLUSTER, (CP1, "ip-10-0-1-10.ec2.internal"), (WORKER1, "i-0abc1234.eu-west-1.compute.internal"), (WORKER2, "i-0abc1235.ec2.internal")),
        [15], id="us-east-1-majority",
    ),
]

NOT_MIXED = [
    pytest.param(AWS_CLUSTER, id="one-region"),
    pytest.param(
        # .us-east-1.compute.internal is the wrong form (cloud-provider-node-name) but the same region
        sub(AWS_CLUSTER, (CP1, "ip-10-0-1-10.ec2.internal"), (WORKER1, "i-0abc123def4567890.ec2.internal"), (WORKER2, "ip-10-0-1-30.us-east-1.compute.internal")),
        id="us-east-1-both-forms",
    ),
    pytest.param(sub(AWS_CLUSTER, (CP1, "cp-1")), id="non-ec2-names-have-no-region"),
    pytest.param(sub(AWS_CLUSTER, ("cloudProvider: aws", "cloudProvider: external"), (WORKER2, "ip-10-0-1-30.us-west-2.compute.internal")), id="not-aws"),
]


@pytest.mark.parametrize(("cluster", "lines"), MIXED)
def test_cloud_provider_mixed_regions_triggers(tmp_path: Path, cluster: str, lines: list[int]) -> None:
    findings = lint(lay(tmp_path, files(cluster_yaml=cluster)), select="cloud-provider-mixed-regions")
    assert [(Path(f.path).name, f.line, f.rule, f.severity) for f in findings] == [
        ("cluster.yaml", line, "cloud-provider-mixed-regions", "warning") for line in lines
    ]


@pytest.mark.parametrize("cluster", NOT_MIXED)
def test_cloud_provider_mixed_regions_does_not_trigger(tmp_path: Path, cluster: str) -> None:
    assert lint(lay(tmp_path, files(cluster_yaml=cluster)), select="cloud-provider-mixed-regions") == []


def test_cloud_provider_mixed_regions_message(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(AWS_CLUSTER, (WORKER2, "ip-10-0-1-30.ec2.internal")))
    assert messages(tmp_path, case, "cloud-provider-mixed-regions") == [
        "node name 'ip-10-0-1-30.ec2.internal' is in region us-east-1, but 2 of the cluster's 3 nodes are in eu-west-1: "
        "the AWS cloud controller serves one region and deletes the Nodes of the others",
    ]
