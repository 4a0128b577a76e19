"""The component rules (kconf/lint/rules/components.py): component-config-schema,
kubelet-cgroup-driver, kube-proxy-mode, extra-args-conflict; each with cases
that must trigger it, at the line and column written down, and cases that
must not. Also the description-side findings of kube-vip-strict-arp and
cri-socket (dockershim, no socket at all), and render refusing them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOLDEN, run_cli
from lintkit import BASE_CLUSTER, lay_out, lint

KUBE_VIP = (GOLDEN / "ha-kube-vip" / "cluster.yaml").read_text()


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line holding ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def with_spec(text: str, block: str) -> str:
    """The description with ``block`` (spec-level YAML, indented two) at its end."""
    return text + block


def findings(tmp_path: Path, files: dict[str, str], rule: str) -> list[tuple[str, int, int, str, str]]:
    lay_out(tmp_path, files)
    return [(Path(f.path).name, f.line, f.column, f.severity, f.message) for f in lint(tmp_path, select=rule)]


def kubeadm_file(version: str, extra: str, api: str = "v1beta4") -> str:
    return f"apiVersion: kubeadm.k8s.io/{api}\nkind: ClusterConfiguration\nkubernetesVersion: {version}\n---\n{extra}"


KUBELET = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
PROXY = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"


# --- component-config-schema ---------------------------------------------------------------

SCHEMA_TRIGGERS = [
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "cgroupDrivr: systemd\n"), [
        (7, 1, "KubeletConfiguration: cgroupDrivr: unknown field 'cgroupDrivr' (did you mean 'cgroupDriver'?)"),
    ], id="misspelt-field"),
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "maxPods: many\n"), [
        (7, 10, "KubeletConfiguration: maxPods: 'many' is a string, expected integer"),
    ], id="wrong-type"),
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "shutdownGracePeriod: 30 seconds\n"), [
        (7, 22, "KubeletConfiguration: shutdownGracePeriod: '30 seconds' is not a Go duration like 10s or 1m30s"),
    ], id="duration"),
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "cgroupDriver: Systemd\n"), [
        (7, 15, "KubeletConfiguration: cgroupDriver: 'Systemd' is not one of \"\" | systemd | cgroupfs"),
    ], id="cgroup-driver-value"),
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n"), [
        (7, 1, "KubeletConfiguration: crashLoopBackOff: unknown field 'crashLoopBackOff' for Kubernetes 1.31: it is newer "
               "than 1.31, and kubeadm 1.31 refuses it as unknown; remove it or raise kubernetesVersion"),
    ], id="field-newer-than-the-version"),
    pytest.param(kubeadm_file("v1.31.2", PROXY + "mode: ipvs\nipvs:\n  strictArp: true\n"), [
        (9, 3, "KubeProxyConfiguration: ipvs.strictArp: unknown field 'strictArp' (did you mean 'strictARP'?)"),
    ], id="nested-unknown-field"),
    pytest.param(kubeadm_file("v1.31.2", PROXY + "mode: userspace\n"), [
        (7, 7, "KubeProxyConfiguration: mode: 'userspace' is not one of \"\" | iptables | ipvs | nftables | kernelspace"),
    ], id="proxy-mode-removed-in-1.26"),
]
SCHEMA_CLEAN = [
    pytest.param(kubeadm_file("v1.37.0", KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n"), id="new-field-new-version"),
    pytest.param(kubeadm_file("v1.31.2", KUBELET + "cgroupDriver: systemd\nmaxPods: 110\nevictionHard:\n  memory.available: 100Mi\n"),
                 id="kubelet"),
    pytest.param(kubeadm_file("v1.31.2", PROXY + "mode: ipvs\nipvs:\n  strictARP: true\n  scheduler: rr\n"), id="proxy"),
    pytest.param(kubeadm_file("v1.31.2", "apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\nbogus: 1\n"),
                 id="other-version-is-component-config-api-version"),
]


@pytest.mark.parametrize(("text", "expected"), SCHEMA_TRIGGERS)
def test_component_config_schema_triggers(tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    assert findings(tmp_path, {"k.yaml": text}, "component-config-schema") == [("k.yaml", *e[:2], "error", e[2]) for e in expected]


@pytest.mark.parametrize("text", SCHEMA_CLEAN)
def test_component_config_schema_must_not_trigger(tmp_path: Path, text: str) -> None:
    assert findings(tmp_path, {"k.yaml": text}, "component-config-schema") == []


def test_component_config_schema_takes_the_version_from_the_description(tmp_path: Path) -> None:
    """An init file of an output folder without kubernetesVersion of its own
    is judged by the description's (1.31 here)."""
    text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\n" + KUBELET + "crashLoopBackOff: {}\n"
    found = findings(tmp_path, {"cluster.yaml": BASE_CLUSTER, "lab/k.yaml": text}, "component-config-schema")
    assert [(f[0], f[1]) for f in found] == [("k.yaml", 6)]
    assert "for Kubernetes 1.31" in found[0][4]


