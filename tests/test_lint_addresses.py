"""Addresses and CIDRs rules (kconf/lint/rules/addresses.py): for each rule, a
table of files that trigger it (where, and what it says) and a table of files
that must not."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import GOLDEN
from kconf.description import build_cluster
from kconf.lint.model import ClusterFile, DocumentView, Group
from kconf.lint.rules import addresses, nodes
from kconf.yamlio import Document, Position
from lintkit import lay_out, lint, render_into, where

# --- inputs: small files whose lines the tables below count on -------------------------------

# Values are replaced in place (str.replace), so every line keeps its number:
# 8 cloudProvider (a spare line: replace it to add another spec field), 10 podSubnet,
# 11 serviceSubnet, 12 nodeCIDRMaskSize, 14-16 the nodes cp-1, worker-1, worker-2.
CLUSTER = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
  criSocket: unix:///var/run/containerd/containerd.sock
  cloudProvider: none
  networking:
    podSubnet: 172.16.0.0/16
    serviceSubnet: 10.96.0.0/12
    nodeCIDRMaskSize: 24
  nodes:
    - {name: cp-1, role: control-plane, address: 192.168.51.81/24}
    - {name: worker-1, role: worker, address: 192.168.51.91/24}
    - {name: worker-2, role: worker, address: 192.168.51.92/24}
"""

# The same with VirtualBox-style interfaces (NAT enp0s3 and host-only enp0s8).
VBOX_CLUSTER = (
    CLUSTER.replace("192.168.51.81/24}", "192.168.51.81/24, interfaces: [{name: enp0s3, address: 10.0.2.15/24, nat: true}, {name: enp0s8, address: 192.168.51.81/24}]}")
    .replace("192.168.51.91/24}", "192.168.51.91/24, interfaces: [{name: enp0s3, address: 10.0.2.15/24, nat: true}, {name: enp0s8, address: 192.168.51.91/24}]}")
    .replace("192.168.51.92/24}", "192.168.51.92/24, interfaces: [{name: enp0s3, address: 10.0.2.15/24, nat: true}, {name: enp0s8, address: 192.168.51.92/24}]}")
)

AWS_CLUSTER = (
    CLUSTER.replace("cloudProvider: none", "cloudProvider: aws")
    .replace("{name: cp-1, role: control-plane, address: 192.168.51.81/24}", "{name: ip-10-0-1-10.eu-west-1.compute.internal, role: control-plane, address: 10.0.1.10/24}")
    .replace("{name: worker-1, role: worker, address: 192.168.51.91/24}", "{name: ip-10-0-1-20.eu-west-1.compute.internal, role: worker, address: 10.0.1.20/24}")
    .replace("{name: worker-2, role: worker, address: 192.168.51.92/24}", "{name: ip-10-0-1-30.eu-west-1.compute.internal, role: worker, address: 10.0.1.30/24}")
)

# 4 advertiseAddress, 7 name, 8 criSocket, 9 kubeletExtraArgs, 11 node-ip, 17 podSubnet,
# 18 serviceSubnet, 20 extraArgs, 22 node-cidr-mask-size.
KUBEADM = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.51.81
  bindPort: 6443
nodeRegistration:
  name: cp-1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: 192.168.51.81
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.2
networking:
  podSubnet: 172.16.0.0/16
  serviceSubnet: 10.96.0.0/12
controllerManager:
  extraArgs:
    - name: node-cidr-mask-size
      value: "24"
"""

# v1beta3 (maps for extraArgs): 6 token, 8 caCertHashes[0], 10 name, 11 criSocket,
# 13 node-ip, 16 advertiseAddress, 18 certificateKey.
JOIN = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 192.168.51.81:6443
    token: "${KCONF_TOKEN}"
    caCertHashes:
      - "${KCONF_CA_CERT_HASH}"
nodeRegistration:
  name: cp-2
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: 192.168.51.82
controlPlane:
  localAPIEndpoint:
    advertiseAddress: 192.168.51.82
    bindPort: 6443
  certificateKey: "${KCONF_CERTIFICATE_KEY}"
"""

# A v1beta3 ClusterConfiguration with map-form extraArgs: 7 podSubnet, 8 serviceSubnet, 11 node-cidr-mask-size.
KUBEADM_V1BETA3 = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.30.6
imageRepository: registry.k8s.io
dns: {}
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
controllerManager:
  extraArgs:
    node-cidr-mask-size: "24"
"""

# `kubectl get cm -n kube-system kubeadm-config -o yaml` of a 1.24 cluster: 11 imageRepository, 13 podSubnet, 14 serviceSubnet.
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: ClusterConfiguration
    kubernetesVersion: v1.24.17
    imageRepository: k8s.gcr.io
    networking:
      podSubnet: 10.244.0.0/16
      serviceSubnet: 10.96.0.0/12
      dnsDomain: cluster.local
"""

# A minimal calico.yaml: 14 the CALICO_IPV4POOL_CIDR value.
CALICO = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: calico-node
          image: docker.io/calico/node:v3.28.5
          env:
            - name: CALICO_IPV4POOL_CIDR
              value: "172.16.0.0/16"
            - name: IP_AUTODETECTION_METHOD
              value: "cidr=192.168.51.0/24"
"""

# 8 ipPools[0].cidr
INSTALLATION = """\
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  calicoNetwork:
    ipPools:
      - cidr: 172.16.0.0/16
        encapsulation: VXLAN
