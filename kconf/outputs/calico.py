"""calico.yaml (manifest mode: the upstream manifest, patched) or
calico-installation.yaml (operator mode: the Installation resource)."""

from __future__ import annotations

from kconf.calico.autodetect import CIDR, INTERFACE, KUBERNETES_INTERNAL_IP, MINIMUM_CALICO, AutodetectMethod
from kconf.description import Cluster
from kconf.errors import KconfError
from kconf.outputs import Files, RenderedFile, yaml_file


def calico_files(cluster: Cluster) -> Files:
    if cluster.calico.mode == "manifest":
        return {"calico.yaml": calico_manifest(cluster)}
    from kconf.calico.installation import documents

    return {"calico-installation.yaml": yaml_file(cluster, documents(cluster))}


def manifest_autodetection(cluster: Cluster, calico_version: tuple[int, int] | None) -> AutodetectMethod:
    """The method written into a manifest. kconf's default where the VIP lives
    on nodes is kubernetes-internal-ip; a Calico older than that method gets
    the VIP's interface pinned instead (which can still pick the VIP: the
    calico-autodetect-vip rule warns)."""
    method = cluster.calico.ip_autodetection
    minimum = MINIMUM_CALICO[KUBERNETES_INTERNAL_IP]
    if not (cluster.calico.autodetection_defaulted and method.kind == KUBERNETES_INTERNAL_IP):
        return method
    if calico_version is None or calico_version >= minimum:
        return method
    names = vip_interfaces(cluster)
    return AutodetectMethod(INTERFACE, tuple(f"^{name}$" for name in names)) if names else method


def vip_interfaces(cluster: Cluster) -> tuple[str, ...]:
    """The NICs that carry the VIP on the nodes that may hold it."""
    lb = cluster.load_balancer
    if lb is None:
        return ()
    if lb.interface is not None:
        return (lb.interface,)
    holders = {n.name for n in cluster.vip_nodes()}
    return tuple(dict.fromkeys(h.interface for h in lb.hosts if h.name in holders))


def calico_manifest(cluster: Cluster) -> RenderedFile:
    """The upstream manifest with every pool setting of the description: the
    pod CIDR(s), autodetection, encapsulation, block size, and veth_mtu when
    calico.mtu is set; dual stack adds the IPv6 pool (patch_manifest)."""
    from kconf.calico.patch import EncapsulationError, calico_version, find_calico_node, patch_manifest
    from kconf.fsio import read_text

    assert cluster.calico.manifest is not None
    source = str(cluster.calico.manifest)
    pod_v4 = [n for n in cluster.networking.pod_subnets if n.version == 4]
    pod_v6 = [n for n in cluster.networking.pod_subnets if n.version == 6]
    if not pod_v4:
        raise KconfError("manifest mode sets CALICO_IPV4POOL_CIDR and needs an IPv4 podSubnet", str(cluster.path))
    try:
        text = read_text(source)
    except KconfError as exc:
        field = ("spec", "calico", "manifest")
        raise KconfError(
            f"the upstream Calico manifest {source}: {exc.message}", str(cluster.path), cluster.document.line(field), field
        ) from None
    method = cluster.calico.ip_autodetection
    if cluster.calico.autodetection_defaulted and method.kind == KUBERNETES_INTERNAL_IP:
        node = find_calico_node(text, source)
        method = manifest_autodetection(cluster, calico_version(node.image) if node is not None else None)
    ipv6_method = ipv6_autodetection(cluster, method) if pod_v6 else None
    try:
        result = patch_manifest(
            text, source, str(pod_v4[0]), str(family_method(method, 4)),
            encapsulation=cluster.calico.encapsulation, block_size=cluster.calico.block_size, mtu=cluster.calico.mtu,
            ipv6_pod_cidr=str(pod_v6[0]) if pod_v6 else None,
            ipv6_autodetect=str(ipv6_method) if ipv6_method is not None else None,
        )  # fmt: skip
    except EncapsulationError as exc:
        if ("spec", "calico", "encapsulation") in cluster.document.keys:
            raise
        # the user never wrote IPIP: say where it comes from
        message = f"{exc.message} (spec.calico.encapsulation is not set, and kconf's default is IPIP)"
        raise KconfError(message, exc.path, exc.line) from None
    return RenderedFile(result.text.encode())


def family_method(method: AutodetectMethod, version: int) -> AutodetectMethod:
    """``cidr=`` may list both families (kconf's default lists the nodes'
    networks): each family's autodetection gets its own; other methods as they are."""
    from kconf.addresses import parse_network

    if method.kind != CIDR:
        return method
    cidrs = tuple(c for c in method.args if parse_network(c).version == version)
    return AutodetectMethod(CIDR, cidrs) if cidrs else method


def ipv6_autodetection(cluster: Cluster, method: AutodetectMethod) -> AutodetectMethod | None:
    """IP6_AUTODETECTION_METHOD of a dual-stack manifest: as the operator's
    nodeAddressAutodetectionV6 (kconf.calico.autodetect.for_ipv6)."""
    from kconf.calico.autodetect import for_ipv6
    from kconf.calico.installation import ipv6_networks

    return for_ipv6(method, ipv6_networks(cluster))