# --- kubelet-cgroup-driver -----------------------------------------------------------------

CGROUPFS = "  kubelet:\n    cgroupDriver: cgroupfs\n"
COMMON = (
    "spec.kubelet.cgroupDriver is cgroupfs, but kubeadm runs the kubelet as a systemd service (its default since 1.22 is "
    "systemd): cgroupfs makes a second cgroup manager beside systemd, and the container runtime must use cgroupfs too"
)
OVERRIDDEN = "a runtime new enough to report its driver (containerd 2.0+, CRI-O 1.28+) overrides this field"
CONTAINERD = (
    "containerd's runc default is SystemdCgroup = false (cgroupfs), so a config.toml without it matches, but the usual "
    "install steps set SystemdCgroup = true, which then does not"
)
CRIO = (
    "CRI-O's default cgroup_manager is systemd: unless crio.conf sets cgroup_manager = \"cgroupfs\", the kubelet and "
    "CRI-O disagree and Pods do not start"
)
DOCKER = (
    "Docker Engine (cri-dockerd) uses systemd on cgroup v2 hosts, the default of current distributions, and cgroupfs on "
    "cgroup v1: see `docker info --format '{{.CgroupDriver}}'`"
)
SYSTEMD = "use systemd on the kubelet and the runtime"


def _described(socket: str, version: str = "v1.31.2") -> str:
    text = BASE_CLUSTER.replace("unix:///var/run/containerd/containerd.sock", socket).replace("v1.31.2", version)
    return with_spec(text, CGROUPFS)


CGROUP_TRIGGERS = [
    pytest.param({"cluster.yaml": _described("unix:///var/run/containerd/containerd.sock")},
                 [("cluster.yaml", 31, 19, "; ".join([COMMON, CONTAINERD, OVERRIDDEN, SYSTEMD]))], id="containerd-1.31"),
    pytest.param({"cluster.yaml": _described("unix:///var/run/crio/crio.sock", "v1.30.6")},
                 [("cluster.yaml", 31, 19, "; ".join([COMMON, CRIO, SYSTEMD]))], id="crio-1.30"),
    pytest.param({"cluster.yaml": _described("unix:///var/run/cri-dockerd.sock")},
                 [("cluster.yaml", 31, 19, "; ".join([COMMON, DOCKER, OVERRIDDEN, SYSTEMD]))], id="cri-dockerd"),
    pytest.param({"k.yaml": kubeadm_file("v1.30.6", KUBELET + "cgroupDriver: cgroupfs\n", "v1beta3").replace(
        "kind: ClusterConfiguration\n", "kind: ClusterConfiguration\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n"
        "nodeRegistration:\n  criSocket: unix:///var/run/crio/crio.sock\n", 1)},
        [("k.yaml", 12, 15, "; ".join([COMMON.replace("spec.kubelet.cgroupDriver", "cgroupDriver"), CRIO, SYSTEMD]))],
        id="kubeadm-file-with-its-socket"),
]
CGROUP_CLEAN = [
    pytest.param({"cluster.yaml": with_spec(BASE_CLUSTER, "  kubelet:\n    cgroupDriver: systemd\n")}, id="systemd"),
    pytest.param({"cluster.yaml": with_spec(BASE_CLUSTER, "  kubelet:\n    maxPods: 50\n")}, id="kubeadm-default"),
    pytest.param({"k.yaml": kubeadm_file("v1.31.2", KUBELET + "cgroupDriver: systemd\n")}, id="kubeadm-file-systemd"),
    pytest.param({"cluster.yaml": BASE_CLUSTER}, id="no-kubelet"),
]


