"""kconf render: golden outputs, determinism, --check, errors in the description."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, GOLDEN, golden_cases, require_corpus, run_cli
from kconf.description import load_cluster
from kconf.render import render_files
from kconf.yamlio import load_documents

BASE = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: 172.16.0.0/16
  loadBalancer:
    hostname: lab-lb
    address: 192.168.51.80
    port: 6443
  hosts:
    k8s-vip: 192.168.51.80
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.51.81/24
    - name: cp-2
      role: control-plane
      address: 192.168.51.82/24
    - name: worker-1
      role: worker
      address: 192.168.51.91/24
"""


def render_text(tmp_path: Path, text: str) -> dict[str, bytes]:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return {name: f.data for name, f in render_files(load_cluster(str(path))).items()}


def yaml_docs(data: bytes) -> list[Any]:
    return [d.data for d in load_documents(data.decode(), "out.yaml") if d.data is not None]


# --- golden files --------------------------------------------------------------------


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_golden_outputs_are_byte_exact(case: Path, tmp_path: Path) -> None:
    cluster = load_cluster(str(case / "cluster.yaml"))
    expected_dir = case / cluster.name
    rendered = render_files(cluster)
    on_disk = sorted(p.name for p in expected_dir.iterdir())
    assert on_disk == sorted(rendered), "golden folder and rendered file set differ"
    for name, file in rendered.items():
        assert (expected_dir / name).read_bytes() == file.data, (
            f"{case.name}/{name} differs; if intended, regenerate: "
            "for c in golden/*/cluster.yaml; do kconf render \"$c\"; done"
        )


def test_three_golden_cases_match_the_shipped_examples() -> None:
    cases = {p.name for p in golden_cases()}
    assert {"virtualbox-lab", "ha-haproxy", "aws"} <= cases
    for name in cases:
        assert (GOLDEN / name / "cluster.yaml").read_bytes() == (EXAMPLES / name / "cluster.yaml").read_bytes()


def test_render_is_deterministic(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "b"
    src = EXAMPLES / "ha-haproxy" / "cluster.yaml"
    assert run_cli("render", str(src), "-o", str(first)).exit_code == 0
    assert run_cli("render", str(src), "-o", str(second)).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()


# --- what is rendered ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "override", "expected"),
    [
        pytest.param("v1.22.0", None, "v1beta3", id="1.22-v1beta3"),
        pytest.param("v1.30.6", None, "v1beta3", id="1.30-v1beta3"),
        pytest.param("v1.31.0", None, "v1beta4", id="1.31-v1beta4"),
        pytest.param("v1.34.1", None, "v1beta4", id="1.34-v1beta4"),
        pytest.param("v1.32.0", "v1beta3", "v1beta3", id="override-v1beta3-on-1.32"),
    ],
)
def test_kubeadm_api_version_follows_kubernetes_version(
    tmp_path: Path, version: str, override: str | None, expected: str
) -> None:
    text = BASE.replace("v1.31.2", version)
    if override:
        text = text.replace("  controlPlaneEndpoint", f"  kubeadmAPIVersion: {override}\n  controlPlaneEndpoint")
    files = render_text(tmp_path, text)
    for name, data in files.items():
        if name.startswith("kubeadm-") and name != "kubeadm-upgrade.yaml":
            for doc in yaml_docs(data):
                assert doc["apiVersion"] == f"kubeadm.k8s.io/{expected}", name
    # UpgradeConfiguration is v1beta4 only, whatever the other files use: from 1.31
    upgrade = files.get("kubeadm-upgrade.yaml")
    assert (upgrade is not None) == (version >= "v1.31")
    if upgrade is not None:
        assert [d["apiVersion"] for d in yaml_docs(upgrade)] == ["kubeadm.k8s.io/v1beta4"]


def _kubelet_args(registration: dict[str, Any]) -> dict[str, str]:
    args = registration["kubeletExtraArgs"]
    return dict(args) if isinstance(args, dict) else {a["name"]: a["value"] for a in args}


# Written down from each golden cluster.yaml: (node, address, control plane?),
# the first control-plane node first (it runs kubeadm init).
GOLDEN_NODES = {
    "aws": [
        ("ip-10-0-1-10.eu-west-1.compute.internal", "10.0.1.10", True),
        ("ip-10-0-2-20.eu-west-1.compute.internal", "10.0.2.20", False),
        ("ip-10-0-3-30.eu-west-1.compute.internal", "10.0.3.30", False),
    ],
    "dual-stack": [
        ("dual-cp-1", "192.168.60.81", True), ("dual-cp-2", "192.168.60.82", True), ("dual-cp-3", "192.168.60.83", True),
        ("dual-worker-1", "192.168.60.91", False), ("dual-worker-2", "192.168.60.92", False),
    ],
    "ha-haproxy": [
        ("cka-cp-1", "192.168.51.81", True), ("cka-cp-2", "192.168.51.82", True), ("cka-cp-3", "192.168.51.83", True),
        ("cka-worker-1", "192.168.51.84", False), ("cka-worker-2", "192.168.51.85", False),
        ("cka-worker-3", "192.168.51.86", False),
    ],
    "ha-keepalived": [
        ("cka-cp-1", "192.168.51.81", True), ("cka-cp-2", "192.168.51.82", True), ("cka-cp-3", "192.168.51.83", True),
        ("cka-worker-1", "192.168.51.84", False), ("cka-worker-2", "192.168.51.85", False),
        ("cka-worker-3", "192.168.51.86", False),
    ],
    "ha-kube-vip": [
        ("vip-cp-1", "192.168.51.81", True), ("vip-cp-2", "192.168.51.82", True), ("vip-cp-3", "192.168.51.83", True),
        ("vip-worker-1", "192.168.51.84", False), ("vip-worker-2", "192.168.51.85", False),
    ],
    "virtualbox-lab": [
        ("vbox-cp-1", "192.168.56.11", True), ("vbox-worker-1", "192.168.56.21", False),
        ("vbox-worker-2", "192.168.56.22", False),
    ],
}


