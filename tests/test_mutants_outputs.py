"""kconf/outputs/: cases that mutants surviving the rest of the suite showed missing.

See tools/mutation/run. The golden renders (tests/test_render.py) pin most of
every output; these rows are the descriptions no golden case has: IPv6
keepalived, a VIP outside an LB host's network, manifest mode, a load balancer
without a hostname, an LB host that is a node, a file name with "--".
"""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import GOLDEN, require_corpus
from kconf.calico.autodetect import AutodetectMethod
from kconf.description import Cluster, Node, load_cluster
from kconf.errors import KconfError
from kconf.outputs import FILE_MODE, SCRIPT_MODE
from kconf.outputs.calico import calico_manifest, family_method, ipv6_autodetection, manifest_autodetection, vip_interfaces
from kconf.outputs.keepalived import check_script, vip_prefix
from kconf.outputs.kubeadm import join_config_text
from kconf.kubeadm import api_server_endpoint
from kconf.outputs.plan import endpoint_name, operator_crds_apart
from kconf.render import render_files
from lintkit import BASE_CLUSTER

KEEPALIVED = (GOLDEN / "ha-keepalived" / "cluster.yaml").read_text()
KUBE_VIP = (GOLDEN / "ha-kube-vip" / "cluster.yaml").read_text()


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def cluster_of(tmp_path: Path, text: str, name: str = "cluster.yaml") -> Cluster:
    path = tmp_path / name
    path.write_text(text)
    return load_cluster(str(path))


def rendered(tmp_path: Path, text: str, name: str = "cluster.yaml") -> dict[str, str]:
    return {file: r.data.decode() for file, r in render_files(cluster_of(tmp_path, text, name)).items()}


KEEPALIVED_V6 = edited(
    KEEPALIVED,
    *((f"192.168.51.{n}/24", f"fd00:51::{n}/64") for n in (78, 79, 81, 82, 83, 84, 85, 86)),
    ("address: 192.168.51.80", "address: fd00:51::80"),
    ("podSubnet: 172.16.0.0/16", "podSubnet: fd00:10::/56"),
)


# --- keepalived.py ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        pytest.param(KEEPALIVED, 'check "https://127.0.0.1:6443/readyz"\n'
                     "if [ -n \"$(ip -o addr show to '192.168.51.80/32' 2>/dev/null)\" ]; then\n"
                     '    check "https://192.168.51.80:6443/readyz"\nfi\nexit 0\n', id="ipv4"),
        pytest.param(KEEPALIVED_V6, 'check "https://[::1]:6443/readyz"\n'
                     "if [ -n \"$(ip -o addr show to 'fd00:51::80/128' 2>/dev/null)\" ]; then\n"
                     '    check "https://[fd00:51::80]:6443/readyz"\nfi\nexit 0\n', id="ipv6"),
    ],
)
def test_check_script_asks_the_local_frontend_and_the_vip(tmp_path: Path, text: str, tail: str) -> None:
    cluster = cluster_of(tmp_path, text)
    assert cluster.load_balancer is not None
    script = check_script(cluster, cluster.load_balancer)
    assert script.mode == SCRIPT_MODE == 0o755
    assert script.data.decode().endswith("\n\n" + tail)


@pytest.mark.parametrize(
    ("vip", "expected"),
    [
        pytest.param("192.168.51.80", [24, 24], id="inside-the-hosts-network"),
        pytest.param("192.168.52.80", [32, 32], id="outside-a-host-route"),
    ],
)
def test_vip_prefix(tmp_path: Path, vip: str, expected: list[int]) -> None:
    cluster = cluster_of(tmp_path, edited(KEEPALIVED, ("address: 192.168.51.80", f"address: {vip}")))
    lb = cluster.load_balancer
    assert lb is not None
    assert [vip_prefix(lb, host) for host in lb.hosts] == expected


def test_a_vip_outside_the_hosts_network_is_written_as_a_host_route(tmp_path: Path) -> None:
    files = rendered(tmp_path, edited(KEEPALIVED, ("address: 192.168.51.80", "address: 192.168.52.80")))
    assert "    virtual_ipaddress {\n        192.168.52.80/32 dev enp0s8\n    }\n" in files["keepalived-cka-hap-1.conf"]


# --- calico.py -------------------------------------------------------------------------------

