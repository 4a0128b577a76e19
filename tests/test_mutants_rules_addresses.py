"""Tests written to kill the surviving mutants of kconf/lint/rules/addresses.py.

See tools/mutation/README.md: each test pins a literal expected value the
original code produces and the mutant does not.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest

from kconf.addresses import parse_interface
from kconf.description import NodeInterface
from kconf.lint.model import ClusterFile, DocumentView, Group, Loc, cluster_source
from kconf.lint.rules import addresses
from kconf.lint.rules.addresses import (
    RawNode,
    _read_description,
    advertise_address,
    cidr_fields,
    description,
    node_ips,
    node_name,
    subnet_settings,
)
from kconf.lint.sources import build_groups
from kconf.yamlio import Document, Position, load_one
from lintkit import BASE_CLUSTER, lay_out, lint
from test_lint_addresses import AWS_CLUSTER, CALICO, CLUSTER, CONFIGMAP, INSTALLATION, KUBEADM, KUBEADM_V1BETA3, VBOX_CLUSTER, sub

Row = tuple[str, int, int, str, str, str]


def rows(tmp_path: Path, files: dict[str, str], rule: str) -> list[Row]:
    lay_out(tmp_path, files)
    return [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in lint(tmp_path, select=rule)]


def view_of(spec: object) -> DocumentView:
    data = {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": "x"}, "spec": spec}
    return DocumentView("c.yaml", Document(data, 0, Position(1, 1)))


# --- reading a description the loader refused --------------------------------------------------

def test_read_description_takes_every_field_as_written() -> None:
    view = view_of({
        "cloudProvider": "aws", "criSocket": "unix:///a.sock", "loadBalancer": {"address": "192.168.51.80"},
        "nodes": [
            {"name": "cp-1", "address": "192.168.51.81/24", "criSocket": "unix:///b.sock", "interfaces": [
                "junk", {"name": "enp0s3", "address": "10.0.2.15/24", "nat": True}, {"address": "192.168.51.81/24", "nat": "yes"},
                {"name": "bad", "address": "nope"},
            ]},
            "not a node",
            {"name": "cp-1", "address": "192.168.51.82/24", "interfaces": {"not": "a list"}},
            {"name": 5, "address": "nope"},
        ],
    })
    described = _read_description(view)
    first = RawNode(0, "cp-1", parse_interface("192.168.51.81/24"), (
        NodeInterface("enp0s3", parse_interface("10.0.2.15/24"), True), NodeInterface("", parse_interface("192.168.51.81/24"), False),
    ), "unix:///b.sock")
    assert described.nodes == (first, RawNode(2, "cp-1", parse_interface("192.168.51.82/24"), (), None), RawNode(3, None, None, (), None))
    assert described.nodes[0].interfaces[1].nat is False
    assert described.by_name == {"cp-1": first} and described.by_name["cp-1"] is described.nodes[0]
    assert described.load_balancer == (ipaddress.ip_address("192.168.51.80"),)
    assert (described.cloud_provider, described.cri_socket) == ("aws", "unix:///a.sock")
    assert described.nat_addresses == frozenset({ipaddress.ip_address("10.0.2.15")})
    assert described.view is view


@pytest.mark.parametrize("spec", ["not a map", {"nodes": 5, "cloudProvider": 5, "loadBalancer": {"address": "nope"}}])
def test_read_description_of_unusable_values(spec: object) -> None:
    described = _read_description(view_of(spec))
    assert (described.nodes, described.by_name, described.load_balancer, described.cloud_provider, described.cri_socket,
            described.nat_addresses) == ((), {}, (), "none", None, frozenset())


def test_node_socket_falls_back_to_the_description() -> None:
    described = _read_description(view_of({"criSocket": "unix:///a.sock", "nodes": [{"name": "a", "criSocket": "unix:///b.sock"}, {"name": "b"}]}))
    assert [described.node_socket(n) for n in described.nodes] == ["unix:///b.sock", "unix:///a.sock"]


# --- exact findings (line and column) ----------------------------------------------------------

# worker-2's address does not parse: the loader gives no complete model, the rules read the raw document.
BROKEN = sub(CLUSTER, ("192.168.51.92/24}", "not-an-address}"))
DUPLICATE_NAME = sub(CLUSTER, ("name: worker-1,", "name: cp-1,"))
PREFIX = sub(CLUSTER, ("192.168.51.91/24}", "192.168.51.91/25}"))
DUPLICATE_ADDRESS = sub(CLUSTER, ("192.168.51.91/24}", "192.168.51.81/25}"))


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param({"cluster.yaml": DUPLICATE_NAME}, "duplicate-node-name", [
            ('cluster.yaml', 15, 14, 'duplicate-node-name', 'error', "node name 'cp-1' is also spec.nodes[0]: give each node its own name"),
        ], id="name"),
        pytest.param({"cluster.yaml": sub(DUPLICATE_NAME, ("192.168.51.92/24}", "nope}"))}, "duplicate-node-name", [
            ('cluster.yaml', 15, 14, 'duplicate-node-name', 'error', "node name 'cp-1' is also spec.nodes[0]: give each node its own name"),
        ], id="name-raw"),
        pytest.param({"cluster.yaml": PREFIX}, "node-prefix-mismatch", [
            ('cluster.yaml', 15, 47, 'node-prefix-mismatch', 'error', "node worker-1 address 192.168.51.91/25 has prefix /25, but cp-1, worker-2 on 192.168.51.0/24 have /24: give every node on one network the network's real prefix length (e.g. 192.168.51.91/24)"),
        ], id="prefix"),
        pytest.param({"cluster.yaml": sub(PREFIX, ("192.168.51.92/24}", "nope}"))}, "node-prefix-mismatch", [
            ('cluster.yaml', 15, 47, 'node-prefix-mismatch', 'error', "node worker-1 address 192.168.51.91/25 has prefix /25, but cp-1 on 192.168.51.0/24 have /24: give every node on one network the network's real prefix length (e.g. 192.168.51.91/24)"),
        ], id="prefix-raw"),
        pytest.param({"cluster.yaml": DUPLICATE_ADDRESS}, "duplicate-node-address", [
            ('cluster.yaml', 15, 47, 'duplicate-node-address', 'error', 'node worker-1 has address 192.168.51.81, the same as node cp-1 (spec.nodes[0]): give each node its own address'),
        ], id="address"),
        pytest.param({"cluster.yaml": sub(DUPLICATE_ADDRESS, ("192.168.51.92/24}", "nope}"))}, "duplicate-node-address", [
            ('cluster.yaml', 15, 47, 'duplicate-node-address', 'error', 'node worker-1 has address 192.168.51.81, the same as node cp-1 (spec.nodes[0]): give each node its own address'),
        ], id="address-raw"),
        pytest.param({"cluster.yaml": sub(VBOX_CLUSTER, ("192.168.51.92/24, interfaces", "nope, interfaces"))}, "nat-address", [], id="nat-raw"),
        pytest.param({"cluster.yaml": sub(VBOX_CLUSTER, ("192.168.51.92/24, interfaces", "nope, interfaces"), ("192.168.51.81/24, interfaces", "10.0.2.15/24, interfaces"))}, "nat-address", [
            ('cluster.yaml', 14, 50, 'nat-address', 'error', "node cp-1 address 10.0.2.15/24: the address of an interface marked nat; use the node's host-only or bridged address (e.g. that of enp0s8)"),
        ], id="nat-raw-node"),
    ],
)
def test_exact_findings(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


# --- where each CIDR comes from: label, role, list or not ---------------------------------------

NO_SERVICE = sub(KUBEADM, ("  serviceSubnet: 10.96.0.0/12\n", ""))
V6 = sub(KUBEADM, ("172.16.0.0/16", "fd00:10:244::/56"), ("10.96.0.0/12", "fd00:10:96::/112"),
         ("    - name: node-cidr-mask-size\n      value: \"24\"", "    - name: node-cidr-mask-size-ipv6\n      value: \"50\""))
CELLS = [
    ("calico-public", {"calico.yaml": sub(CALICO, ("172.16.0.0/16", "8.8.0.0/16"))}, "public-cidr"),
    ("calico-list", {"calico.yaml": sub(CALICO, ("172.16.0.0/16", "10.244.0.0/16,10.245.0.0/16"))}, "cidr-host-bits"),
    ("calico-not-first", {"calico.yaml": sub(CALICO, ("- name: CALICO_IPV4POOL_CIDR", "- name: X\n              value: y\n            - name: CALICO_IPV4POOL_CIDR"), ("172.16.0.0/16", "8.8.0.0/16"))}, "public-cidr"),
    ("installation-public", {"installation.yaml": sub(INSTALLATION, ("172.16.0.0/16", "8.8.0.0/16"))}, "public-cidr"),
    ("installation-list", {"installation.yaml": sub(INSTALLATION, ("172.16.0.0/16", "10.244.0.0/16,10.245.0.0/16"))}, "cidr-host-bits"),
    ("kubeadm-service-public", {"kubeadm.yaml": sub(KUBEADM, ("10.96.0.0/12", "8.8.0.0/16"))}, "public-cidr"),
    ("configmap-pod-public", {"cm.yaml": sub(CONFIGMAP, ("10.244.0.0/16", "8.8.0.0/16"))}, "public-cidr"),
    ("default-service-overlap", {"kubeadm.yaml": sub(NO_SERVICE, ("172.16.0.0/16", "10.96.0.0/16"))}, "pod-service-overlap"),
    ("kubeadm-service-overlap", {"kubeadm.yaml": sub(KUBEADM, ("172.16.0.0/16", "10.96.0.0/16"))}, "pod-service-overlap"),
    ("v6-node-mask", {"kubeadm.yaml": V6}, "pod-subnet-capacity"),
    ("node-ip-nat", {"kubeadm.yaml": sub(KUBEADM, ("value: 192.168.51.81", "value: 192.168.51.81, 10.0.2.15"))}, "nat-address"),
    ("node-ip-overlap", {"kubeadm.yaml": sub(KUBEADM, ("172.16.0.0/16", "192.168.0.0/16"))}, "cidr-overlaps-node-network"),
]
CELLS_BY_ID = {name: (files, rule) for name, files, rule in CELLS}


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param(CELLS_BY_ID['calico-public'][0], CELLS_BY_ID['calico-public'][1], [
            ('calico.yaml', 14, 22, 'public-cidr', 'warning', 'CALICO_IPV4POOL_CIDR: 8.8.0.0/16 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.244.0.0/16'),
        ], id='calico-public'),
        pytest.param(CELLS_BY_ID['calico-list'][0], CELLS_BY_ID['calico-list'][1], [
            ('calico.yaml', 14, 22, 'cidr-host-bits', 'error', "CALICO_IPV4POOL_CIDR: '10.244.0.0/16,10.245.0.0/16' is not a valid CIDR"),
        ], id='calico-list'),
        pytest.param(CELLS_BY_ID['calico-not-first'][0], CELLS_BY_ID['calico-not-first'][1], [
            ('calico.yaml', 16, 22, 'public-cidr', 'warning', 'CALICO_IPV4POOL_CIDR: 8.8.0.0/16 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.244.0.0/16'),
        ], id='calico-not-first'),
        pytest.param(CELLS_BY_ID['installation-public'][0], CELLS_BY_ID['installation-public'][1], [
            ('installation.yaml', 8, 15, 'public-cidr', 'warning', 'spec.calicoNetwork.ipPools[0].cidr: 8.8.0.0/16 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.244.0.0/16'),
        ], id='installation-public'),
        pytest.param(CELLS_BY_ID['installation-list'][0], CELLS_BY_ID['installation-list'][1], [
            ('installation.yaml', 8, 15, 'cidr-host-bits', 'error', "spec.calicoNetwork.ipPools[0].cidr: '10.244.0.0/16,10.245.0.0/16' is not a valid CIDR"),
        ], id='installation-list'),
        pytest.param(CELLS_BY_ID['kubeadm-service-public'][0], CELLS_BY_ID['kubeadm-service-public'][1], [
            ('kubeadm.yaml', 18, 18, 'public-cidr', 'warning', 'networking.serviceSubnet: 8.8.0.0/16 is public address space: service addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.96.0.0/12'),
        ], id='kubeadm-service-public'),
        pytest.param(CELLS_BY_ID['configmap-pod-public'][0], CELLS_BY_ID['configmap-pod-public'][1], [
            ('cm.yaml', 13, 18, 'public-cidr', 'warning', 'data.ClusterConfiguration networking.podSubnet: 8.8.0.0/16 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.244.0.0/16'),
        ], id='configmap-pod-public'),
        pytest.param(CELLS_BY_ID['default-service-overlap'][0], CELLS_BY_ID['default-service-overlap'][1], [
            ('kubeadm.yaml', 17, 14, 'pod-service-overlap', 'error', 'networking.podSubnet 10.96.0.0/16 overlaps the default serviceSubnet 10.96.0.0/12: pod and Service addresses would collide; choose ranges that do not overlap (e.g. podSubnet 10.244.0.0/16, serviceSubnet 10.96.0.0/12)'),
        ], id='default-service-overlap'),
        pytest.param(CELLS_BY_ID['kubeadm-service-overlap'][0], CELLS_BY_ID['kubeadm-service-overlap'][1], [
            ('kubeadm.yaml', 17, 14, 'pod-service-overlap', 'error', 'networking.podSubnet 10.96.0.0/16 overlaps networking.serviceSubnet 10.96.0.0/12: pod and Service addresses would collide; choose ranges that do not overlap (e.g. podSubnet 10.244.0.0/16, serviceSubnet 10.96.0.0/12)'),
        ], id='kubeadm-service-overlap'),
        pytest.param(CELLS_BY_ID['v6-node-mask'][0], CELLS_BY_ID['v6-node-mask'][1], [
            ('kubeadm.yaml', 17, 14, 'pod-subnet-capacity', 'error', "networking.podSubnet fd00:10:244::/56 is smaller than one node's block (/50): make the pod subnet /50 or wider, or the node mask longer"),
        ], id='v6-node-mask'),
        pytest.param(CELLS_BY_ID['node-ip-nat'][0], CELLS_BY_ID['node-ip-nat'][1], [
            ('kubeadm.yaml', 11, 14, 'nat-address', 'error', "kubelet node-ip 10.0.2.15: VirtualBox's NAT address, which every VM shares; use the node's host-only or bridged address"),
        ], id='node-ip-nat'),
        pytest.param(CELLS_BY_ID['node-ip-overlap'][0], CELLS_BY_ID['node-ip-overlap'][1], [
            ('kubeadm.yaml', 17, 14, 'cidr-overlaps-node-network', 'error', 'networking.podSubnet 192.168.0.0/16 contains kubeadm.yaml localAPIEndpoint.advertiseAddress 192.168.51.81: that traffic would be routed into the pod network; choose a range that no node network overlaps'),
        ], id='node-ip-overlap'),
    ],
)
def test_where_cidrs_come_from(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


TWO_NODES = sub(CLUSTER, ("    - {name: worker-2, role: worker, address: 192.168.51.92/24}\n", ""))
MORE_CELLS = [
    ("blocks-equal-nodes", {"cluster.yaml": sub(TWO_NODES, ("172.16.0.0/16", "172.16.0.0/23"))}, "pod-subnet-capacity"),
    ("mask-too-far", {"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "10.0.0.0/8"), ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 25"))}, "pod-subnet-capacity"),
    ("no-pod-subnet", {"cluster.yaml": sub(CLUSTER, ("    podSubnet: 172.16.0.0/16\n", ""))}, "pod-subnet-capacity"),
    ("public-v6", {"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "2a00::/56"), ("10.96.0.0/12", "fd00:10:96::/112"))}, "public-cidr"),
    ("public-description-service", {"cluster.yaml": sub(CLUSTER, ("10.96.0.0/12", "8.8.0.0/16"))}, "public-cidr"),
    ("interface-in-pod-subnet", {"cluster.yaml": sub(VBOX_CLUSTER, ("172.16.0.0/16", "10.0.0.0/8"), ("10.96.0.0/12", "172.20.0.0/16"))}, "cidr-overlaps-node-network"),
    ("load-balancer-in-pod-subnet", {"cluster.yaml": sub(CLUSTER, ("  cloudProvider: none", "  loadBalancer: {address: 172.16.0.10}"))}, "cidr-overlaps-node-network"),
]
MORE_BY_ID = {name: (files, rule) for name, files, rule in MORE_CELLS}


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param(MORE_BY_ID['blocks-equal-nodes'][0], MORE_BY_ID['blocks-equal-nodes'][1], [
        ], id='blocks-equal-nodes'),
        pytest.param(MORE_BY_ID['mask-too-far'][0], MORE_BY_ID['mask-too-far'][1], [
            ('cluster.yaml', 10, 16, 'pod-subnet-capacity', 'error', 'spec.networking.podSubnet 10.0.0.0/8 and node mask /25 differ by 17 bits; kubeadm allows at most 16 (node mask /24 or shorter)'),
        ], id='mask-too-far'),
        pytest.param(MORE_BY_ID['no-pod-subnet'][0], MORE_BY_ID['no-pod-subnet'][1], [
        ], id='no-pod-subnet'),
        pytest.param(MORE_BY_ID['public-v6'][0], MORE_BY_ID['public-v6'][1], [
            ('cluster.yaml', 10, 16, 'public-cidr', 'warning', 'spec.networking.podSubnet: 2a00::/56 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. a range inside fd00::/8'),
        ], id='public-v6'),
        pytest.param(MORE_BY_ID['public-description-service'][0], MORE_BY_ID['public-description-service'][1], [
            ('cluster.yaml', 11, 20, 'public-cidr', 'warning', 'spec.networking.serviceSubnet: 8.8.0.0/16 is public address space: service addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.96.0.0/12'),
        ], id='public-description-service'),
        pytest.param(MORE_BY_ID['interface-in-pod-subnet'][0], MORE_BY_ID['interface-in-pod-subnet'][1], [
            ('cluster.yaml', 10, 16, 'cidr-overlaps-node-network', 'error', 'spec.networking.podSubnet 10.0.0.0/8 contains cp-1 enp0s3 10.0.2.15: that traffic would be routed into the pod network; choose a range that no node network overlaps'),
        ], id='interface-in-pod-subnet'),
        pytest.param(MORE_BY_ID['load-balancer-in-pod-subnet'][0], MORE_BY_ID['load-balancer-in-pod-subnet'][1], [
            ('cluster.yaml', 10, 16, 'cidr-overlaps-node-network', 'error', 'spec.networking.podSubnet 172.16.0.0/16 contains load balancer 172.16.0.10: that traffic would be routed into the pod network; choose a range that no node network overlaps'),
        ], id='load-balancer-in-pod-subnet'),
    ],
)
def test_sizes_examples_and_labels(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


# --- more exact findings: several documents, lists, and values that are no value yet ------------

def node_doc(kind: str, name: str, advertise: str | None = None, node_ip: str | None = None) -> str:
    """One v1beta4 Init/JoinConfiguration document, "---" first."""
    text = f"---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: {kind}\n"
    if advertise is not None:
        text += (f"localAPIEndpoint:\n  advertiseAddress: {advertise}\n" if kind == "InitConfiguration"
                 else f"controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: {advertise}\n")
    text += f"nodeRegistration:\n  name: {name}\n"
    if node_ip is not None:
        text += f"  kubeletExtraArgs:\n    - name: node-ip\n      value: {node_ip}\n"
    return text


# 1-3 a ClusterConfiguration without subnets, 5-7 one with both (8 podSubnet, 9 serviceSubnet)
TWO_SETTINGS = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.2
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking:
  podSubnet: 10.96.0.0/28
  serviceSubnet: 10.96.0.0/29
"""
# 13 the first env item's value; the calico-node container without env
CALICO_NO_ENV = sub(CALICO, (
    '          env:\n            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"\n'
    '            - name: IP_AUTODETECTION_METHOD\n              value: "cidr=192.168.51.0/24"\n', ""))