# The kubelet node-ip where it is not the node's one address: dual stack, "v4,v6".
GOLDEN_NODE_IPS = {
    "dual-cp-1": "192.168.60.81,fd00:60::81", "dual-cp-2": "192.168.60.82,fd00:60::82", "dual-cp-3": "192.168.60.83,fd00:60::83",
    "dual-worker-1": "192.168.60.91,fd00:60::91", "dual-worker-2": "192.168.60.92,fd00:60::92",
}


def test_golden_nodes_table_covers_every_case() -> None:
    assert sorted(GOLDEN_NODES) == [p.name for p in golden_cases()]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_every_node_gets_node_ip_and_control_plane_joins_get_local_endpoint(case: Path) -> None:
    files = render_files(load_cluster(str(case / "cluster.yaml")))
    init, cluster_config, *components = yaml_docs(files["kubeadm-init.yaml"].data)
    assert {c["kind"] for c in components} <= {"KubeletConfiguration", "KubeProxyConfiguration"}
    (first, first_ip, _), *others = GOLDEN_NODES[case.name]
    assert init["kind"] == "InitConfiguration" and cluster_config["kind"] == "ClusterConfiguration"
    assert init["nodeRegistration"]["name"] == first
    assert init["localAPIEndpoint"] == {"advertiseAddress": first_ip, "bindPort": 6443}
    assert _kubelet_args(init["nodeRegistration"])["node-ip"] == GOLDEN_NODE_IPS.get(first, first_ip)
    assert sorted(n for n in files if n.startswith("kubeadm-join-")) == sorted(f"kubeadm-join-{n}.yaml" for n, _, _ in others)
    for name, ip, control_plane in others:
        (join,) = yaml_docs(files[f"kubeadm-join-{name}.yaml"].data)
        assert join["nodeRegistration"]["name"] == name
        assert _kubelet_args(join["nodeRegistration"])["node-ip"] == GOLDEN_NODE_IPS.get(name, ip)
        if control_plane:
            assert join["controlPlane"]["localAPIEndpoint"] == {"advertiseAddress": ip, "bindPort": 6443}
            assert join["controlPlane"]["certificateKey"] == "${KCONF_CERTIFICATE_KEY}"
        else:
            assert "controlPlane" not in join
        assert join["discovery"]["bootstrapToken"]["token"] == "${KCONF_TOKEN}"
        assert join["discovery"]["bootstrapToken"]["caCertHashes"] == ["${KCONF_CA_CERT_HASH}"]


def test_node_overrides_and_cloud_provider(tmp_path: Path) -> None:
    text = BASE.replace(
        "      address: 192.168.51.91/24\n",
        "      address: 192.168.51.91/24\n"
        "      criSocket: unix:///var/run/crio/crio.sock\n"
        "      labels: {topology.kubernetes.io/zone: a}\n"
        "      taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n",
    ).replace("  networking:", "  cloudProvider: external\n  networking:")
    files = render_text(tmp_path, text)
    (join,) = yaml_docs(files["kubeadm-join-worker-1.yaml"])
    registration = join["nodeRegistration"]
    assert registration["criSocket"] == "unix:///var/run/crio/crio.sock"
    assert registration["taints"] == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    assert _kubelet_args(registration) == {
        "cloud-provider": "external",
        "node-ip": "192.168.51.91",
        "node-labels": "topology.kubernetes.io/zone=a",
    }
    assert b"--cri-socket unix:///var/run/crio/crio.sock" in files["join-worker-1.sh"]


def test_no_secret_and_no_placeholder_outside_join_files(tmp_path: Path) -> None:
    files = render_text(tmp_path, BASE)
    for name, data in files.items():
        text = data.decode()
        if name.startswith(("kubeadm-join-", "join-")):
            assert "${KCONF_TOKEN}" in text
        elif name == "PLAN.md":  # names the variables to set, with no value
            assert "${KCONF_" not in text and "KCONF_TOKEN=... " in text
        else:
            assert "KCONF_" not in text, name


# --- Calico operator mode ----------------------------------------------------------


@pytest.mark.parametrize(
    ("calico", "expected_autodetect"),
    [
        pytest.param("", {"cidrs": ["192.168.51.0/24"]}, id="default-cidr-of-node-networks"),
        pytest.param("    ipAutodetection: can-reach=192.168.51.1\n", {"canReach": "192.168.51.1"}, id="can-reach"),
        pytest.param("    ipAutodetection: interface=enp0s8,eth1\n", {"interface": "enp0s8,eth1"}, id="interface"),
        pytest.param("    ipAutodetection: skip-interface=enp0s3\n", {"skipInterface": "enp0s3"}, id="skip-interface"),
        pytest.param("    ipAutodetection: kubernetes-internal-ip\n", {"kubernetes": "NodeInternalIP"}, id="kubernetes"),
        pytest.param("    ipAutodetection: first-found\n", {"firstFound": True}, id="first-found"),
    ],
)
def test_operator_installation(tmp_path: Path, calico: str, expected_autodetect: dict[str, Any]) -> None:
    text = BASE.replace(
        "  loadBalancer:", f"  calico:\n    mode: operator\n    encapsulation: VXLAN\n    blockSize: 24\n{calico}  loadBalancer:"
    )
    installation, api_server = yaml_docs(render_text(tmp_path, text)["calico-installation.yaml"])
    assert api_server == {"apiVersion": "operator.tigera.io/v1", "kind": "APIServer", "metadata": {"name": "default"}, "spec": {}}
    assert installation["apiVersion"] == "operator.tigera.io/v1"
    assert installation["kind"] == "Installation"
    assert installation["metadata"] == {"name": "default"}
    network = installation["spec"]["calicoNetwork"]
    assert network["ipPools"] == [
        {"cidr": "172.16.0.0/16", "blockSize": 24, "encapsulation": "VXLAN", "natOutgoing": "Enabled", "nodeSelector": "all()"}
    ]
    assert network["nodeAddressAutodetectionV4"] == expected_autodetect