# keepalived on two LB hosts: cka-cp-1 (a control plane, NIC eth1) and cka-hap-2 (no node, NIC enp0s9)
ONE_LB_HOST_IS_A_NODE = edited(
    KEEPALIVED,
    ("{name: cka-hap-1, address: 192.168.51.78/24, interface: enp0s8}", "{name: cka-cp-1, address: 192.168.51.81/24, interface: eth1}"),
    ("{name: cka-hap-2, address: 192.168.51.79/24, interface: enp0s8}", "{name: cka-hap-2, address: 192.168.51.79/24, interface: enp0s9}"),
    ("    port: 6443\n", "    port: 8443\n"),
    ("k8s-vip:6443", "k8s-vip:8443"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(ONE_LB_HOST_IS_A_NODE, ("eth1",), id="only-the-lb-hosts-that-are-nodes"),
        pytest.param(KEEPALIVED, (), id="lb-hosts-are-no-nodes"),
        pytest.param(KUBE_VIP, ("enp0s8",), id="kube-vip-interface"),
        pytest.param(BASE_CLUSTER, (), id="haproxy"),
    ],
)
def test_vip_interfaces(tmp_path: Path, text: str, expected: tuple[str, ...]) -> None:
    assert vip_interfaces(cluster_of(tmp_path, text)) == expected


EXPLICIT_KII = edited(KUBE_VIP, ("    mode: operator\n", "    mode: operator\n    ipAutodetection: kubernetes-internal-ip\n"))


@pytest.mark.parametrize(
    ("text", "calico_version", "expected"),
    [
        pytest.param(KUBE_VIP, (3, 21), "interface=^enp0s8$", id="default-before-3.22-pinned"),
        pytest.param(KUBE_VIP, (3, 22), "kubernetes-internal-ip", id="default-from-3.22"),
        pytest.param(KUBE_VIP, None, "kubernetes-internal-ip", id="default-unknown-version"),
        pytest.param(EXPLICIT_KII, (3, 21), "kubernetes-internal-ip", id="written-in-the-description-is-kept"),
    ],
)
def test_manifest_autodetection(tmp_path: Path, text: str, calico_version: tuple[int, int] | None, expected: str) -> None:
    method = manifest_autodetection(cluster_of(tmp_path, text), calico_version)
    assert isinstance(method, AutodetectMethod)
    assert str(method) == expected


MANIFEST_MODE = edited(KUBE_VIP, ("    mode: operator\n", "    mode: manifest\n    manifest: upstream.yaml\n"))


def test_a_manifest_without_calico_node_is_refused_with_the_vip_on_nodes(tmp_path: Path) -> None:
    (tmp_path / "upstream.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: calico-config\n")
    with pytest.raises(KconfError) as caught:
        calico_manifest(cluster_of(tmp_path, MANIFEST_MODE))
    assert (caught.value.message, caught.value.path) == (
        "no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file", str(tmp_path / "upstream.yaml"),
    )


def test_two_calico_node_daemonsets_are_refused_naming_the_manifest(tmp_path: Path) -> None:
    upstream = (require_corpus() / "v3.28.5" / "calico.yaml").read_text()
    node = upstream[upstream.index("kind: DaemonSet"):]
    node = node[: node.index("\n---")]
    (tmp_path / "upstream.yaml").write_text(f"{upstream}\n---\n{node}\n")
    with pytest.raises(KconfError) as caught:
        calico_manifest(cluster_of(tmp_path, MANIFEST_MODE))
    assert caught.value.path == str(tmp_path / "upstream.yaml")
    assert caught.value.message.startswith("more than one calico-node DaemonSet (the first is at line ")


POOL_ENV = ("IP_AUTODETECTION_METHOD", "IP6", "IP6_AUTODETECTION_METHOD", "CALICO_IPV4POOL_IPIP", "CALICO_IPV4POOL_VXLAN",
            "CALICO_IPV6POOL_VXLAN", "CALICO_IPV4POOL_CIDR", "CALICO_IPV4POOL_BLOCK_SIZE", "CALICO_IPV6POOL_CIDR", "FELIX_IPV6SUPPORT")
IN_MANIFEST_MODE = ("  loadBalancer:", "  calico:\n    mode: manifest\n    manifest: upstream.yaml\n  loadBalancer:")
DUAL_STACK = ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/16,fd00:10::/56")