INSTALLATION_NO_POOLS = sub(INSTALLATION, ("    ipPools:\n      - cidr: 172.16.0.0/16\n        encapsulation: VXLAN\n", "    bgp: Disabled\n"))
# node-ip the first of two kubelet args (v1beta4 list: read from the last one back)
NODE_IP_FIRST = sub(KUBEADM, ("      value: 192.168.51.81\n", "      value: 10.0.2.15\n    - name: v\n      value: \"2\"\n"))
# lab/nodes.yaml: 5 the placeholder, 13 'nope' (cp-1), 21 worker-1's own address, 29 not worker-2's
ADVERTISED = (node_doc("InitConfiguration", "cp-1", "1.2.3.4") + node_doc("JoinConfiguration", "cp-1", "nope")
              + node_doc("JoinConfiguration", "worker-1", "192.168.51.91") + node_doc("JoinConfiguration", "worker-2", "192.168.51.99"))
# lab/nodes.yaml: a node the description does not have, 13 a node-ip not worker-1's, 17 worker-2 without node-ip
NODE_IPS = (node_doc("JoinConfiguration", "ghost") + node_doc("JoinConfiguration", "worker-1", node_ip='" 192.168.51.99"')
            + node_doc("JoinConfiguration", "worker-2"))
ONE_INTERFACE = sub(CLUSTER, ("192.168.51.91/24}", "192.168.51.91/24, interfaces: [{name: enp0s8, address: 192.168.51.91/24}]}"))
NAT_INTERFACE = sub(CLUSTER, ("192.168.51.81/24}", "192.168.51.81/24, interfaces: [{name: enp0s3, address: 10.0.3.15/24, nat: true}]}"))
TWO_BROKEN = sub(CLUSTER, ("192.168.51.91/24}", "nope}"), ("192.168.51.92/24}", "nope}"))
AWS_WORKER = "ip-10-0-1-20.eu-west-1.compute.internal"


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param({"kubeadm.yaml": TWO_SETTINGS}, "pod-service-overlap", [
            ('kubeadm.yaml', 8, 14, 'pod-service-overlap', 'error', 'networking.podSubnet 10.96.0.0/28 overlaps networking.serviceSubnet 10.96.0.0/29: pod and Service addresses would collide; choose ranges that do not overlap (e.g. podSubnet 10.244.0.0/16, serviceSubnet 10.96.0.0/12)'),
        ], id="second-document-overlap"),
        pytest.param({"kubeadm.yaml": TWO_SETTINGS}, "service-subnet-size", [
            ('kubeadm.yaml', 9, 18, 'service-subnet-size', 'error', 'networking.serviceSubnet 10.96.0.0/29 has 8 addresses; kubeadm needs at least 10'),
        ], id="second-document-service-size"),
        pytest.param({"kubeadm.yaml": TWO_SETTINGS}, "pod-subnet-capacity", [
            ('kubeadm.yaml', 8, 14, 'pod-subnet-capacity', 'error', "networking.podSubnet 10.96.0.0/28 is smaller than one node's block (/24): make the pod subnet /24 or wider, or the node mask longer"),
        ], id="second-document-pod-capacity"),
        pytest.param({"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "172.16.0.0/24"))}, "pod-subnet-capacity", [
            ('cluster.yaml', 10, 16, 'pod-subnet-capacity', 'error', 'spec.networking.podSubnet 172.16.0.0/24 holds 1 node block of /24 but the cluster has 3 nodes: 2 would get no pod CIDR; widen the pod subnet or lengthen the node mask'),
        ], id="one-block-three-nodes"),
        pytest.param({"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "192.168.51.0/25,192.168.51.128/26"))}, "cidr-overlaps-node-network", [
            ('cluster.yaml', 10, 16, 'cidr-overlaps-node-network', 'error', 'spec.networking.podSubnet 192.168.51.0/25 contains node cp-1 192.168.51.81, node worker-1 192.168.51.91, node worker-2 192.168.51.92: that traffic would be routed into the pod network; choose a range that no node network overlaps'),
            ('cluster.yaml', 10, 16, 'cidr-overlaps-node-network', 'error', 'spec.networking.podSubnet 192.168.51.128/26 overlaps the node network 192.168.51.0/24 (node cp-1); choose a range that no node network overlaps'),
        ], id="contains-then-overlaps"),
        pytest.param({"kubeadm.yaml": sub(KUBEADM, ("172.16.0.0/16", "nope,8.8.0.0/16"))}, "public-cidr", [
            ('kubeadm.yaml', 17, 14, 'public-cidr', 'warning', 'networking.podSubnet: 8.8.0.0/16 is public address space: pod addresses would shadow the internet hosts of that range; use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), e.g. 10.244.0.0/16'),
        ], id="after-a-part-that-is-no-cidr"),
        pytest.param({"calico.yaml": CALICO_NO_ENV}, "cidr-host-bits", [], id="calico-node-without-env"),
        pytest.param({"calico.yaml": sub(CALICO, ('"172.16.0.0/16"', '""'))}, "cidr-host-bits", [], id="calico-empty-pool"),
        pytest.param({"calico.yaml": sub(CALICO, ('              value: "172.16.0.0/16"', "              valueFrom: {configMapKeyRef: {name: c, key: k}}"))},
                     "cidr-host-bits", [], id="calico-pool-from-a-configmap"),
        pytest.param({"installation.yaml": INSTALLATION_NO_POOLS}, "cidr-host-bits", [], id="installation-without-pools"),
        pytest.param({"kubeadm.yaml": NODE_IP_FIRST}, "nat-address", [
            ('kubeadm.yaml', 11, 14, 'nat-address', 'error', "kubelet node-ip 10.0.2.15: VirtualBox's NAT address, which every VM shares; use the node's host-only or bridged address"),
        ], id="node-ip-before-another-arg"),
        pytest.param({"kubeadm.yaml": sub(KUBEADM, ("value: 192.168.51.81", "value: 192.168.51.81,10.0.2.15"))}, "nat-address", [
            ('kubeadm.yaml', 11, 14, 'nat-address', 'error', "kubelet node-ip 10.0.2.15: VirtualBox's NAT address, which every VM shares; use the node's host-only or bridged address"),
        ], id="node-ip-dual-without-blank"),
        pytest.param({"kubeadm.yaml": sub(KUBEADM, ("value: 192.168.51.81", "value: 192.168.51.81,nope"), ("172.16.0.0/16", "192.168.0.0/16"))},
                     "cidr-overlaps-node-network", [
            ('kubeadm.yaml', 17, 14, 'cidr-overlaps-node-network', 'error', 'networking.podSubnet 192.168.0.0/16 contains kubeadm.yaml localAPIEndpoint.advertiseAddress 192.168.51.81: that traffic would be routed into the pod network; choose a range that no node network overlaps'),
        ], id="node-ip-part-that-is-no-address"),
        pytest.param({"cluster.yaml": VBOX_CLUSTER, "lab/nodes.yaml": ADVERTISED}, "advertise-address-not-on-node", [
            ('lab/nodes.yaml', 13, 23, 'advertise-address-not-on-node', 'error', "controlPlane.localAPIEndpoint.advertiseAddress 'nope' is not an IP address: write the node's address, e.g. 192.168.51.81"),
            ('lab/nodes.yaml', 29, 23, 'advertise-address-not-on-node', 'error', 'controlPlane.localAPIEndpoint.advertiseAddress 192.168.51.99 is not an address of node worker-2 (10.0.2.15, 192.168.51.92): write 192.168.51.92'),
        ], id="advertise-every-document"),
        pytest.param({"cluster.yaml": VBOX_CLUSTER, "lab/nodes.yaml": NODE_IPS}, "kubelet-node-ip", [
            ('lab/nodes.yaml', 13, 14, 'kubelet-node-ip', 'warning', "kubelet node-ip '192.168.51.99' is not an address of node worker-1: write 192.168.51.91"),
            ('lab/nodes.yaml', 17, 1, 'kubelet-node-ip', 'warning', 'node worker-2 has 2 interfaces but no kubelet node-ip: the kubelet reports its default-route address; add node-ip 192.168.51.92 to kubeletExtraArgs'),
        ], id="node-ip-every-document"),
        pytest.param({"cluster.yaml": ONE_INTERFACE, "lab/nodes.yaml": node_doc("JoinConfiguration", "worker-1")}, "kubelet-node-ip", [],
                     id="one-interface-needs-no-node-ip"),
        pytest.param({"cluster.yaml": VBOX_CLUSTER, "lab/nodes.yaml": node_doc("JoinConfiguration", "worker-1", node_ip='"${NODE_IP}"')},
                     "kubelet-node-ip", [], id="node-ip-template"),
        pytest.param({"cluster.yaml": NAT_INTERFACE, "lab/nodes.yaml": node_doc("InitConfiguration", "cp-1", "10.0.3.15")}, "nat-address", [
            ('lab/nodes.yaml', 5, 21, 'nat-address', 'error', "localAPIEndpoint.advertiseAddress 10.0.3.15: the address of an interface marked nat; use the node's host-only or bridged address"),
        ], id="advertised-nat-interface"),
        pytest.param({"cluster.yaml": AWS_CLUSTER, "lab/nodes.yaml": node_doc("JoinConfiguration", AWS_WORKER, node_ip="10.0.2.15")}, "nat-address", [],
                     id="node-ip-10.0.2.15-on-aws"),
        pytest.param({"cluster.yaml": AWS_CLUSTER, "lab/nodes.yaml": node_doc("JoinConfiguration", "5", node_ip="10.0.1.20")}, "cloud-provider-node-name", [],
                     id="node-name-a-number"),
        pytest.param({"cluster.yaml": TWO_BROKEN}, "duplicate-node-address", [], id="two-addresses-that-do-not-parse"),
    ],
)
def test_exact_findings_of_several_documents_and_parts(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


# --- the description: from the loader's model when it is complete, read once per view -----------

def group_of(text: str, path: str = "cluster.yaml") -> Group:
    source = cluster_source(path, text, load_one(text, path))
    return Group(files=[source], cluster_file=source)


LOAD_BALANCED = sub(VBOX_CLUSTER, ("  cloudProvider: none", "  loadBalancer: {address: 192.168.51.80}"))


def test_a_complete_description_is_the_loaders_model() -> None:
    group = group_of(LOAD_BALANCED)
    assert group.cluster_file is not None and group.cluster_file.complete and group.cluster_file.cluster is not None
    described = description(group)
    assert described is not None
    assert described.nodes is group.cluster_file.cluster.nodes  # not read again (ipaddress is slow)
    assert described.view is group.cluster_file.view
    assert list(described.by_name) == ["cp-1", "worker-1", "worker-2"]
    assert described.by_name["worker-1"] is described.nodes[1]
    assert (described.load_balancer, described.cloud_provider, described.cri_socket) == (
        (ipaddress.ip_address("192.168.51.80"),), "none", "unix:///var/run/containerd/containerd.sock",
    )
    assert described.nat_addresses == frozenset({ipaddress.ip_address("10.0.2.15")})
    # cp-1's address: the value at column 50, its key at column 41
    assert described.loc(("spec", "nodes", 0, "address")) == Loc("cluster.yaml", 14, 50)
    assert described.loc(("spec", "nodes", 0, "address"), key=True) == Loc("cluster.yaml", 14, 41)


def test_a_partial_model_is_read_as_written() -> None:
    """The loader's placeholders (0.0.0.0/32 for an address that does not parse) are not addresses."""
    group = group_of(TWO_BROKEN)
    assert group.cluster_file is not None and not group.cluster_file.complete and group.cluster_file.cluster is not None
    described = description(group)
    assert described is not None
    assert [type(n) for n in described.nodes] == [RawNode, RawNode, RawNode]
    assert [n.address for n in described.nodes] == [parse_interface("192.168.51.81/24"), None, None]


@pytest.mark.parametrize(
    "cluster_file",
    [
        pytest.param(None, id="no-description"),
        pytest.param(ClusterFile("a.yaml", "", view=None), id="no-view"),
        pytest.param(ClusterFile("a.yaml", "- a\n", view=DocumentView("a.yaml", Document(["a"], 0, Position(1, 1)))), id="not-a-mapping"),
    ],
)
def test_no_description(cluster_file: ClusterFile | None) -> None:
    assert description(Group(files=[], cluster_file=cluster_file)) is None


def test_the_description_is_read_once_per_view() -> None:
    group = group_of(CLUSTER)
    first = description(group)
    assert first is not None and description(group) is first
    again = group_of(CLUSTER)  # the same text, another view
    assert description(again) is not first and description(again) == first


def test_a_reading_of_another_view_with_the_same_id_is_not_taken() -> None:
    group = group_of(CLUSTER)
    assert group.cluster_file is not None and group.cluster_file.view is not None
    stale = _read_description(view_of({"nodes": []}))
    addresses._READ[id(group.cluster_file.view)] = (view_of({}), stale)  # a view that had this id
    described = description(group)
    assert described is not stale and described is not None and [n.name for n in described.nodes] == ["cp-1", "worker-1", "worker-2"]


def test_the_cache_keeps_up_to_nine_readings() -> None:
    addresses._READ.clear()
    groups = [group_of(CLUSTER) for _ in range(10)]
    firsts = [description(g) for g in groups[:9]]
    assert len(addresses._READ) == 9
    assert [description(g) is d for g, d in zip(groups[:9], firsts, strict=True)] == [True] * 9
    description(groups[9])  # the tenth: the cache starts again
    assert len(addresses._READ) == 1
    assert description(groups[0]) is not firsts[0]


# --- the helpers nodes.py shares ------------------------------------------------------------------

def kubeadm_view(text: str) -> DocumentView:
    return DocumentView("k.yaml", load_one(text, "k.yaml"))


def test_advertise_address_of_a_document_without_one() -> None:
    """Only Init- and JoinConfiguration have an advertiseAddress; elsewhere the field means nothing."""
    view = kubeadm_view("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 192.168.51.81\n")
    assert advertise_address(view) is None


@pytest.mark.parametrize(
    ("registration", "expected"),
    [
        pytest.param("  name: cp-1\n", "cp-1", id="text"),
        pytest.param("  name: 5\n", None, id="a-number"),
        pytest.param("  name: [cp-1]\n", None, id="a-list"),
        pytest.param("  taints: []\n", None, id="none"),
    ],
)
def test_node_name_is_text(registration: str, expected: str | None) -> None:
    assert node_name(kubeadm_view(f"apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n{registration}")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("192.168.51.81", [("192.168.51.81", "192.168.51.81")], id="one"),
        pytest.param("' 192.168.51.81 '", [("192.168.51.81", "192.168.51.81")], id="blanks-around"),
        pytest.param("192.168.51.81,fd00::81", [("192.168.51.81", "192.168.51.81"), ("fd00::81", "fd00::81")], id="dual-stack"),
        pytest.param("192.168.51.81, nope", [("192.168.51.81", "192.168.51.81"), ("nope", None)], id="a-part-that-is-no-address"),
        pytest.param("''", [("", None)], id="empty"),
        pytest.param('"${NODE_IP}"', [], id="template-variable"),
        pytest.param('"{{ node_ip }}"', [], id="template-jinja"),
        pytest.param("5", [], id="a-number"),
        pytest.param("~", [], id="null"),
    ],
)
def test_node_ips(value: str, expected: list[tuple[str, str | None]]) -> None:
    view = kubeadm_view(f"""\
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  kubeletExtraArgs:
    - name: node-ip
      value: {value}
    - name: v
      value: "2"
""")
    written = node_ips(view)
    assert [(w.text, None if w.address is None else str(w.address)) for w in written] == expected
    assert {(w.label, w.field_path, w.loc.line) for w in written} <= {("kubelet node-ip", ("nodeRegistration", "kubeletExtraArgs", 0, "value"), 6)}