def test_installation_validates_against_every_corpus_crd() -> None:
    import jsonschema
    import yaml

    corpus = require_corpus()
    files = sorted(corpus.glob("*/installation-crd.yaml")) + sorted(
        p for p in corpus.glob("*/tigera-operator.yaml") if p.stat().st_size > 100_000
    )
    assert len(files) >= 5, "expected the Installation CRD of v3.24-v3.32"
    rendered = [
        yaml_docs(render_files(load_cluster(str(case / "cluster.yaml")))["calico-installation.yaml"].data)[0]
        for case in golden_cases()
    ]
    for crd_file in files:
        text = crd_file.read_text()
        start = text.index("name: installations.operator.tigera.io")
        begin = text.rfind("\n---", 0, start)
        end = text.find("\n---", start)
        chunk = text[begin + 1 if begin >= 0 else 0 : end if end >= 0 else len(text)]
        crd = yaml.load(chunk, Loader=yaml.CSafeLoader)  # 1.4 MB: libyaml, not pure-Python ruamel
        # OpenAPI v3 schemas are draft-4 shaped; one validator per CRD
        # (jsonschema.validate would re-check the 1.4 MB schema every call).
        validator = jsonschema.Draft4Validator(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])
        for doc in rendered:
            assert list(validator.iter_errors(doc)) == [], crd_file
        broken = {**rendered[0], "spec": {"calicoNetwork": {"ipPools": [{"cidr": "10.0.0.0/16", "encapsulation": "GRE"}]}}}
        assert [e.message for e in validator.iter_errors(broken)] == [
            "'GRE' is not one of ['IPIPCrossSubnet', 'IPIP', 'VXLAN', 'VXLANCrossSubnet', 'None']"
        ], crd_file


# --- dual stack ------------------------------------------------------------------------

DUAL = (
    BASE.replace("    podSubnet: 172.16.0.0/16\n", "    podSubnet: 172.16.0.0/16,fd00:10:244::/56\n    serviceSubnet: 10.96.0.0/12,fd00:10:96::/112\n")
    .replace("    address: 192.168.51.80\n", "    address: 192.168.51.80,fd00:51::80\n")
    .replace("    k8s-vip: 192.168.51.80\n", "    k8s-vip: 192.168.51.80,fd00:51::80\n")
    .replace("address: 192.168.51.81/24", "address: 192.168.51.81/24,fd00:51::81/64")
    .replace("address: 192.168.51.82/24", "address: 192.168.51.82/24,fd00:51::82/64")
    .replace("address: 192.168.51.91/24", "address: 192.168.51.91/24,fd00:51::91/64")
)
# The same with IPv6 first everywhere (an IPv6-primary cluster), and nodeCIDRMaskSize 72 (IPv6's then).
DUAL_V6_FIRST = (
    BASE.replace("    podSubnet: 172.16.0.0/16\n", "    podSubnet: fd00:10:244::/56,172.16.0.0/16\n    serviceSubnet: fd00:10:96::/112,10.96.0.0/12\n"
                 "    nodeCIDRMaskSize: 72\n")
    .replace("    address: 192.168.51.80\n", "    address: fd00:51::80,192.168.51.80\n")
    .replace("    k8s-vip: 192.168.51.80\n", "    k8s-vip: fd00:51::80,192.168.51.80\n")
    .replace("address: 192.168.51.81/24", "address: fd00:51::81/64,192.168.51.81/24")
    .replace("address: 192.168.51.82/24", "address: fd00:51::82/64,192.168.51.82/24")
    .replace("address: 192.168.51.91/24", "address: fd00:51::91/64,192.168.51.91/24")
)


def _args(args: Any) -> dict[str, str]:
    return dict(args) if isinstance(args, dict) else {a["name"]: a["value"] for a in args}


@pytest.mark.parametrize(
    ("text", "networking", "masks", "advertise", "node_ips", "sans"),
    [
        pytest.param(
            DUAL, {"podSubnet": "172.16.0.0/16,fd00:10:244::/56", "serviceSubnet": "10.96.0.0/12,fd00:10:96::/112", "dnsDomain": "cluster.local"},
            {"node-cidr-mask-size-ipv4": "24", "node-cidr-mask-size-ipv6": "64"}, "192.168.51.81",
            {"cp-1": "192.168.51.81,fd00:51::81", "cp-2": "192.168.51.82,fd00:51::82", "worker-1": "192.168.51.91,fd00:51::91"},
            ["k8s-vip", "lab-lb", "192.168.51.80", "fd00:51::80"], id="ipv4-primary",
        ),
        pytest.param(
            DUAL_V6_FIRST, {"podSubnet": "fd00:10:244::/56,172.16.0.0/16", "serviceSubnet": "fd00:10:96::/112,10.96.0.0/12", "dnsDomain": "cluster.local"},
            {"node-cidr-mask-size-ipv4": "24", "node-cidr-mask-size-ipv6": "72"}, "fd00:51::81",
            {"cp-1": "fd00:51::81,192.168.51.81", "cp-2": "fd00:51::82,192.168.51.82", "worker-1": "fd00:51::91,192.168.51.91"},
            ["k8s-vip", "lab-lb", "fd00:51::80", "192.168.51.80"], id="ipv6-primary",
        ),
        pytest.param(
            # dual-stack nodes in a single-stack cluster: node-ip of the cluster's family only
            DUAL.replace("172.16.0.0/16,fd00:10:244::/56", "172.16.0.0/16").replace("10.96.0.0/12,fd00:10:96::/112", "10.96.0.0/12"),
            {"podSubnet": "172.16.0.0/16", "serviceSubnet": "10.96.0.0/12", "dnsDomain": "cluster.local"},
            {"node-cidr-mask-size": "24"}, "192.168.51.81",
            {"cp-1": "192.168.51.81", "cp-2": "192.168.51.82", "worker-1": "192.168.51.91"},
            ["k8s-vip", "lab-lb", "192.168.51.80", "fd00:51::80"], id="single-stack-cluster-dual-stack-nodes",
        ),
    ],
)
def test_dual_stack_kubeadm_documents(
    tmp_path: Path, text: str, networking: dict[str, str], masks: dict[str, str], advertise: str,
    node_ips: dict[str, str], sans: list[str],
) -> None:
    files = render_text(tmp_path, text)
    init, cluster_config = yaml_docs(files["kubeadm-init.yaml"])
    assert cluster_config["networking"] == networking
    assert _args(cluster_config["controllerManager"]["extraArgs"]) == masks
    assert cluster_config["apiServer"]["certSANs"] == sans
    assert init["localAPIEndpoint"]["advertiseAddress"] == advertise  # one address: the primary family's
    assert _args(init["nodeRegistration"]["kubeletExtraArgs"])["node-ip"] == node_ips["cp-1"]
    for name in ("cp-2", "worker-1"):
        (join,) = yaml_docs(files[f"kubeadm-join-{name}.yaml"])
        assert _args(join["nodeRegistration"]["kubeletExtraArgs"])["node-ip"] == node_ips[name]


