"""keepalived-<host>.conf for every LB host and check_apiserver.sh (mode
keepalived): VRRP moves the VIP to the healthiest LB host, each of which runs
HAProxy (kconf.outputs.haproxy). Following kubeadm's HA guide
(kubernetes/kubeadm docs/ha-considerations.md), with unicast peers.

No VRRP password is written: VRRPv2 PASS authentication is a cleartext
8-character string in every advertisement (RFC 3768 removed it from the
protocol's security; VRRPv3 has none), so it would be a secret in a file that
protects nothing.
"""

from __future__ import annotations

from kconf.description import Cluster, LoadBalancer, LoadBalancerHost
from kconf.outputs import SCRIPT_MODE, Files, RenderedFile, header
from kconf.resources import render_template

MASTER_PRIORITY = 150
PRIORITY_STEP = 10


def priority(index: int) -> int:
    """The first LB host starts as MASTER with the highest priority; the
    others follow, PRIORITY_STEP apart."""
    return MASTER_PRIORITY - PRIORITY_STEP * index


def check_weight(lb: LoadBalancer) -> int:
    """Enough that a host whose check fails drops below every healthy one."""
    return -PRIORITY_STEP * len(lb.hosts)


def vip_prefix(lb: LoadBalancer, host: LoadBalancerHost) -> int:
    """The VIP takes the prefix of the host's network when it is inside it
    (the vip-address rule requires that), else a host route."""
    network = host.address.network
    return network.prefixlen if lb.address in network else lb.address.max_prefixlen


def keepalived_config(cluster: Cluster, lb: LoadBalancer, host: LoadBalancerHost) -> RenderedFile:
    text = render_template(
        "keepalived.conf.j2",
        header=header(cluster),
        cluster=cluster.name,
        host=host.name,
        router_id=lb.virtual_router_id,
        state="MASTER" if host.index == 0 else "BACKUP",
        priority=priority(host.index),
        weight=check_weight(lb),
        interface=host.interface,
        source=host.address.ip,
        peers=[h.address.ip for h in lb.hosts if h is not host],
        vip=lb.address,
        vip_prefix=vip_prefix(lb, host),
    )
    return RenderedFile(text.encode())


def check_script(cluster: Cluster, lb: LoadBalancer) -> RenderedFile:
    v6 = lb.address.version == 6
    text = render_template(
        "check_apiserver.sh.j2",
        header=header(cluster),
        local_host="[::1]" if v6 else "127.0.0.1",
        port=lb.port,
        vip=lb.address,
        vip_bits=lb.address.max_prefixlen,
        vip_url_host=f"[{lb.address}]" if v6 else lb.address,
    )
    return RenderedFile(text.encode(), SCRIPT_MODE)


def keepalived_files(cluster: Cluster) -> Files:
    lb = cluster.load_balancer
    if lb is None or lb.mode != "keepalived":
        return {}
    files: Files = {f"keepalived-{host.name}.conf": keepalived_config(cluster, lb, host) for host in lb.hosts}
    files["check_apiserver.sh"] = check_script(cluster, lb)
    return files