@pytest.mark.parametrize(
    ("text", "env", "veth_mtu"),
    [
        pytest.param(edited(BASE_CLUSTER, IN_MANIFEST_MODE), [
            ("IP_AUTODETECTION_METHOD", "cidr=192.168.51.0/24"), ("CALICO_IPV4POOL_IPIP", "Always"), ("CALICO_IPV4POOL_VXLAN", "Never"),
            ("CALICO_IPV6POOL_VXLAN", "Never"), ("CALICO_IPV4POOL_CIDR", "172.16.0.0/16"), ("FELIX_IPV6SUPPORT", "false"),
        ], '"0"', id="defaults"),
        pytest.param(edited(BASE_CLUSTER, IN_MANIFEST_MODE, DUAL_STACK,
                            ("upstream.yaml\n", "upstream.yaml\n    encapsulation: VXLAN\n    blockSize: 24\n    mtu: 1400\n")), [
            ("IP_AUTODETECTION_METHOD", "cidr=192.168.51.0/24"), ("IP6", "autodetect"), ("CALICO_IPV4POOL_IPIP", "Never"),
            ("CALICO_IPV4POOL_VXLAN", "Always"), ("CALICO_IPV6POOL_VXLAN", "Always"), ("CALICO_IPV4POOL_CIDR", "172.16.0.0/16"),
            ("CALICO_IPV4POOL_BLOCK_SIZE", "24"), ("CALICO_IPV6POOL_CIDR", "fd00:10::/56"), ("FELIX_IPV6SUPPORT", "true"),
        ], '"1400"', id="dual-stack-vxlan-block-size-mtu-ipv4-nodes"),
        pytest.param(edited(BASE_CLUSTER, IN_MANIFEST_MODE, DUAL_STACK, ("upstream.yaml\n", "upstream.yaml\n    ipAutodetection: can-reach=fd00:51::1\n")), [
            ("IP_AUTODETECTION_METHOD", "can-reach=fd00:51::1"), ("IP6", "autodetect"), ("IP6_AUTODETECTION_METHOD", "can-reach=fd00:51::1"),
            ("CALICO_IPV4POOL_IPIP", "Always"), ("CALICO_IPV4POOL_VXLAN", "Never"), ("CALICO_IPV6POOL_VXLAN", "Never"),
            ("CALICO_IPV4POOL_CIDR", "172.16.0.0/16"), ("CALICO_IPV6POOL_CIDR", "fd00:10::/56"), ("FELIX_IPV6SUPPORT", "true"),
        ], '"0"', id="dual-stack-ipv6-can-reach"),
        pytest.param(edited(BASE_CLUSTER, IN_MANIFEST_MODE, DUAL_STACK,
                            ("upstream.yaml\n", "upstream.yaml\n    ipAutodetection: cidr=192.168.51.0/24,fd00:51::/64\n")), [
            ("IP_AUTODETECTION_METHOD", "cidr=192.168.51.0/24"), ("IP6", "autodetect"), ("IP6_AUTODETECTION_METHOD", "cidr=fd00:51::/64"),
            ("CALICO_IPV4POOL_IPIP", "Always"), ("CALICO_IPV4POOL_VXLAN", "Never"), ("CALICO_IPV6POOL_VXLAN", "Never"),
            ("CALICO_IPV4POOL_CIDR", "172.16.0.0/16"), ("CALICO_IPV6POOL_CIDR", "fd00:10::/56"), ("FELIX_IPV6SUPPORT", "true"),
        ], '"0"', id="dual-stack-cidr-of-both-families"),
    ],
)  # fmt: skip
def test_the_manifest_gets_every_pool_setting(tmp_path: Path, text: str, env: list[tuple[str, str]], veth_mtu: str) -> None:
    from test_calico_patch import env_values, small_manifest

    (tmp_path / "upstream.yaml").write_text(small_manifest())
    out = calico_manifest(cluster_of(tmp_path, text)).data.decode()
    assert [(name, value) for name, value in env_values(out) if name in POOL_ENV] == env
    assert [line.strip() for line in out.splitlines() if line.strip().startswith("veth_mtu:")] == [f"veth_mtu: {veth_mtu}"]