@pytest.mark.parametrize(
    ("text", "lines", "bind"),
    [
        pytest.param(DUAL, ["192.168.51.80\tlab-lb k8s-vip", "fd00:51::80\tlab-lb k8s-vip", "192.168.51.81\tcp-1", "fd00:51::81\tcp-1",
                            "192.168.51.82\tcp-2", "fd00:51::82\tcp-2", "192.168.51.91\tworker-1", "fd00:51::91\tworker-1"],
                     "bind :::6443 v4v6", id="ipv4-primary"),
        pytest.param(DUAL_V6_FIRST, ["fd00:51::80\tlab-lb k8s-vip", "192.168.51.80\tlab-lb k8s-vip", "fd00:51::81\tcp-1", "192.168.51.81\tcp-1",
                                     "fd00:51::82\tcp-2", "192.168.51.82\tcp-2", "fd00:51::91\tworker-1", "192.168.51.91\tworker-1"],
                     "bind :::6443 v4v6", id="ipv6-primary"),
        pytest.param(DUAL.replace("    address: 192.168.51.80,fd00:51::80\n", "    address: 192.168.51.80\n")
                     .replace("    k8s-vip: 192.168.51.80,fd00:51::80\n", "    k8s-vip: 192.168.51.80\n"),
                     ["192.168.51.80\tlab-lb k8s-vip", "192.168.51.81\tcp-1", "fd00:51::81\tcp-1",
                      "192.168.51.82\tcp-2", "fd00:51::82\tcp-2", "192.168.51.91\tworker-1", "fd00:51::91\tworker-1"],
                     "bind :6443", id="ipv4-load-balancer"),
    ],
)
def test_dual_stack_hosts_and_haproxy_frontend(tmp_path: Path, text: str, lines: list[str], bind: str) -> None:
    files = render_text(tmp_path, text)
    assert files["hosts"].decode().splitlines()[5:] == lines  # after the header and the 127.0.1.1 comment
    assert [line.strip() for line in files["haproxy.cfg"].decode().splitlines() if line.strip().startswith("bind ")] == [bind]


@pytest.mark.parametrize(
    ("calico", "v4", "v6"),
    [
        pytest.param("", {"cidrs": ["192.168.51.0/24"]}, {"cidrs": ["fd00:51::/64"]}, id="default-cidrs-per-family"),
        pytest.param("    ipAutodetection: cidr=192.168.51.0/24\n", {"cidrs": ["192.168.51.0/24"]}, {"cidrs": ["fd00:51::/64"]},
                     id="ipv4-cidr-ipv6-default"),
        pytest.param("    ipAutodetection: cidr=192.168.51.0/24,fd00:51::/64\n", {"cidrs": ["192.168.51.0/24"]}, {"cidrs": ["fd00:51::/64"]},
                     id="cidr-of-both"),
        pytest.param("    ipAutodetection: interface=enp0s8\n", {"interface": "enp0s8"}, {"interface": "enp0s8"}, id="interface-both"),
        pytest.param("    ipAutodetection: kubernetes-internal-ip\n", {"kubernetes": "NodeInternalIP"}, {"kubernetes": "NodeInternalIP"},
                     id="internal-ip-both"),
        pytest.param("    ipAutodetection: can-reach=192.168.51.80\n", {"canReach": "192.168.51.80"}, {"cidrs": ["fd00:51::/64"]},
                     id="ipv4-can-reach-ipv6-default"),
        pytest.param("    ipAutodetection: can-reach=fd00:51::80\n", {"canReach": "fd00:51::80"}, {"canReach": "fd00:51::80"},
                     id="ipv6-can-reach"),
    ],
)
def test_dual_stack_installation_pools_and_autodetection(tmp_path: Path, calico: str, v4: dict[str, Any], v6: dict[str, Any]) -> None:
    text = DUAL.replace("  loadBalancer:", f"  calico:\n    mode: operator\n    encapsulation: IPIP\n{calico}  loadBalancer:")
    installation, _api_server = yaml_docs(render_text(tmp_path, text)["calico-installation.yaml"])
    network = installation["spec"]["calicoNetwork"]
    assert network["ipPools"] == [
        {"cidr": "172.16.0.0/16", "blockSize": 26, "encapsulation": "IPIP", "natOutgoing": "Enabled", "nodeSelector": "all()"},
        # IPIP carries no IPv6
        {"cidr": "fd00:10:244::/56", "blockSize": 122, "encapsulation": "None", "natOutgoing": "Enabled", "nodeSelector": "all()"},
    ]
    assert (network["nodeAddressAutodetectionV4"], network["nodeAddressAutodetectionV6"]) == (v4, v6)


