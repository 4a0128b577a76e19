"""The redundant-endpoint rules (kconf/lint/rules/vip.py): each with cases
that must trigger it, at the line written down, and cases that must not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN, require_corpus, run_cli
from lintkit import lint, render_into, where

KEEPALIVED = (GOLDEN / "ha-keepalived" / "cluster.yaml").read_text()
KUBE_VIP = (GOLDEN / "ha-kube-vip" / "cluster.yaml").read_text()
HAPROXY = (GOLDEN / "ha-haproxy" / "cluster.yaml").read_text()


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def description_findings(tmp_path: Path, text: str, rule: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return [(f.line, f.severity, f.message) for f in lint(path, select=rule)]


# --- vip-address ---------------------------------------------------------------------------

VIP_ADDRESS = [
    pytest.param(edited(KEEPALIVED, "address: 192.168.51.80", "address: 192.168.51.78"),
                 [(22, "the VIP 192.168.51.78 is LB host cka-hap-1's own address: choose a free one")], id="vip-is-an-lb-host"),
    pytest.param(edited(KUBE_VIP, "address: 192.168.51.80", "address: 192.168.51.82"),
                 [(23, "the VIP 192.168.51.82 is node vip-cp-2's own address: choose a free one")], id="vip-is-a-node"),
    pytest.param(edited(KEEPALIVED, "address: 192.168.51.80", "address: 192.168.52.80"),
                 [(22, "the VIP 192.168.52.80 is outside cka-hap-1's network 192.168.51.0/24: it can hold the VIP but no one "
                       "on its network reaches it by ARP; choose an address in that network"),
                  (22, "the VIP 192.168.52.80 is outside cka-hap-2's network 192.168.51.0/24: it can hold the VIP but no one "
                       "on its network reaches it by ARP; choose an address in that network")],
                 id="vip-outside-the-lb-hosts-network"),
    pytest.param(edited(KUBE_VIP, "    port: 6443\n", "    port: 8443\n").replace("k8s-vip:6443", "k8s-vip:8443"),
                 [(24, "kube-vip forwards nothing: clients reach kube-apiserver on its bindPort 6443, not on "
                       "loadBalancer.port 8443; make them equal")], id="kube-vip-port-not-bind-port"),
]
VIP_ADDRESS_CLEAN = [
    pytest.param(KEEPALIVED, id="golden-keepalived"),
    pytest.param(KUBE_VIP, id="golden-kube-vip"),
    pytest.param(HAPROXY, id="haproxy-mode-address-is-the-host"),
]


@pytest.mark.parametrize(("text", "expected"), VIP_ADDRESS)
def test_vip_address_triggers(tmp_path: Path, text: str, expected: list[tuple[int, str]]) -> None:
    assert description_findings(tmp_path, text, "vip-address") == [(line, "error", m) for line, m in expected]


@pytest.mark.parametrize("text", VIP_ADDRESS_CLEAN)
def test_vip_address_must_not_trigger(tmp_path: Path, text: str) -> None:
    assert description_findings(tmp_path, text, "vip-address") == []


# --- keepalived-peers ----------------------------------------------------------------------

PEER_EDITS = [
    pytest.param("virtual_router_id 51", "virtual_router_id 52",
                 [(25, "virtual_router_id 52 here, 51 in {first}: the peers form two VRRP groups")], id="router-id"),
    pytest.param("192.168.51.80/24 dev", "192.168.51.90/24 dev",
                 [(34, "virtual_ipaddress 192.168.51.90 here, 192.168.51.80 in {first}: every peer must hold the same VIP")], id="vip"),
    pytest.param("state BACKUP", "state MASTER",
                 [(23, "a second MASTER (the first is in {first}): make this one BACKUP with a lower priority")], id="two-masters"),
    pytest.param("priority 140", "priority 150",
                 [(26, "priority 150 is also the priority in {first}: give every peer its own")], id="equal-priorities"),
]


@pytest.fixture()
def peers(tmp_path: Path) -> tuple[Path, Path]:
    out = render_into(tmp_path, KEEPALIVED)
    first, second = tmp_path / "hap-1.conf", tmp_path / "hap-2.conf"  # outside the output folder: no drift
    shutil.copy(out / "keepalived-cka-hap-1.conf", first)
    shutil.copy(out / "keepalived-cka-hap-2.conf", second)
    return first, second


@pytest.mark.parametrize(("old", "new", "expected"), PEER_EDITS)
def test_keepalived_peers_triggers(peers: tuple[Path, Path], old: str, new: str, expected: list[tuple[int, str]]) -> None:
    first, second = peers
    second.write_text(edited(second.read_text(), old, new))
    found = [(f.path, f.line, f.message) for f in lint(first, second, select="keepalived-peers")]
    assert found == [(str(second), line, m.format(first=first)) for line, m in expected]


def test_keepalived_peers_as_rendered_and_alone_are_clean(peers: tuple[Path, Path]) -> None:
    first, second = peers
    assert lint(first, second, select="keepalived-peers") == []
    second.write_text(edited(second.read_text(), "priority 140", "priority 150"))
    assert lint(second, select="keepalived-peers") == []  # one file has no peer to disagree with


def test_keepalived_peers_in_an_output_folder(tmp_path: Path) -> None:
    out = render_into(tmp_path, KEEPALIVED)
    target = out / "keepalived-cka-hap-2.conf"
    target.write_text(edited(target.read_text(), "state BACKUP", "state MASTER"))
    assert where(lint(out, select="keepalived-peers"), tmp_path) == [("cka/keepalived-cka-hap-2.conf", 23, "keepalived-peers")]


# keepalived reads a brace anywhere as a word of its own (v2.2.7 takes both layouts and sets the VIP):
# blocks on one line, and a "{" at the start of the line after its keyword.
ONE_LINE_BLOCKS = [
    ("    unicast_peer {\n        192.168.51.78\n    }\n", "    unicast_peer { 192.168.51.78 }\n"),
    ("    virtual_ipaddress {\n        192.168.51.80/24 dev enp0s8\n    }\n", "    virtual_ipaddress { 192.168.51.80/24 dev enp0s8 }\n"),
]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(ONE_LINE_BLOCKS, [], id="one-line-blocks-are-the-same-peer"),
        pytest.param([("vrrp_instance VI_51 {\n    state BACKUP\n", "vrrp_instance VI_51 { state MASTER\n")],
                     [(22, "a second MASTER (the first is in {first}): make this one BACKUP with a lower priority")],
                     id="a-setting-after-the-brace"),
        pytest.param([("vrrp_instance VI_51 {\n    state BACKUP\n", "vrrp_instance VI_51\n{\n    state MASTER\n")],
                     [(24, "a second MASTER (the first is in {first}): make this one BACKUP with a lower priority")],
                     id="brace-on-the-next-line"),
        pytest.param([("    virtual_ipaddress {\n        192.168.51.80/24 dev enp0s8\n    }\n",
                       "    virtual_ipaddress { 192.168.51.90/24 dev enp0s8 }\n")],
                     [(33, "virtual_ipaddress 192.168.51.90 here, 192.168.51.80 in {first}: every peer must hold the same VIP")],
                     id="one-line-block-with-another-vip"),
    ],
)
def test_keepalived_peers_read_either_brace_layout(peers: tuple[Path, Path], edits: list[tuple[str, str]],
                                                   expected: list[tuple[int, str]]) -> None:
    first, second = peers
    text = second.read_text()
    for old, new in edits:
        text = edited(text, old, new)
    second.write_text(text)
    found = [(f.path, f.line, f.message) for f in lint(first, second, select="keepalived-peers")]
    assert found == [(str(second), line, m.format(first=first)) for line, m in expected]


# --- kube-vip-super-admin ------------------------------------------------------------------

SUPER = "path: /etc/kubernetes/super-admin.conf"
ADMIN = "path: /etc/kubernetes/admin.conf"


@pytest.mark.parametrize(
    ("version", "pod", "old", "new", "expected"),
    [
        pytest.param("v1.31.2", "vip-cp-1", SUPER, ADMIN, "vip-cp-1 runs kubeadm init on Kubernetes v1.31.2: kube-vip needs "
                     "/etc/kubernetes/super-admin.conf there (admin.conf has no rights until init is done), not "
                     "/etc/kubernetes/admin.conf", id="first-without-super-admin"),
        pytest.param("v1.31.2", "vip-cp-2", ADMIN, SUPER, "/etc/kubernetes/super-admin.conf does not exist on vip-cp-2 "
                     "(it joins after init): mount /etc/kubernetes/admin.conf", id="joining-with-super-admin"),
        pytest.param("v1.28.9", "vip-cp-1", ADMIN, SUPER, "/etc/kubernetes/super-admin.conf does not exist on vip-cp-1 "
                     "(Kubernetes v1.28.9 has none): mount /etc/kubernetes/admin.conf", id="before-1.29-with-super-admin"),
    ],
)
def test_kube_vip_super_admin_triggers(tmp_path: Path, version: str, pod: str, old: str, new: str, expected: str) -> None:
    out = render_into(tmp_path, KUBE_VIP.replace("v1.31.2", version))
    target = out / f"kube-vip-{pod}.yaml"
    target.write_text(edited(target.read_text(), old, new))
    found = lint(out, select="kube-vip-super-admin")
    assert [(f.path, f.line, f.message) for f in found] == [(str(target), 64, expected)]


# each with a Calico release tested against it (else calico-kubernetes-support warns)
@pytest.mark.parametrize(("version", "calico"), [("v1.28.9", "v3.28.5"), ("v1.29.0", "v3.28.5"), ("v1.31.2", "v3.30.7")])
def test_kube_vip_super_admin_is_clean_as_rendered(tmp_path: Path, version: str, calico: str) -> None:
    out = render_into(tmp_path, edited(KUBE_VIP, "version: v3.30.7", f"version: {calico}").replace("v1.31.2", version))
    assert lint(out, tmp_path / "cluster.yaml") == []


# --- kube-vip-strict-arp -------------------------------------------------------------------

PROXY = "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n"


@pytest.mark.parametrize(
    ("description", "proxy", "expected"),
    [
        pytest.param(KUBE_VIP, PROXY, [43], id="ipvs-no-strict-arp"),
        pytest.param(KUBE_VIP, PROXY + "ipvs:\n  strictARP: false\n", [45], id="ipvs-strict-arp-false"),
        pytest.param(KUBE_VIP, PROXY + "ipvs:\n  strictARP: true\n", [], id="ipvs-strict-arp"),
        pytest.param(KUBE_VIP, PROXY.replace("mode: ipvs", "mode: iptables"), [], id="iptables"),
        pytest.param(HAPROXY, PROXY, [], id="no-kube-vip"),
    ],
)
def test_kube_vip_strict_arp(tmp_path: Path, description: str, proxy: str, expected: list[int]) -> None:
    out = render_into(tmp_path, description)
    init = out / "kubeadm-init.yaml"
    base_lines = len(init.read_text().splitlines())
    init.write_text(init.read_text() + proxy)
    found = lint(out, select="kube-vip-strict-arp")
    assert [(f.path, f.line - base_lines) for f in found] == [(str(init), line - 39) for line in expected]


# --- calico-autodetect-vip -----------------------------------------------------------------

AUTODETECT = [
    pytest.param("first-found", "error", "first-found takes the first address of the first interface, which may be the VIP",
                 id="first-found"),
    pytest.param("cidr=192.168.51.0/24", "error", "192.168.51.0/24 contains the VIP", id="cidr-with-the-vip"),
    pytest.param("can-reach=192.168.51.80", "error", "can-reach to the VIP takes the interface that holds it", id="can-reach-vip"),
    pytest.param("interface=enp0s.*", "warning",
                 "interface enp0s.* matches enp0s8, which carries the VIP as well as the node address", id="interface-of-the-vip"),
]


@pytest.mark.parametrize(("method", "severity", "why"), AUTODETECT)
def test_calico_autodetect_vip_triggers(tmp_path: Path, method: str, severity: str, why: str) -> None:
    text = edited(KUBE_VIP, "    encapsulation: VXLAN\n", f"    encapsulation: VXLAN\n    ipAutodetection: {method}\n")
    assert description_findings(tmp_path, text, "calico-autodetect-vip") == [
        (19, severity, f"spec.calico.ipAutodetection: {why}; Calico can register the VIP 192.168.51.80 as the address "
                       "of the node that holds it: use kubernetes-internal-ip")
    ]


@pytest.mark.parametrize(
    ("text", "method"),
    [
        pytest.param(KUBE_VIP, None, id="kconf-default"),
        pytest.param(KUBE_VIP, "kubernetes-internal-ip", id="kubernetes-internal-ip"),
        pytest.param(KUBE_VIP, "can-reach=192.168.51.81", id="can-reach-a-node"),
        pytest.param(KUBE_VIP, "interface=eth1", id="another-interface"),
        pytest.param(KEEPALIVED, "first-found", id="keepalived-on-own-hosts-vip-not-on-nodes"),
    ],
)
def test_calico_autodetect_vip_must_not_trigger(tmp_path: Path, text: str, method: str | None) -> None:
    if method is not None:
        text = edited(text, "    mode: operator\n", f"    mode: operator\n    ipAutodetection: {method}\n")
    assert description_findings(tmp_path, text, "calico-autodetect-vip") == []


def test_a_keepalived_lb_on_the_control_planes_gets_kubernetes_internal_ip(tmp_path: Path) -> None:
    text = KEEPALIVED.replace("cka-hap-1, address: 192.168.51.78/24", "cka-cp-1, address: 192.168.51.81/24")
    text = text.replace("cka-hap-2, address: 192.168.51.79/24", "cka-cp-2, address: 192.168.51.82/24")
    text = text.replace("    port: 6443\n", "    port: 8443\n").replace("k8s-vip:6443", "k8s-vip:8443")
    out = render_into(tmp_path, text)
    assert "    nodeAddressAutodetectionV4:\n      kubernetes: NodeInternalIP\n" in (out / "calico-installation.yaml").read_text()
    assert lint(out, tmp_path / "cluster.yaml") == []


@pytest.mark.parametrize(
    ("version", "expected", "findings"),
    [
        # v3.20 is tested against 1.19-1.21 only, older than kconf's 1.22: calico-kubernetes-support warns too
        pytest.param("v3.20.1", "interface=^enp0s8$", [("warning", "calico-kubernetes-support"), ("warning", "calico-autodetect-vip")],
                     id="before-3.22-pinned-with-a-warning"),
        pytest.param("v3.28.5", "kubernetes-internal-ip", [], id="from-3.22"),
    ],
)
def test_manifest_mode_default_with_the_vip_on_nodes(tmp_path: Path, version: str, expected: str, findings: list[tuple[str, str]]) -> None:
    shutil.copy(require_corpus() / version / "calico.yaml", tmp_path / "upstream.yaml")
    text = edited(KUBE_VIP, "    mode: operator\n", "    mode: manifest\n    manifest: upstream.yaml\n")
    if version == "v3.20.1":  # its policy/v1beta1 PodDisruptionBudget is gone from Kubernetes 1.25 (kubernetes-api-removed)
        text = text.replace("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.24.9")
    else:  # v3.28 is tested against 1.27-1.30
        text = text.replace("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.30.6")
    (tmp_path / "cluster.yaml").write_text(text)
    result = run_cli("render", str(tmp_path / "cluster.yaml"))
    assert result.exit_code == 0, result.output
    manifest = (tmp_path / "vip" / "calico.yaml").read_text()
    assert f'value: "{expected}"' in manifest or f"value: {expected}\n" in manifest
    found = [(f.severity, f.rule) for f in lint(tmp_path / "vip", tmp_path / "cluster.yaml")]
    assert found == findings


def test_keepalived_lb_hosts_on_control_planes_need_another_port(tmp_path: Path) -> None:
    text = KEEPALIVED.replace("cka-hap-1, address: 192.168.51.78/24", "cka-cp-1, address: 192.168.51.81/24")
    text = text.replace("cka-hap-2, address: 192.168.51.79/24", "cka-cp-2, address: 192.168.51.82/24")
    assert description_findings(tmp_path, text, "lb-port-collision") == [
        (23, "error", "the load balancer 192.168.51.81 runs on control-plane node cka-cp-1, whose kube-apiserver already "
                      "listens on port 6443: use another loadBalancer.port (e.g. 8443) or bindPort")
    ]
    assert description_findings(tmp_path, text.replace("    port: 6443\n", "    port: 8443\n").replace("k8s-vip:6443", "k8s-vip:8443"),
                                "lb-port-collision") == []


def test_kube_vip_on_the_control_planes_is_no_port_collision(tmp_path: Path) -> None:
    assert description_findings(tmp_path, KUBE_VIP, "lb-port-collision") == []


def test_cert_sans_hold_the_vip_the_endpoint_and_every_alias_of_a_load_balancer(tmp_path: Path) -> None:
    import yaml

    text = edited(KEEPALIVED, "  nodes:\n", "  hosts:\n    api.lab.example: 192.168.51.80\n    hap-1.lab.example: 192.168.51.78\n"
                  "    other.lab.example: 192.168.51.99\n  nodes:\n")
    out = render_into(tmp_path, text)
    _init, config = yaml.safe_load_all((out / "kubeadm-init.yaml").read_text())
    assert config["controlPlaneEndpoint"] == "k8s-vip:6443"
    assert config["apiServer"]["certSANs"] == [
        "k8s-vip", "192.168.51.80", "cka-hap-1", "192.168.51.78", "cka-hap-2", "192.168.51.79",
        "api.lab.example", "hap-1.lab.example",
    ]
    hosts = (out / "hosts").read_text().splitlines()[5:]  # after the header and the 127.0.1.1 comment
    assert hosts[:4] == ["192.168.51.80\tk8s-vip api.lab.example", "192.168.51.78\thap-1.lab.example cka-hap-1",
                         "192.168.51.99\tother.lab.example", "192.168.51.79\tcka-hap-2"]


def test_haproxy_backends_checks_the_keepalived_haproxy_cfg(tmp_path: Path) -> None:
    out = render_into(tmp_path, KEEPALIVED)
    cfg = out / "haproxy.cfg"
    cfg.write_text(edited(cfg.read_text(), "    server cka-cp-3 192.168.51.83:6443 check check-ssl verify none\n", ""))
    found = lint(out, select="haproxy-backends")
    assert [(Path(f.path).name, f.rule) for f in found] == [("haproxy.cfg", "haproxy-backends")]
    assert "cka-cp-3" in found[0].message
