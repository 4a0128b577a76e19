"""kubeadm-init.yaml (InitConfiguration + ClusterConfiguration for the first
control plane, and the KubeletConfiguration / KubeProxyConfiguration of
spec.kubelet / spec.kubeProxy), kubeadm-join-<node>.yaml (a JoinConfiguration
for every other node) and, from Kubernetes 1.31, kubeadm-upgrade.yaml (an
UpgradeConfiguration); the documents themselves come from kconf.kubeadm."""

from __future__ import annotations

from kconf import kubeadm
from kconf.description import Cluster, Node
from kconf.outputs import Files, yaml_file, yaml_text_file
from kconf.yamlio import dump_documents


def join_config_text(cluster: Cluster, node: Node) -> str:
    return dump_documents([kubeadm.join_configuration(cluster, node)])


def kubeadm_files(cluster: Cluster) -> Files:
    files: Files = {"kubeadm-init.yaml": yaml_file(cluster, kubeadm.init_documents(cluster))}
    for node in kubeadm.joining_nodes(cluster):
        files[f"kubeadm-join-{node.name}.yaml"] = yaml_text_file(cluster, join_config_text(cluster, node))
    if kubeadm.has_upgrade_configuration(cluster):
        files["kubeadm-upgrade.yaml"] = yaml_file(cluster, [kubeadm.upgrade_configuration(cluster)])
    return files