@pytest.mark.parametrize(("files", "expected"), CGROUP_TRIGGERS)
def test_kubelet_cgroup_driver_triggers(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str]]) -> None:
    assert findings(tmp_path, files, "kubelet-cgroup-driver") == [(e[0], e[1], e[2], "warning", e[3]) for e in expected]


@pytest.mark.parametrize("files", CGROUP_CLEAN)
def test_kubelet_cgroup_driver_must_not_trigger(tmp_path: Path, files: dict[str, str]) -> None:
    assert findings(tmp_path, files, "kubelet-cgroup-driver") == []


def test_kubelet_cgroup_driver_line_is_the_value() -> None:
    assert line_of(_described("unix:///x.sock"), "cgroupDriver: cgroupfs") == 31


# --- kube-proxy-mode -----------------------------------------------------------------------

def _proxy(version: str, block: str) -> str:
    return with_spec(BASE_CLUSTER.replace("v1.31.2", version), "  kubeProxy:\n" + block)


MODE_TRIGGERS = [
    pytest.param(_proxy("v1.28.4", "    mode: nftables\n"), [(31, 11, "error",
                 "kube-proxy has no nftables mode before Kubernetes 1.29 (kubernetesVersion is 1.28); use iptables or ipvs")],
                 id="nftables-before-1.29"),
    pytest.param(_proxy("v1.30.6", "    mode: nftables\n"), [(31, 11, "error",
                 "the nftables mode is alpha and off by default in Kubernetes 1.29 and 1.30 (kubernetesVersion is 1.30): "
                 "kube-proxy refuses it unless spec.kubeProxy.featureGates has NFTablesProxyMode: true (or use Kubernetes 1.31+)")],
                 id="nftables-alpha-without-gate"),
    pytest.param(_proxy("v1.31.2", "    mode: nftables\n    featureGates: {NFTablesProxyMode: false}\n"), [(32, 39, "error",
                 "spec.kubeProxy.featureGates.NFTablesProxyMode: false turns off the nftables mode that spec.kubeProxy.mode "
                 "asks for: kube-proxy refuses the mode; remove the gate")], id="nftables-gate-off-in-beta"),
    pytest.param(_proxy("v1.33.1", "    featureGates: {NFTablesProxyMode: false}\n"), [(31, 39, "error",
                 "spec.kubeProxy.featureGates.NFTablesProxyMode: false: the gate is GA and locked to true from Kubernetes 1.33 "
                 "(kubernetesVersion is 1.33), and kube-proxy refuses to start with it set to false; remove it")],
                 id="gate-locked-from-1.33"),
    pytest.param(_proxy("v1.37.2", "    mode: ipvs\n"), [(31, 11, "warning",
                 "the ipvs mode is deprecated from Kubernetes 1.37 (kubernetesVersion is 1.37): kube-proxy warns that it will "
                 "be off by default in 1.40 and removed in 1.43; move to nftables")], id="ipvs-deprecated-in-1.37"),
]
MODE_CLEAN = [
    pytest.param(_proxy("v1.30.6", "    mode: nftables\n    featureGates: {NFTablesProxyMode: true}\n"), id="nftables-alpha-with-gate"),
    pytest.param(_proxy("v1.31.2", "    mode: nftables\n"), id="nftables-beta"),
    pytest.param(_proxy("v1.28.4", "    mode: ipvs\n"), id="ipvs-before-1.37"),
    pytest.param(_proxy("v1.36.3", "    mode: ipvs\n"), id="ipvs-1.36"),
    pytest.param(_proxy("v1.28.4", "    mode: iptables\n"), id="iptables"),
]


