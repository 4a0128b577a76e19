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


# The last cluster's join configurations: kubeadm-join-<node>.yaml and
# join-<node>.sh both carry one, and dumping it twice was a tenth of a large
# render. Keyed by identity (a Cluster is frozen; the reference held keeps
# its id from being reused).
_joins: tuple[Cluster, dict[int, tuple[Node, str]]] | None = None


def join_config_text(cluster: Cluster, node: Node) -> str:
    global _joins
    if _joins is None or _joins[0] is not cluster:
        _joins = (cluster, {})
    texts = _joins[1]
    known = texts.get(node.index)
    if known is None or known[0] is not node:
        known = texts[node.index] = (node, dump_documents([kubeadm.join_configuration(cluster, node)]))
    return known[1]


def kubeadm_files(cluster: Cluster) -> Files:
    files: Files = {"kubeadm-init.yaml": yaml_file(cluster, kubeadm.init_documents(cluster))}
    for node in kubeadm.joining_nodes(cluster):
        files[f"kubeadm-join-{node.name}.yaml"] = yaml_text_file(cluster, join_config_text(cluster, node))
    if kubeadm.has_upgrade_configuration(cluster):
        files["kubeadm-upgrade.yaml"] = yaml_file(cluster, [kubeadm.upgrade_configuration(cluster)])
    return files
