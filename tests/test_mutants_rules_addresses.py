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
from kconf.lint.model import DocumentView
from kconf.lint.rules.addresses import RawNode, _read_description
from kconf.yamlio import Document, Position
from lintkit import lay_out, lint
from test_lint_addresses import CALICO, CLUSTER, CONFIGMAP, INSTALLATION, KUBEADM, VBOX_CLUSTER, sub

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
    assert described.load_balancer == ipaddress.ip_address("192.168.51.80")
    assert (described.cloud_provider, described.cri_socket) == ("aws", "unix:///a.sock")
    assert described.nat_addresses == frozenset({ipaddress.ip_address("10.0.2.15")})
    assert described.view is view


@pytest.mark.parametrize("spec", ["not a map", {"nodes": 5, "cloudProvider": 5, "loadBalancer": {"address": "nope"}}])
def test_read_description_of_unusable_values(spec: object) -> None:
    described = _read_description(view_of(spec))
    assert (described.nodes, described.by_name, described.load_balancer, described.cloud_provider, described.cri_socket,
            described.nat_addresses) == ((), {}, None, "none", None, frozenset())


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