@pytest.mark.parametrize(("text", "expected"), MODE_TRIGGERS)
def test_kube_proxy_mode_triggers(tmp_path: Path, text: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert findings(tmp_path, {"cluster.yaml": text}, "kube-proxy-mode") == [("cluster.yaml", *e) for e in expected]


@pytest.mark.parametrize("text", MODE_CLEAN)
def test_kube_proxy_mode_must_not_trigger(tmp_path: Path, text: str) -> None:
    assert findings(tmp_path, {"cluster.yaml": text}, "kube-proxy-mode") == []


def test_kube_proxy_mode_in_a_kubeadm_file(tmp_path: Path) -> None:
    found = findings(tmp_path, {"k.yaml": kubeadm_file("v1.28.4", PROXY + "mode: nftables\n", "v1beta3")}, "kube-proxy-mode")
    assert found == [("k.yaml", 7, 7, "error",
                      "kube-proxy has no nftables mode before Kubernetes 1.29 (kubernetesVersion is 1.28); use iptables or ipvs")]
    # no kubernetesVersion anywhere: not judged
    bare = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n---\n" + PROXY + "mode: nftables\n"
    assert findings(tmp_path / "bare", {"k.yaml": bare}, "kube-proxy-mode") == []


# --- extra-args-conflict -------------------------------------------------------------------

def _args(component: str, flag: str, value: str = "x") -> str:
    return with_spec(BASE_CLUSTER, f"  {component}:\n    extraArgs:\n      {flag}: \"{value}\"\n")


EACH_NODE = " (kubeadm writes each control plane's own; one value here would be every one's)"
CONFLICT_TRIGGERS = [
    pytest.param(_args("controllerManager", "node-cidr-mask-size", "25"),
                 "spec.controllerManager.extraArgs.node-cidr-mask-size ('25') would override what kconf sets from "
                 "spec.networking.nodeCIDRMaskSize: remove the flag and set spec.networking.nodeCIDRMaskSize", id="node-cidr-mask"),
    pytest.param(_args("controllerManager", "cloud-provider", "aws"),
                 "spec.controllerManager.extraArgs.cloud-provider ('aws') would override what kconf sets from spec.cloudProvider "
                 "(the kubelets' cloud-provider follows it): remove the flag and set spec.cloudProvider", id="cloud-provider"),
    pytest.param(_args("apiServer", "advertise-address", "192.168.51.81"),
                 "spec.apiServer.extraArgs.advertise-address ('192.168.51.81') would override what kconf sets from "
                 f"spec.nodes[].address{EACH_NODE}: remove the flag and set spec.nodes[].address", id="advertise-address"),
    pytest.param(_args("apiServer", "secure-port", "8443"),
                 "spec.apiServer.extraArgs.secure-port ('8443') would override what kconf sets from spec.nodes[].bindPort "
                 "(HAProxy backends and localAPIEndpoint follow it): remove the flag and set spec.nodes[].bindPort", id="bind-port"),
    pytest.param(_args("etcd", "listen-client-urls", "https://0.0.0.0:2379"),
                 "spec.etcd.extraArgs.listen-client-urls ('https://0.0.0.0:2379') would override what kconf sets from "
                 f"spec.nodes[].address{EACH_NODE}: remove the flag and set spec.nodes[].address", id="etcd-url"),
]
CONFLICT_CLEAN = [
    pytest.param(_args("controllerManager", "terminated-pod-gc-threshold", "500"), id="other-flag"),
    pytest.param(_args("scheduler", "profiling", "false"), id="scheduler"),
    pytest.param(_args("apiServer", "audit-log-maxage", "30"), id="apiserver-other-flag"),
    pytest.param(with_spec(BASE_CLUSTER, "  apiServer:\n    certSANs: [k8s-vip, api.example.com]\n"), id="cert-sans-overlap-is-deduplicated"),
]


@pytest.mark.parametrize(("text", "message"), CONFLICT_TRIGGERS)
def test_extra_args_conflict_triggers(tmp_path: Path, text: str, message: str) -> None:
    assert findings(tmp_path, {"cluster.yaml": text}, "extra-args-conflict") == [("cluster.yaml", 32, 7, "error", message)]


@pytest.mark.parametrize("text", CONFLICT_CLEAN)
def test_extra_args_conflict_must_not_trigger(tmp_path: Path, text: str) -> None:
    assert findings(tmp_path, {"cluster.yaml": text}, "extra-args-conflict") == []


def test_render_refuses_a_conflict_and_writes_the_flag_when_the_rule_is_disabled(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(_args("controllerManager", "node-cidr-mask-size", "25"))
    result = run_cli("render", str(path))
    assert result.exit_code == 1
    assert f"{path}:32:7: error: spec.controllerManager.extraArgs.node-cidr-mask-size ('25') would override" in result.output
    assert not (tmp_path / "lab").exists()
    (tmp_path / ".kconf.yaml").write_text("disable: [extra-args-conflict]\n")
    from kconf.description import load_cluster
    from kconf.kubeadm import cluster_configuration

    document = cluster_configuration(load_cluster(str(path)))
    assert document["controllerManager"]["extraArgs"] == [{"name": "node-cidr-mask-size", "value": "25"}]


# --- kube-vip-strict-arp from the description ----------------------------------------------

STRICT_ARP = (
    "spec.kubeProxy with loadBalancer.mode kube-vip: kube-proxy in ipvs mode without ipvs.strictARP: true answers ARP for "
    "addresses it does not hold, and kube-vip's ARP VIP breaks; set ipvs: {strictARP: true} under spec.kubeProxy"
)
KUBE_VIP_IPVS = KUBE_VIP.replace("    ipvs: {strictARP: true}", "    ipvs: {strictARP: false}")
KUBE_VIP_BARE_IPVS = "".join(line for line in KUBE_VIP.splitlines(keepends=True) if "strictARP" not in line)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(KUBE_VIP_IPVS, [(line_of(KUBE_VIP_IPVS, "strictARP: false"), 23)], id="strict-arp-false"),
    pytest.param(KUBE_VIP_BARE_IPVS, [(line_of(KUBE_VIP_BARE_IPVS, "mode: ipvs"), 11)], id="ipvs-without-strict-arp"),
    pytest.param(KUBE_VIP, [], id="golden-strict-arp"),
    pytest.param(KUBE_VIP.replace("mode: ipvs", "mode: nftables").replace("    ipvs: {strictARP: true}", ""), [], id="nftables"),
    pytest.param(with_spec(BASE_CLUSTER, "  kubeProxy:\n    mode: ipvs\n"), [], id="haproxy-no-arp-vip"),
])
def test_kube_vip_strict_arp_in_the_description(tmp_path: Path, text: str, expected: list[tuple[int, int]]) -> None:
    assert findings(tmp_path, {"cluster.yaml": text}, "kube-vip-strict-arp") == [
        ("cluster.yaml", line, column, "error", STRICT_ARP) for line, column in expected
    ]