def test_dual_stack_plan_names_ipv6_forwarding(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert "net.ipv6.conf.all.forwarding" in render_text(tmp_path / "a", DUAL)["PLAN.md"].decode()
    assert "net.ipv6.conf.all.forwarding" not in render_text(tmp_path / "b", BASE)["PLAN.md"].decode()


def test_manifest_mode_patches_the_upstream_manifest(tmp_path: Path) -> None:
    corpus = require_corpus()
    shutil.copy(corpus / "v3.28.5" / "calico.yaml", tmp_path / "upstream-calico.yaml")
    text = BASE.replace("  loadBalancer:", "  calico:\n    mode: manifest\n    manifest: upstream-calico.yaml\n  loadBalancer:")
    files = render_text(tmp_path, text)
    assert "calico-installation.yaml" not in files
    out = files["calico.yaml"].decode()
    assert '- name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"' in out
    assert '- name: IP_AUTODETECTION_METHOD\n              value: "cidr=192.168.51.0/24"' in out


def test_manifest_mode_with_a_missing_manifest_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE.replace("  loadBalancer:", "  calico:\n    mode: manifest\n    manifest: nope.yaml\n  loadBalancer:"))
    result = run_cli("render", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kconf: error: {path}:13: spec.calico.manifest: the upstream Calico manifest {tmp_path / 'nope.yaml'}: no such file\n"
    )


def test_manifest_mode_without_manifest_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE.replace("  loadBalancer:", "  calico:\n    mode: manifest\n  loadBalancer:"))
    result = run_cli("render", str(path))
    assert_description_refused(
        result, path, 12, "spec.calico.mode: mode manifest needs spec.calico.manifest: the path of the upstream calico.yaml"
    )


# --- the command: writing, --check ---------------------------------------------------


