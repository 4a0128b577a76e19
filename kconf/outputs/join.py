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
        config=config.rstrip("\n"),
    )
    return RenderedFile(text.encode(), SCRIPT_MODE)


def join_files(cluster: Cluster) -> Files:
    return {
        f"join-{node.name}.sh": join_script(cluster, node, join_config_text(cluster, node))
        for node in kubeadm.joining_nodes(cluster)
    }
