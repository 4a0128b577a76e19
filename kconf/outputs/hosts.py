"""hosts: /etc/hosts lines for the endpoint name, the load balancer (its
address, and each keepalived LB host) and every node."""

from __future__ import annotations

from typing import Any

from kconf.description import Cluster
from kconf.outputs import Files, RenderedFile, header
from kconf.resources import render_template


def hosts_entries(cluster: Cluster) -> list[tuple[str, list[str]]]:
    """(address, names) in a stable order: load balancer, extra hosts, LB
    hosts, nodes; a name appears once, with its first address."""
    by_address: dict[str, list[str]] = {}
    named: set[str] = set()

    def add(address: Any, name: str | None) -> None:
        if name is None or name in named:
            return
        named.add(name)
        by_address.setdefault(str(address), []).append(name)

    lb = cluster.load_balancer
    if lb is not None:
        add(lb.address, lb.hostname)
    for name, address in cluster.hosts:
        add(address, name)
    if lb is not None:
        for host in lb.hosts:
            add(host.address.ip, host.name)
    for node in cluster.nodes:
        add(node.ip, node.name)
    return list(by_address.items())


def hosts_files(cluster: Cluster) -> Files:
    lb = cluster.load_balancer
    where = ""
    if lb is not None and lb.mode == "keepalived":
        where = " and on every LB host"
    elif lb is not None and lb.mode == "haproxy":
        where = " and on the load balancer"
    text = render_template("hosts.j2", header=header(cluster), entries=hosts_entries(cluster), where=where)
    return {"hosts": RenderedFile(text.encode())}