def test_render_writes_default_folder_with_modes(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE)
    result = run_cli("render", str(path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "lab"
    assert sorted(p.name for p in out.iterdir()) == [
        "PLAN.md", "calico-installation.yaml", "haproxy.cfg", "hosts", "join-cp-2.sh", "join-worker-1.sh",
        "kubeadm-init.yaml", "kubeadm-join-cp-2.yaml", "kubeadm-join-worker-1.yaml", "kubeadm-upgrade.yaml",
    ]
    assert stat.S_IMODE((out / "join-cp-2.sh").stat().st_mode) == 0o755
    assert os.access(out / "join-worker-1.sh", os.X_OK)
    assert stat.S_IMODE((out / "kubeadm-init.yaml").stat().st_mode) == 0o644
    assert not list(out.glob(".*kconf-tmp")), "temporary files left behind"


def test_check_reports_each_differing_file_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE)
    out = tmp_path / "lab"
    assert run_cli("render", str(path), "--check").exit_code == 1  # nothing rendered yet
    assert not out.exists()
    assert run_cli("render", str(path)).exit_code == 0
    clean = run_cli("render", str(path), "--check")
    assert (clean.exit_code, without_quorum_warning(clean.stderr)) == (0, "")

    (out / "haproxy.cfg").write_text((out / "haproxy.cfg").read_text().replace("server cp-2", "server cp-9"))
    (out / "hosts").unlink()
    stale = out / "join-old-node.sh"
    stale.write_text("#!/bin/sh\n# Generated by kconf from cluster.yaml (cluster lab).\n")
    mine = out / "notes.txt"
    mine.write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_cli("render", str(path), "--check")
    assert result.exit_code == 1
    assert without_quorum_warning(result.stderr).splitlines() == [
        f"{out}/haproxy.cfg: differs",
        f"{out}/hosts: missing",
        f"{out}/join-old-node.sh: stale (no longer rendered)",
        f"kconf: 3 files in {out} are not what `kconf render {path}` writes",
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    assert run_cli("render", str(path)).exit_code == 0
    assert not stale.exists() and mine.read_text() == "mine"
    assert run_cli("render", str(path), "--check").exit_code == 0


CHECK_ONLY_DIFFERENCE = [
    pytest.param(
        lambda out: (out / "join-worker-1.sh").chmod(0o644),
        ["{out}/join-worker-1.sh: mode is 644, expected 755"],
        id="join-script-chmod-644",
    ),
    pytest.param(
        lambda out: (out / "kubeadm-init.yaml").chmod(0o600),
        ["{out}/kubeadm-init.yaml: mode is 600, expected 644"],
        id="yaml-chmod-600",
    ),
    pytest.param(
        lambda out: (out / "join-old-node.sh").write_text("#!/bin/sh\n# Generated by kconf from cluster.yaml (cluster lab).\n"),
        ["{out}/join-old-node.sh: stale (no longer rendered)"],
        id="stale-join-script",
    ),
    pytest.param(
        lambda out: (out / "kubeadm-join-old-node.yaml").write_text("# Generated by kconf from cluster.yaml (cluster lab).\n"),
        ["{out}/kubeadm-join-old-node.yaml: stale (no longer rendered)"],
        id="stale-join-config",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CHECK_ONLY_DIFFERENCE)
def test_check_fails_on_a_single_difference_of_any_kind(
    tmp_path: Path, change: Any, expected: list[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE)
    out = tmp_path / "lab"
    assert run_cli("render", str(path)).exit_code == 0
    change(out)
    result = run_cli("render", str(path), "--check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert without_quorum_warning(result.stderr).splitlines() == [
        *(line.format(out=out) for line in expected),
        f"kconf: 1 file in {out} is not what `kconf render {path}` writes",
    ]


def test_render_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE)
    run_cli("render", str(path))
    result = run_cli("render", str(path))
    assert result.exit_code == 0
    assert without_quorum_warning(result.stderr) == (
        f"kconf: {tmp_path / 'lab'}: 10 files, 0 written (it was up to date)\n"
        f"next: read {tmp_path / 'lab' / 'PLAN.md'}: the steps, host by host, from these files to a running cluster\n"
    )


# --- bad descriptions ------------------------------------------------------------------

ERRORS = [
    pytest.param(
        ("  criSocket:", "  criSockets:"), 8, "spec.criSockets: unknown field 'criSockets' (did you mean 'criSocket'?)", id="unknown-field",
    ),
    pytest.param(
        ("    port: 6443", "    port: '6443'"), 14, "spec.loadBalancer.port: '6443' is a string, expected integer", id="wrong-type",
    ),
    pytest.param(
        ("podSubnet: 172.16.0.0/16", "podSubnet: 172.178.33.10/16"), 10,
        "spec.networking.podSubnet: '172.178.33.10/16' has host bits set: the network is 172.178.0.0/16 "
        "(write that, or fix the prefix length)",
        id="cidr-host-bits",
    ),
    pytest.param(
        ("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/33"), 10,
        "spec.networking.podSubnet: '172.16.0.0/33' is not a valid CIDR", id="bad-mask",
    ),
    pytest.param(
        ("address: 192.168.51.82/24", "address: 192.168.51.82"), 23,
        "spec.nodes[1].address: '192.168.51.82' needs its prefix length (address/prefix, e.g. 192.168.51.81/24)",
        id="address-without-prefix",
    ),
    pytest.param(
        ("address: 192.168.51.82/24", "address: 192.168.51.300/24"), 23,
        "spec.nodes[1].address: '192.168.51.300/24' is not a valid address/prefix", id="bad-address",
    ),
    pytest.param(
        ("address: 192.168.51.82/24", "address: 192.168.51.82/24,192.168.52.82/24"), 23,
        "spec.nodes[1].address: '192.168.51.82/24,192.168.52.82/24': at most two, one IPv4 and one IPv6, the primary "
        "family first (dual stack)", id="dual-stack-address-of-one-family",
    ),
    pytest.param(
        ("address: 192.168.51.82/24", "address: 192.168.51.82/24,fd00:51::82/64,fd00:52::82/64"), 23,
        "spec.nodes[1].address: '192.168.51.82/24,fd00:51::82/64,fd00:52::82/64': at most two, one IPv4 and one IPv6, "
        "the primary family first (dual stack)", id="three-addresses",
    ),
    pytest.param(
        ("address: 192.168.51.82/24", "address: 192.168.51.82/24,fd00:51::82"), 23,
        "spec.nodes[1].address: 'fd00:51::82' needs its prefix length (address/prefix, e.g. 192.168.51.81/24)",
        id="dual-stack-address-without-prefix",
    ),
    pytest.param(
        ("k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.80,192.168.51.79"), 16,
        "spec.hosts.k8s-vip: '192.168.51.80,192.168.51.79': at most two, one IPv4 and one IPv6, the primary family "
        "first (dual stack)", id="hosts-pair-of-one-family",
    ),
    pytest.param(
        ("    hostname: lab-lb\n    address: 192.168.51.80\n",
         "    mode: kube-vip\n    interface: enp0s8\n    address: 192.168.51.80,fd00:51::80\n"), 14,
        "spec.loadBalancer.address: a dual-stack loadBalancer.address is for mode haproxy (one HAProxy host with an "
        "address of each family); the VIP of mode kube-vip is one address: write the primary family's",
        id="dual-stack-vip",
    ),
    pytest.param(
        ("    - name: worker-1\n      role: worker\n      address: 192.168.51.91/24\n",
         "    - {name: worker-1, role: worker, address: 192.168.51.91/24,fd00:51::91/64}\n"), 24,
        "spec.nodes[2][\"fd00:51::91/64\"]: unknown field 'fd00:51::91/64' (in a flow mapping {...} a comma ends the value: quote "
        'a dual-stack pair, e.g. address: "192.168.51.81/24,fd00:51::81/64")',
        id="dual-stack-pair-split-by-a-flow-mapping",
    ),
    pytest.param(
        ("role: worker", "role: etcd"), 25, "spec.nodes[2].role: 'etcd' is not one of control-plane | worker", id="unknown-role",
    ),
    pytest.param(
        ("- name: cp-2", "- name: cp-1"), 21, "node name 'cp-1' is also spec.nodes[0]: give each node its own name",
        id="duplicate-node-name",
    ),
    pytest.param(
        ("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.21.14"), 6,
        "spec.kubernetesVersion: v1.21.14 is older than 1.22: kconf writes kubeadm v1beta3/v1beta4 configs, "
        "which need kubeadm 1.22 or later (upgrade the cluster plan, or write kubeadm v1beta2 by hand)",
        id="kubernetes-too-old",
    ),
    pytest.param(
        ("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.30.2\n  kubeadmAPIVersion: v1beta4"), 7,
        "spec.kubeadmAPIVersion: kubeadm v1beta4 needs Kubernetes 1.31 or later (kubernetesVersion is 1.30); use v1beta3",
        id="v1beta4-too-early",
    ),
    pytest.param(
        ("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.31"), 6,
        "spec.kubernetesVersion: 'v1.31' is not a Kubernetes version like v1.31.2", id="bad-version",
    ),
    pytest.param(
        ("kubernetesVersion: v1.31.2", "kubernetesVersion: 1.31"), 6,
        "spec.kubernetesVersion: 1.31 was read as a number; quote it if it is meant as text", id="version-as-number",
    ),
    pytest.param(
        ("criSocket: unix:///var/run/containerd/containerd.sock", "criSocket: /var/run/containerd/containerd.sock"), 8,
        "spec.criSocket: '/var/run/containerd/containerd.sock' is not a CRI socket like unix:///var/run/containerd/containerd.sock",
        id="socket-without-scheme",
    ),
]


def assert_description_refused(result: Any, path: Path, line: int, message: str) -> None:
    """Render lists every problem of a broken description as lint does, under one
    ``kconf: error:`` line, and exits 2 (a user-input error)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    if lines == [f"kconf: error: {path}:{line}: {message}"]:
        return  # the schema refuses it, lint only warns (cri-socket): the schema's message
    assert lines[0].startswith(f"kconf: error: {path}: the description cannot be rendered ("), lines
    assert any(text.startswith(f"{path}:{line}:") and f"error: {message} [" in text for text in lines[1:]), lines


def without_quorum_warning(stderr: str) -> str:
    """BASE has two control planes: render prints lint's etcd-quorum warning first."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.rstrip().endswith("[etcd-quorum]"))


@pytest.mark.parametrize(("edit", "line", "message"), ERRORS)
def test_bad_description_exits_2_naming_file_line_and_field(
    tmp_path: Path, edit: tuple[str, str], line: int, message: str
) -> None:
    old, new = edit
    assert old in BASE
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE.replace(old, new, 1))
    result = run_cli("render", str(path))
    assert_description_refused(result, path, line, message)
    assert "Traceback" not in result.output
    assert not (tmp_path / "lab").exists()


def test_no_control_plane_node(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE.replace("role: control-plane", "role: worker"))
    result = run_cli("render", str(path))
    assert_description_refused(result, path, 18, "spec.nodes: no node has role control-plane: one of them runs kubeadm init")


def test_several_control_planes_need_a_load_balancer(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    lines = BASE.splitlines(keepends=True)
    text = "".join(lines[:10] + lines[14:])  # drop loadBalancer (4 lines)
    path.write_text(text)
    result = run_cli("render", str(path))
    assert result.exit_code == 2
    assert "spec.nodes: more than one control-plane node needs spec.loadBalancer" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "the file holds no YAML document", id="empty"),
        pytest.param(b"a: [1\n", "invalid YAML", id="broken"),
        pytest.param(b"\x00\x01binary", "binary data (a NUL byte): not a YAML file", id="binary"),
        pytest.param(b"- a\n- b\n", "a cluster description is a YAML mapping", id="a-list"),
        pytest.param(b"apiVersion: v1\nkind: ConfigMap\n", "not a cluster description: kind is 'ConfigMap'", id="other-kind"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_bytes(content)
    result = run_cli("render", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kconf: error: {path}")
    assert message in result.stderr


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE)
    (tmp_path / "taken").write_text("mine")
    result = run_cli("render", str(path), "-o", str(tmp_path / "taken"))
    assert (result.exit_code, without_quorum_warning(result.stderr)) == (
        2, f"kconf: error: {tmp_path / 'taken'}: output folder is not a plain folder (a file or a symbolic link)\n"
    )
    assert (tmp_path / "taken").read_text() == "mine"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = run_cli("render", str(tmp_path / "nope.yaml"))
    assert (missing.exit_code, missing.stderr) == (2, f"kconf: error: {tmp_path / 'nope.yaml'}: no such file\n")
    folder = run_cli("render", str(tmp_path))
    assert (folder.exit_code, folder.stderr) == (2, f"kconf: error: {tmp_path}: is a directory, not a file\n")


# --- every kubeadm document validates against the strict schemas ----------------------


def _rendered_kubeadm_documents() -> list[pytest.ParameterSet]:
    params = []
    sources = [(case.name, (case / "cluster.yaml").read_text()) for case in golden_cases()]
    for minor in range(22, 36):
        sources.append((f"base-1.{minor}", BASE.replace("v1.31.2", f"v1.{minor}.0")))
    for name, text in sources:
        params.append(pytest.param(text, id=name))
    return params


@pytest.mark.parametrize("text", _rendered_kubeadm_documents())
def test_every_rendered_kubeadm_document_passes_the_kubeadm_schemas(tmp_path: Path, text: str) -> None:
    from kconf.kubeadm.schema import check_document

    files = render_text(tmp_path, text)
    kinds = []
    for name, data in files.items():
        if not name.startswith("kubeadm-"):
            continue
        for doc in yaml_docs(data):
            assert check_document(doc) == [], f"{name}: {doc['kind']}"
            kinds.append(doc["kind"])
    assert {"InitConfiguration", "ClusterConfiguration", "JoinConfiguration"} <= set(kinds)


def test_the_schema_check_would_catch_a_bad_document(tmp_path: Path) -> None:
    from kconf.kubeadm.schema import check_document

    (init, _cluster) = yaml_docs(render_text(tmp_path, BASE)["kubeadm-init.yaml"])
    init["nodeRegistration"]["kubeletExtraArgs"] = {"node-ip": "192.168.51.81"}  # v1beta3 shape under v1beta4
    assert [str(i) for i in check_document(init)] == [
        "nodeRegistration.kubeletExtraArgs: in kubeadm.k8s.io/v1beta4 kubeletExtraArgs is a list of {name, value} "
        "entries, not the v1beta3 map of flag: value; write '- name: node-ip' with 'value: \"192.168.51.81\"' "
        "('kubeadm config migrate' converts v1beta3 files)"
    ]


# --- spec.kubelet, spec.kubeProxy, flags, kubeadm-upgrade.yaml (issue 12) -----------------

COMPONENTS = """\
  kubelet:
    maxPods: 50
    cgroupDriver: systemd
    evictionHard: {nodefs.available: 10%, memory.available: 200Mi}
  kubeProxy:
    mode: ipvs
    ipvs: {strictARP: true}
  apiServer:
    certSANs: [k8s-vip, api.lab.example.com, 10.9.9.9]
    extraArgs: {profiling: "false", audit-log-maxage: "30"}
  controllerManager:
    extraArgs: {terminated-pod-gc-threshold: "500"}
  scheduler:
    extraArgs: {profiling: "false"}
  etcd:
    extraArgs: {quota-backend-bytes: "4294967296"}
"""


@pytest.mark.parametrize(("version", "api"), [("v1.30.6", "v1beta3"), ("v1.31.2", "v1beta4")])
def test_flags_are_written_once_and_rendered_in_the_shape_of_the_api(tmp_path: Path, version: str, api: str) -> None:
    files = render_text(tmp_path, BASE.replace("v1.31.2", version) + COMPONENTS)
    init, cluster, kubelet, proxy = yaml_docs(files["kubeadm-init.yaml"])
    assert init["apiVersion"] == cluster["apiVersion"] == f"kubeadm.k8s.io/{api}"

    def flags(args: dict[str, str]) -> Any:
        return dict(sorted(args.items())) if api == "v1beta3" else [{"name": k, "value": v} for k, v in sorted(args.items())]

    # kconf's own names first, then the description's, each once
    assert cluster["apiServer"] == {
        "certSANs": ["k8s-vip", "lab-lb", "192.168.51.80", "api.lab.example.com", "10.9.9.9"],
        "extraArgs": flags({"profiling": "false", "audit-log-maxage": "30"}),
    }
    assert cluster["controllerManager"] == {"extraArgs": flags({"node-cidr-mask-size": "24", "terminated-pod-gc-threshold": "500"})}
    assert cluster["scheduler"] == {"extraArgs": flags({"profiling": "false"})}
    assert cluster["etcd"] == {"local": {"extraArgs": flags({"quota-backend-bytes": "4294967296"})}}
    # upstream's field names, keys sorted as kubeadm prints them
    assert kubelet == {
        "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration", "cgroupDriver": "systemd",
        "evictionHard": {"memory.available": "200Mi", "nodefs.available": "10%"}, "maxPods": 50,
    }
    assert list(kubelet) == ["apiVersion", "kind", "cgroupDriver", "evictionHard", "maxPods"]
    assert proxy == {"apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
                     "ipvs": {"strictARP": True}, "mode": "ipvs"}
    assert ("kubeadm-upgrade.yaml" in files) == (api == "v1beta4")


def test_without_the_new_fields_nothing_new_is_written(tmp_path: Path) -> None:
    init, cluster = yaml_docs(render_text(tmp_path, BASE)["kubeadm-init.yaml"])
    assert set(cluster) == {"apiVersion", "kind", "clusterName", "kubernetesVersion", "controlPlaneEndpoint", "networking",
                            "apiServer", "controllerManager"}
    assert cluster["apiServer"] == {"certSANs": ["k8s-vip", "lab-lb", "192.168.51.80"]}


def test_the_upgrade_file_targets_the_description_version(tmp_path: Path) -> None:
    files = render_text(tmp_path, BASE.replace("v1.31.2", "v1.33.4"))
    assert files["kubeadm-upgrade.yaml"].decode().split("\n", 1)[1] == (
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: UpgradeConfiguration\napply:\n  kubernetesVersion: v1.33.4\n"
        "plan:\n  kubernetesVersion: v1.33.4\n"
    )
    plan = files["PLAN.md"].decode()
    first = plan.index("sudo kubeadm upgrade apply --config kubeadm-upgrade.yaml")
    assert first < plan.index("(cp-2): install the new kubeadm, then\n   `sudo kubeadm upgrade node`") < plan.index(
        "(worker-1): install the new kubeadm, then `sudo kubeadm upgrade node`")
    assert "sudo systemctl daemon-reload && sudo systemctl\nrestart kubelet" in plan


@pytest.mark.parametrize(("block", "line", "message"), [
    pytest.param("  kubeProxy:\n    mode: iptables\n    ipvs: {strictARP: true}\n", 29,
                 "spec.kubeProxy.ipvs: is for mode ipvs; kube-proxy in mode iptables ignores it "
                 "(set mode: ipvs, or remove ipvs)", id="ipvs-settings-without-ipvs"),
    pytest.param("  kubeProxy:\n    ipvs: {strictARP: true}\n", 28,
                 "spec.kubeProxy.ipvs: is for mode ipvs; kube-proxy in mode iptables ignores it "
                 "(set mode: ipvs, or remove ipvs)", id="ipvs-settings-default-mode"),
    pytest.param("  kubelet:\n    imageGCHighThresholdPercent: 80\n    imageGCLowThresholdPercent: 85\n", 29,
                 "spec.kubelet.imageGCLowThresholdPercent: 85 must be below "
                 "imageGCHighThresholdPercent 80: the kubelet refuses to start otherwise", id="image-gc-thresholds"),
    pytest.param("  apiServer:\n    extraArgs: {--profiling: \"false\"}\n", 28,
                 "spec.apiServer.extraArgs: '--profiling' is not a flag name without its leading -- (lower-case letters, "
                 "digits, '-', '_' and '.'), e.g. audit-log-path", id="flag-with-dashes"),
    pytest.param("  scheduler:\n    extraArgs: {v: 4}\n", 28,
                 "spec.scheduler.extraArgs.v: 4 was read as a number; quote it if it is meant as text", id="flag-value-a-number"),
    pytest.param("  kubelet:\n    cgroupDriver: Systemd\n", 28,
                 "spec.kubelet.cgroupDriver: 'Systemd' is not one of systemd | cgroupfs", id="cgroup-driver-value"),
    pytest.param("  kubelet:\n    nodeIP: 10.0.0.1\n", 28,
                 "spec.kubelet.nodeIP: unknown field 'nodeIP' (known fields: cgroupDriver, containerLogMaxFiles, "
                 "containerLogMaxSize, evictionHard, failSwapOn, featureGates, imageGCHighThresholdPercent, "
                 "imageGCLowThresholdPercent, kubeReserved, maxPods, memorySwap, podPidsLimit, protectKernelDefaults, "
                 "resolvConf, rotateCertificates, serverTLSBootstrap, shutdownGracePeriod, shutdownGracePeriodCriticalPods, "
                 "systemReserved, tlsMinVersion)", id="kubelet-field-kconf-does-not-pass"),
])
def test_component_settings_kconf_refuses_name_the_field(tmp_path: Path, block: str, line: int, message: str) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE + block)
    result = run_cli("render", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}:" in result.stderr and f"error: {message} [cluster-schema]" in result.stderr, result.stderr
