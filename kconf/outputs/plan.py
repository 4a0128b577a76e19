"""PLAN.md: the ordered steps, host by host, that take the rendered files to
a running cluster, generated from the model."""

from __future__ import annotations

from kconf import kubeadm
from kconf.addresses import AddressError, parse_address
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


# Where calico-node runs: the operator's namespace, or the manifest's.
CALICO_NAMESPACE = {"operator": "calico-system", "manifest": "kube-system"}


def endpoint_name(cluster: Cluster) -> str | None:
    """The endpoint's host when it is a name (one the hosts file makes resolve)."""
    endpoint = cluster.endpoint()
    if endpoint is None:
        return None
    try:
        parse_address(endpoint[0])
    except AddressError:
        return endpoint[0]
    return None


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
        endpoint=kubeadm.api_server_endpoint(cluster),
        endpoint_name=endpoint_name(cluster),
        backends=[n.name for n in cluster.control_plane_nodes],
        first_address=first.ip,
        first_socket=cluster.node_cri_socket(first),
        pod_subnet=cluster.networking.pod_subnet,
        autodetection=str(cluster.calico.ip_autodetection),
        calico_namespace=CALICO_NAMESPACE[cluster.calico.mode],
        nodes=[
            {"name": n.name, "roles": "control-plane" if n.is_control_plane else "<none>", "internal_ip": cluster.node_ips(n)[0]}
            for n in cluster.nodes
        ],
    )
    return {"PLAN.md": RenderedFile(text.encode())}
