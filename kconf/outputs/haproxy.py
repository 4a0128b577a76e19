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
    # Backends at the primary address, also with dual stack: the address
    # kube-apiserver advertises and its serving certificate names; a second
    # server per node would only count each API server twice.
    servers = [{"name": node.name, "address": bracketed(node.ip, node.bind_port)} for node in cluster.control_plane_nodes]
    text = render_template(
        "haproxy.cfg.j2",
        header=header(cluster),
        cluster=cluster.name,
        frontend_port=lb.port,
        # `:::port v4v6` takes both families: an IPv6 (or dual-stack) load balancer
        frontend_ipv6=any(a.version == 6 for a in lb.addresses),
        health_check=lb.health_check,
        servers=servers,
    )
    return {"haproxy.cfg": RenderedFile(text.encode())}