# --- where CIDRs come from: every field, exactly -----------------------------------------------

FieldRow = tuple[str, str, str, str, int, int, bool]


def written_fields(tmp_path: Path, files: dict[str, str]) -> list[FieldRow]:
    lay_out(tmp_path, files)
    return [
        (f.role, f.label, f.text, os.path.relpath(f.loc.path, tmp_path), f.loc.line, f.loc.column, f.list_allowed)
        for group in build_groups([str(tmp_path)]).groups for f in cidr_fields(group)
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": CLUSTER}, [
            ("pod", "spec.networking.podSubnet", "172.16.0.0/16", "cluster.yaml", 10, 16, True),
            ("service", "spec.networking.serviceSubnet", "10.96.0.0/12", "cluster.yaml", 11, 20, True),
        ], id="description"),
        pytest.param({"kubeadm.yaml": KUBEADM}, [
            ("pod", "networking.podSubnet", "172.16.0.0/16", "kubeadm.yaml", 17, 14, True),
            ("service", "networking.serviceSubnet", "10.96.0.0/12", "kubeadm.yaml", 18, 18, True),
        ], id="kubeadm"),
        pytest.param({"cm.yaml": CONFIGMAP}, [
            ("pod", "data.ClusterConfiguration networking.podSubnet", "10.244.0.0/16", "cm.yaml", 13, 18, True),
            ("service", "data.ClusterConfiguration networking.serviceSubnet", "10.96.0.0/12", "cm.yaml", 14, 22, True),
        ], id="configmap"),
        # one CIDR each: Calico takes no list there
        pytest.param({"calico.yaml": CALICO}, [("pod", "CALICO_IPV4POOL_CIDR", "172.16.0.0/16", "calico.yaml", 14, 22, False)], id="calico"),
        pytest.param({"calico.yaml": CALICO_NO_ENV}, [], id="calico-without-env"),
        pytest.param({"installation.yaml": INSTALLATION}, [
            ("pod", "spec.calicoNetwork.ipPools[0].cidr", "172.16.0.0/16", "installation.yaml", 8, 15, False),
        ], id="installation"),
        pytest.param({"installation.yaml": sub(INSTALLATION, ("      - cidr: 172.16.0.0/16\n", "      - name: no-cidr\n      - cidr: fd00:10:244::/56\n"))}, [
            ("pod", "spec.calicoNetwork.ipPools[1].cidr", "fd00:10:244::/56", "installation.yaml", 9, 15, False),
        ], id="installation-second-pool"),
        pytest.param({"installation.yaml": INSTALLATION_NO_POOLS}, [], id="installation-without-pools"),
    ],
)
def test_cidr_fields(tmp_path: Path, files: dict[str, str], expected: list[FieldRow]) -> None:
    assert written_fields(tmp_path, files) == expected


