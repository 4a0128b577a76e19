"""The component rules (kconf/lint/rules/components.py): exact findings
(file, line, column, rule, severity, message) of component-config-schema,
kubelet-cgroup-driver, kube-proxy-mode and extra-args-conflict.

Written for the mutants of kconf/lint/rules/components.py that survived the
rest of the suite (see tools/mutation/run): tests/test_lint_components.py
does not look at a finding's rule name, nor at trees where the description
has no model or a broken part, nor at a second component after a first one
the rule passes over. Each row is a small tree of files and every finding the
four rules give on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kconf.lint.model import Group, cluster_source
from kconf.lint.rules.components import extra_args_conflict
from kconf.yamlio import load_one
from lintkit import BASE_CLUSTER, lay_out, lint

RULES = "component-config-schema,kubelet-cgroup-driver,kube-proxy-mode,extra-args-conflict"
Row = tuple[str, int, int, str, str, str]

KUBELET = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
INIT = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\n"
# a description with no spec mapping: a ClusterFile with a view but no model (cluster None)
NO_MODEL = "apiVersion: kconf/v1alpha1\nkind: Cluster\nmetadata:\n  name: lab\nspec: []\n"
CP1 = "      address: 192.168.51.81/24\n"

CGROUPFS = (
    " is cgroupfs, but kubeadm runs the kubelet as a systemd service (its default since 1.22 is systemd): cgroupfs makes "
    "a second cgroup manager beside systemd, and the container runtime must use cgroupfs too"
)
OVERRIDES = "; a runtime new enough to report its driver (containerd 2.0+, CRI-O 1.28+) overrides this field"
CRIO = (
    "; CRI-O's default cgroup_manager is systemd: unless crio.conf sets cgroup_manager = \"cgroupfs\", the kubelet and "
    "CRI-O disagree and Pods do not start"
)
USE_SYSTEMD = "; use systemd on the kubelet and the runtime"


def _proxy(version: str, block: str) -> dict[str, str]:
    return {"cluster.yaml": BASE_CLUSTER.replace("v1.31.2", version) + "  kubeProxy:\n" + block}


CASES = [
    # --- kube-proxy-mode: every finding with its rule name (the mutants that rename it) and the version bounds
    pytest.param(_proxy("v1.28.4", "    mode: nftables\n"), [
        ("cluster.yaml", 31, 11, "kube-proxy-mode", "error",
         "kube-proxy has no nftables mode before Kubernetes 1.29 (kubernetesVersion is 1.28); use iptables or ipvs"),
    ], id="nftables-before-1.29"),  # _mode_findings 46, 52, 53
    pytest.param(_proxy("v1.29.0", "    mode: nftables\n"), [
        ("cluster.yaml", 31, 11, "kube-proxy-mode", "error",
         "the nftables mode is alpha and off by default in Kubernetes 1.29 and 1.30 (kubernetesVersion is 1.29): kube-proxy "
         "refuses it unless spec.kubeProxy.featureGates has NFTablesProxyMode: true (or use Kubernetes 1.31+)"),
    ], id="nftables-alpha-on-1.29-itself"),  # 1.29 has the mode: _mode_findings 45 (<=); 61, 67, 68
    pytest.param(_proxy("v1.32.0", "    mode: nftables\n    featureGates: {NFTablesProxyMode: false}\n"), [
        ("cluster.yaml", 32, 39, "kube-proxy-mode", "error",
         "spec.kubeProxy.featureGates.NFTablesProxyMode: false turns off the nftables mode that spec.kubeProxy.mode asks "
         "for: kube-proxy refuses the mode; remove the gate"),
    ], id="nftables-gate-off-on-1.32"),  # _mode_findings 80, 86, 87
    pytest.param(_proxy("v1.33.1", "    featureGates: {NFTablesProxyMode: false}\n"), [
        ("cluster.yaml", 31, 39, "kube-proxy-mode", "error",
         "spec.kubeProxy.featureGates.NFTablesProxyMode: false: the gate is GA and locked to true from Kubernetes 1.33 "
         "(kubernetesVersion is 1.33), and kube-proxy refuses to start with it set to false; remove it"),
    ], id="gate-locked-on-1.33"),  # _mode_findings 27, 33, 34
    pytest.param(_proxy("v1.33.0", "    mode: nftables\n    featureGates: {NFTablesProxyMode: false}\n"), [
        ("cluster.yaml", 32, 39, "kube-proxy-mode", "error",
         "spec.kubeProxy.featureGates.NFTablesProxyMode: false: the gate is GA and locked to true from Kubernetes 1.33 "
         "(kubernetesVersion is 1.33), and kube-proxy refuses to start with it set to false; remove it"),
    ], id="gate-locked-with-nftables-is-one-finding"),  # no "turns off" finding on 1.33: _mode_findings 77 (<=)
    pytest.param(_proxy("v1.37.2", "    mode: ipvs\n"), [
        ("cluster.yaml", 31, 11, "kube-proxy-mode", "warning",
         "the ipvs mode is deprecated from Kubernetes 1.37 (kubernetesVersion is 1.37): kube-proxy warns that it will be "
         "off by default in 1.40 and removed in 1.43; move to nftables"),
    ], id="ipvs-deprecated"),  # _mode_findings 103, 111, 112

    # --- kubelet-cgroup-driver
    pytest.param({
        "cluster.yaml": BASE_CLUSTER + "  kubelet:\n    cgroupDriver: systemd\n",
        "lab/k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.0\n---\n"
                      + KUBELET + "cgroupDriver: cgroupfs\n",
    }, [
        ("lab/k.yaml", 7, 15, "kubelet-cgroup-driver", "warning", "cgroupDriver" + CGROUPFS + USE_SYSTEMD),
    ], id="cgroupfs-after-a-systemd-kubelet"),  # the description's systemd is passed over, not the end: 15; 38, 44, 45
    pytest.param({
        "k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n"
                  "  criSocket: unix:///var/run/crio/crio.sock\n---\n" + KUBELET + "cgroupDriver: cgroupfs\n",
    }, [
        ("k.yaml", 8, 15, "kubelet-cgroup-driver", "warning", "cgroupDriver" + CGROUPFS + CRIO + USE_SYSTEMD),
    ], id="join-configuration-socket"),  # the socket of a JoinConfiguration counts: components 62, 63, 64
    pytest.param({
        "cluster.yaml": BASE_CLUSTER.replace("criSocket: unix:///var/run/containerd/containerd.sock", "criSocket: 5").replace(
            CP1, CP1 + "      criSocket: unix:///var/run/crio/crio.sock\n") + "  kubelet:\n    cgroupDriver: cgroupfs\n",
    }, [
        ("cluster.yaml", 32, 19, "kubelet-cgroup-driver", "warning", "spec.kubelet.cgroupDriver" + CGROUPFS + OVERRIDES + USE_SYSTEMD),
    ], id="spec-cri-socket-broken"),  # no runtime note from cp-1's CRI-O socket: components 30, 32 (or -> and)
    pytest.param({
        "cluster.yaml": BASE_CLUSTER.replace(CP1, CP1 + "      criSocket: 5\n") + "  kubelet:\n    cgroupDriver: cgroupfs\n",
    }, [
        ("cluster.yaml", 32, 19, "kubelet-cgroup-driver", "warning", "spec.kubelet.cgroupDriver" + CGROUPFS + OVERRIDES + USE_SYSTEMD),
    ], id="node-cri-socket-broken"),  # no containerd note from spec.criSocket: components 30

    # --- component-config-schema
    pytest.param({
        "cluster.yaml": BASE_CLUSTER.replace("v1.31.2", "v1.30.1"),
        "lab/k.yaml": INIT + KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n",
    }, [
        ("lab/k.yaml", 6, 1, "component-config-schema", "error",
         "KubeletConfiguration: crashLoopBackOff: unknown field 'crashLoopBackOff' for Kubernetes 1.30: it is newer than "
         "1.31, and kubeadm 1.30 refuses it as unknown; remove it or raise kubernetesVersion"),
    ], id="schema-with-the-description-version"),  # component_config_schema 15, 21, 22
    pytest.param({
        "cluster.yaml": BASE_CLUSTER.replace("v1.31.2", "bogus"),
        "lab/k.yaml": INIT + KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n",
    }, [], id="schema-with-a-broken-description-version"),  # no version (not the placeholder 1.31): _described_minor 3

    # --- extra-args-conflict
    pytest.param({
        "cluster.yaml": BASE_CLUSTER + "  apiServer:\n    extraArgs:\n      audit-log-maxage: \"30\"\n      secure-port: \"8443\"\n",
    }, [
        ("cluster.yaml", 33, 7, "extra-args-conflict", "error",
         "spec.apiServer.extraArgs.secure-port ('8443') would override what kconf sets from spec.nodes[].bindPort (HAProxy "
         "backends and localAPIEndpoint follow it): remove the flag and set spec.nodes[].bindPort"),
    ], id="owned-flag-after-another"),  # the other flag is passed over, not the end: extra_args_conflict 11; 13, 19, 20

    # --- a description with no model: the rules go on with the kubeadm files (no crash on cluster None)
    pytest.param({
        "cluster.yaml": NO_MODEL,
        "lab/k.yaml": INIT + KUBELET + "cgroupDriver: cgroupfs\ncrashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n",
    }, [
        ("lab/k.yaml", 6, 15, "kubelet-cgroup-driver", "warning", "cgroupDriver" + CGROUPFS + USE_SYSTEMD),
    ], id="description-without-a-model"),  # _described_minor 4, components 3, extra_args_conflict 3
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_component_rules_exact_findings(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    lay_out(tmp_path, files)
    found = [(str(Path(f.path).relative_to(tmp_path)), f.line, f.column, f.rule, f.severity, f.message)
             for f in lint(tmp_path, select=RULES)]
    assert found == expected


def test_extra_args_conflict_without_a_view_is_silent(tmp_path: Path) -> None:
    """A ClusterFile may have a model but no view (the type allows it, the
    loader always sets one): the rule has no place to report at and says
    nothing (extra_args_conflict 2: `or` -> `and`, which goes on and fails)."""
    path = tmp_path / "cluster.yaml"
    path.write_text(BASE_CLUSTER + "  apiServer:\n    extraArgs:\n      secure-port: \"8443\"\n")
    source = cluster_source(str(path), path.read_text(), load_one(path.read_text(), str(path)))
    assert source.cluster is not None and source.view is not None
    assert len(list(extra_args_conflict(Group([source], cluster_file=source)))) == 1
    source.view = None
    assert list(extra_args_conflict(Group([source], cluster_file=source))) == []
