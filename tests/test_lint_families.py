"""ip-family-mismatch (kconf/lint/rules/families.py): a table of files that
trigger it (where, how severe, what it says) and a table of files that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from lintkit import lint
from test_lint_addresses import CLUSTER, CONFIGMAP, KUBEADM, Case, files, lay, rendered, sub
from test_lint_addresses import DUAL, DUAL_V6_FIRST

RULE = "ip-family-mismatch"
NO_SERVICE = sub(DUAL, ("    serviceSubnet: 10.96.0.0/12,fd00:10:96::/112\n", "    dnsDomain: cluster.local\n"))

# (case, [(file, line, severity)], the first finding's message)
TRIGGERS = [
    pytest.param(
        files(cluster_yaml=sub(DUAL, ("10.96.0.0/12,fd00:10:96::/112", "10.96.0.0/12"))), [("cluster.yaml", 11, "warning")],
        "spec.networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), spec.networking.serviceSubnet "
        "10.96.0.0/12 IPv4 only: Services get no IPv6 addresses, so no dual-stack Service reaches the pods' IPv6 addresses; "
        "add an IPv6 Service CIDR (e.g. 10.96.0.0/12,fd00:10:96::/112)",
        id="dual-stack-pods-single-stack-services",
    ),
    pytest.param(
        files(cluster_yaml=NO_SERVICE), [("cluster.yaml", 10, "warning")],
        "spec.networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), the default serviceSubnet "
        "10.96.0.0/12 IPv4 only: Services get no IPv6 addresses, so no dual-stack Service reaches the pods' IPv6 addresses; "
        "add an IPv6 Service CIDR (e.g. 10.96.0.0/12,fd00:10:96::/112)",
        id="dual-stack-pods-default-services",
    ),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "10.96.0.0/12,fd00:10:96::/112"))), [("cluster.yaml", 11, "error")],
        "spec.networking.podSubnet 172.16.0.0/16 is IPv4 only, spec.networking.serviceSubnet 10.96.0.0/12,fd00:10:96::/112 "
        "IPv4,IPv6 (dual stack): IPv6 Service addresses would lead to no pod (pods get no IPv6 address); give podSubnet an "
        "IPv6 CIDR too, or Services only the pods' families",
        id="single-stack-pods-dual-stack-services",
    ),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("10.96.0.0/12", "fd00:10:96::/112"))), [("cluster.yaml", 11, "error")],
        "spec.networking.podSubnet 172.16.0.0/16 is IPv4 only, spec.networking.serviceSubnet fd00:10:96::/112 IPv6 only: "
        "IPv6 Service addresses would lead to no pod (pods get no IPv6 address); give podSubnet an IPv6 CIDR too, or "
        "Services only the pods' families",
        id="ipv4-pods-ipv6-services",
    ),
    pytest.param(
        files(cluster_yaml=sub(DUAL, ("10.96.0.0/12,fd00:10:96::/112", "fd00:10:96::/112,10.96.0.0/12"))),
        # and every node lists IPv4 first, the pods' primary but not the Services'
        [("cluster.yaml", 11, "warning"), ("cluster.yaml", 14, "error"), ("cluster.yaml", 15, "warning"), ("cluster.yaml", 16, "warning")],
        "spec.networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), spec.networking.serviceSubnet "
        "fd00:10:96::/112,10.96.0.0/12 IPv6,IPv4 (dual stack), the other family first: the primary family (the first CIDR) "
        "of Services is IPv6 and of pods IPv4; write both in the same order",
        id="primary-families-differ",
    ),
    pytest.param(
        files(cluster_yaml=sub(DUAL, ('"192.168.51.92/24,fd00:51::92/64"', "192.168.51.92/24"))), [("cluster.yaml", 16, "error")],
        "node worker-2 has no IPv6 address, but podSubnet is IPv4,IPv6 (dual stack): its kubelet reports no IPv6 address and "
        "Calico finds none for its pods; add it to the address, the primary family first (e.g. "
        "192.168.51.92/24,<IPv6 address>/<prefix length>)",
        id="node-without-ipv6",
    ),
    pytest.param(
        files(cluster_yaml=sub(DUAL, ("192.168.51.81/24,fd00:51::81/64", "fd00:51::81/64,192.168.51.81/24"))), [("cluster.yaml", 14, "error")],
        "control-plane node cp-1 lists its IPv6 address first, so kubeadm advertises it, and kube-apiserver refuses to start "
        "(\"service IP family must match public address family\"); write the IPv4 address first (the primary family is "
        "serviceSubnet's first CIDR's)",
        id="control-plane-other-family-first",
    ),
    pytest.param(
        files(cluster_yaml=sub(DUAL, ("192.168.51.91/24,fd00:51::91/64", "fd00:51::91/64,192.168.51.91/24"))), [("cluster.yaml", 15, "warning")],
        "node worker-1 lists its IPv6 address first: its kubelet node-ip makes it an IPv6-primary node of an IPv4-primary "
        "cluster; write the IPv4 address first (the primary family is serviceSubnet's first CIDR's)",
        id="worker-other-family-first",
    ),
    pytest.param(
        files(cluster_yaml=sub(DUAL, ("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "v1.28.9"))), [("cluster.yaml", 8, "error")],
        "cloudProvider external with dual-stack nodes (cp-1 and 2 more) on Kubernetes 1.28: the kubelet takes a dual-stack "
        "node-ip with an external cloud provider from 1.29 (CloudDualStackNodeIPs); use Kubernetes 1.29 or later, or "
        "single-stack nodes",
        id="cloud-provider-before-1.29",
    ),
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "172.16.0.0/16,fd00:10:244::/56"))), [("kubeadm.yaml", 18, "warning")],
        "networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), networking.serviceSubnet 10.96.0.0/12 "
        "IPv4 only: Services get no IPv6 addresses, so no dual-stack Service reaches the pods' IPv6 addresses; add an IPv6 "
        "Service CIDR (e.g. 10.96.0.0/12,fd00:10:96::/112)",
        id="kubeadm-cluster-configuration",
    ),
    pytest.param(
        files(cm_yaml=sub(CONFIGMAP, ("10.244.0.0/16", "10.244.0.0/16,fd00:10:244::/56"))), [("cm.yaml", 14, "warning")],
        "data.ClusterConfiguration networking.podSubnet 10.244.0.0/16,fd00:10:244::/56 is IPv4,IPv6 (dual stack), "
        "data.ClusterConfiguration networking.serviceSubnet 10.96.0.0/12 IPv4 only: Services get no IPv6 addresses, so no "
        "dual-stack Service reaches the pods' IPv6 addresses; add an IPv6 Service CIDR (e.g. 10.96.0.0/12,fd00:10:96::/112)",
        id="configmap",
    ),
    # single stack too: an IPv6 advertise address with the (IPv4) Services of its ClusterConfiguration
    pytest.param(
        files(kubeadm_yaml=sub(KUBEADM, ("advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81"))), [("kubeadm.yaml", 4, "error")],
        "localAPIEndpoint.advertiseAddress fd00:51::81 is IPv6, but the Services' primary family is IPv4 (10.96.0.0/12): "
        "kube-apiserver on cp-1 refuses to start (\"service IP family must match public address family\"); advertise the "
        "node's IPv4 address",
        id="kubeadm-advertise-address-of-another-family",
    ),
    pytest.param(
        rendered(DUAL, ("lab/kubeadm-init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: fd00:51::81")),
        [("lab/kubeadm-init.yaml", 5, "error")],
        "localAPIEndpoint.advertiseAddress fd00:51::81 is IPv6, but the Services' primary family is IPv4 "
        "(10.96.0.0/12,fd00:10:96::/112): kube-apiserver on cp-1 refuses to start (\"service IP family must match public "
        "address family\"); advertise the node's IPv4 address",
        id="rendered-advertise-hand-edit",
    ),
]

NOT_TRIGGERS = [
    pytest.param(files(cluster_yaml=CLUSTER), id="ipv4"),
    pytest.param(files(cluster_yaml=DUAL), id="dual-stack"),
    pytest.param(files(cluster_yaml=DUAL_V6_FIRST), id="dual-stack-ipv6-primary"),
    pytest.param(rendered(DUAL), id="rendered-dual-stack"),
    pytest.param(rendered(sub(DUAL_V6_FIRST, ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 64"))), id="rendered-ipv6-primary"),
    pytest.param(
        files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "fd00:10:244::/56"), ("10.96.0.0/12", "fd00:10:96::/112"), ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 64"),
                               ("192.168.51.81/24", "fd00:51::81/64"), ("192.168.51.91/24", "fd00:51::91/64"), ("192.168.51.92/24", "fd00:51::92/64"))),
        id="ipv6-single-stack",
    ),
    # a second family the cluster does not use is no harm (render's node-ip leaves it out)
    pytest.param(files(cluster_yaml=sub(DUAL, ("172.16.0.0/16,fd00:10:244::/56", "172.16.0.0/16"), ("10.96.0.0/12,fd00:10:96::/112", "10.96.0.0/12"))),
                 id="single-stack-cluster-dual-stack-nodes"),
    pytest.param(files(cluster_yaml=sub(DUAL, ("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "v1.29.0"))), id="cloud-provider-from-1.29"),
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("cloudProvider: none", "cloudProvider: external"), ("v1.31.2", "v1.28.9"))), id="cloud-provider-single-stack"),
    pytest.param(files(kubeadm_yaml=KUBEADM, cm_yaml=CONFIGMAP), id="kubeadm-and-configmap"),
    pytest.param(files(kubeadm_yaml=sub(KUBEADM, ("172.16.0.0/16", "172.16.0.0/16,fd00:10:244::/56"), ("10.96.0.0/12", "10.96.0.0/12,fd00:10:96::/112"))),
                 id="kubeadm-dual-stack"),
    # two CIDRs of one family are service-subnet-size's and pod-subnet-capacity's
    pytest.param(files(cluster_yaml=sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/16,172.17.0.0/16"))), id="two-ipv4-pod-subnets"),
]


def found(tmp_path: Path, case: Case) -> list[tuple[str, int, str]]:
    return [(str(Path(f.path).relative_to(tmp_path)), f.line, f.severity) for f in lint(lay(tmp_path, case), select=RULE)]


@pytest.mark.parametrize(("case", "expected", "message"), TRIGGERS)
def test_ip_family_mismatch_triggers(tmp_path: Path, case: Case, expected: list[tuple[str, int, str]], message: str) -> None:
    assert found(tmp_path, case) == expected
    assert [f.message for f in lint(tmp_path, select=RULE)][0] == message


@pytest.mark.parametrize("case", NOT_TRIGGERS)
def test_ip_family_mismatch_does_not_trigger(tmp_path: Path, case: Case) -> None:
    assert found(tmp_path, case) == []


def test_render_refuses_an_error_and_writes_with_a_warning(tmp_path: Path) -> None:
    refused = tmp_path / "a" / "cluster.yaml"
    refused.parent.mkdir()
    refused.write_text(sub(DUAL, ("192.168.51.81/24,fd00:51::81/64", "fd00:51::81/64,192.168.51.81/24")))
    result = run_cli("render", str(refused))
    assert result.exit_code == 1 and "[ip-family-mismatch]" in result.output
    assert not (refused.parent / "lab").exists()
    warned = tmp_path / "b" / "cluster.yaml"
    warned.parent.mkdir()
    warned.write_text(NO_SERVICE)
    result = run_cli("render", str(warned))
    assert result.exit_code == 0, result.output
    assert f"{warned}:10:16: warning: spec.networking.podSubnet 172.16.0.0/16,fd00:10:244::/56 is IPv4,IPv6" in result.output