SettingRow = tuple[str, str, str | None, str | None, dict[int, tuple[object, tuple[int, int] | None]], bool]
NO_ALLOCATION = KUBEADM + '    - name: allocate-node-cidrs\n      value: "False"\n    - name: node-cidr-mask-size-ipv6\n      value: "80"\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": CLUSTER}, [
            ("cluster.yaml", "Cluster", "spec.networking.podSubnet", "spec.networking.serviceSubnet", {4: (24, (12, 23))}, True),
        ], id="description"),
        pytest.param({"cluster.yaml": sub(CLUSTER, ("172.16.0.0/16", "fd00:10:244::/56,10.244.0.0/16"), ("nodeCIDRMaskSize: 24", "nodeCIDRMaskSize: 64"))}, [
            ("cluster.yaml", "Cluster", "spec.networking.podSubnet", "spec.networking.serviceSubnet", {6: (64, (12, 23))}, True),
        ], id="description-mask-of-the-first-family"),
        pytest.param({"kubeadm.yaml": KUBEADM}, [
            ("kubeadm.yaml", "ClusterConfiguration", "networking.podSubnet", "networking.serviceSubnet", {4: ("24", (22, 14))}, True),
        ], id="kubeadm"),
        pytest.param({"kubeadm.yaml": NO_ALLOCATION}, [
            ("kubeadm.yaml", "ClusterConfiguration", "networking.podSubnet", "networking.serviceSubnet", {4: ("24", (22, 14)), 6: ("80", (26, 14))}, False),
        ], id="kubeadm-no-allocation"),
        pytest.param({"k.yaml": KUBEADM_V1BETA3}, [
            ("k.yaml", "ClusterConfiguration", "networking.podSubnet", "networking.serviceSubnet", {4: ("24", (11, 26))}, True),
        ], id="kubeadm-v1beta3"),
        pytest.param({"cm.yaml": CONFIGMAP}, [
            ("cm.yaml", "ClusterConfiguration", "data.ClusterConfiguration networking.podSubnet", "data.ClusterConfiguration networking.serviceSubnet", {}, True),
        ], id="configmap"),
    ],
)
def test_subnet_settings(tmp_path: Path, files: dict[str, str], expected: list[SettingRow]) -> None:
    lay_out(tmp_path, files)
    found = [
        (os.path.relpath(s.view.path, tmp_path), s.view.kind, s.pod and s.pod.label, s.service and s.service.label,
         {version: (mask, where and (where.line, where.column)) for version, (mask, where) in s.node_masks.items()}, s.allocates_node_cidrs)
        for group in build_groups([str(tmp_path)]).groups for s in subnet_settings(group)
    ]
    assert found == expected


