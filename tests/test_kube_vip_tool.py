"""Upstream kube-vip, as tools/kube-vip/build makes it, prints the static Pod
kconf's kube-vip renderer must match: an ARP, control-plane-only kube-vip with
Kubernetes leader election (tests/kube_vip_tool.py).

Every expected value is written out: it is what kube-vip v1.0.0 printed for
these flags, so a rebuilt or upgraded binary that prints anything else fails.
"""

from __future__ import annotations

from typing import Any

from kube_vip_tool import manifest_pod, manifest_pod_text, pinned_version, run_kube_vip

FLAGS = ("--interface", "enp0s8", "--address", "192.168.51.80", "--controlplane", "--arp", "--leaderElection")

ENV = [
    {"name": "vip_arp", "value": "true"},
    {"name": "port", "value": "6443"},
    {"name": "vip_nodename", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
    {"name": "vip_interface", "value": "enp0s8"},
    {"name": "vip_subnet", "value": "32"},
    {"name": "dns_mode", "value": "first"},
    {"name": "cp_enable", "value": "true"},
    {"name": "cp_namespace", "value": "kube-system"},
    {"name": "vip_leaderelection", "value": "true"},
    {"name": "vip_leasename", "value": "plndr-cp-lock"},
    {"name": "vip_leaseduration", "value": "5"},
    {"name": "vip_renewdeadline", "value": "3"},
    {"name": "vip_retryperiod", "value": "1"},
    {"name": "address", "value": "192.168.51.80"},
    {"name": "prometheus_server", "value": ":2112"},
]

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"creationTimestamp": None, "name": "kube-vip", "namespace": "kube-system"},
    "spec": {
        "containers": [
            {
                "args": ["manager"],
                "env": ENV,
                "image": "ghcr.io/kube-vip/kube-vip:v1.0.0",
                "imagePullPolicy": "IfNotPresent",
                "name": "kube-vip",
                "resources": {},
                "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]}},
                "volumeMounts": [{"mountPath": "/etc/kubernetes/admin.conf", "name": "kubeconfig"}],
            }
        ],
        "hostAliases": [{"hostnames": ["kubernetes"], "ip": "127.0.0.1"}],
        "hostNetwork": True,
        "volumes": [{"hostPath": {"path": "/etc/kubernetes/admin.conf"}, "name": "kubeconfig"}],
    },
    "status": {},
}


def container(pod: dict[str, Any]) -> dict[str, Any]:
    containers = pod["spec"]["containers"]
    assert len(containers) == 1
    result: dict[str, Any] = containers[0]
    return result


def test_the_pinned_version_is_the_one_built_and_stamped() -> None:
    assert pinned_version() == "v1.0.0"
    result = run_kube_vip("version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Kube-VIP Release Information\n"
        "Version:  v1.0.0\n"
        "Build:    d8877072d4a1dcb2fde2ccd22b97dbf65a1c2a73\n"
    )


def test_env_names_and_values_in_order() -> None:
    assert container(manifest_pod(*FLAGS))["env"] == ENV


def test_image_args_and_pull_policy() -> None:
    c = container(manifest_pod(*FLAGS))
    assert c["name"] == "kube-vip"
    assert c["image"] == "ghcr.io/kube-vip/kube-vip:v1.0.0"
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["args"] == ["manager"]


def test_capabilities() -> None:
    assert container(manifest_pod(*FLAGS))["securityContext"] == {
        "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]}
    }


def test_admin_conf_is_mounted_from_the_host() -> None:
    pod = manifest_pod(*FLAGS)
    assert container(pod)["volumeMounts"] == [{"mountPath": "/etc/kubernetes/admin.conf", "name": "kubeconfig"}]
    assert pod["spec"]["volumes"] == [{"hostPath": {"path": "/etc/kubernetes/admin.conf"}, "name": "kubeconfig"}]


def test_host_network_and_the_kubernetes_host_alias() -> None:
    spec = manifest_pod(*FLAGS)["spec"]
    assert spec["hostNetwork"] is True
    assert spec["hostAliases"] == [{"hostnames": ["kubernetes"], "ip": "127.0.0.1"}]


def test_the_whole_pod() -> None:
    assert manifest_pod(*FLAGS) == POD


def test_port_6443_and_services_off_are_the_defaults() -> None:
    # The same Pod, byte for byte: --port defaults to 6443 and --services to
    # false, so FLAGS alone already give the services-less control-plane Pod.
    text = manifest_pod_text(*FLAGS)
    assert manifest_pod_text(*FLAGS, "--port", "6443") == text
    assert manifest_pod_text(*FLAGS, "--port", "6443", "--services=false") == text


def test_services_add_two_env_entries_after_cp_namespace() -> None:
    env = container(manifest_pod(*FLAGS, "--services"))["env"]
    assert env == [
        *ENV[:8],
        {"name": "svc_enable", "value": "true"},
        {"name": "svc_leasename", "value": "plndr-svcs-lock"},
        *ENV[8:],
    ]


def test_another_port_is_the_port_env() -> None:
    env = container(manifest_pod(*FLAGS, "--port", "8443"))["env"]
    assert env == [ENV[0], {"name": "port", "value": "8443"}, *ENV[2:]]