"""


@dataclass(frozen=True)
class Case:
    """Files laid out in tmp_path; ``rendered``: a description rendered into
    tmp_path (cluster.yaml and lab/) before ``edits`` (file, old, new) apply."""

    files: dict[str, str] = field(default_factory=dict)
    rendered: str | None = None
    edits: tuple[tuple[str, str, str], ...] = ()


def files(**named: str) -> Case:
    """Case(files) from keyword names: cluster_yaml -> cluster.yaml, lab__x_yaml -> lab/x.yaml."""
    return Case({k.replace("__", "/").replace("_yaml", ".yaml").replace("_cfg", ".cfg"): v for k, v in named.items()})


def rendered(description: str, *edits: tuple[str, str, str]) -> Case:
    return Case(rendered=description, edits=edits)


def lay(tmp_path: Path, case: Case) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    if case.rendered is not None:
        render_into(tmp_path, case.rendered)
    lay_out(tmp_path, case.files)
    for name, old, new in case.edits:
        path = tmp_path / name
        text = path.read_text()
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1))
    return tmp_path


def found(tmp_path: Path, case: Case, rule: str) -> list[tuple[str, int, str]]:
    return where(lint(lay(tmp_path, case), select=rule), tmp_path)


def messages(tmp_path: Path, case: Case, rule: str) -> list[str]:
    return [f.message for f in lint(lay(tmp_path, case), select=rule)]


def sub(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, f"{old!r} not in the template"
        text = text.replace(old, new)
    return text


# --- cidr-host-bits ---------------------------------------------------------------------------

HOST_BITS = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.178.33.10/16"))), [("cluster.yaml", 10, "cidr-host-bits")], id="description-podSubnet"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.96.0.1/12"))), [("cluster.yaml", 11, "cidr-host-bits")], id="description-serviceSubnet"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.244.0.0/33"))), [("cluster.yaml", 10, "cidr-host-bits")], id="description-unparsable"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.244.0.0"))), [("cluster.yaml", 10, "cidr-host-bits")], id="description-no-prefix"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.244.0.0/16,fd00:10:244::1/56"))), [("kubeadm.yaml", 17, "cidr-host-bits")], id="kubeadm-dual-stack-v6-part"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.244.1.0/16"))), [("cm.yaml", 13, "cidr-host-bits")], id="configmap"),
    pytest.param(files(calico_yaml=sub(CALICO, ("172.16.0.0/16", "172.16.1.0/16"))), [("calico.yaml", 14, "cidr-host-bits")], id="calico-env"),
    pytest.param(files(installation_yaml=sub(INSTALLATION, ("172.16.0.0/16", "172.16.0.1/16"))), [("installation.yaml", 8, "cidr-host-bits")], id="installation"),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-init.yaml", "podSubnet: 172.16.0.0/16", "podSubnet: 172.16.9.0/16")),
        [("lab/kubeadm-init.yaml", 19, "cidr-host-bits")], id="rendered-hand-edit",
    ),
]

NOT_HOST_BITS = [
    pytest.param(files(cluster_yaml=CLUSTER), id="description"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.244.0.0/16,fd00:10:244::/56"))), id="dual-stack"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "fd00:10:244::/56"), ("10.96.0.0/12", "fd00:10:96::/112"))), id="ipv6"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", '""'))), id="kubeadm-empty-podSubnet"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.0.0.1/32"))), id="slash-32"),
    pytest.param(files(cm_yaml=CONFIGMAP, calico_yaml=CALICO, installation_yaml=INSTALLATION), id="configmap-calico-installation"),
    pytest.param(rendered(CLUSTER), id="rendered"),
]


@pytest.mark.parametrize(("case", "expected"), HOST_BITS)
def test_cidr_host_bits_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "cidr-host-bits") == expected


@pytest.mark.parametrize("case", NOT_HOST_BITS)
def test_cidr_host_bits_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "cidr-host-bits") == []


def test_cidr_host_bits_message_says_which_network(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.178.33.10/16")))
    assert messages(tmp_path, case, "cidr-host-bits") == [
        "spec.networking.podSubnet: '172.178.33.10/16' has host bits set: the network is 172.178.0.0/16 "
        "(write that, or fix the prefix length)"
    ]


def test_calico_finding_points_at_the_value_column(tmp_path: Path) -> None:
    lay_out(tmp_path, {"calico.yaml": sub(CALICO, ("172.16.0.0/16", "172.16.1.0/16"))})
    [finding] = lint(tmp_path, select="cidr-host-bits")
    assert (finding.line, finding.column) == (14, 22)


# --- public-cidr ------------------------------------------------------------------------------

PUBLIC = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.178.0.0/16"))), [("cluster.yaml", 10, "public-cidr")], id="description-pods"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "11.96.0.0/12"))), [("cluster.yaml", 11, "public-cidr")], id="description-services"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.244.0.0/16,2001:db8:42::/56"))), [("kubeadm.yaml", 17, "public-cidr")], id="kubeadm-ipv6-global"),
    pytest.param(files(calico_yaml=sub(CALICO, ("172.16.0.0/16", "8.8.0.0/16"))), [("calico.yaml", 14, "public-cidr")], id="calico-env"),
    pytest.param(files(installation_yaml=sub(INSTALLATION, ("172.16.0.0/16", "100.128.0.0/16"))), [("installation.yaml", 8, "public-cidr")], id="just-outside-100.64/10"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.0.0.0/7"))), [("cm.yaml", 13, "public-cidr")], id="wider-than-10/8"),
]

NOT_PUBLIC = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "100.64.0.0/10"))), id="shared-space-100.64/10"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/12"), ("10.96.0.0/12", "10.96.0.0/16"))), id="exactly-172.16/12"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "192.168.0.0/16,fd00:10:244::/56"))), id="dual-stack-ula"),
    pytest.param(files(cm_yaml=CONFIGMAP, calico_yaml=CALICO, installation_yaml=INSTALLATION), id="private-everywhere"),
]


@pytest.mark.parametrize(("case", "expected"), PUBLIC)
def test_public_cidr_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "public-cidr") == expected


@pytest.mark.parametrize("case", NOT_PUBLIC)
def test_public_cidr_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "public-cidr") == []


def test_public_cidr_is_a_warning_and_reported_with_host_bits(tmp_path: Path) -> None:
    lay_out(tmp_path, {"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "172.178.33.10/16"))})
    findings = lint(tmp_path, select="public-cidr,cidr-host-bits")
    assert [(f.rule, f.severity, f.line) for f in findings] == [("cidr-host-bits", "error", 10), ("public-cidr", "warning", 10)]
    assert findings[1].message.startswith("spec.networking.podSubnet: 172.178.0.0/16 is public address space: pod addresses would shadow")


# --- pod-service-overlap ----------------------------------------------------------------------

NO_SERVICE = sub(CLUSTER, ("    serviceSubnet: 10.96.0.0/12\n", "    dnsDomain: cluster.local\n"))

OVERLAP = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.96.0.0/16"))), [("cluster.yaml", 10, "pod-service-overlap")], id="description"),
    pytest.param(files(cluster_yaml=sub(NO_SERVICE, ("172.16.0.0/16", "10.100.0.0/16"))), [("cluster.yaml", 10, "pod-service-overlap")], id="default-serviceSubnet"),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.244.0.0/16,fd00:10::/56"), ("10.96.0.0/12", "10.96.0.0/12,fd00:10::/112"))),
        [("kubeadm.yaml", 17, "pod-service-overlap")], id="kubeadm-ipv6-part",
    ),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.0.0.0/8"))), [("cm.yaml", 13, "pod-service-overlap")], id="configmap-pods-contain-services"),
]

NOT_OVERLAP = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.112.0.0/12"))), id="adjacent-ranges"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "fd00:10:96::/56"), ("10.96.0.0/12", "10.96.0.0/12"))), id="different-families"),
    pytest.param(files(kubeadm_yaml=KUBEADM, cm_yaml=CONFIGMAP), id="kubeadm-and-configmap"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("  podSubnet: 172.16.0.0/16\n", ""))), id="no-podSubnet"),
]


@pytest.mark.parametrize(("case", "expected"), OVERLAP)
def test_pod_service_overlap_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "pod-service-overlap") == expected


@pytest.mark.parametrize("case", NOT_OVERLAP)
def test_pod_service_overlap_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "pod-service-overlap") == []


def test_pod_service_overlap_message_names_the_default(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(NO_SERVICE, ("172.16.0.0/16", "10.100.0.0/16")))
    assert messages(tmp_path, case, "pod-service-overlap") == [
        "spec.networking.podSubnet 10.100.0.0/16 overlaps the default serviceSubnet 10.96.0.0/12: pod and Service "
        "addresses would collide; choose ranges that do not overlap (e.g. podSubnet 10.244.0.0/16, serviceSubnet 10.96.0.0/12)"
    ]


# --- cidr-overlaps-node-network ---------------------------------------------------------------

WITH_LB = sub(CLUSTER, ("  cloudProvider: none\n", "  loadBalancer: {address: 192.168.60.10}\n"))

NODE_NETWORK = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "192.168.0.0/16"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")], id="pods-contain-nodes"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "192.168.51.64/27"))), [("cluster.yaml", 11, "cidr-overlaps-node-network")], id="services-contain-a-node"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "192.168.51.128/25"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")], id="pods-inside-node-network"),
    pytest.param(files(cluster_yaml=sub(VBOX_CLUSTER, ("172.16.0.0/16", "10.0.0.0/16"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")], id="nat-interface"),
    pytest.param(files(cluster_yaml=sub(WITH_LB, ("172.16.0.0/16", "192.168.60.0/24"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")], id="load-balancer"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "192.168.0.0/16"))), [("kubeadm.yaml", 17, "cidr-overlaps-node-network")], id="standalone-kubeadm-advertiseAddress"),
    pytest.param(
        rendered(CLUSTER, ("lab/calico-installation.yaml", "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")),
        [("lab/calico-installation.yaml", 9, "cidr-overlaps-node-network")], id="installation-beside-description",
    ),
    pytest.param(
        Case({"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "192.168.0.0/16")), "calico.yaml": sub(CALICO, ("172.16.0.0/16", "192.168.0.0/16"))}),
        [("cluster.yaml", 10, "cidr-overlaps-node-network")], id="standalone-calico-knows-no-nodes",
    ),
]

NOT_NODE_NETWORK = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "192.168.52.0/22"))), id="neighbour-network"),
    pytest.param(files(cluster_yaml=sub(VBOX_CLUSTER, ("172.16.0.0/16", "10.244.0.0/16"))), id="nat-interface-outside"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "fd00:192:168::/56"))), id="other-family"),
    pytest.param(files(kubeadm_yaml=KUBEADM, cm_yaml=CONFIGMAP), id="kubeadm-and-configmap"),
    pytest.param(rendered(WITH_LB), id="rendered-with-load-balancer"),
]


@pytest.mark.parametrize(("case", "expected"), NODE_NETWORK)
def test_cidr_overlaps_node_network_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "cidr-overlaps-node-network") == expected


@pytest.mark.parametrize("case", NOT_NODE_NETWORK)
def test_cidr_overlaps_node_network_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "cidr-overlaps-node-network") == []


def test_cidr_overlaps_node_network_messages(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "192.168.0.0/16")))
    assert messages(tmp_path / "a", case, "cidr-overlaps-node-network") == [
        "spec.networking.podSubnet 192.168.0.0/16 contains node cp-1 192.168.51.81, node worker-1 192.168.51.91, "
        "node worker-2 192.168.51.92: that traffic would be routed into the pod network; choose a range that no node "
        "network overlaps"
    ]
    case = files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "192.168.51.128/25")))
    assert messages(tmp_path / "b", case, "cidr-overlaps-node-network") == [
        "spec.networking.podSubnet 192.168.51.128/25 overlaps the node network 192.168.51.0/24 (node cp-1); choose a "
        "range that no node network overlaps"
    ]


def test_cidr_overlaps_node_network_lists_a_few_of_many(tmp_path: Path) -> None:
    many = CLUSTER + "".join(f"    - {{name: w{i}, role: worker, address: 192.168.52.{i}/24}}\n" for i in range(1, 41))
    [message] = messages(tmp_path, files(cluster_yaml=sub(many, ("172.16.0.0/16", "192.168.0.0/16"))), "cidr-overlaps-node-network")
    assert "node worker-2 192.168.51.92 and 40 more:" in message


# --- node-prefix-mismatch ---------------------------------------------------------------------

PREFIX = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.92/25"))), [("cluster.yaml", 16, "node-prefix-mismatch")], id="one-25-among-24s"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.81/24", "192.168.50.81/23"))), [("cluster.yaml", 14, "node-prefix-mismatch")], id="one-23-holding-24s"),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("192.168.51.81/24", "fd00:51::81/64"), ("192.168.51.91/24", "fd00:51::91/64"), ("192.168.51.92/24", "fd00:51::92/72"))),
        [("cluster.yaml", 16, "node-prefix-mismatch")], id="ipv6",
    ),
]

NOT_PREFIX = [
    pytest.param(files(cluster_yaml=CLUSTER), id="all-24"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.61.92/25"))), id="different-networks"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.81/24", "10.0.1.10/24"), ("192.168.51.91/24", "10.0.4.20/23"), ("192.168.51.92/24", "10.0.8.30/22"))), id="aws-subnets-of-several-sizes"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "fd00:51::92/64"))), id="mixed-families"),
]


@pytest.mark.parametrize(("case", "expected"), PREFIX)
def test_node_prefix_mismatch_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "node-prefix-mismatch") == expected


@pytest.mark.parametrize("case", NOT_PREFIX)
def test_node_prefix_mismatch_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "node-prefix-mismatch") == []


def test_node_prefix_mismatch_message(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.92/25")))
    assert messages(tmp_path, case, "node-prefix-mismatch") == [
        "node worker-2 address 192.168.51.92/25 has prefix /25, but cp-1, worker-1 on 192.168.51.0/24 have /24: give "
        "every node on one network the network's real prefix length (e.g. 192.168.51.92/24)"
    ]


# --- duplicate-node-address -------------------------------------------------------------------

DUPLICATE = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.91/24"))), [("cluster.yaml", 16, "duplicate-node-address")], id="same-address"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.91/25"))), [("cluster.yaml", 16, "duplicate-node-address")], id="same-address-other-prefix"),
]

NOT_DUPLICATE = [
    pytest.param(files(cluster_yaml=CLUSTER), id="distinct"),
    pytest.param(files(cluster_yaml=VBOX_CLUSTER), id="shared-nat-interfaces"),
    pytest.param(files(cluster_yaml=sub(WITH_LB, ("192.168.60.10", "192.168.51.100"))), id="load-balancer-is-no-node"),
]


@pytest.mark.parametrize(("case", "expected"), DUPLICATE)
def test_duplicate_node_address_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "duplicate-node-address") == expected


@pytest.mark.parametrize("case", NOT_DUPLICATE)
def test_duplicate_node_address_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "duplicate-node-address") == []


def test_duplicate_node_address_messages(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.91/24"), ("name: worker-2", "name: worker-1")))
    assert messages(tmp_path, case, "duplicate-node-address") == [
        "node worker-1 has address 192.168.51.91, the same as node worker-1 (spec.nodes[1]): give each node its own address",
    ]


# --- duplicate-node-name ----------------------------------------------------------------------
# (issue 10: a duplicate name was reported as duplicate-node-address)

DUPLICATE_NAME = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("name: worker-2", "name: worker-1"))), [("cluster.yaml", 16, "duplicate-node-name")], id="same-name"),
]

NOT_DUPLICATE_NAME = [
    pytest.param(files(cluster_yaml=CLUSTER), id="distinct"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.92/24", "192.168.51.91/24"))), id="same-address-other-names"),
]


@pytest.mark.parametrize(("case", "expected"), DUPLICATE_NAME)
def test_duplicate_node_name_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "duplicate-node-name,duplicate-node-address,cluster-schema") == expected
    assert messages(tmp_path, case, "duplicate-node-name") == ["node name 'worker-1' is also spec.nodes[1]: give each node its own name"]


@pytest.mark.parametrize("case", NOT_DUPLICATE_NAME)
def test_duplicate_node_name_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "duplicate-node-name") == []


# --- nat-address ------------------------------------------------------------------------------

NAT = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("192.168.51.81/24", "10.0.2.15/24"))), [("cluster.yaml", 14, "nat-address")], id="virtualbox-nat"),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("address: 192.168.51.91/24}", "address: 10.0.3.15/24, interfaces: [{name: eth0, address: 10.0.3.15/24, nat: true}]}"))),
        [("cluster.yaml", 15, "nat-address")], id="interface-marked-nat",
    ),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: 10.0.2.15"), ("value: 192.168.51.81", "value: 10.0.2.15"))),
        [("kubeadm.yaml", 4, "nat-address"), ("kubeadm.yaml", 11, "nat-address")], id="kubeadm-advertise-and-node-ip",
    ),
    pytest.param(
        rendered(VBOX_CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "value: 192.168.51.91", "value: 10.0.2.15")),
        [("lab/kubeadm-join-worker-1.yaml", 15, "nat-address")], id="rendered-node-ip-hand-edit",
    ),
]

NOT_NAT = [
    pytest.param(files(cluster_yaml=VBOX_CLUSTER), id="host-only-addresses"),
    pytest.param(files(cluster_yaml=sub(AWS_CLUSTER, ("10.0.1.10/24", "10.0.2.15/24"))), id="aws-vpc-address"),
    pytest.param(files(kubeadm_yaml=KUBEADM, join_yaml=JOIN), id="kubeadm"),
    pytest.param(rendered(VBOX_CLUSTER), id="rendered-vbox"),
]


@pytest.mark.parametrize(("case", "expected"), NAT)
def test_nat_address_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "nat-address") == expected


@pytest.mark.parametrize("case", NOT_NAT)
def test_nat_address_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "nat-address") == []


def test_nat_address_message(tmp_path: Path) -> None:
    case = files(cluster_yaml=sub(CLUSTER, ("192.168.51.81/24", "10.0.2.15/24")))
    assert messages(tmp_path, case, "nat-address") == [
        "node cp-1 address 10.0.2.15/24: VirtualBox's NAT address, which every VM shares; use the node's host-only or "
        "bridged address (e.g. that of enp0s8)"
    ]


# --- advertise-address-not-on-node ------------------------------------------------------------

ADVERTISE = [
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: 192.168.51.99")),
        [("lab/kubeadm-init.yaml", 5, "advertise-address-not-on-node")], id="rendered-init-hand-edit",
    ),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: 192.168.51.91")),
        [("lab/kubeadm-init.yaml", 5, "advertise-address-not-on-node")], id="another-nodes-address",
    ),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: 192.168.51"))), [("kubeadm.yaml", 4, "advertise-address-not-on-node")], id="standalone-not-an-ip"),
    pytest.param(files(join_yaml=sub(JOIN, ("advertiseAddress: 192.168.51.82", "advertiseAddress: cp-2.lab"))), [("join.yaml", 16, "advertise-address-not-on-node")], id="join-control-plane-hostname"),
]

NOT_ADVERTISE = [
    pytest.param(rendered(CLUSTER), id="rendered"),
    pytest.param(
        rendered(VBOX_CLUSTER, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: 10.0.2.15")),
        id="an-interface-of-the-node-nat-address-says-the-rest",
    ),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: 10.1.2.3"))), id="standalone-any-ip"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: 1.2.3.4"))), id="placeholder-is-placeholder-value"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", 'advertiseAddress: "${CP_ADDRESS}"'))), id="template"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00::81"))), id="ipv6"),
]


@pytest.mark.parametrize(("case", "expected"), ADVERTISE)
def test_advertise_address_not_on_node_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "advertise-address-not-on-node") == expected


@pytest.mark.parametrize("case", NOT_ADVERTISE)
def test_advertise_address_not_on_node_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "advertise-address-not-on-node") == []


def test_advertise_address_not_on_node_message(tmp_path: Path) -> None:
    case = rendered(CLUSTER, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: 192.168.51.99"))
    assert messages(tmp_path, case, "advertise-address-not-on-node") == [
        "localAPIEndpoint.advertiseAddress 192.168.51.99 is not an address of node cp-1 (192.168.51.81): write 192.168.51.81"
    ]


# --- kubelet-node-ip --------------------------------------------------------------------------

NODE_IP = [
    pytest.param(
        rendered(VBOX_CLUSTER, ("lab/kubeadm-init.yaml", "    - name: node-ip\n      value: 192.168.51.81\n", "    - name: v\n      value: \"2\"\n")),
        [("lab/kubeadm-init.yaml", 10, "kubelet-node-ip")], id="several-interfaces-no-node-ip",
    ),
    pytest.param(
        rendered(VBOX_CLUSTER, ("lab/kubeadm-join-worker-2.yaml", "  kubeletExtraArgs:\n    - name: node-ip\n      value: 192.168.51.92\n", "")),
        [("lab/kubeadm-join-worker-2.yaml", 10, "kubelet-node-ip")], id="no-kubeletExtraArgs",
    ),
    pytest.param(
        rendered(VBOX_CLUSTER, ("lab/kubeadm-join-worker-2.yaml", "    - name: node-ip\n      value: 192.168.51.92\n", "")),
        [("lab/kubeadm-join-worker-2.yaml", 13, "kubelet-node-ip")], id="empty-kubeletExtraArgs",
    ),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "value: 192.168.51.91", "value: 192.168.51.92")),
        [("lab/kubeadm-join-worker-1.yaml", 15, "kubelet-node-ip")], id="node-ip-of-another-node",
    ),
]

NOT_NODE_IP = [
    pytest.param(rendered(VBOX_CLUSTER), id="rendered-vbox"),
    pytest.param(rendered(CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "    - name: node-ip\n      value: 192.168.51.91\n", "    - name: v\n      value: \"2\"\n")), id="one-interface-no-node-ip"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("    - name: node-ip\n      value: 192.168.51.81\n", "    - name: v\n      value: \"2\"\n"))), id="standalone-kubeadm"),
    pytest.param(files(join_yaml=sub(JOIN, ("node-ip: 192.168.51.82", "node-ip: 192.168.51.82,fd00::82"))), id="standalone-dual-stack"),
    # a node-ip left for a template engine is there, only not filled in yet
    pytest.param(rendered(VBOX_CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "value: 192.168.51.91", 'value: "${NODE_IP}"')), id="template-variable"),
    pytest.param(rendered(VBOX_CLUSTER, ("lab/kubeadm-join-worker-1.yaml", "value: 192.168.51.91", 'value: "{{ node_ip }}"')), id="template-jinja"),
]


@pytest.mark.parametrize(("case", "expected"), NODE_IP)
def test_kubelet_node_ip_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "kubelet-node-ip") == expected


@pytest.mark.parametrize("case", NOT_NODE_IP)
def test_kubelet_node_ip_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "kubelet-node-ip") == []


def test_kubelet_node_ip_is_a_warning_with_the_address_to_write(tmp_path: Path) -> None:
    lay(tmp_path, rendered(VBOX_CLUSTER, ("lab/kubeadm-init.yaml", "    - name: node-ip\n      value: 192.168.51.81\n", "    - name: v\n      value: \"2\"\n")))
    [finding] = lint(tmp_path, select="kubelet-node-ip")
    assert finding.severity == "warning"
    assert finding.message == (
        "node cp-1 has 2 interfaces but no kubelet node-ip: the kubelet reports its default-route address; "
        "add node-ip 192.168.51.81 to kubeletExtraArgs"
    )


# --- service-subnet-size ----------------------------------------------------------------------

SERVICE_SIZE = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.0.0.0/11"))), [("cluster.yaml", 11, "service-subnet-size")], id="larger-than-12"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("10.96.0.0/12", "fd00:10:96::/107"))), [("kubeadm.yaml", 18, "service-subnet-size")], id="ipv6-larger-than-108"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("10.96.0.0/12", "10.96.0.0/29"))), [("kubeadm.yaml", 18, "service-subnet-size")], id="fewer-than-10-addresses"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.96.0.0/12", "10.96.0.0/16,10.97.0.0/16"))), [("cm.yaml", 14, "service-subnet-size")], id="two-ipv4"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.96.0.0/16,fd00::/112,10.97.0.0/16"))), [("cluster.yaml", 11, "service-subnet-size")], id="three-cidrs"),
]

NOT_SERVICE_SIZE = [
    pytest.param(files(cluster_yaml=CLUSTER), id="exactly-12"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("10.96.0.0/12", "fd00:10:96::/108"))), id="exactly-108"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("10.96.0.0/12", "10.96.0.0/28"))), id="16-addresses"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.96.0.0/16,fd00:10:96::/112"))), id="dual-stack"),
    pytest.param(files(cluster_yaml=NO_SERVICE), id="default"),
]


@pytest.mark.parametrize(("case", "expected"), SERVICE_SIZE)
def test_service_subnet_size_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "service-subnet-size") == expected


@pytest.mark.parametrize("case", NOT_SERVICE_SIZE)
def test_service_subnet_size_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "service-subnet-size") == []


def test_service_subnet_size_messages(tmp_path: Path) -> None:
    assert messages(tmp_path / "a", files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.0.0.0/11"))), "service-subnet-size") == [
        "spec.networking.serviceSubnet 10.0.0.0/11 is too large: for 32-bit addresses the prefix length must be /12 "
        "or longer (e.g. 10.96.0.0/12)"
    ]
    assert messages(tmp_path / "b", files(cm_yaml=sub(CONFIGMAP, ("10.96.0.0/12", "10.96.0.0/16,10.97.0.0/16"))), "service-subnet-size") == [
        "data.ClusterConfiguration networking.serviceSubnet '10.96.0.0/16,10.97.0.0/16': expected one CIDR (IPv4 or "
        "IPv6), or two, one of each family, for dual stack"
    ]


# --- pod-subnet-capacity ----------------------------------------------------------------------

FIVE_NODES = CLUSTER + "    - {name: worker-3, role: worker, address: 192.168.51.93/24}\n    - {name: worker-4, role: worker, address: 192.168.51.94/24}\n"
NO_MASK = sub(KUBEADM, ("    - name: node-cidr-mask-size\n      value: \"24\"\n", "    - name: bind-address\n      value: 0.0.0.0\n"))

CAPACITY = [
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/25"))), [("cluster.yaml", 10, "pod-subnet-capacity")], id="smaller-than-node-mask"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.0.0.0/8"), ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 26"))), [("cluster.yaml", 10, "pod-subnet-capacity")], id="mask-18-bits-longer"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/23"))), [("cluster.yaml", 10, "pod-subnet-capacity")], id="two-blocks-three-nodes"),
    pytest.param(files(cluster_yaml=sub(FIVE_NODES, ("172.16.0.0/16", "172.16.0.0/22"))), [("cluster.yaml", 10, "pod-subnet-capacity")], id="four-blocks-five-nodes"),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.0.0.0/8"), ("name: node-cidr-mask-size\n", "name: node-cidr-mask-size-ipv4\n"), ('"24"', '"30"'))),
        [("kubeadm.yaml", 17, "pod-subnet-capacity")], id="kubeadm-list-ipv4-mask",
    ),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM_V1BETA3, ('"24"', "abc"))), [("kubeadm.yaml", 7, "pod-subnet-capacity")], id="kubeadm-map-mask-not-a-number"),
    pytest.param(files(kubeadm_yaml=sub(NO_MASK, ("172.16.0.0/16", "10.244.0.0/26"))), [("kubeadm.yaml", 17, "pod-subnet-capacity")], id="kubeadm-default-mask-24"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.0.0.0/29"), ('"24"', '"30"'))), [("kubeadm.yaml", 17, "pod-subnet-capacity")], id="fewer-than-14-addresses"),
    pytest.param(files(kubeadm_yaml=sub(NO_MASK, ("172.16.0.0/16", "fd00:10:244::/40"))), [("kubeadm.yaml", 17, "pod-subnet-capacity")], id="ipv6-default-mask-64"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.244.0.0/16,10.245.0.0/16"))), [("cm.yaml", 13, "pod-subnet-capacity")], id="two-ipv4"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/16,172.17.0.0/16"))), [("cluster.yaml", 10, "pod-subnet-capacity")], id="description-two-ipv4"),
    pytest.param(
        rendered(CLUSTER, ("lab/kubeadm-init.yaml", "podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/23")),
        [("lab/kubeadm-init.yaml", 19, "pod-subnet-capacity")], id="rendered-counts-the-described-nodes",
    ),
]

NOT_CAPACITY = [
    pytest.param(files(cluster_yaml=CLUSTER), id="16-with-24"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/22"))), id="four-blocks-three-nodes"),
    pytest.param(files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.244.0.0/24"))), id="one-block-unknown-node-count"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.244.0.0/16,fd00:10:244::/56"))), id="dual-stack-default-v6-mask"),
    pytest.param(files(kubeadm_yaml=sub(NO_MASK, ("172.16.0.0/16", "fd00:10:244::/48"))), id="ipv6-exactly-16-bits"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "10.0.0.0/8"))), id="exactly-16-bits"),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.244.0.0/25"), ("name: node-cidr-mask-size\n", "name: allocate-node-cidrs\n"), ('"24"', '"false"'))),
        id="allocate-node-cidrs-false",
    ),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "10.244.0.0/16,fd00:10:244::/56"), ("name: node-cidr-mask-size\n", "name: node-cidr-mask-size-ipv6\n"), ('"24"', '"64"'))),
        id="kubeadm-dual-stack",
    ),
]


@pytest.mark.parametrize(("case", "expected"), CAPACITY)
def test_pod_subnet_capacity_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]]) -> None:
    assert found(tmp_path, case, "pod-subnet-capacity") == expected


@pytest.mark.parametrize("case", NOT_CAPACITY)
def test_pod_subnet_capacity_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, "pod-subnet-capacity") == []


def test_pod_subnet_capacity_messages(tmp_path: Path) -> None:
    assert messages(tmp_path / "a", files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/23"))), "pod-subnet-capacity") == [
        "spec.networking.podSubnet 172.16.0.0/23 holds 2 node blocks of /24 but the cluster has 3 nodes: 1 would get "
        "no pod CIDR; widen the pod subnet or lengthen the node mask"
    ]
    assert messages(tmp_path / "b", files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/25"))), "pod-subnet-capacity") == [
        "spec.networking.podSubnet 172.16.0.0/25 is smaller than one node's block (/24): make the pod subnet /24 or "
        "wider, or the node mask longer"
    ]


# --- all rules of the family ------------------------------------------------------------------

MINE = {rule.name for rule in addresses.RULES + nodes.RULES}


def test_the_golden_clusters_have_no_address_or_node_findings() -> None:
    findings = [f for f in lint(GOLDEN) if f.rule in MINE]
    assert findings == []


@pytest.mark.parametrize("rule", addresses.RULES + nodes.RULES, ids=lambda r: r.name)
def test_every_rule_documents_why_and_fix(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.documentation
    assert rule.check.__doc__, rule.name
    why, fix = doc.find("\nWhy: "), doc.find("\nFix: ")
    assert 0 < why < fix, f"{rule.name}: what, then 'Why: ...', then 'Fix: ...'"
    assert rule.severity in ("error", "warning")


def big_group(nodes: int, *, model: bool) -> Group:
    """A description of ``nodes`` nodes as the loader would hand it over
    (built from data: parsing YAML is not what is measured here)."""
    spec = {
        "kubernetesVersion": "v1.31.2",
        "criSocket": "unix:///run/containerd/containerd.sock",
        "networking": {"podSubnet": "100.64.0.0/10", "nodeCIDRMaskSize": 24},
        "loadBalancer": {"address": "10.1.0.10"},
        "nodes": [
            {
                "name": f"node-{i}", "role": "control-plane" if i < 3 else "worker",
                "address": f"10.1.{1 + i // 250}.{1 + i % 250}/16",
                "interfaces": [{"name": "ens5", "address": f"10.1.{1 + i // 250}.{1 + i % 250}/16"}],
            }
            for i in range(nodes)
        ],
    }
    data = {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": "big"}, "spec": spec}
    document = Document(data, 0, Position(1, 1))
    source = ClusterFile("big.yaml", "", view=DocumentView("big.yaml", document))
    if model:
        source.cluster = build_cluster(document, "big.yaml")
    return Group(files=[source], cluster_file=source)


def family_calls(group: Group) -> int:
    """Function calls (Python and C) the address and node rules make: a
    count, not a time, so the same on a busy machine (speed itself is
    measured in bench/)."""
    addresses._READ.clear()
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        for rule in addresses.RULES + nodes.RULES:
            list(rule.check(group))
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("model", [True, False], ids=["valid-description", "raw-description"])
def test_cost_grows_linearly_with_nodes(model: bool) -> None:
    """10x the nodes costs about 10x the calls (a pairwise loop would be 100x)."""
    small, large = big_group(500, model=model), big_group(5000, model=model)
    assert not [f for rule in addresses.RULES + nodes.RULES for f in rule.check(large)]
    assert family_calls(large) <= 12 * family_calls(small)


# --- dual stack: each family on its own -------------------------------------------------------
# The same lines as CLUSTER: 10 podSubnet, 11 serviceSubnet, 12 nodeCIDRMaskSize, 14-16 the nodes.

DUAL = sub(
    CLUSTER, ("172.16.0.0/16", "172.16.0.0/16,fd00:10:244::/56"), ("10.96.0.0/12", "10.96.0.0/12,fd00:10:96::/112"),
    ("address: 192.168.51.81/24}", 'address: "192.168.51.81/24,fd00:51::81/64"}'),
    ("address: 192.168.51.91/24}", 'address: "192.168.51.91/24,fd00:51::91/64"}'),
    ("address: 192.168.51.92/24}", 'address: "192.168.51.92/24,fd00:51::92/64"}'),
)
DUAL_WITH_LB = sub(DUAL, ("  cloudProvider: none\n", "  loadBalancer: {address: \"192.168.60.10,fd00:60::10\"}\n"))
DUAL_V6_FIRST = sub(
    DUAL, ("172.16.0.0/16,fd00:10:244::/56", "fd00:10:244::/56,172.16.0.0/16"), ("10.96.0.0/12,fd00:10:96::/112", "fd00:10:96::/112,10.96.0.0/12"),
    ("192.168.51.81/24,fd00:51::81/64", "fd00:51::81/64,192.168.51.81/24"), ("192.168.51.91/24,fd00:51::91/64", "fd00:51::91/64,192.168.51.91/24"),
    ("192.168.51.92/24,fd00:51::92/64", "fd00:51::92/64,192.168.51.92/24"),
)

# (rule, case, [(file, line, rule)], the first finding's message or None)
PER_FAMILY = [
    pytest.param("service-subnet-size", files(cluster_yaml=sub(DUAL, ("fd00:10:96::/112", "fd00:10:96::/96"))), [("cluster.yaml", 11, "service-subnet-size")],
                 "spec.networking.serviceSubnet's IPv6 CIDR fd00:10:96::/96 is too large: for 128-bit addresses the prefix length "
                 "must be /108 or longer (e.g. fd00:10:96::/112)", id="service-ipv6-too-large"),
    pytest.param("service-subnet-size", files(cluster_yaml=sub(DUAL, ("10.96.0.0/12,", "10.0.0.0/11,"))), [("cluster.yaml", 11, "service-subnet-size")],
                 "spec.networking.serviceSubnet's IPv4 CIDR 10.0.0.0/11 is too large: for 32-bit addresses the prefix length "
                 "must be /12 or longer (e.g. 10.96.0.0/12)", id="service-ipv4-too-large"),
    pytest.param("service-subnet-size", files(cluster_yaml=sub(DUAL, ("fd00:10:96::/112", "fd00:10:96::/125"))), [("cluster.yaml", 11, "service-subnet-size")],
                 "spec.networking.serviceSubnet's IPv6 CIDR fd00:10:96::/125 has 8 addresses; kubeadm needs at least 10", id="service-ipv6-too-small"),
    pytest.param("pod-subnet-capacity", files(cluster_yaml=sub(DUAL, ("fd00:10:244::/56", "fd00:10:244::/72"))), [("cluster.yaml", 10, "pod-subnet-capacity")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:10:244::/72 is smaller than one node's block (/64): make the pod "
                 "subnet /64 or wider, or the node mask longer", id="pod-ipv6-below-default-mask"),
    pytest.param("pod-subnet-capacity", files(cluster_yaml=sub(DUAL, ("fd00:10:244::/56", "fd00:20::/40"))), [("cluster.yaml", 10, "pod-subnet-capacity")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:20::/40 and node mask /64 differ by 24 bits; kubeadm allows "
                 "at most 16 (node mask /56 or shorter)", id="pod-ipv6-too-wide"),
    pytest.param("pod-subnet-capacity", files(cluster_yaml=sub(DUAL, ("172.16.0.0/16,", "172.16.0.0/23,"))), [("cluster.yaml", 10, "pod-subnet-capacity")],
                 "spec.networking.podSubnet's IPv4 CIDR 172.16.0.0/23 holds 2 node blocks of /24 but the cluster has 3 nodes: "
                 "1 would get no pod CIDR; widen the pod subnet or lengthen the node mask", id="pod-ipv4-too-few-blocks"),
    # nodeCIDRMaskSize is the first family's: here IPv6's
    pytest.param("pod-subnet-capacity", files(cluster_yaml=DUAL_V6_FIRST), [("cluster.yaml", 10, "pod-subnet-capacity")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:10:244::/56 is smaller than one node's block (/24): make the pod "
                 "subnet /24 or wider, or the node mask longer", id="node-mask-is-the-first-familys"),
    pytest.param("pod-service-overlap", files(cluster_yaml=sub(DUAL, ("fd00:10:96::/112", "fd00:10:244::/112"))), [("cluster.yaml", 10, "pod-service-overlap")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:10:244::/56 overlaps spec.networking.serviceSubnet's IPv6 CIDR "
                 "fd00:10:244::/112: pod and Service addresses would collide; choose ranges that do not overlap (e.g. podSubnet "
                 "10.244.0.0/16, serviceSubnet 10.96.0.0/12)", id="overlap-ipv6"),
    pytest.param("cidr-overlaps-node-network", files(cluster_yaml=sub(DUAL, ("fd00:10:244::/56", "fd00:51::/56"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:51::/56 contains node cp-1 fd00:51::81, node worker-1 fd00:51::91, "
                 "node worker-2 fd00:51::92: that traffic would be routed into the pod network; choose a range that no node "
                 "network overlaps", id="pods-contain-ipv6-nodes"),
    pytest.param("cidr-overlaps-node-network", files(cluster_yaml=sub(DUAL, ("fd00:10:96::/112", "fd00:51::1:0/112"))), [("cluster.yaml", 11, "cidr-overlaps-node-network")],
                 "spec.networking.serviceSubnet's IPv6 CIDR fd00:51::1:0/112 overlaps the node network fd00:51::/64 (node cp-1); "
                 "choose a range that no node network overlaps", id="services-in-ipv6-node-network"),
    pytest.param("cidr-overlaps-node-network", files(cluster_yaml=sub(DUAL_WITH_LB, ("fd00:10:244::/56", "fd00:60::/56"))), [("cluster.yaml", 10, "cidr-overlaps-node-network")],
                 "spec.networking.podSubnet's IPv6 CIDR fd00:60::/56 contains load balancer fd00:60::10: that traffic would be "
                 "routed into the pod network; choose a range that no node network overlaps", id="pods-contain-ipv6-load-balancer"),
    pytest.param("node-prefix-mismatch", files(cluster_yaml=sub(DUAL, ("fd00:51::92/64", "fd00:51::92/72"))), [("cluster.yaml", 16, "node-prefix-mismatch")],
                 "node worker-2 address fd00:51::92/72 has prefix /72, but cp-1, worker-1 on fd00:51::/64 have /64: give every "
                 "node on one network the network's real prefix length (e.g. fd00:51::92/64)", id="prefix-of-the-ipv6-half"),
    pytest.param("duplicate-node-address", files(cluster_yaml=sub(DUAL, ("fd00:51::92/64", "fd00:51::91/64"))), [("cluster.yaml", 16, "duplicate-node-address")],
                 "node worker-2 has address fd00:51::91, the same as node worker-1 (spec.nodes[1]): give each node its own address",
                 id="duplicate-ipv6-half"),
    pytest.param("kubelet-node-ip", rendered(DUAL, ("lab/kubeadm-join-worker-1.yaml", "value: 192.168.51.91,fd00:51::91", "value: 192.168.51.91,fd00:51::99")),
                 [("lab/kubeadm-join-worker-1.yaml", 15, "kubelet-node-ip")],
                 "kubelet node-ip 'fd00:51::99' is not an address of node worker-1: write 192.168.51.91,fd00:51::91", id="node-ip-ipv6-half"),
    pytest.param("advertise-address-not-on-node", rendered(DUAL, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::91")),
                 [("lab/kubeadm-init.yaml", 5, "advertise-address-not-on-node")],
                 "localAPIEndpoint.advertiseAddress fd00:51::91 is not an address of node cp-1 (192.168.51.81, fd00:51::81): "
                 "write 192.168.51.81", id="advertise-another-nodes-ipv6"),
]

NOT_PER_FAMILY = [
    pytest.param(files(cluster_yaml=DUAL), id="dual-stack"),
    pytest.param(files(cluster_yaml=DUAL_WITH_LB), id="dual-stack-load-balancer"),
    pytest.param(files(cluster_yaml=sub(DUAL_V6_FIRST, ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 64"))), id="ipv6-primary"),
    pytest.param(rendered(DUAL), id="rendered"),
    pytest.param(rendered(DUAL_WITH_LB), id="rendered-with-load-balancer"),
    # an advertiseAddress of the node's other family is still the node's (ip-family-mismatch judges the family)
    pytest.param(rendered(DUAL, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81")), id="advertise-ipv6-of-the-node"),
]
PER_FAMILY_RULES = "service-subnet-size,pod-subnet-capacity,pod-service-overlap,cidr-overlaps-node-network,node-prefix-mismatch," \
    "duplicate-node-address,kubelet-node-ip,advertise-address-not-on-node,nat-address,cidr-host-bits,public-cidr"


@pytest.mark.parametrize(("rule", "case", "expected", "message"), PER_FAMILY)
def test_address_rules_check_each_family(tmp_path: Path, rule: str, case: Case, expected: list[tuple[str, int, str]], message: str) -> None:
    assert found(tmp_path, case, PER_FAMILY_RULES) == expected
    assert messages(tmp_path, case, rule)[0] == message


@pytest.mark.parametrize("case", NOT_PER_FAMILY)
def test_address_rules_do_not_trigger_on_dual_stack(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case, PER_FAMILY_RULES) == []