# --- dual-stack pairs read as written, public-node-network, small pod subnets ------------------

def test_read_description_of_dual_stack_addresses() -> None:
    view = view_of({"nodes": [
        {"name": "a", "address": "192.168.51.81/24,fd00:51::81/64"},
        {"name": "b", "address": "192.168.51.82/24,192.168.52.82/24"},  # two of one family: no pair
        {"name": "c", "address": "192.168.51.83/24"},
        {"name": "d", "address": 5},
    ]})
    assert _read_description(view).nodes == (
        RawNode(0, "a", parse_interface("192.168.51.81/24"), (), None, parse_interface("fd00:51::81/64")),
        RawNode(1, "b", None, (), None, None),
        RawNode(2, "c", parse_interface("192.168.51.83/24"), (), None, None),
        RawNode(3, "d", None, (), None, None),
    )


PUBLIC = "Private ranges are 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        # cp-1 and cp-2 share a public network (one finding), cp-3 is on another
        pytest.param({"cluster.yaml": sub(BASE_CLUSTER, ("192.168.51.81/24", "192.178.33.81/24"), ("192.168.51.82/24", "192.178.33.82/24"),
                                          ("192.168.51.83/24", "8.8.4.83/24"))}, "public-node-network", [
            ("cluster.yaml", 20, 16, "public-node-network", "warning",
             f"node cp-1 is on 192.178.33.0/24, public address space: a typo (192.178 for 192.168)? {PUBLIC}"),
            ("cluster.yaml", 26, 16, "public-node-network", "warning",
             f"node cp-3 is on 8.8.4.0/24, public address space: a typo (192.178 for 192.168)? {PUBLIC}"),
        ], id="public-networks-after-a-repeated-one"),
        pytest.param({"kubeadm.yaml": sub(KUBEADM, ("172.16.0.0/16", "172.16.0.0/29"), ('value: "24"', 'value: "x"'))}, "pod-subnet-capacity", [
            ("kubeadm.yaml", 17, 14, "pod-subnet-capacity", "error", "networking.podSubnet 172.16.0.0/29 has 8 addresses; kubeadm needs at least 14"),
            ("kubeadm.yaml", 17, 14, "pod-subnet-capacity", "error", "networking.podSubnet 172.16.0.0/29: node CIDR mask size 'x' is not a number"),
        ], id="pod-subnet-too-small-and-mask-not-a-number"),
    ],
)
def test_public_networks_and_small_pod_subnets(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


# --- cidr-host-bits' --fix replacement ---------------------------------------------------------

from kconf.lint.model import Replacement  # noqa: E402
from kconf.lint.rules.addresses import CidrField, _network_fix  # noqa: E402


@pytest.mark.parametrize(
    ("text", "list_allowed", "expected"),
    [
        # _network_fix 5-15, 21-26, 28, 30, 31, 35-39: the host bits cleared
        pytest.param("172.16.33.10/16", True, Replacement("172.16.33.10/16", "172.16.0.0/16"), id="one-cidr"),
        # 1, 4: a field of one CIDR is fixed too
        pytest.param("10.96.0.1/12", False, Replacement("10.96.0.1/12", "10.96.0.0/12"), id="one-cidr-field"),
        # 2, 6, 7, 32: each CIDR of a list, the spacing around the comma kept
        pytest.param("172.16.33.10/16, fd00:10::1/56", True, Replacement("172.16.33.10/16, fd00:10::1/56", "172.16.0.0/16, fd00:10::/56"),
                     id="dual-stack-list"),
        # 3: a list where the field takes one CIDR has no mechanical answer
        pytest.param("10.244.0.1/16,10.245.0.0/16", False, None, id="list-in-a-one-cidr-field"),
        # 16-18: a bare address (which prefix length?)
        pytest.param("10.244.0.5", True, None, id="bare-address"),
        # 19, 20: an IPv6 zone id (ipaddress drops it)
        pytest.param("fe80::1%eth0/64", True, None, id="zone-id"),
        pytest.param("10.244.0.0/33", True, None, id="not-a-cidr"),
        # 34: nothing to change
        pytest.param("10.244.0.0/16", True, None, id="already-the-network"),
    ],
)
def test_network_fix(text: str, list_allowed: bool, expected: Replacement | None) -> None:
    assert _network_fix(CidrField("pod", "podSubnet", text, Loc("cluster.yaml", 10, 16), list_allowed=list_allowed)) == expected


def test_cidr_host_bits_findings_carry_the_fix(tmp_path: Path) -> None:
    # cidr_host_bits 3, 4, 10, 14: every finding of the field carries the one fix of the whole value
    lay_out(tmp_path, {"cluster.yaml": BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.33.10/16, fd00:10::1/56")})
    fix = Replacement("172.16.33.10/16, fd00:10::1/56", "172.16.0.0/16, fd00:10::/56")
    assert [(f.line, f.column, f.message, f.fix) for f in lint(tmp_path, select="cidr-host-bits")] == [
        (10, 16, "spec.networking.podSubnet: '172.16.33.10/16' has host bits set: the network is 172.16.0.0/16 "
         "(write that, or fix the prefix length)", fix),
        (10, 16, "spec.networking.podSubnet: 'fd00:10::1/56' has host bits set: the network is fd00:10::/56 "
         "(write that, or fix the prefix length)", fix),
    ]