def test_render_refuses_kube_vip_with_ipvs_without_strict_arp(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(KUBE_VIP_BARE_IPVS)
    result = run_cli("render", str(path))
    assert result.exit_code == 1
    line = line_of(KUBE_VIP_BARE_IPVS, "mode: ipvs")
    # one finding, at the description: the rendered KubeProxyConfiguration is a copy
    assert [entry for entry in result.output.splitlines() if "[kube-vip-strict-arp]" in entry] == [
        f"{path}:{line}:11: error: {STRICT_ARP} [kube-vip-strict-arp]"
    ]
    assert not (tmp_path / "vip").exists()


# --- cri-socket: dockershim and no socket at all -------------------------------------------

DOCKERSHIM_USE = (
    "use cri-dockerd's unix:///var/run/cri-dockerd.sock (Docker Engine) or containerd's "
    "unix:///var/run/containerd/containerd.sock"
)


def _socket(socket: str, version: str = "v1.31.2") -> str:
    return BASE_CLUSTER.replace("unix:///var/run/containerd/containerd.sock", socket).replace("v1.31.2", version)


DOCKERSHIM_TRIGGERS = [
    pytest.param({"cluster.yaml": _socket("unix:///var/run/dockershim.sock")}, [("cluster.yaml", 8, 14, "error",
                 "spec.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket, and dockershim was removed in "
                 f"Kubernetes 1.24 (kubernetesVersion is 1.31): no kubelet serves it; {DOCKERSHIM_USE}")], id="description-1.31"),
    pytest.param({"cluster.yaml": _socket("unix:///run/dockershim.sock", "v1.24.0")}, [("cluster.yaml", 8, 14, "error",
                 "spec.criSocket: 'unix:///run/dockershim.sock' is dockershim's socket, and dockershim was removed in "
                 f"Kubernetes 1.24 (kubernetesVersion is 1.24): no kubelet serves it; {DOCKERSHIM_USE}")], id="run-1.24"),
    pytest.param({"cluster.yaml": _socket("unix:///var/run/dockershim.sock", "v1.23.17")}, [("cluster.yaml", 8, 14, "warning",
                 "spec.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket: it works on Kubernetes 1.23, but "
                 f"dockershim is removed in 1.24; before upgrading, {DOCKERSHIM_USE}")], id="1.23-warning"),
    pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n"
                            "  criSocket: /var/run/dockershim.sock\n"}, [("k.yaml", 4, 14, "error",
                 "nodeRegistration.criSocket: '/var/run/dockershim.sock' is dockershim's socket, and dockershim was removed in "
                 f"Kubernetes 1.24 (kubernetesVersion is 1.31): no kubelet serves it; {DOCKERSHIM_USE}")],
                 id="v1beta4-file-means-1.31-or-later"),
    pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\nnodeRegistration:\n"
                            "  criSocket: unix:///var/run/dockershim.sock\n"}, [("k.yaml", 4, 14, "warning",
                 "nodeRegistration.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket, and dockershim was "
                 f"removed in Kubernetes 1.24: unless this cluster runs 1.22 or 1.23, {DOCKERSHIM_USE}")],
                 id="v1beta3-file-version-unknown"),
]
NO_SOCKET = "".join(line for line in BASE_CLUSTER.splitlines(keepends=True) if "criSocket" not in line)
NO_SOCKET_MESSAGE = (
    "neither spec.criSocket nor any node sets a CRI socket: kubeadm then looks for one and stops with \"found multiple CRI "
    "endpoints on the host\" where several runtimes are installed (Docker Engine brings containerd along); set "
    "spec.criSocket to the runtime's: unix:///var/run/containerd/containerd.sock (containerd), "
    "unix:///var/run/cri-dockerd.sock (Docker Engine through cri-dockerd) or unix:///var/run/crio/crio.sock (CRI-O)"
)
SOCKET_CLEAN = [
    pytest.param({"cluster.yaml": BASE_CLUSTER}, id="containerd"),
    pytest.param({"cluster.yaml": _socket("unix:///var/run/cri-dockerd.sock")}, id="cri-dockerd"),
    pytest.param({"cluster.yaml": NO_SOCKET.replace("      address: 192.168.51.81/24\n",
                                                    "      address: 192.168.51.81/24\n      criSocket: unix:///run/crio/crio.sock\n")},
                 id="one-node-names-one"),
]


