"""ip-family-mismatch (kconf/lint/rules/families.py): the exact findings of
small trees of files.

Written for the mutants of kconf/lint/rules/families.py that survived the
rest of the suite (see tools/mutation/run): every row writes down (file, line,
column, rule, severity, message) of each finding; the rows with no finding
are inputs where a mutant reads on (and finds something or fails) where the
rule stops.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import lint
from test_lint_addresses import CLUSTER, DUAL, JOIN, KUBEADM, Case, files, lay, rendered, sub

RULE = "ip-family-mismatch"
Row = tuple[str, int, int, str, str, str]
INIT_ONLY = KUBEADM.split("---\n")[0]  # KUBEADM's InitConfiguration: advertiseAddress at line 4, column 21
EXTERNAL_128 = (("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "v1.28.9"))
MUST_MATCH = '("service IP family must match public address family")'


def advertised(address: str, family: str, primary: str, services: str, on: str) -> str:
    return (f"{address} is {family}, but the Services' primary family is {primary} ({services}): kube-apiserver{on} "
            f"refuses to start {MUST_MATCH}; advertise the node's {primary} address")


def no_ipv6(node: str, address: str) -> str:
    return (f"node {node} has no IPv6 address, but podSubnet is IPv4,IPv6 (dual stack): its kubelet reports no IPv6 "
            f"address and Calico finds none for its pods; add it to the address, the primary family first "
            f"(e.g. {address},<IPv6 address>/<prefix length>)")


def cloud(provider: str, nodes: str) -> str:
    return (f"cloudProvider {provider} with dual-stack nodes ({nodes}) on Kubernetes 1.28: the kubelet takes a dual-stack "
            "node-ip with an external cloud provider from 1.29 (CloudDualStackNodeIPs); use Kubernetes 1.29 or later, "
            "or single-stack nodes")


CASES = [
    # the first node document is fine, the second is not: both are looked at
    pytest.param(files(kubeadm_yaml=KUBEADM + "---\n" + sub(JOIN, ("advertiseAddress: 192.168.51.82", "advertiseAddress: fd00:51::82"))), [
        ("kubeadm.yaml", 39, 23, RULE, "error",
         "controlPlane.localAPIEndpoint.advertiseAddress " + advertised("fd00:51::82", "IPv6", "IPv4", "10.96.0.0/12", " on cp-2")),
    ], id="advertise-second-document"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81"), ("  name: cp-1\n", ""))), [
        ("kubeadm.yaml", 4, 21, RULE, "error", "localAPIEndpoint.advertiseAddress " + advertised("fd00:51::81", "IPv6", "IPv4", "10.96.0.0/12", "")),
    ], id="advertise-without-a-node-name"),
    # a ClusterConfiguration without podSubnet: the Services' primary family is still read
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81"), ("  podSubnet: 172.16.0.0/16\n", ""))), [
        ("kubeadm.yaml", 4, 21, RULE, "error", "localAPIEndpoint.advertiseAddress " + advertised("fd00:51::81", "IPv6", "IPv4", "10.96.0.0/12", " on cp-1")),
    ], id="advertise-kubeadm-without-podSubnet"),
    # ... and without serviceSubnet either: kubeadm's default Services, IPv4
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81"),
                                        ("  podSubnet: 172.16.0.0/16\n  serviceSubnet: 10.96.0.0/12\n", "  dnsDomain: cluster.local\n"))), [
        ("kubeadm.yaml", 4, 21, RULE, "error", "localAPIEndpoint.advertiseAddress " + advertised("fd00:51::81", "IPv6", "IPv4", "10.96.0.0/12", " on cp-1")),
    ], id="advertise-kubeadm-without-pod-and-service-subnets"),
    # an InitConfiguration with no ClusterConfiguration in the group: the description's Services
    pytest.param(files(cluster_yaml=CLUSTER, lab__init_yaml=sub(INIT_ONLY, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81"))), [
        ("lab/init.yaml", 4, 21, RULE, "error", "localAPIEndpoint.advertiseAddress " + advertised("fd00:51::81", "IPv6", "IPv4", "10.96.0.0/12", " on cp-1")),
    ], id="advertise-against-the-description"),
    # a ClusterConfiguration in the group is the reference, not the description
    pytest.param(rendered(DUAL, ("lab/kubeadm-init.yaml", "serviceSubnet: 10.96.0.0/12,fd00:10:96::/112", "serviceSubnet: fd00:10:96::/112,10.96.0.0/12")), [
        ("lab/kubeadm-init.yaml", 5, 21, RULE, "error",
         "localAPIEndpoint.advertiseAddress " + advertised("192.168.51.81", "IPv4", "IPv6", "fd00:10:96::/112,10.96.0.0/12", " on cp-1")),
        ("lab/kubeadm-init.yaml", 20, 18, RULE, "warning",
         "networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), networking.serviceSubnet "
         "fd00:10:96::/112,10.96.0.0/12 IPv6,IPv4 (dual stack), the other family first: the primary family (the first CIDR) "
         "of Services is IPv6 and of pods IPv4; write both in the same order"),
    ], id="advertise-against-the-group-cluster-configuration"),
    # each kind of finding with its rule id and column
    pytest.param(files(cluster_yaml=sub(DUAL, ("10.96.0.0/12,fd00:10:96::/112", "10.96.0.0/12"))), [
        ("cluster.yaml", 11, 20, RULE, "warning",
         "spec.networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), spec.networking.serviceSubnet "
         "10.96.0.0/12 IPv4 only: Services get no IPv6 addresses, so no dual-stack Service reaches the pods' IPv6 addresses; "
         "add an IPv6 Service CIDR (e.g. 10.96.0.0/12,fd00:10:96::/112)"),
    ], id="dual-stack-pods-single-stack-services"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.96.0.0/12,fd00:10:96::/112"))), [
        ("cluster.yaml", 11, 20, RULE, "error",
         "spec.networking.podSubnet 172.16.0.0/16 is IPv4 only, spec.networking.serviceSubnet 10.96.0.0/12,fd00:10:96::/112 "
         "IPv4,IPv6 (dual stack): IPv6 Service addresses would lead to no pod (pods get no IPv6 address); give podSubnet an "
         "IPv6 CIDR too, or Services only the pods' families"),
    ], id="single-stack-pods-dual-stack-services"),
    pytest.param(files(cluster_yaml=sub(DUAL, ("192.168.51.81/24,fd00:51::81/64", "fd00:51::81/64,192.168.51.81/24"),
                                        ("192.168.51.91/24,fd00:51::91/64", "fd00:51::91/64,192.168.51.91/24"))), [
        ("cluster.yaml", 14, 50, RULE, "error",
         f"control-plane node cp-1 lists its IPv6 address first, so kubeadm advertises it, and kube-apiserver refuses to start "
         f"{MUST_MATCH}; write the IPv4 address first (the primary family is serviceSubnet's first CIDR's)"),
        ("cluster.yaml", 15, 47, RULE, "warning",
         "node worker-1 lists its IPv6 address first: its kubelet node-ip makes it an IPv6-primary node of an IPv4-primary "
         "cluster; write the IPv4 address first (the primary family is serviceSubnet's first CIDR's)"),
    ], id="nodes-other-family-first"),
    pytest.param(files(cluster_yaml=sub(DUAL, ("cloudProvider: none", "cloudProvider: aws"), ("v1.31.2", "v1.28.9"))), [
        ("cluster.yaml", 8, 18, RULE, "error", cloud("aws", "cp-1 and 2 more")),
    ], id="cloud-provider-aws"),
    pytest.param(files(cluster_yaml=sub(DUAL, *EXTERNAL_128, ('"192.168.51.91/24,fd00:51::91/64"', "192.168.51.91/24"),
                                        ('"192.168.51.92/24,fd00:51::92/64"', "192.168.51.92/24"))), [
        ("cluster.yaml", 8, 18, RULE, "error", cloud("external", "cp-1")),
        ("cluster.yaml", 15, 47, RULE, "error", no_ipv6("worker-1", "192.168.51.91/24")),
        ("cluster.yaml", 16, 47, RULE, "error", no_ipv6("worker-2", "192.168.51.92/24")),
    ], id="cloud-provider-one-dual-stack-node"),
    # a kubernetesVersion that is no text, or not a version: the cloud-provider check has no version to compare
    pytest.param(files(cluster_yaml=sub(DUAL, ("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "1.28"))), [], id="version-a-number"),
    pytest.param(files(cluster_yaml=sub(DUAL, ("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "latest"))), [], id="version-not-a-version"),
    # no podSubnet in the description: no family check reads it
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("cloudProvider: none", "cloudProvider: external"), ("    podSubnet: 172.16.0.0/16\n", ""))), [],
                 id="description-without-podSubnet"),
    # a node without an address is passed over, the next one is still checked
    pytest.param(files(cluster_yaml=sub(DUAL, (', address: "192.168.51.81/24,fd00:51::81/64"', ""), ('"192.168.51.92/24,fd00:51::92/64"', "192.168.51.92/24"))), [
        ("cluster.yaml", 16, 47, RULE, "error", no_ipv6("worker-2", "192.168.51.92/24")),
    ], id="node-without-address-then-one-without-ipv6"),
    # two pod CIDRs of one family (pod-subnet-capacity's): no node or Service finding
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/16,172.17.0.0/16"),
                                        ("address: 192.168.51.91/24}", 'address: "fd00:51::91/64,192.168.51.91/24"}'))), [],
                 id="two-ipv4-pod-subnets-ipv6-first-worker"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/16,172.17.0.0/16"), ("10.96.0.0/12", "fd00:10:96::/112"))), [],
                 id="two-ipv4-pod-subnets-ipv6-services"),
    # a podSubnet with no CIDR in it (cidr-host-bits'), and two Service CIDRs of one family (service-subnet-size's)
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "bogus"))), [], id="podSubnet-no-cidr"),
    pytest.param(files(cluster_yaml=sub(DUAL, ("10.96.0.0/12,fd00:10:96::/112", "10.96.0.0/12,10.97.0.0/16"))), [], id="two-ipv4-service-subnets"),
]


@pytest.mark.parametrize(("case", "expected"), CASES)
def test_ip_family_mismatch(tmp_path: Path, case: Case, expected: list[Row]) -> None:
    root = lay(tmp_path, case)
    assert [(os.path.relpath(f.path, root), f.line, f.column, f.rule, f.severity, f.message) for f in lint(root, select=RULE)] == expected
