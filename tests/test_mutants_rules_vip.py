"""vip-address, keepalived-peers, kube-vip-super-admin, kube-vip-strict-arp,
calico-autodetect-vip: the exact findings.

Written for the mutants of kconf/lint/rules/vip.py that survived the rest of
the suite (see tools/mutation/run): every row gives (file, line, column,
rule, severity, message) of each finding.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lintkit import BASE_CLUSTER, lint, render_into

# golden/ha-keepalived and golden/ha-kube-vip without their comments, written
# down here so that the lines below stay those of these texts
KEEPALIVED = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: cka
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///var/run/cri-dockerd.sock
  networking:
    podSubnet: 172.16.0.0/16
  calico:
    mode: operator
    encapsulation: IPIP
  loadBalancer:
    mode: keepalived
    hostname: k8s-vip
    address: 192.168.51.80
    port: 6443
    virtualRouterID: 51
    hosts:
      - {name: cka-hap-1, address: 192.168.51.78/24, interface: enp0s8}
      - {name: cka-hap-2, address: 192.168.51.79/24, interface: enp0s8}
  nodes:
    - {name: cka-cp-1, role: control-plane, address: 192.168.51.81/24}
    - {name: cka-cp-2, role: control-plane, address: 192.168.51.82/24}
    - {name: cka-cp-3, role: control-plane, address: 192.168.51.83/24}
    - {name: cka-worker-1, role: worker, address: 192.168.51.84/24}
"""
KUBE_VIP = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: vip
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///run/containerd/containerd.sock
  networking:
    podSubnet: 172.16.0.0/16
  calico:
    mode: operator
    encapsulation: VXLAN
  loadBalancer:
    mode: kube-vip
    hostname: k8s-vip
    address: 192.168.51.80
    port: 6443
    interface: enp0s8
  nodes:
    - {name: vip-cp-1, role: control-plane, address: 192.168.51.81/24}
    - {name: vip-cp-2, role: control-plane, address: 192.168.51.82/24}
    - {name: vip-cp-3, role: control-plane, address: 192.168.51.83/24}
    - {name: vip-worker-1, role: worker, address: 192.168.51.84/24}
