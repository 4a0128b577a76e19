"""join-<node>.sh: fills the join secrets from the environment into a 0600
copy of kubeadm-join-<node>.yaml and runs `kubeadm join` until the node is
registered (templates/join.sh.j2)."""

from __future__ import annotations

from kconf import kubeadm
from kconf.description import Cluster, Node
from kconf.errors import KconfError
from kconf.outputs import SCRIPT_MODE, Files, RenderedFile, header
from kconf.outputs.kubeadm import join_config_text
from kconf.resources import render_template


# Why a node kubeadm joined may never show up under its name, by what deletes
# nodes: a cloud controller removes a Node whose name is not an instance it
# knows ("not present according to cloud provider"), on EC2 its private DNS name.
UNREGISTERED_HINTS = {
    "aws": "(deleted by the cloud controller? the name must be the EC2 private DNS name)",
    "external": "(deleted by the cloud controller? the name must be the one the cloud provider knows this "
    "instance by; on EC2 the private DNS name)",
}
UNREGISTERED_HINT = (
    "(is the kubelet running? see journalctl -u kubelet on this node; on a cloud, a cloud controller deletes "
    "a node not named as its instance: on EC2 the name must be the EC2 private DNS name)"
)


def join_script(cluster: Cluster, node: Node, config: str) -> RenderedFile:
    if any(line.strip() == "KCONF_JOIN_CONFIG" for line in config.splitlines()):
        raise KconfError("internal: the join configuration would end the script's here-document")
    text = render_template(
        "join.sh.j2",
        header=header(cluster),
        cluster=cluster.name,
        node=node.name,
        role=node.role,
        control_plane=node.is_control_plane,
        first=cluster.first_control_plane.name,
        script=f"join-{node.name}.sh",
        cri_socket=cluster.node_cri_socket(node),
        addresses=[str(interface.ip) for interface in node.addresses],
        unregistered_hint=UNREGISTERED_HINTS.get(cluster.cloud_provider, UNREGISTERED_HINT),
        config=config.rstrip("\n"),
    )
    return RenderedFile(text.encode(), SCRIPT_MODE)


def join_files(cluster: Cluster) -> Files:
    return {
        f"join-{node.name}.sh": join_script(cluster, node, join_config_text(cluster, node))
        for node in kubeadm.joining_nodes(cluster)
    }
