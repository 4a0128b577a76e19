"""PLAN.md: the ordered steps, host by host, that take the rendered files to
a running cluster, generated from the model."""

from __future__ import annotations

from kconf import kubeadm
from kconf.description import Cluster
from kconf.outputs import Files, RenderedFile, header
from kconf.outputs.kube_vip import needs_super_admin
from kconf.resources import render_template


# From Calico v3.30 tigera-operator.yaml no longer holds the operator's CRDs:
# they are in operator-crds.yaml (../shared/corpus/calico/FACTS.md, section 3).
OPERATOR_CRDS_APART_FROM = (3, 30)


def operator_crds_apart(version: str | None) -> bool:
    if version is None:
        return False
    major, minor = (int(p) for p in version.lstrip("v").split(".")[:2])
    return (major, minor) >= OPERATOR_CRDS_APART_FROM


def plan_files(cluster: Cluster) -> Files:
    lb = cluster.load_balancer
    first = cluster.first_control_plane
    joins = sorted(kubeadm.joining_nodes(cluster), key=lambda n: not n.is_control_plane)  # control planes first
    lb_hosts = [h.name for h in lb.hosts] if lb is not None else []
    node_names = [n.name for n in cluster.nodes]
    targets = node_names + [h for h in lb_hosts if h not in node_names]
    if lb is not None and lb.mode == "haproxy" and lb.hostname and lb.hostname not in targets:
        targets.append(lb.hostname)
    text = render_template(
        "PLAN.md.j2",
        header=header(cluster).replace("--", "- -"),  # inside an HTML comment
        cluster=cluster.name,
        mode=lb.mode if lb is not None else None,
        haproxy_host=(lb.hostname or str(lb.address)) if lb is not None else None,
        lb_hosts=lb_hosts,
        hosts_targets=targets,
        vip=lb.address if lb is not None else None,
        vip_bits=lb.address.max_prefixlen if lb is not None else None,
        super_admin=needs_super_admin(cluster, first),
        first=first.name,
        calico_mode=cluster.calico.mode,
        calico_version=cluster.calico.version,
        crds_apart=operator_crds_apart(cluster.calico.version),
        joins=[{"node": n.name, "role": n.role, "control_plane": n.is_control_plane} for n in joins],
        control_plane_joins=any(n.is_control_plane for n in joins),
        upgrade_config=kubeadm.has_upgrade_configuration(cluster),
        version=cluster.kubernetes_version,
        control_planes=[n.name for n in joins if n.is_control_plane],
        workers=[n.name for n in joins if not n.is_control_plane],
        dual_stack=len(cluster.families) > 1,
    )
    return {"PLAN.md": RenderedFile(text.encode())}