"""

Row = tuple[str, int, int, str, str, str]


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def findings(root: Path, *paths: Path | str, rule: str) -> list[Row]:
    return [(os.path.relpath(f.path, root), f.line, f.column, f.rule, f.severity, f.message) for f in lint(*paths, select=rule)]


def described(tmp_path: Path, text: str, rule: str) -> list[Row]:
    (tmp_path / "cluster.yaml").write_text(text)
    return findings(tmp_path, tmp_path / "cluster.yaml", rule=rule)


# --- vip-address ---------------------------------------------------------------------------

OUTSIDE = "it can hold the VIP but no one on its network reaches it by ARP; choose an address in that network"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(edited(KEEPALIVED, ("address: 192.168.51.80", "address: 192.168.51.79")), [
            ("cluster.yaml", 17, 14, "vip-address", "error", "the VIP 192.168.51.79 is LB host cka-hap-2's own address: choose a free one"),
        ], id="an-lb-hosts-address"),
        pytest.param(edited(KEEPALIVED, ("address: 192.168.51.80", "address: 192.168.52.80")), [
            ("cluster.yaml", 17, 14, "vip-address", "error", f"the VIP 192.168.52.80 is outside cka-hap-1's network 192.168.51.0/24: {OUTSIDE}"),
            ("cluster.yaml", 17, 14, "vip-address", "error", f"the VIP 192.168.52.80 is outside cka-hap-2's network 192.168.51.0/24: {OUTSIDE}"),
        ], id="outside-the-lb-hosts-network"),
        pytest.param(edited(KUBE_VIP, ("address: 192.168.51.80", "address: 192.168.51.90"),
                            ("{name: vip-cp-2, role: control-plane, address: 192.168.51.82/24}",
                             "{name: vip-cp-2, role: control-plane, address: 192.168.51.82/24,\n"
                             "       interfaces: [{name: enp0s8, address: 192.168.51.82/24}, {name: enp0s9, address: 192.168.51.90/24}]}")), [
            ("cluster.yaml", 17, 14, "vip-address", "error", "the VIP 192.168.51.90 is node vip-cp-2 (enp0s9)'s own address: choose a free one"),
        ], id="another-interface-of-a-node"),
        pytest.param(edited(KUBE_VIP, ("    port: 6443\n", "    port: 7443\n"), ("k8s-vip:6443", "k8s-vip:7443")), [
            ("cluster.yaml", 18, 11, "vip-address", "error", "kube-vip forwards nothing: clients reach kube-apiserver on its bindPort 6443, "
                                                            "not on loadBalancer.port 7443; make them equal"),
        ], id="kube-vip-port"),
        # mode haproxy: the address is the HAProxy host's, anywhere
        pytest.param(edited(BASE_CLUSTER, ("address: 192.168.51.80", "address: 10.9.9.9"), ("k8s-vip: 192.168.51.80", "k8s-vip: 10.9.9.9")), [],
                     id="haproxy-host-outside-the-nodes-network"),
        pytest.param("apiVersion: kconf/v1alpha1\nkind: Cluster\nmetadata:\n  name: one\nspec:\n  kubernetesVersion: v1.31.2\n"
                     "  networking:\n    podSubnet: 172.16.0.0/16\n  nodes:\n    - {name: cp-1, role: control-plane, address: 192.168.51.81/24}\n",
                     [], id="no-load-balancer"),
    ],
)
def test_vip_address(tmp_path: Path, text: str, expected: list[Row]) -> None:
    assert described(tmp_path, text, "vip-address") == expected


# --- keepalived-peers ----------------------------------------------------------------------


def peer(state: str = "BACKUP", priority: str = "140", router_id: str | None = "51", vips: tuple[str, ...] | None = ("192.168.51.80/24 dev enp0s8",)) -> str:
    lines = ["vrrp_instance VI_51 {", f"    state {state}", "    interface enp0s8"]
    if router_id is not None:
        lines.append(f"    virtual_router_id {router_id}")
    lines.append(f"    priority {priority}")
    if vips is not None:
        lines += ["    virtual_ipaddress {", *(f"        {v}" for v in vips), "    }"]
    return "\n".join(lines) + "\n}\n"


MASTER = peer("MASTER", "150")
GROUPS = "the peers form two VRRP groups"
SAME_VIP = "every peer must hold the same VIP"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(MASTER, peer(), [], id="as-rendered"),
        pytest.param(MASTER, peer(router_id=None), [
            ("b.conf", 1, 1, "keepalived-peers", "error", f"virtual_router_id (none) here, 51 in a.conf: {GROUPS}"),
        ], id="second-without-router-id"),
        pytest.param(peer("MASTER", "150", router_id=None), peer(), [
            ("b.conf", 4, 23, "keepalived-peers", "error", f"virtual_router_id 51 here, (none) in a.conf: {GROUPS}"),
        ], id="first-without-router-id"),
        pytest.param(MASTER, peer(router_id="52"), [
            ("b.conf", 4, 23, "keepalived-peers", "error", f"virtual_router_id 52 here, 51 in a.conf: {GROUPS}"),
        ], id="another-router-id"),
        pytest.param(MASTER, peer(vips=None), [
            ("b.conf", 1, 1, "keepalived-peers", "error", f"virtual_ipaddress (none) here, 192.168.51.80 in a.conf: {SAME_VIP}"),
        ], id="second-without-vip"),
        pytest.param(peer("MASTER", "150", vips=()), peer(), [
            ("b.conf", 7, 9, "keepalived-peers", "error", f"virtual_ipaddress 192.168.51.80 here, (none) in a.conf: {SAME_VIP}"),
        ], id="first-with-an-empty-vip-block"),
        pytest.param(MASTER, peer(vips=("192.168.51.80/24", "192.168.51.90/24")), [
            ("b.conf", 7, 9, "keepalived-peers", "error", f"virtual_ipaddress 192.168.51.80, 192.168.51.90 here, 192.168.51.80 in a.conf: {SAME_VIP}"),
        ], id="second-with-two-vips"),
        pytest.param(peer("MASTER", "150", vips=("192.168.51.90", "192.168.51.80")), peer(), [
            ("b.conf", 7, 9, "keepalived-peers", "error", f"virtual_ipaddress 192.168.51.80 here, 192.168.51.80, 192.168.51.90 in a.conf: {SAME_VIP}"),
        ], id="first-with-two-vips"),
        pytest.param(MASTER, peer(vips=("192.168.51.80",)), [], id="without-prefix-the-same-vip"),
        pytest.param(peer("MASTER", "150", vips=("2001:db8::50/64 dev enp0s8",)), peer(vips=("2001:DB8:0::50",)), [], id="ipv6-spelt-otherwise"),
        pytest.param(peer("MASTER", "150", vips=("vip-a",)), peer(vips=("vip-b",)), [
            ("b.conf", 7, 9, "keepalived-peers", "error", f"virtual_ipaddress vip-b here, vip-a in a.conf: {SAME_VIP}"),
        ], id="unreadable-vips-compared-as-written"),
        pytest.param(MASTER, peer("MASTER", "140"), [
            ("b.conf", 2, 11, "keepalived-peers", "error", "a second MASTER (the first is in a.conf): make this one BACKUP with a lower priority"),
        ], id="two-masters"),
        pytest.param(MASTER, peer(priority="150"), [
            ("b.conf", 5, 14, "keepalived-peers", "error", "priority 150 is also the priority in a.conf: give every peer its own"),
        ], id="equal-priorities"),
    ],
)
def test_keepalived_peers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, second: str, expected: list[Row]) -> None:
    (tmp_path / "a.conf").write_text(first)
    (tmp_path / "b.conf").write_text(second)
    monkeypatch.chdir(tmp_path)
    assert findings(tmp_path, "a.conf", "b.conf", rule="keepalived-peers") == expected


# --- kube-vip-super-admin ------------------------------------------------------------------

SUPER = "        path: /etc/kubernetes/super-admin.conf\n"
ADMIN = "        path: /etc/kubernetes/admin.conf\n"
NOT_ON_CP_2 = "/etc/kubernetes/super-admin.conf does not exist on vip-cp-2 (it joins after init): mount /etc/kubernetes/admin.conf"
VOLUMES = "  volumes:\n    - hostPath:\n"
# before the kubeconfig: a volume without hostPath, one that is no mapping, a hostPath without path, a .conf elsewhere
OTHER_VOLUMES = ("  volumes:\n    - name: tmp\n      emptyDir: {}\n    - just-a-word\n    - hostPath: {type: Directory}\n      name: run\n"
                 "    - hostPath:\n        path: /var/lib/kube-vip/kube-vip.conf\n      name: own\n    - hostPath:\n")


@pytest.mark.parametrize(
    ("pod", "edits", "expected"),
    [
        pytest.param("vip-cp-1", [(SUPER, ADMIN)], [
            ("vip/kube-vip-vip-cp-1.yaml", 64, 15, "kube-vip-super-admin", "error",
             "vip-cp-1 runs kubeadm init on Kubernetes v1.31.2: kube-vip needs /etc/kubernetes/super-admin.conf there "
             "(admin.conf has no rights until init is done), not /etc/kubernetes/admin.conf"),
        ], id="first-without-super-admin"),
        pytest.param("vip-cp-2", [(ADMIN, SUPER)], [
            ("vip/kube-vip-vip-cp-2.yaml", 64, 15, "kube-vip-super-admin", "error", NOT_ON_CP_2),
        ], id="joining-with-super-admin"),
        pytest.param("vip-cp-1", [("  volumes:\n    - hostPath:\n        path: /etc/kubernetes/super-admin.conf\n      name: kubeconfig\n", "")], [
            ("vip/kube-vip-vip-cp-1.yaml", 7, 1, "kube-vip-super-admin", "error",
             "vip-cp-1 runs kubeadm init on Kubernetes v1.31.2: kube-vip needs /etc/kubernetes/super-admin.conf there "
             "(admin.conf has no rights until init is done), not None"),
        ], id="no-volumes-points-at-spec"),
        pytest.param("vip-cp-1", [(VOLUMES, OTHER_VOLUMES)], [], id="other-volumes-before-the-kubeconfig"),
    ],
)
def test_kube_vip_super_admin(tmp_path: Path, pod: str, edits: list[tuple[str, str]], expected: list[Row]) -> None:
    out = render_into(tmp_path, KUBE_VIP)
    target = out / f"kube-vip-{pod}.yaml"
    target.write_text(edited(target.read_text(), *edits))
    assert findings(tmp_path, out, rule="kube-vip-super-admin") == expected


def test_kube_vip_super_admin_looks_only_at_pods_named_after_a_control_plane(tmp_path: Path) -> None:
    out = render_into(tmp_path, KUBE_VIP)
    # copies of the first control plane's Pod (super-admin.conf) under other names: no node's, checked by no one
    for name in ("kube-vip-old.yaml", "kube-vip-vip-worker-1.yaml", "static-pod.yaml"):
        shutil.copy(out / "kube-vip-vip-cp-1.yaml", out / name)
    target = out / "kube-vip-vip-cp-2.yaml"
    target.write_text(edited(target.read_text(), (ADMIN, SUPER)))
    assert findings(tmp_path, out, rule="kube-vip-super-admin") == [
        ("vip/kube-vip-vip-cp-2.yaml", 64, 15, "kube-vip-super-admin", "error", NOT_ON_CP_2),
    ]


# --- kube-vip-strict-arp -------------------------------------------------------------------

PROXY = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n"
STRICT_ARP = ("kube-proxy in ipvs mode without ipvs.strictARP: true answers ARP for addresses it does not hold, "
              "and kube-vip's ARP VIP breaks; set ipvs: {strictARP: true}")
KUBEADM = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n---\n"


def kube_vip_pod(env: str, containers_before: str = "") -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-vip\n  namespace: kube-system\nspec:\n  containers:\n"
            f"{containers_before}    - name: kube-vip\n      image: ghcr.io/kube-vip/kube-vip:v1.0.0\n      env:\n{env}")


ARP = '        - name: vip_arp\n          value: "true"\n'
NO_ARP = '        - name: cp_enable\n          value: "true"\n        - just-a-word\n        - name: vip_arp\n          value: "false"\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY, "kube-vip.yaml": kube_vip_pod(ARP)}, [
            ("lab/kube-proxy.yaml", 7, 7, "kube-vip-strict-arp", "error", STRICT_ARP),
        ], id="arp-pod-ipvs-points-at-mode"),
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY + "ipvs:\n  strictARP: false\n",
                      "kube-vip.yaml": kube_vip_pod(ARP, containers_before="    - just-a-word\n")}, [
            ("lab/kube-proxy.yaml", 9, 14, "kube-vip-strict-arp", "error", STRICT_ARP),
        ], id="strict-arp-false-points-at-it"),
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY + "ipvs:\n  scheduler: rr\n", "kube-vip.yaml": kube_vip_pod(ARP)}, [
            ("lab/kube-proxy.yaml", 7, 7, "kube-vip-strict-arp", "error", STRICT_ARP),
        ], id="ipvs-without-strict-arp-points-at-mode"),
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY + "ipvs:\n  strictARP: true\n---\n" + PROXY, "kube-vip.yaml": kube_vip_pod(ARP)}, [
            ("lab/kube-proxy.yaml", 13, 7, "kube-vip-strict-arp", "error", STRICT_ARP),
        ], id="every-kube-proxy-configuration"),
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY, "kube-vip.yaml": kube_vip_pod(NO_ARP)}, [], id="no-arp-mode-pod"),
        pytest.param({"kube-proxy.yaml": KUBEADM + PROXY}, [], id="no-kube-vip"),
    ],
)
def test_kube_vip_strict_arp_from_the_pods(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    out = render_into(tmp_path, BASE_CLUSTER)  # mode haproxy: kube-vip only where a Pod of the folder runs it
    for name, text in files.items():
        (out / name).write_text(text)
    assert findings(tmp_path, out, rule="kube-vip-strict-arp") == expected


def test_kube_vip_strict_arp_from_the_description_alone(tmp_path: Path) -> None:
    out = render_into(tmp_path, KUBE_VIP)
    for pod in out.glob("kube-vip-*.yaml"):
        pod.unlink()
    init = out / "kubeadm-init.yaml"
    lines = len(init.read_text().splitlines())
    init.write_text(init.read_text() + "---\n" + PROXY)
    assert findings(tmp_path, out, tmp_path / "cluster.yaml", rule="kube-vip-strict-arp") == [
        ("vip/kubeadm-init.yaml", lines + 4, 7, "kube-vip-strict-arp", "error", STRICT_ARP),
    ]


DESCRIBED_STRICT_ARP = ("spec.kubeProxy with loadBalancer.mode kube-vip: kube-proxy in ipvs mode without ipvs.strictARP: true "
                       "answers ARP for addresses it does not hold, and kube-vip's ARP VIP breaks; set ipvs: {strictARP: true} "
                       "under spec.kubeProxy")


def with_proxy(text: str, proxy: str) -> str:
    return edited(text, ("  loadBalancer:\n", "  kubeProxy:\n" + proxy + "  loadBalancer:\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # _described_strict_arp 2-9 (no load balancer or kubeProxy read), 12-25 (the guard), 32 (ipvs absent), 39-41,
        # 56-71 (the field, the rule, the location, the message)
        pytest.param(with_proxy(KUBE_VIP, "    mode: ipvs\n"), [
            ("cluster.yaml", 15, 11, "kube-vip-strict-arp", "error", DESCRIBED_STRICT_ARP),
        ], id="ipvs-points-at-mode"),
        # 42-55: at strictARP when it is there
        pytest.param(with_proxy(KUBE_VIP, "    mode: ipvs\n    ipvs: {strictARP: false}\n"), [
            ("cluster.yaml", 16, 23, "kube-vip-strict-arp", "error", DESCRIBED_STRICT_ARP),
        ], id="strict-arp-false-points-at-it"),
        pytest.param(with_proxy(KUBE_VIP, "    mode: ipvs\n    ipvs:\n      scheduler: rr\n"), [
            ("cluster.yaml", 15, 11, "kube-vip-strict-arp", "error", DESCRIBED_STRICT_ARP),
        ], id="ipvs-without-strict-arp-points-at-mode"),
        pytest.param(with_proxy(KUBE_VIP, "    mode: ipvs\n    ipvs: {strictARP: true}\n"), [], id="strict-arp"),
        pytest.param(with_proxy(KUBE_VIP, "    mode: iptables\n"), [], id="iptables"),  # 11, 12, 21
        pytest.param(KUBE_VIP, [], id="no-kube-proxy"),  # 12: proxy None is not read
    ],
)
def test_kube_vip_strict_arp_in_the_description(tmp_path: Path, text: str, expected: list[Row]) -> None:
    assert described(tmp_path, text, "kube-vip-strict-arp") == expected


def test_kube_vip_strict_arp_of_an_arp_pod_beside_a_haproxy_description(tmp_path: Path) -> None:
    # _described_strict_arp 13, 14, 16: the description's kubeProxy is kube-vip's only with loadBalancer.mode kube-vip;
    # the rendered KubeProxyConfiguration is still reported, as any kubeadm file's
    out = render_into(tmp_path, with_proxy(BASE_CLUSTER, "    mode: ipvs\n"))
    (out / "kube-vip.yaml").write_text(kube_vip_pod(ARP))
    assert findings(tmp_path, out, tmp_path / "cluster.yaml", rule="kube-vip-strict-arp") == [
        ("lab/kubeadm-init.yaml", 35, 7, "kube-vip-strict-arp", "error", STRICT_ARP),
    ]


def test_kube_vip_strict_arp_of_an_arp_pod_alone(tmp_path: Path) -> None:
    # _described_strict_arp 4, 8: no description, so no cluster to read
    (tmp_path / "kube-vip.yaml").write_text(kube_vip_pod(ARP))
    assert findings(tmp_path, tmp_path / "kube-vip.yaml", rule="kube-vip-strict-arp") == []


# --- calico-autodetect-vip -----------------------------------------------------------------

PICKS_VIP = "Calico can register the VIP {vip} as the address of the node that holds it: use kubernetes-internal-ip"
INSTALLATION = """\
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  calicoNetwork:
    ipPools:
      - cidr: {pool}
    nodeAddressAutodetectionV4:
      {v4}
{v6}"""


def test_calico_autodetect_vip_reads_the_installation_after_a_good_description(tmp_path: Path) -> None:
    out = render_into(tmp_path, edited(KUBE_VIP, ("    mode: operator\n", "    mode: operator\n    ipAutodetection: kubernetes-internal-ip\n")))
    (out / "calico-installation.yaml").write_text(INSTALLATION.format(pool="172.16.0.0/16", v4="firstFound: true", v6=""))
    assert findings(tmp_path, out, tmp_path / "cluster.yaml", rule="calico-autodetect-vip") == [
        ("vip/calico-installation.yaml", 10, 19, "calico-autodetect-vip", "error",
         "spec.calicoNetwork.nodeAddressAutodetectionV4: first-found takes the first address of the first interface, which may be the VIP; "
         + PICKS_VIP.format(vip="192.168.51.80")),
    ]


def test_calico_autodetect_vip_reads_every_family(tmp_path: Path) -> None:
    text = KUBE_VIP
    for n in (81, 82, 83, 84):
        text = edited(text, (f"192.168.51.{n}/24", f"fd00:51::{n}/64"))
    text = edited(text, ("address: 192.168.51.80", "address: fd00:51::80"), ("podSubnet: 172.16.0.0/16", "podSubnet: fd00:10::/56"))
    out = render_into(tmp_path, text)
    # the V4 method first (another family than the VIP's), then V6
    (out / "calico-installation.yaml").write_text(INSTALLATION.format(
        pool="fd00:10::/56", v4="kubernetes: NodeInternalIP", v6="    nodeAddressAutodetectionV6:\n      firstFound: true\n"))
    assert findings(tmp_path, out, tmp_path / "cluster.yaml", rule="calico-autodetect-vip") == [
        ("vip/calico-installation.yaml", 12, 19, "calico-autodetect-vip", "error",
         "spec.calicoNetwork.nodeAddressAutodetectionV6: first-found takes the first address of the first interface, which may be the VIP; "
         + PICKS_VIP.format(vip="fd00:51::80")),
    ]
