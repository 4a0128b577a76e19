"""haproxy.cfg: an L4 (mode tcp) frontend on loadBalancer.port and one
backend server per control-plane node, with health checks (modes haproxy and
keepalived; kube-vip has no HAProxy)."""

from __future__ import annotations

from kconf.description import Cluster
from kconf.outputs import Files, RenderedFile, bracketed, header
from kconf.resources import render_template


def haproxy_files(cluster: Cluster) -> Files:
    lb = cluster.load_balancer
    if lb is None or not lb.runs_haproxy:
        return {}
    servers = [{"name": node.name, "address": bracketed(node.ip, node.bind_port)} for node in cluster.control_plane_nodes]
    text = render_template(
        "haproxy.cfg.j2",
        header=header(cluster),
        cluster=cluster.name,
        frontend_port=lb.port,
        frontend_ipv6=lb.address.version == 6,
        health_check=lb.health_check,
        servers=servers,
    )
    return {"haproxy.cfg": RenderedFile(text.encode())}