@pytest.mark.parametrize(("files", "expected"), [
    *DOCKERSHIM_TRIGGERS,
    pytest.param({"cluster.yaml": NO_SOCKET}, [("cluster.yaml", 5, 1, "warning", NO_SOCKET_MESSAGE)], id="no-socket-anywhere"),
])
def test_cri_socket_dockershim_and_no_socket(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str]]) -> None:
    assert findings(tmp_path, files, "cri-socket") == expected


@pytest.mark.parametrize("files", SOCKET_CLEAN)
def test_cri_socket_must_not_trigger(tmp_path: Path, files: dict[str, str]) -> None:
    assert findings(tmp_path, files, "cri-socket") == []


def test_render_refuses_dockershim_from_1_24(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(_socket("unix:///var/run/dockershim.sock"))
    result = run_cli("render", str(path))
    assert result.exit_code == 1
    assert f"{path}:8:14: error: spec.criSocket: 'unix:///var/run/dockershim.sock' is dockershim's socket" in result.output


def test_render_warns_without_any_socket_and_still_writes(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(NO_SOCKET)
    result = run_cli("render", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}:5:1: warning: {NO_SOCKET_MESSAGE} [cri-socket]" in result.output.splitlines()
    assert (tmp_path / "lab" / "kubeadm-init.yaml").is_file()
