"""hosts: /etc/hosts lines for the endpoint name, the load balancer (its
address, and each keepalived LB host) and every node."""

from __future__ import annotations

from kconf.addresses import Address
from kconf.description import Cluster
from kconf.outputs import Files, RenderedFile, header
from kconf.resources import render_template


def hosts_entries(cluster: Cluster) -> list[tuple[str, list[str]]]:
    """(address, names) in a stable order: load balancer, extra hosts, LB
    hosts, nodes, each thing's primary address first; a name appears once
    per family, with its first address of that family (dual stack: a line
    of each, and getaddrinfo returns both)."""
    by_address: dict[str, list[str]] = {}
    named: set[tuple[str, int]] = set()

    def add(address: Address, name: str | None) -> None:
        if name is None or (name, address.version) in named:
            return
        named.add((name, address.version))
        by_address.setdefault(str(address), []).append(name)

    lb = cluster.load_balancer
    if lb is not None:
        for address in lb.addresses:
            add(address, lb.hostname)
    for name, address in cluster.hosts:
        add(address, name)
    if lb is not None:
        for host in lb.hosts:
            add(host.address.ip, host.name)
    for node in cluster.nodes:
        for interface in node.addresses:
            add(interface.ip, node.name)
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
