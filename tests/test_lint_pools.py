"""public-node-network (rules/addresses.py), calico-pool-capacity and
calico-mtu (rules/pools.py): cases that must trigger, at the line written
down, and cases that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import BASE_CLUSTER, lint, render_into


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def found(tmp_path: Path, text: str, rule: str) -> list[tuple[int, str, str]]:
    (tmp_path / "cluster.yaml").write_text(text)
    return [(f.line, f.severity, f.message) for f in lint(tmp_path / "cluster.yaml", select=rule)]


# BASE_CLUSTER: podSubnet 172.16.0.0/16, 4 nodes on 192.168.51.0/24, default blockSize 26, nodeCIDRMaskSize 24


def test_public_node_network_triggers_once_per_network(tmp_path: Path) -> None:
    text = BASE_CLUSTER.replace("192.168.51.", "192.178.33.")
    assert found(tmp_path, text, "public-node-network") == [
        (20, "warning", "node cp-1 is on 192.178.33.0/24, public address space: a typo (192.178 for 192.168)? "
                        "Private ranges are 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"),
    ]


@pytest.mark.parametrize("network", ["192.168.51.", "10.0.1.", "100.64.0."], ids=["rfc1918-192", "rfc1918-10", "shared"])
def test_public_node_network_must_not_trigger(tmp_path: Path, network: str) -> None:
    assert found(tmp_path, BASE_CLUSTER.replace("192.168.51.", network), "public-node-network") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/25", [
            (10, "error", "spec.calico.blockSize: pool 172.16.0.0/25 holds 2 blocks of /26, fewer than the 4 nodes: "
                          "use a larger pool or blockSize 27 or more")],
            id="fewer-blocks-than-nodes"),
        pytest.param("  networking:\n", "  calico:\n    blockSize: 22\n  networking:\n", [
            (10, "warning", "spec.calico.blockSize: blocks of /22 are larger than the /24 node CIDRs: the pool holds 64 blocks "
                            "but 256 node CIDRs, so Calico runs out of blocks first; use blockSize 24 or more")],
            id="blocks-larger-than-node-cidrs"),
    ],
)
def test_calico_pool_capacity_triggers(tmp_path: Path, old: str, new: str, expected: list[tuple[int, str, str]]) -> None:
    text = edited(BASE_CLUSTER, old, new)
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines, 1) if "blockSize" in l) if "blockSize" in text else next(
        i for i, l in enumerate(lines, 1) if "podSubnet" in l)
    assert found(tmp_path, text, "calico-pool-capacity") == [(line, sev, m) for _, sev, m in expected]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/24", id="4-blocks-4-nodes"),
        pytest.param("  networking:\n", "  calico:\n    blockSize: 24\n  networking:\n", id="block-equal-node-cidr"),
        pytest.param("  networking:\n", "  networking:\n", id="defaults-26-and-24"),
    ],
)
def test_calico_pool_capacity_must_not_trigger(tmp_path: Path, old: str, new: str) -> None:
    assert found(tmp_path, edited(BASE_CLUSTER, old, new), "calico-pool-capacity") == []


def test_calico_pool_capacity_reads_the_rendered_installation(tmp_path: Path) -> None:
    out = render_into(tmp_path, BASE_CLUSTER)
    installation = out / "calico-installation.yaml"
    installation.write_text(edited(installation.read_text(), "blockSize: 26", "blockSize: 17"))
    findings = lint(out, select="calico-pool-capacity")
    assert [(Path(f.path).name, f.line, f.message) for f in findings] == [
        ("calico-installation.yaml", 9, "ipPools[0]: pool 172.16.0.0/16 holds 2 blocks of /17, fewer than the 4 nodes: "
                                        "use a larger pool or blockSize 18 or more"),
    ]


MTU_NODES = "      address: 192.168.51.81/24\n"
MTU_INTERFACES = MTU_NODES + "      interfaces:\n        - {name: eth0, address: 192.168.51.81/24, mtu: 1500}\n"


@pytest.mark.parametrize(
    ("calico", "expected"),
    [
        pytest.param("  calico:\n    encapsulation: VXLAN\n    mtu: 1480\n",
                     "calico.mtu 1480 plus 50 bytes of VXLAN is more than the MTU 1500 of cp-1 (eth0): use 1450 or less", id="vxlan"),
        pytest.param("  calico:\n    mtu: 1500\n",
                     "calico.mtu 1500 plus 20 bytes of IPIP is more than the MTU 1500 of cp-1 (eth0): use 1480 or less", id="ipip-default"),
    ],
)
def test_calico_mtu_triggers(tmp_path: Path, calico: str, expected: str) -> None:
    text = edited(edited(BASE_CLUSTER, MTU_NODES, MTU_INTERFACES), "  networking:\n", calico + "  networking:\n")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith("mtu: 1"))
    assert found(tmp_path, text, "calico-mtu") == [(line, "error", expected)]


DUAL_STACK = (Path(__file__).parent.parent / "golden" / "dual-stack" / "cluster.yaml").read_text()
DUAL_NODE = '    - {name: dual-cp-1, role: control-plane, address: "192.168.60.81/24,fd00:60::81/64"}\n'
DUAL_INTERFACES = (
    "    - name: dual-cp-1\n      role: control-plane\n      address: 192.168.60.81/24,fd00:60::81/64\n"
    "      interfaces:\n        - {name: eth1, address: 192.168.60.81/24, mtu: 1500}\n"
)


@pytest.mark.parametrize(
    ("mtu", "expected"),
    [
        pytest.param(1450, [(21, "error", "calico.mtu 1450 plus 70 bytes of VXLANCrossSubnet over IPv6 is more than the MTU 1500 "
                                          "of dual-cp-1 (eth1): use 1430 or less")], id="vxlan-ipv6-70-bytes"),
        pytest.param(1430, [], id="fits-with-70-bytes"),
    ],
)
def test_calico_mtu_counts_70_bytes_for_vxlan_over_ipv6(tmp_path: Path, mtu: int, expected: list[tuple[int, str, str]]) -> None:
    """Dual stack, VXLANCrossSubnet (golden dual-stack): the one veth MTU
    serves the IPv6 pool too, whose VXLAN outer header is IPv6 (40 bytes, not 20)."""
    text = edited(DUAL_STACK, DUAL_NODE, DUAL_INTERFACES)
    text = edited(text, "    encapsulation: VXLANCrossSubnet\n", f"    encapsulation: VXLANCrossSubnet\n    mtu: {mtu}\n")
    assert found(tmp_path, text, "calico-mtu") == expected


@pytest.mark.parametrize(
    ("interfaces", "calico"),
    [
        pytest.param(MTU_INTERFACES, "  calico:\n    encapsulation: VXLAN\n    mtu: 1450\n", id="fits"),
        pytest.param(MTU_NODES, "  calico:\n    mtu: 8000\n", id="link-mtu-unknown"),
        pytest.param(MTU_INTERFACES, "  calico:\n    encapsulation: None\n    mtu: 1500\n", id="no-encapsulation"),
        pytest.param(MTU_INTERFACES, "", id="calico-mtu-unset"),
    ],
)
def test_calico_mtu_must_not_trigger(tmp_path: Path, interfaces: str, calico: str) -> None:
    text = edited(edited(BASE_CLUSTER, MTU_NODES, interfaces), "  networking:\n", calico + "  networking:\n")
    assert found(tmp_path, text, "calico-mtu") == []


# --- calico-pool-live ----------------------------------------------------------------------

IPPOOL_LIST = """\
apiVersion: projectcalico.org/v3
items:
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: default-ipv4-ippool
  spec:
    blockSize: 26
    cidr: {cidr}
    ipipMode: Always
    natOutgoing: true
    nodeSelector: all()
{disabled}kind: IPPoolList
metadata:
  resourceVersion: "1234"