@pytest.mark.parametrize(
    ("calico", "hint"),
    [
        pytest.param("", " (spec.calico.encapsulation is not set, and kconf's default is IPIP)", id="default-names-the-field"),
        pytest.param("    encapsulation: IPIP\n", "", id="written-ipip"),
    ],
)
def test_ipip_on_a_vxlan_manifest_says_where_ipip_comes_from(tmp_path: Path, calico: str, hint: str) -> None:
    shutil.copy(require_corpus() / "v3.32.1" / "calico-vxlan.yaml", tmp_path / "upstream.yaml")
    with pytest.raises(KconfError) as caught:
        calico_manifest(cluster_of(tmp_path, edited(BASE_CLUSTER, IN_MANIFEST_MODE, ("upstream.yaml\n", "upstream.yaml\n" + calico))))
    assert (caught.value.path, caught.value.line) == (str(tmp_path / "upstream.yaml"), 50)
    assert caught.value.message == (
        "encapsulation IPIP needs BIRD, Calico's BGP daemon, to spread IPIP routes between the nodes, but this "
        'manifest runs calico-node without it (calico_backend: "vxlan" in the calico-config ConfigMap, as the upstream '
        "calico-vxlan.yaml has): take the upstream calico.yaml (or calico-typha.yaml) of this Calico release for IPIP, "
        "IPIPCrossSubnet or None, or keep this manifest with encapsulation VXLAN or VXLANCrossSubnet" + hint
    )

def cidr(*args: str) -> AutodetectMethod:
    return AutodetectMethod("cidr", args)


V6_NODES = SimpleNamespace(node_networks=lambda: (ipaddress.ip_network("192.168.51.0/24"), ipaddress.ip_network("fd00:51::/64")))
V4_NODES = SimpleNamespace(node_networks=lambda: (ipaddress.ip_network("192.168.51.0/24"),))


@pytest.mark.parametrize(
    ("method", "v4", "v6_nodes", "v6_ipv4_nodes"),
    [
        pytest.param(cidr("192.168.51.0/24", "fd00:51::/64"), "cidr=192.168.51.0/24", "cidr=fd00:51::/64", "cidr=fd00:51::/64", id="both-families"),
        pytest.param(cidr("192.168.51.0/24"), "cidr=192.168.51.0/24", "cidr=fd00:51::/64", None, id="ipv4-cidr-only"),
        pytest.param(cidr("fd00:99::/64"), "cidr=fd00:99::/64", "cidr=fd00:99::/64", "cidr=fd00:99::/64", id="ipv6-cidr-only"),
        pytest.param(AutodetectMethod("can-reach", ("fd00::1",)), "can-reach=fd00::1", "can-reach=fd00::1", "can-reach=fd00::1", id="can-reach-ipv6"),
        pytest.param(AutodetectMethod("can-reach", ("10.0.0.1",)), "can-reach=10.0.0.1", "cidr=fd00:51::/64", None, id="can-reach-ipv4"),
        pytest.param(AutodetectMethod("can-reach", ("lab-lb",)), "can-reach=lab-lb", "can-reach=lab-lb", "can-reach=lab-lb", id="can-reach-name"),
        pytest.param(AutodetectMethod("interface", ("eth0",)), "interface=eth0", "interface=eth0", "interface=eth0", id="interface"),
    ],
)  # fmt: skip
def test_each_family_gets_its_autodetection(method: AutodetectMethod, v4: str, v6_nodes: str, v6_ipv4_nodes: str | None) -> None:
    assert str(family_method(method, 4)) == v4
    found = [ipv6_autodetection(V6_NODES, method), ipv6_autodetection(V4_NODES, method)]  # type: ignore[arg-type]
    assert [None if m is None else str(m) for m in found] == [v6_nodes, v6_ipv4_nodes]


# --- kubeadm.py ------------------------------------------------------------------------------

WORKER_1_JOIN = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: k8s-vip:6443
    token: "${KCONF_TOKEN}"
    caCertHashes:
      - "${KCONF_CA_CERT_HASH}"
nodeRegistration:
  name: worker-1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: 192.168.51.91
