"""kube-vip-<node>.yaml (mode kube-vip): a static Pod for
/etc/kubernetes/manifests on every control plane, in ARP mode with leader
election, holding the control-plane VIP (no HAProxy). The shape is what
`kube-vip manifest pod --arp --controlplane --leaderElection` prints; the test
tier compares them (tests/test_kube_vip_manifest.py).

From Kubernetes 1.29 kubeadm's admin.conf is only authorised through a
ClusterRoleBinding that `kubeadm init` creates once the API server runs, which
needs the VIP kube-vip is to provide: on the first control plane kube-vip
starts with super-admin.conf (kube-vip #684, kubeadm #3274) and PLAN.md says
when to switch it to admin.conf.
"""

from __future__ import annotations

from typing import Any

from kconf.description import Cluster, LoadBalancer, Node
from kconf.outputs import Files, yaml_file

KUBE_VIP_VERSION = "v1.0.0"
KUBE_VIP_IMAGE = f"ghcr.io/kube-vip/kube-vip:{KUBE_VIP_VERSION}"
ADMIN_CONF = "/etc/kubernetes/admin.conf"
SUPER_ADMIN_CONF = "/etc/kubernetes/super-admin.conf"
SUPER_ADMIN_FROM = (1, 29)
LEASE_NAME = "plndr-cp-lock"


def needs_super_admin(cluster: Cluster, node: Node) -> bool:
    return cluster.version[:2] >= SUPER_ADMIN_FROM and node is cluster.first_control_plane


def _env(lb: LoadBalancer) -> list[dict[str, Any]]:
    def value(name: str, text: str) -> dict[str, Any]:
        return {"name": name, "value": text}

    return [
        value("vip_arp", "true"),
        value("port", str(lb.port)),
        {"name": "vip_nodename", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        value("vip_interface", lb.interface or ""),
        value("vip_subnet", str(lb.address.max_prefixlen)),
        value("dns_mode", "first"),
        value("cp_enable", "true"),
        value("cp_namespace", "kube-system"),
        value("vip_leaderelection", "true"),
        value("vip_leasename", LEASE_NAME),
        value("vip_leaseduration", "5"),
        value("vip_renewdeadline", "3"),
        value("vip_retryperiod", "1"),
        value("address", str(lb.address)),
        value("prometheus_server", ":2112"),
    ]


def kube_vip_pod(cluster: Cluster, lb: LoadBalancer, node: Node) -> dict[str, Any]:
    kubeconfig = SUPER_ADMIN_CONF if needs_super_admin(cluster, node) else ADMIN_CONF
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "kube-vip", "namespace": "kube-system"},
        "spec": {
            "containers": [
                {
                    "args": ["manager"],
                    "env": _env(lb),
                    "image": KUBE_VIP_IMAGE,
                    "imagePullPolicy": "IfNotPresent",
                    "name": "kube-vip",
                    "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]}},
                    "volumeMounts": [{"mountPath": ADMIN_CONF, "name": "kubeconfig"}],
                }
            ],
            "hostAliases": [{"hostnames": ["kubernetes"], "ip": "127.0.0.1"}],
            "hostNetwork": True,
            "volumes": [{"hostPath": {"path": kubeconfig}, "name": "kubeconfig"}],
        },
    }


def kube_vip_files(cluster: Cluster) -> Files:
    lb = cluster.load_balancer
    if lb is None or lb.mode != "kube-vip":
        return {}
    return {f"kube-vip-{node.name}.yaml": yaml_file(cluster, [kube_vip_pod(cluster, lb, node)]) for node in cluster.control_plane_nodes}