"""
CONFIGMAP = """\
apiVersion: v1
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta4
    kind: ClusterConfiguration
    kubernetesVersion: v1.31.2
    networking:
      podSubnet: {cidr}
      serviceSubnet: 10.96.0.0/12
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
"""


def live(tmp_path: Path, name: str, text: str) -> list[tuple[int, str]]:
    from kconf.lint.engine import lint_paths
    from kconf.lint.settings import Settings

    (tmp_path / "cluster.yaml").write_text(BASE_CLUSTER)
    (tmp_path / name).write_text(text)
    findings, _ = lint_paths([str(tmp_path / name)], select="calico-pool-live", settings=Settings(), cluster=str(tmp_path / "cluster.yaml"))
    return [(f.line, f.message) for f in findings]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param("pools.yaml", IPPOOL_LIST.format(cidr="192.168.0.0/16", disabled=""), [
            (9, "the live IPPool default-ipv4-ippool is 192.168.0.0/16, the description's podSubnet 172.16.0.0/16: changing "
                 "the pool after install has no effect; keep podSubnet 192.168.0.0/16, or migrate the pods to a new pool first "
                 "(docs.tigera.io/calico/latest/networking/ipam/migrate-pools)")], id="ippool-export"),
        pytest.param("cm.yaml", CONFIGMAP.format(cidr="10.244.0.0/16"), [
            (8, "the live kubeadm-config podSubnet is 10.244.0.0/16, the description's podSubnet 172.16.0.0/16: changing "
                "the pool after install has no effect; keep podSubnet 10.244.0.0/16, or migrate the pods to a new pool first "
                "(docs.tigera.io/calico/latest/networking/ipam/migrate-pools)")], id="configmap-export"),
        pytest.param("pools.yaml", IPPOOL_LIST.format(cidr="172.16.0.0/16", disabled=""), [], id="same-pool"),
        pytest.param("pools.yaml", IPPOOL_LIST.format(cidr="172.16.64.0/18", disabled=""), [], id="pool-inside-pod-subnet"),
        pytest.param("pools.yaml", IPPOOL_LIST.format(cidr="192.168.0.0/16", disabled="    disabled: true\n"), [],
                     id="disabled-pool-being-migrated-away"),
        pytest.param("cm.yaml", CONFIGMAP.format(cidr="172.16.0.0/16"), [], id="configmap-same"),
    ],
)
def test_calico_pool_live(tmp_path: Path, name: str, text: str, expected: list[tuple[int, str]]) -> None:
    assert live(tmp_path, name, text) == expected


def test_an_ippool_export_is_recognised(tmp_path: Path) -> None:
    from kconf.lint.model import IPPoolFile
    from kconf.lint.sources import read

    (tmp_path / "pools.yaml").write_text(IPPOOL_LIST.format(cidr="192.168.0.0/16", disabled=""))
    source = read(str(tmp_path / "pools.yaml"))
    assert isinstance(source, IPPoolFile) and [v.get("spec", "cidr") for v in source.pools] == ["192.168.0.0/16"]
    assert source.pools[0].loc(("spec", "cidr")).line == 9