"""


def test_each_join_configuration_is_dumped_once_per_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # kills join_config_text 1, 2 (no cache yet: _joins[0] of None), 3, 4 (the cache reset on every
    # call, or kept for another cluster), 8, 9, 12, 13 (the node's text dumped again)
    import kconf.kubeadm
    import kconf.outputs.kubeadm

    monkeypatch.setattr(kconf.outputs.kubeadm, "_joins", None)  # as in a fresh process
    real = kconf.kubeadm.join_configuration
    asked: list[tuple[str | None, str]] = []

    def counted(cluster: Cluster, node: Node) -> dict[str, Any]:
        asked.append((cluster.control_plane_endpoint, node.name))
        return real(cluster, node)

    monkeypatch.setattr(kconf.kubeadm, "join_configuration", counted)
    cluster = cluster_of(tmp_path, BASE_CLUSTER)
    # render does this (a new path): another Cluster holding the very same Node objects
    other = cluster._replace(control_plane_endpoint="lab-lb:6443")
    node = {n.name: n for n in cluster.nodes}
    texts = [join_config_text(c, node[name]) for c, name in
             [(cluster, "worker-1"), (cluster, "cp-2"), (cluster, "worker-1"), (other, "worker-1"), (other, "worker-1")]]
    assert asked == [("k8s-vip:6443", "worker-1"), ("k8s-vip:6443", "cp-2"), ("lab-lb:6443", "worker-1")]
    assert texts[0] == texts[2] == WORKER_1_JOIN
    assert [line for text in texts for line in text.splitlines() if line.startswith(("    apiServerEndpoint:", "  name:"))] == [
        "    apiServerEndpoint: k8s-vip:6443", "  name: worker-1",
        "    apiServerEndpoint: k8s-vip:6443", "  name: cp-2",
        "    apiServerEndpoint: k8s-vip:6443", "  name: worker-1",
        "    apiServerEndpoint: lab-lb:6443", "  name: worker-1",
        "    apiServerEndpoint: lab-lb:6443", "  name: worker-1",
    ]


# --- plan.py ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edits", "text", "name"),
    [
        pytest.param((), "k8s-vip:6443", "k8s-vip", id="a-name"),
        # endpoint_name 3, 4: an address is no name
        pytest.param((("k8s-vip:6443", "192.168.51.80:6443"),), "192.168.51.80:6443", None, id="an-ipv4-address"),
        # an IPv6 address in brackets (PLAN.md's endpoint is kubeadm.api_server_endpoint)
        pytest.param((("k8s-vip:6443", '"[fd00:51::80]:6443"'),), "[fd00:51::80]:6443", None, id="an-ipv6-address"),
        # no endpoint: the first control plane's address and bindPort
        pytest.param((("  controlPlaneEndpoint: k8s-vip:6443\n", ""),
                      ("      address: 192.168.51.81/24\n", "      address: 192.168.51.81/24\n      bindPort: 7443\n")),
                     "192.168.51.81:7443", None, id="no-endpoint"),
    ],
)
def test_the_endpoint_plan_md_names(tmp_path: Path, edits: tuple[tuple[str, str], ...], text: str, name: str | None) -> None:
    cluster = cluster_of(tmp_path, edited(BASE_CLUSTER, *edits))
    assert (api_server_endpoint(cluster), endpoint_name(cluster)) == (text, name)


@pytest.mark.parametrize(
    ("version", "apart"),
    [
        pytest.param(None, False, id="no-version"),  # operator_crds_apart 2
        pytest.param("v3.29.9", False, id="before-3.30"),
        # operator_crds_apart 3-7, 9-11 (the version not read), 12 (3.30 itself)
        pytest.param("v3.30.0", True, id="from-3.30"),
        pytest.param("v3.31.12", True, id="after-3.30"),
    ],
)
def test_operator_crds_apart(version: str | None, apart: bool) -> None:
    assert operator_crds_apart(version) is apart




def test_plan_in_manifest_mode_applies_calico_yaml(tmp_path: Path) -> None:
    shutil.copy(require_corpus() / "v3.28.5" / "calico.yaml", tmp_path / "upstream.yaml")
    plan = rendered(tmp_path, MANIFEST_MODE)["PLAN.md"]
    assert "## 4. vip-cp-1: the pod network (Calico)\n\n```sh\nkubectl apply -f calico.yaml\n```\n" in plan
    assert "tigera-operator" not in plan


def test_plan_names_a_load_balancer_without_hostname_by_its_address(tmp_path: Path) -> None:
    plan = rendered(tmp_path, edited(BASE_CLUSTER, ("    hostname: lab-lb\n", "")))["PLAN.md"]
    assert "## 2. The load balancer 192.168.51.80: HAProxy\n" in plan


def test_plan_header_is_a_valid_html_comment(tmp_path: Path) -> None:
    first = rendered(tmp_path, BASE_CLUSTER, name="lab--v2.yaml")["PLAN.md"].splitlines()[0]
    assert first == ("<!-- Generated by kconf from lab- -v2.yaml (cluster lab). "
                     "Do not edit: change the description and run `kconf render`. -->")


def test_file_modes(tmp_path: Path) -> None:
    files = render_files(cluster_of(tmp_path, KEEPALIVED))
    assert {name: f.mode for name, f in files.items() if f.mode != FILE_MODE} == {
        name: 0o755 for name in ("check_apiserver.sh", "join-cka-cp-2.sh", "join-cka-cp-3.sh",
                                 "join-cka-worker-1.sh", "join-cka-worker-2.sh", "join-cka-worker-3.sh")
    }
    assert FILE_MODE == 0o644
