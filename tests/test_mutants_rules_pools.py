"""calico-pool-capacity, calico-mtu, calico-pool-live (kconf/lint/rules/pools.py):
the exact findings on small trees of files.

Written for the mutants of kconf/lint/rules/pools.py that survived the rest of
the suite (see tools/mutation/run): every row is a tree of files (a
description, and in its output folder lab/ an Installation, a calico.yaml, an
IPPool or kubeadm-config export) and (file, line, column, severity, message)
of each finding of the rule.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import BASE_CLUSTER, lay_out, lint
from test_lint_calico import env, manifest

# BASE_CLUSTER: podSubnet 172.16.0.0/16 (line 10, column 16), 4 nodes on 192.168.51.0/24,
# default blockSize 26, nodeCIDRMaskSize 24, IPIP

Row = tuple[str, int, int, str, str]


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def findings(tmp_path: Path, files: dict[str, str], rule: str) -> list[Row]:
    lay_out(tmp_path, files)
    found = lint(tmp_path, select=rule)
    assert [f.rule for f in found] == [rule] * len(found)  # each finding names its rule
    return [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.severity, f.message) for f in found]


def inst(body: str) -> str:
    return "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  calicoNetwork:\n" + body


def block_size(size: int) -> tuple[str, str]:
    """spec.calico.blockSize at line 12, below podSubnet."""
    return "  loadBalancer:\n", f"  calico:\n    blockSize: {size}\n  loadBalancer:\n"


def subnet(cidr: str) -> tuple[str, str]:
    return "podSubnet: 172.16.0.0/16", f"podSubnet: {cidr}"


DUAL = ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/16,fd00:10::/56\n    serviceSubnet: 10.96.0.0/12,fd00:20::/108")


def fewer(where: str, pool: str, blocks: str, size: int, suggested: int) -> str:
    return (f"{where}: pool {pool} holds {blocks} of /{size}, fewer than the 4 nodes: "
            f"use a larger pool or blockSize {suggested} or more")


def larger(where: str, size: int, mask: int, blocks: int, node_cidrs: int) -> str:
    return (f"{where}: blocks of /{size} are larger than the /{mask} node CIDRs: the pool holds {blocks} blocks but "
            f"{node_cidrs} node CIDRs, so Calico runs out of blocks first; use blockSize {mask} or more")


D = "spec.calico.blockSize"
WORKER_1 = "    - name: worker-1\n      role: worker\n      address: 192.168.51.91/24\n"
POOLS = inst(
    "    ipPools:\n"
    "      - cidr: 10.9.0.0/25\n"                      # line 8, the default 26: 2 blocks
    "      - cidr: fd00::/120\n"                       # the IPv6 default 122: 4 blocks
    "      - cidr: fd00::/121\n"                       # line 10: 2 blocks
    "      - cidr: 10.8.0.0/16\n        blockSize: 23\n"  # line 11: blocks larger than node CIDRs
    "      - cidr: bogus\n"
    "      - cidr: 10.7.0.0/25\n        blockSize: true\n"
    "      - cidr: 10.6.0.0/25\n        blockSize: '26'\n"
    "      - not-a-mapping\n"
    "      - cidr: 10.5.0.0/26\n        blockSize: 27\n"  # line 19, ipPools[8]
    "      - cidr: fd01::/64\n        blockSize: 60\n"   # below the prefix: calico-pool-mismatch's
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/25"))}, [
            ("cluster.yaml", 10, 16, "error", fewer(D, "172.16.0.0/25", "2 blocks", 26, 27)),
        ], id="at-podSubnet-without-blockSize"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/25"), block_size(26))}, [
            ("cluster.yaml", 12, 16, "error", fewer(D, "172.16.0.0/25", "2 blocks", 26, 27)),
        ], id="at-blockSize"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/24"))}, [], id="one-block-per-node"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/24"), block_size(25))}, [
            ("cluster.yaml", 12, 16, "error", fewer(D, "172.16.0.0/24", "2 blocks", 25, 26)),
        ], id="half-a-block-per-node"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/26"))}, [
            ("cluster.yaml", 10, 16, "error", fewer(D, "172.16.0.0/26", "1 block", 26, 28)),
        ], id="block-as-large-as-the-pool"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/27"))}, [], id="block-larger-than-the-pool"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, block_size(23))}, [
            ("cluster.yaml", 12, 16, "warning", larger(D, 23, 24, 128, 256)),
        ], id="block-one-bit-larger-than-node-cidrs"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, block_size(24))}, [], id="block-as-large-as-node-cidrs"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/16\n    nodeCIDRMaskSize: 27"))}, [
            ("cluster.yaml", 10, 16, "warning", larger(D, 26, 27, 1024, 2048)),
        ], id="node-cidr-mask-set"),
        # the description's IPv6 pool is not its blockSize's (Calico gives it /122)
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, DUAL, subnet("172.16.0.0/25"))}, [
            ("cluster.yaml", 10, 16, "error", fewer(D, "172.16.0.0/25", "2 blocks", 26, 27)),
        ], id="dual-stack-description"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/i.yaml": POOLS}, [
            ("lab/i.yaml", 8, 9, "error", fewer("ipPools[0]", "10.9.0.0/25", "2 blocks", 26, 27)),
            ("lab/i.yaml", 10, 9, "error", fewer("ipPools[2]", "fd00::/121", "2 blocks", 122, 123)),
            ("lab/i.yaml", 11, 9, "warning", larger("ipPools[3]", 23, 24, 128, 256)),
            ("lab/i.yaml", 19, 9, "error", fewer("ipPools[8]", "10.5.0.0/26", "2 blocks", 27, 28)),
        ], id="installation-pools"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/i.yaml": inst("    ipPools: {cidr: 10.9.0.0/25}\n")}, [], id="ipPools-not-a-list"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/25")))}, [
            ("lab/calico.yaml", 14, 22, "error", fewer("CALICO_IPV4POOL_CIDR", "10.9.0.0/25", "2 blocks", 26, 27)),
        ], id="manifest-default-block-size"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/24"),
                                                                                    ("CALICO_IPV4POOL_BLOCK_SIZE", '"25"')))}, [
            ("lab/calico.yaml", 16, 22, "error", fewer("CALICO_IPV4POOL_BLOCK_SIZE", "10.9.0.0/24", "2 blocks", 25, 26)),
        ], id="manifest-block-size"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_BLOCK_SIZE", '"22"'),
                                                                                    ("CALICO_IPV4POOL_CIDR", "10.9.0.0/16")))}, [
            ("lab/calico.yaml", 14, 22, "warning", larger("CALICO_IPV4POOL_BLOCK_SIZE", 22, 24, 64, 256)),
        ], id="manifest-block-size-first"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/25"),
                                                                                    ("CALICO_IPV4POOL_BLOCK_SIZE", "x26")))}, [],
                     id="manifest-block-size-not-a-number"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/33")))}, [],
                     id="manifest-cidr-unreadable"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "25")))}, [],
                     id="manifest-cidr-not-text"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_BLOCK_SIZE", '"30"')))}, [],
                     id="manifest-without-cidr"),
        pytest.param({"lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/25")))}, [], id="no-description"),
        # 3 nodes: blockSize 26 + (3 - 1).bit_length() = 28 (4 nodes give 28 too, 5 would give 29)
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/26"), (WORKER_1, ""))}, [
            ("cluster.yaml", 10, 16, "error", "spec.calico.blockSize: pool 172.16.0.0/26 holds 1 block of /26, fewer than "
             "the 3 nodes: use a larger pool or blockSize 28 or more"),
        ], id="three-nodes"),
        # a calico: section without blockSize: the finding is at podSubnet (line 12 below calico:), not at calico:
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, subnet("172.16.0.0/25"),
                                             ("  networking:\n", "  calico:\n    encapsulation: VXLAN\n  networking:\n"))}, [
            ("cluster.yaml", 12, 16, "error", fewer(D, "172.16.0.0/25", "2 blocks", 26, 27)),
        ], id="calico-section-without-blockSize"),
        # an Installation without ipPools, one whose ipPools is a number, and a bad pool before a small one
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/i.yaml": inst("    mtu: 1400\n"), "lab/j.yaml": inst("    ipPools: 5\n"),
                      "lab/k.yaml": inst("    ipPools:\n      - cidr: fd01::/64\n        blockSize: 60\n      - cidr: 10.9.0.0/25\n")}, [
            ("lab/k.yaml", 10, 9, "error", fewer("ipPools[1]", "10.9.0.0/25", "2 blocks", 26, 27)),
        ], id="installation-without-pools-and-a-refused-block-first"),
        # the first calico.yaml has no pool CIDR, or an unreadable one: the second is still read
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/a.yaml": manifest(env(("CALICO_IPV4POOL_BLOCK_SIZE", '"30"'))),
                      "lab/b.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/25")))}, [
            ("lab/b.yaml", 14, 22, "error", fewer("CALICO_IPV4POOL_CIDR", "10.9.0.0/25", "2 blocks", 26, 27)),
        ], id="manifest-without-cidr-then-one-with"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/a.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/33"))),
                      "lab/b.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.9.0.0/25")))}, [
            ("lab/b.yaml", 14, 22, "error", fewer("CALICO_IPV4POOL_CIDR", "10.9.0.0/25", "2 blocks", 26, 27)),
        ], id="manifest-unreadable-cidr-then-a-readable-one"),
    ],
)
def test_calico_pool_capacity(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert findings(tmp_path, files, "calico-pool-capacity") == expected


CP1 = "      address: 192.168.51.81/24\n"
CP2 = "      address: 192.168.51.82/24\n"
ETH0 = "{name: eth0, address: 192.168.51.81/24, mtu: 1500}"


def mtu_cluster(calico: str, *nodes: tuple[str, str]) -> str:
    """calico: at line 9 (its mtu at 10 or, after encapsulation, 11, column 10)."""
    text = edited(BASE_CLUSTER, *nodes)
    return edited(text, ("  networking:\n", calico + "  networking:\n")) if calico else text


def interfaces(address: str, *items: str) -> tuple[str, str]:
    return address, address + "      interfaces:\n" + "".join(f"        - {i}\n" for i in items)


def over(what: str, mtu: int, overhead: int, encapsulation: str, link: int, where: str) -> str:
    return f"{what} {mtu} plus {overhead} bytes of {encapsulation} is more than the MTU {link} of {where}: use {link - overhead} or less"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    mtu: 1460\n", interfaces(CP1, ETH0), interfaces(
            CP2, "{name: eth1, address: 10.0.0.2/24, mtu: 1000}", "{name: eth0, address: 192.168.51.82/24, mtu: 1450}"))}, [
            ("cluster.yaml", 10, 10, "error", over("calico.mtu", 1460, 20, "IPIP", 1450, "cp-2 (eth0)")),
        ], id="the-smallest-cluster-link"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    mtu: 1480\n", interfaces(CP1, ETH0))}, [], id="exactly-fits"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    mtu: 1481\n", interfaces(CP1, ETH0))}, [
            ("cluster.yaml", 10, 10, "error", over("calico.mtu", 1481, 20, "IPIP", 1500, "cp-1 (eth0)")),
        ], id="one-byte-over"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    encapsulation: VXLANCrossSubnet\n    mtu: 1451\n", interfaces(CP1, ETH0))}, [
            ("cluster.yaml", 11, 10, "error", over("calico.mtu", 1451, 50, "VXLANCrossSubnet", 1500, "cp-1 (eth0)")),
        ], id="vxlan-cross-subnet"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    encapsulation: IPIPCrossSubnet\n    mtu: 1481\n", interfaces(CP1, ETH0))}, [
            ("cluster.yaml", 11, 10, "error", over("calico.mtu", 1481, 20, "IPIPCrossSubnet", 1500, "cp-1 (eth0)")),
        ], id="ipip-cross-subnet"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    encapsulation: None\n    mtu: 1501\n", interfaces(CP1, ETH0))}, [
            ("cluster.yaml", 11, 10, "error", over("calico.mtu", 1501, 0, "None", 1500, "cp-1 (eth0)")),
        ], id="no-encapsulation-one-byte-over"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    mtu: 1480\n", interfaces(
            CP1, "{name: eth0, address: 192.168.51.81/24}", "{name: eth1, address: 10.0.0.1/24, mtu: 1000}"))}, [],
            id="only-another-interfaces-mtu-known"),
        pytest.param({"cluster.yaml": mtu_cluster("", interfaces(CP1, ETH0)), "lab/i.yaml": inst("    mtu: 1490\n"),
                      "lab/j.yaml": inst("    mtu: true\n"), "lab/k.yaml": inst("    mtu: '1490'\n")}, [
            ("lab/i.yaml", 7, 10, "error", over("calicoNetwork.mtu", 1490, 20, "IPIP", 1500, "cp-1 (eth0)")),
        ], id="installation-mtu"),
        pytest.param({"cluster.yaml": mtu_cluster("  calico:\n    mtu: 1481\n", interfaces(CP1, ETH0)), "lab/i.yaml": inst("    mtu: 1481\n")}, [
            ("cluster.yaml", 10, 10, "error", over("calico.mtu", 1481, 20, "IPIP", 1500, "cp-1 (eth0)")),
            ("lab/i.yaml", 7, 10, "error", over("calicoNetwork.mtu", 1481, 20, "IPIP", 1500, "cp-1 (eth0)")),
        ], id="description-and-installation"),
        pytest.param({"lab/i.yaml": inst("    mtu: 9000\n")}, [], id="no-description"),
    ],
)
def test_calico_mtu(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert findings(tmp_path, files, "calico-mtu") == expected


def ippools(*pools: tuple[str, str, str]) -> str:
    """An IPPoolList; each pool is 6 lines (7 with an extra spec line), its cidr on its 6th."""
    items = "".join(f"- apiVersion: projectcalico.org/v3\n  kind: IPPool\n  metadata:\n{meta}  spec:\n    cidr: {cidr}\n{extra}"
                    for meta, cidr, extra in pools)
    return "apiVersion: projectcalico.org/v3\nitems:\n" + items + 'kind: IPPoolList\nmetadata:\n  resourceVersion: "1"\n'


def configmap(pod_subnet: str) -> str:
    """kubeadm-config; podSubnet at line 7, column 18."""
    return ("apiVersion: v1\ndata:\n  ClusterConfiguration: |\n    apiVersion: kubeadm.k8s.io/v1beta4\n    kind: ClusterConfiguration\n"
            f"    networking:\n      podSubnet: {pod_subnet}\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\n")


NAMED = "    name: p\n"
MIGRATE = "docs.tigera.io/calico/latest/networking/ipam/migrate-pools"


def differs(what: str, cidr: str, described: str) -> str:
    return (f"{what} is {cidr}, the description's podSubnet {described}: changing the pool after install has no effect; "
            f"keep podSubnet {cidr}, or migrate the pods to a new pool first ({MIGRATE})")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/pools.yaml": ippools(
            (NAMED, "10.1.0.0/16", ""), ("    name: 5\n", "10.2.0.0/16", ""), (NAMED, "10.3.0.0/16", "    disabled: true\n"),
            (NAMED, "10.4.0.0/16", "    disabled: false\n"), (NAMED, "bogus", ""), (NAMED, "fd00::/64", ""),
            (NAMED, "172.16.0.0/12", ""), (NAMED, "172.16.1.0/24", ""))}, [
            ("lab/pools.yaml", 8, 11, "warning", differs("the live IPPool p", "10.1.0.0/16", "172.16.0.0/16")),
            ("lab/pools.yaml", 14, 11, "warning", differs("the live IPPool (no name)", "10.2.0.0/16", "172.16.0.0/16")),
            ("lab/pools.yaml", 27, 11, "warning", differs("the live IPPool p", "10.4.0.0/16", "172.16.0.0/16")),
            ("lab/pools.yaml", 46, 11, "warning", differs("the live IPPool p", "172.16.0.0/12", "172.16.0.0/16")),
        ], id="ippool-export"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, DUAL), "lab/pools.yaml": ippools(
            (NAMED, "fd00:10::/64", ""), (NAMED, "fd00:11::/64", ""), (NAMED, "172.16.0.0/16", ""))}, [
            ("lab/pools.yaml", 14, 11, "warning", differs("the live IPPool p", "fd00:11::/64", "172.16.0.0/16,fd00:10::/56")),
        ], id="ippool-export-dual-stack"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, DUAL), "lab/cm.yaml": configmap("10.244.0.0/16, fd00:10::/56,bogus,fd00:99::/56")}, [
            ("lab/cm.yaml", 7, 18, "warning", differs("the live kubeadm-config podSubnet", "10.244.0.0/16", "172.16.0.0/16,fd00:10::/56")),
            ("lab/cm.yaml", 7, 18, "warning", differs("the live kubeadm-config podSubnet", "fd00:99::/56", "172.16.0.0/16,fd00:10::/56")),
        ], id="configmap-two-families"),
        pytest.param({"cluster.yaml": edited(BASE_CLUSTER, DUAL), "lab/cm.yaml": configmap("172.16.0.0/16,fd00:10::/56")}, [], id="configmap-the-same"),
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/cm.yaml": configmap("5")}, [], id="configmap-podSubnet-not-text"),
        pytest.param({"lab/pools.yaml": ippools((NAMED, "10.1.0.0/16", ""))}, [], id="no-description"),
        # a ConfigMap whose podSubnet is no text, then one that differs: the second is still read
        pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/b.yaml": configmap("5"), "lab/c.yaml": configmap("10.244.0.0/16")}, [
            ("lab/c.yaml", 7, 18, "warning", differs("the live kubeadm-config podSubnet", "10.244.0.0/16", "172.16.0.0/16")),
        ], id="configmap-podSubnet-not-text-then-one-that-differs"),
    ],
)
def test_calico_pool_live(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert findings(tmp_path, files, "calico-pool-live") == expected


DUAL_STACK = ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/16,fd00:10::/56")


@pytest.mark.parametrize(
    ("calico", "expected"),
    [
        # calico_mtu 20, 22: IP-in-IP has no IPv6 overhead (the IPv6 pool is not encapsulated), so 20 bytes
        pytest.param("  calico:\n    mtu: 1481\n", [
            ("cluster.yaml", 10, 10, "error", "calico.mtu 1481 plus 20 bytes of IPIP is more than the MTU 1500 of cp-1 (eth0): use 1480 or less"),
        ], id="ipip"),
        # calico_mtu 23, 24: no encapsulation adds nothing over IPv6 either
        pytest.param("  calico:\n    encapsulation: None\n    mtu: 1501\n", [
            ("cluster.yaml", 11, 10, "error", "calico.mtu 1501 plus 0 bytes of None is more than the MTU 1500 of cp-1 (eth0): use 1500 or less"),
        ], id="no-encapsulation-one-byte-over"),
        pytest.param("  calico:\n    encapsulation: None\n    mtu: 1500\n", [], id="no-encapsulation-fits"),
    ],
)
def test_calico_mtu_of_a_dual_stack_cluster_without_vxlan(tmp_path: Path, calico: str, expected: list[Row]) -> None:
    text = edited(mtu_cluster(calico, interfaces(CP1, ETH0)), DUAL_STACK)
    assert findings(tmp_path, {"cluster.yaml": text}, "calico-mtu") == expected
